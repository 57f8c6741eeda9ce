// PAX POSLink messages in both directions: the driver encodes requests and
// decodes responses, the simulator does the reverse. Field layouts follow
// protocols.md; the unconfirmed parts are chosen in pax-protocol-choices.ts.
//
// Card data rule (DESIGN §1.6): requests never carry card data, and every
// decoded or encoded response has its account number masked to first 6 / last 4
// and any card number in free text masked, whatever the device sent.

import { guardAccountNumber, maskUnbrokenPans, type CardBrand, type EntryMode } from '../../src-shared/card.ts';
import { isValidEcrRef } from '../../src-shared/ecr-reference.ts';
import type { TerminalOutcome, TerminalPrompt, TerminalTransactionKind } from '../terminal.ts';
import { PaxFrameError, type Field } from './pax-frame.ts';
import {
  PAX_PROTOCOL_VERSION,
  PAX_REPORT_STATUS_KEY,
  PAX_SAF_INDICATOR,
  PAX_SIGNATURE_KEY,
  PAX_SIGNATURE_STATUS,
  PAX_RESULT_NOT_FOUND,
  PAX_STATUS_CODES,
  PAX_STATUS_COMMAND,
} from './pax-protocol-choices.ts';

// ---------------------------------------------------------------------------
// Codes

/** T00 transaction types. */
export type PaxTransType =
  | 'sale'
  | 'return'
  | 'auth'
  | 'post_auth'
  | 'forced'
  | 'adjust'
  | 'void'
  | 'void_sale'
  | 'void_return'
  | 'balance'
  | 'verify'
  | 'tokenize'
  | 'reversal';

/** Wire code of each transaction type. */
export const PAX_TRANS_TYPE_CODES: Readonly<Record<PaxTransType, string>> = {
  sale: '01',
  return: '02',
  auth: '03',
  post_auth: '04',
  forced: '05',
  adjust: '06',
  void: '16',
  // V/SALE and V/RETURN: public clients void with these (pax-protocol-choices.ts item 17).
  void_sale: '17',
  void_return: '18',
  balance: '23',
  verify: '24',
  tokenize: '32',
  reversal: '99',
};

const CARD_TYPE_CODES: Readonly<Record<CardBrand, string>> = {
  visa: '01',
  mastercard: '02',
  amex: '03',
  discover: '04',
  diners: '05',
  jcb: '07',
  other: '99',
};

const ENTRY_MODE_CODES: Readonly<Record<Exclude<EntryMode, 'unknown'>, string>> = {
  manual: '0',
  swipe: '1',
  contactless: '2',
  scanner: '3',
  chip: '4',
  fallback_swipe: '5',
};

function reverse<K extends string>(map: Readonly<Record<K, string>>): Map<string, K> {
  return new Map(Object.entries(map).map(([k, v]) => [v as string, k as K]));
}
const TRANS_TYPE_BY_CODE = reverse(PAX_TRANS_TYPE_CODES);
const BRAND_BY_CODE = reverse(CARD_TYPE_CODES);
const ENTRY_MODE_BY_CODE = reverse(ENTRY_MODE_CODES);
const SAF_INDICATOR_BY_CODE = reverse(PAX_SAF_INDICATOR);

/** True for an MMYY expiry with a month 01-12 (account subfield 3, item 24). */
export function isExpiry(s: string): boolean {
  if (!/^\d{4}$/.test(s)) return false;
  const month = Number(s.slice(0, 2));
  return month >= 1 && month <= 12;
}

/** Month (1-12) and 4-digit year of an MMYY expiry; undefined when it is none. Two-digit years are 20YY. */
export function expiryFromMmyy(s: string | undefined): { month: number; year: number } | undefined {
  if (s === undefined || !isExpiry(s)) return undefined;
  return { month: Number(s.slice(0, 2)), year: 2000 + Number(s.slice(2)) };
}

/** MMYY of a month and 4-digit year (2000-2099); throws RangeError otherwise. */
export function expiryToMmyy(month: number, year: number): string {
  if (!Number.isInteger(month) || month < 1 || month > 12 || !Number.isInteger(year) || year < 2000 || year > 2099) {
    throw new RangeError('Expiry must be a month 1-12 and a year 2000-2099');
  }
  return `${String(month).padStart(2, '0')}${String(year % 100).padStart(2, '0')}`;
}

/** What the signature status a terminal reports (additional info SIGNSTATUS, item 26) means for the register. */
export function signatureOutcome(code: string | undefined): 'captured' | 'cancelled' | undefined {
  switch (code) {
    case PAX_SIGNATURE_STATUS.localCaptured:
    case PAX_SIGNATURE_STATUS.uploaded:
    case PAX_SIGNATURE_STATUS.uploadFailed:
      return 'captured';
    case PAX_SIGNATURE_STATUS.aborted:
    case PAX_SIGNATURE_STATUS.timeout:
      return 'cancelled';
    default:
      return undefined;
  }
}

/** Card brand of a PAX card type code; unknown codes are 'other'. */
export function cardBrandFromCode(code: string): CardBrand | undefined {
  if (code === '') return undefined;
  return BRAND_BY_CODE.get(code) ?? 'other';
}

/** PAX card type code of a brand. */
export function cardBrandToCode(brand: CardBrand): string {
  return CARD_TYPE_CODES[brand];
}

/** Entry mode of a PAX entry mode digit; unknown digits are 'unknown'. */
export function entryModeFromCode(code: string): EntryMode | undefined {
  if (code === '') return undefined;
  return ENTRY_MODE_BY_CODE.get(code) ?? 'unknown';
}

/** PAX entry mode digit of an entry mode ('' for unknown). */
export function entryModeToCode(mode: EntryMode): string {
  return mode === 'unknown' ? '' : ENTRY_MODE_CODES[mode];
}

/** Result codes this driver knows by name. */
export const PAX_RESULT = {
  approved: '000000',
  approvedOffline: '000001',
  partiallyApproved: '000002',
  declined: '000100',
  terminalTimeout: '100001',
  aborted: '100002',
  formatError: '100003',
  duplicate: '100011',
  /** A void of an original that is already voided (pax-protocol-choices.ts item 18). */
  alreadyVoided: '100021',
  /** A report with no match, or a void whose original is unknown. */
  notFound: '100023',
} as const;

/**
 * The one mapping from a PAX result code to an outcome. 'error' means the
 * driver cannot tell whether the card was charged from the code alone: the
 * coordinator resolves it by lookup (see pax-protocol-choices.ts, item 4).
 */
export function outcomeForResultCode(code: string): TerminalOutcome {
  switch (code) {
    case PAX_RESULT.approved:
      return 'approved';
    case PAX_RESULT.approvedOffline:
      return 'approved_offline';
    case PAX_RESULT.partiallyApproved:
      return 'partially_approved';
    case PAX_RESULT.declined:
      return 'declined';
    case PAX_RESULT.aborted:
      return 'aborted';
    case PAX_RESULT.duplicate:
      return 'duplicate';
    case PAX_RESULT.alreadyVoided:
    case PAX_RESULT.notFound:
      // A follow-up that found nothing to act on moved no money: definite, like a
      // decline (pax-protocol-choices.ts item 18). A report's 100023 is read apart.
      return 'declined';
    default:
      // 100001 terminal timeout, 100003 format error and every unknown code.
      return 'error';
  }
}

/**
 * The outcome of a transaction answer from its code and text. The code decides,
 * except that a host's duplicate refusal can pass through the PIN pad as a plain
 * decline or error (code 000100 / 100001…) carrying the host's words, e.g.
 * Cardknox's "Duplicate Transaction" (src-main/gateways/cardknox-protocol.ts,
 * isDuplicateText): that still means "already charged", not "not charged".
 */
export function outcomeForAnswer(code: string, text: string): TerminalOutcome {
  const outcome = outcomeForResultCode(code);
  if ((outcome === 'declined' || outcome === 'error') && /duplicate/i.test(text)) return 'duplicate';
  return outcome;
}

/** A decline the PIN pad worded as an error: a host or link fault rather than the issuer's refusal. */
export function isDeclineByFault(outcome: TerminalOutcome, text: string): boolean {
  return outcome === 'declined' && /error/i.test(text);
}

/** The payment kind of a PAX transaction type (a void of either kind is a void; a forced sale is a sale). */
export function transactionKindOf(type: PaxTransType | undefined): TerminalTransactionKind {
  switch (type) {
    case 'sale':
    case 'forced':
      return 'sale';
    case 'return':
      return 'refund';
    case 'auth':
      return 'pre_auth';
    case 'post_auth':
      return 'capture';
    case 'adjust':
      return 'adjust';
    case 'void':
    case 'void_sale':
    case 'void_return':
    case 'reversal':
      return 'void';
    default:
      return 'other';
  }
}

// ---------------------------------------------------------------------------
// Message types

/** A00: who are you (also a link test). */
export interface PaxInitializeRequest {
  command: 'A00';
  version?: string;
}

/** A14: abort the transaction in progress. */
export interface PaxCancelRequest {
  command: 'A14';
  version?: string;
}

/** T00 DoCredit. Never carries card data: the device reads the card. */
export interface PaxCreditRequest {
  command: 'T00';
  version?: string;
  transType: PaxTransType;
  /** Minor units; required (> 0) except for void and tokenize. */
  amount?: number;
  /** Amount subfields 2-5 (item 19): tip, cash back, merchant fee, tax, minor units. */
  tipAmount?: number;
  cashBackAmount?: number;
  feeAmount?: number;
  taxAmount?: number;
  /** ≤16 letters and digits when the driver sends it; "ans..16" accepted on input (item 16). */
  ecrRef: string;
  invoice?: string;
  /** Auth code of the original (post-auth of a voice authorisation). */
  authCode?: string;
  /** Original terminal transaction number (follow-ups). */
  origRef?: string;
  /** Original ECR reference (follow-ups). */
  origEcrRef?: string;
  /** Host reference of the original (additional info HREF). */
  hostRef?: string;
  clerkId?: string;
  /** Duplicate override flag: accept a deliberate repeat. */
  allowDuplicate?: boolean;
  /** YYYYMMDDhhmmss. */
  timestamp?: string;
  /** Ask for a reusable card token (additional info TOKENREQUEST=1). */
  tokenRequest?: boolean;
  /** Ask for signature capture on the pad after approval (additional info SIGN=1, item 26). */
  signatureRequest?: boolean;
  /** Ask for intermediate status frames while it runs (pax-protocol-choices.ts item 15). */
  reportStatus?: boolean;
}

/** R02 local detail report, one record per request. */
export interface PaxReportRequest {
  command: 'R02';
  version?: string;
  /** Filter: ECR reference. */
  ecrRef?: string;
  /** Filter: transaction type. */
  transType?: PaxTransType;
  /** Which matching record to return, from 0. */
  recordNumber?: number;
}

/** B00 batch close. */
export interface PaxBatchCloseRequest {
  command: 'B00';
  version?: string;
  /** YYYYMMDDhhmmss; optional (item 20). */
  timestamp?: string;
}

/** Which store-and-forward records a B08 uploads (item 25). */
export type PaxSafIndicator = keyof typeof PAX_SAF_INDICATOR;

/** B08 store-and-forward upload: send the queued offline approvals to the host now. */
export interface PaxSafUploadRequest {
  command: 'B08';
  version?: string;
  /** 'new' (default) uploads the newly stored records. */
  safIndicator?: PaxSafIndicator;
}

/** Every request the driver sends. */
export type PaxRequest = PaxInitializeRequest | PaxCancelRequest | PaxCreditRequest | PaxReportRequest | PaxBatchCloseRequest | PaxSafUploadRequest;

/** Fields every response starts with. */
export interface PaxResponseHead {
  /** Leading status field, "0" normally. */
  status?: string;
  version?: string;
  /** Six digits, e.g. "000000". */
  resultCode: string;
  resultText: string;
}

/** Host subfields of T01, R03 and B01. */
export interface PaxHostInfo {
  code?: string;
  message?: string;
  authCode?: string;
  hostRef?: string;
  traceNumber?: string;
  batchNumber?: string;
}

/** Account subfields; the number is always masked. */
export interface PaxAccountInfo {
  maskedPan?: string;
  entryMode?: EntryMode;
  /** Expiry as the terminal sends it, MMYY (account subfield 3, item 24); absent when not sent or not a valid MMYY. */
  expiry?: string;
  cardBrand?: CardBrand;
}

/** Trace subfields of a response. */
export interface PaxTraceInfo {
  terminalRef?: string;
  ecrRef?: string;
  timestamp?: string;
}

/** The transaction part shared by T01 and an R03 record. */
export interface PaxTransactionBody {
  transType?: PaxTransType;
  host: PaxHostInfo;
  /** Minor units. */
  amountApproved: number;
  /** Minor units still due after a partial approval. */
  amountDue: number;
  /** Amount subfields 3-6 of the answer (item 19), minor units; absent when the terminal sent none. */
  tipAmount?: number;
  cashBackAmount?: number;
  feeAmount?: number;
  taxAmount?: number;
  account: PaxAccountInfo;
  trace: PaxTraceInfo;
  /** Additional info KEY=VALUE pairs, keys upper-cased on decode (TOKEN, HREF…; item 1). */
  additional: Record<string, string>;
}

/** A01: identity. */
export interface PaxInitializeResponse extends PaxResponseHead {
  command: 'A01';
  serialNumber: string;
  model: string;
  appVersion: string;
}

/** A15: answer to a cancel (see pax-protocol-choices.ts, item 3). */
export interface PaxCancelResponse extends PaxResponseHead {
  command: 'A15';
}

/** T01: answer to T00. */
export interface PaxCreditResponse extends PaxResponseHead, PaxTransactionBody {
  command: 'T01';
}

/** One record of the local detail report. */
export interface PaxReportRecord extends PaxTransactionBody {
  /** The recorded transaction's own result (additional info RESULTCODE, default 000000). */
  resultCode: string;
  resultText: string;
  origTransType?: PaxTransType;
  clerkId?: string;
}

/** R03: one record of the local detail report. */
export interface PaxReportResponse extends PaxResponseHead {
  command: 'R03';
  totalRecords: number;
  recordNumber: number;
  /** Absent when totalRecords is 0. */
  record?: PaxReportRecord;
}

/** B01: batch closed. */
export interface PaxBatchCloseResponse extends PaxResponseHead {
  command: 'B01';
  host: PaxHostInfo;
  totalCount: number;
  /** Minor units. */
  totalAmount: number;
  timestamp?: string;
  terminalId?: string;
  merchantId?: string;
}

/** B09: what a store-and-forward upload did (globalpayments/dotnet-sdk SafUploadResponse.cs, item 25). */
export interface PaxSafUploadResponse extends PaxResponseHead {
  command: 'B09';
  /** Records the upload looked at, and their amount in minor units. */
  totalCount: number;
  totalAmount: number;
  timestamp?: string;
  /** Accepted by the host. */
  uploadedCount: number;
  uploadedAmount: number;
  /** Declined by the host at upload (moved to the failed store). */
  failedCount: number;
  failedAmount: number;
}

/** Every response a terminal sends. */
export type PaxResponse =
  | PaxInitializeResponse
  | PaxCancelResponse
  | PaxCreditResponse
  | PaxReportResponse
  | PaxBatchCloseResponse
  | PaxSafUploadResponse;

/** Why a message's content was refused. */
export type PaxMessageErrorCode = 'format_error' | 'unknown_command' | 'bad_response';

/**
 * A well-framed message with bad content. For a request the simulator answers
 * `resultCode` (100003 format error); for a response the driver treats it as an
 * undecodable answer. Never carries card data.
 */
export class PaxMessageError extends Error {
  override readonly name = 'PaxMessageError';
  readonly code: PaxMessageErrorCode;
  /** The result code a terminal answers this request with. */
  readonly resultCode: string = PAX_RESULT.formatError;
  constructor(code: PaxMessageErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

// ---------------------------------------------------------------------------
// Validation helpers

const DIGITS = /^\d{1,12}$/;
const TIMESTAMP = /^\d{14}$/;

// Hand-written checks for the response hot path (the driver decodes every frame
// with them; bench/pax-decode-frames-per-s.bench.ts): a char-code loop instead
// of a regular expression per field.

/** True when s is min..max ASCII digits (the regex /^\d{min,max}$/). */
function isDigits(s: string, min: number, max: number): boolean {
  const n = s.length;
  if (n < min || n > max) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** True for a command code: a capital letter and two digits (/^[A-Z]\d\d$/). */
function isCommandCode(s: string): boolean {
  if (s.length !== 3) return false;
  const a = s.charCodeAt(0);
  const b = s.charCodeAt(1);
  const c = s.charCodeAt(2);
  return a >= 65 && a <= 90 && b >= 48 && b <= 57 && c >= 48 && c <= 57;
}

function opt(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}

/** Throws format_error unless the amount is a positive safe integer of minor units. */
function checkAmount(amount: number | undefined, required: boolean): void {
  if (amount === undefined) {
    if (required) throw new PaxMessageError('format_error', 'Amount is missing; give it in whole minor units, e.g. 1250 for 12.50');
    return;
  }
  if (!Number.isSafeInteger(amount) || amount <= 0 || String(amount).length > 12) {
    throw new PaxMessageError('format_error', `Amount ${String(amount)} is not a positive whole number of minor units (at most 12 digits)`);
  }
}

function checkEcrRef(ref: string, what = 'ECR reference'): void {
  if (!isValidEcrRef(ref)) {
    throw new PaxMessageError('format_error', `${what} must be 1-16 letters and digits, got ${ref.length} characters`);
  }
}

/** "ans..16": 1-16 printable characters, what a terminal accepts on input (item 16). */
const ANS16 = /^[\x21-\x7e][\x20-\x7e]{0,15}$/;

function checkEcrRefInput(ref: string, what = 'ECR reference'): void {
  if (!ANS16.test(ref)) {
    throw new PaxMessageError('format_error', `${what} must be 1-16 printable characters, got ${ref.length} characters`);
  }
}

function checkTimestamp(ts: string | undefined): void {
  if (ts !== undefined && !TIMESTAMP.test(ts)) {
    throw new PaxMessageError('format_error', 'Timestamp must be YYYYMMDDhhmmss');
  }
}

/** Amounts that need a positive amount on a T00. */
const AMOUNT_REQUIRED: ReadonlySet<PaxTransType> = new Set<PaxTransType>(['sale', 'return', 'auth', 'post_auth', 'forced', 'adjust']);

function validateCredit(req: PaxCreditRequest, input = false): void {
  if (!(req.transType in PAX_TRANS_TYPE_CODES)) {
    throw new PaxMessageError('format_error', `Unknown transaction type "${String(req.transType)}"`);
  }
  checkAmount(req.amount, AMOUNT_REQUIRED.has(req.transType));
  for (const extra of [req.tipAmount, req.cashBackAmount, req.feeAmount, req.taxAmount]) {
    if (extra !== undefined && extra !== 0) checkAmount(extra, false);
  }
  // The driver sends letters and digits only; a terminal takes "ans..16" (item 16).
  const check = input ? checkEcrRefInput : checkEcrRef;
  check(req.ecrRef);
  if (req.origEcrRef !== undefined) check(req.origEcrRef, 'Original ECR reference');
  checkTimestamp(req.timestamp);
}

/** Parses a digit string into minor units; '' is 0. */
function parseAmount(s: string | undefined, what: string, errCode: PaxMessageErrorCode): number {
  if (s === undefined || s === '') return 0;
  if (!isDigits(s, 1, 12)) {
    throw new PaxMessageError(errCode, `${what} must be whole minor units, digits only (no sign, no decimal point)`);
  }
  return Number(s);
}

/** An amount subfield that may be absent: undefined when empty. */
function parseOptAmount(s: string | undefined, what: string, errCode: PaxMessageErrorCode): number | undefined {
  return s === undefined || s === '' ? undefined : parseAmount(s, what, errCode);
}

function trimEmpty(sub: string[]): string[] {
  let end = sub.length;
  while (end > 1 && sub[end - 1] === '') end--;
  return sub.slice(0, end);
}

function optAmountText(n: number | undefined): string {
  return n === undefined || n === 0 ? '' : String(n);
}

function parseCount(s: string | undefined, what: string): number {
  return parseAmount(s, what, 'bad_response');
}

function parseTransType(code: string | undefined, errCode: PaxMessageErrorCode): PaxTransType | undefined {
  if (code === undefined || code === '') return undefined;
  const t = TRANS_TYPE_BY_CODE.get(code);
  if (t === undefined) throw new PaxMessageError(errCode, `Unknown transaction type code "${code.slice(0, 4)}"`);
  return t;
}

// ---------------------------------------------------------------------------
// Card-number guard

function redactOpt(v: string | undefined): string | undefined {
  return v === undefined ? undefined : maskUnbrokenPans(v);
}

// ---------------------------------------------------------------------------
// Additional info

function encodeAdditional(pairs: Record<string, string | undefined>): string[] {
  return Object.entries(pairs)
    .filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')
    .map(([k, v]) => `${k}=${v}`);
}

const UNREDACTED_KEYS: ReadonlySet<string> = new Set(['HREF', 'TOKEN']);

function decodeAdditional(sub: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of sub ?? []) {
    const eq = s.indexOf('=');
    if (eq <= 0) continue;
    // Real answers write `HRef=` (TriplePlayPay/TerminalGateway TerminalTransmitter.cs);
    // keys are read case-insensitively, as the Global Payments SDK does
    // (ExtDataSubGroup upper-cases them): pax-protocol-choices.ts item 1.
    const key = s.slice(0, eq).toUpperCase();
    // References and tokens are not card data and must survive intact for follow-ups.
    out[key] = UNREDACTED_KEYS.has(key) ? s.slice(eq + 1) : maskUnbrokenPans(s.slice(eq + 1));
  }
  return out;
}

// ---------------------------------------------------------------------------
// Requests

function sf(fields: string[][], i: number, j = 0): string {
  return fields[i]?.[j] ?? '';
}

/** Fields of a request; validates it first (throws PaxMessageError 'format_error'). */
export function encodeRequest(req: PaxRequest): Field[] {
  const v = req.version ?? PAX_PROTOCOL_VERSION;
  switch (req.command) {
    case 'A00':
    case 'A14':
      return [req.command, v];
    case 'B00':
      checkTimestamp(req.timestamp);
      return ['B00', v, req.timestamp ?? ''];
    case 'B08':
      return ['B08', v, PAX_SAF_INDICATOR[req.safIndicator ?? 'new']];
    case 'R02': {
      if (req.ecrRef !== undefined) checkEcrRef(req.ecrRef);
      const rn = req.recordNumber ?? 0;
      if (!Number.isSafeInteger(rn) || rn < 0) throw new PaxMessageError('format_error', 'Record number must be a whole number from 0');
      const tt = req.transType === undefined ? '' : PAX_TRANS_TYPE_CODES[req.transType];
      return ['R02', v, '00', tt, '', String(rn), '', '', req.ecrRef ?? ''];
    }
    case 'T00': {
      validateCredit(req);
      return [
        'T00',
        v,
        PAX_TRANS_TYPE_CODES[req.transType],
        // total, tip, cash back, fee, tax (item 19); trailing empties are trimmed.
        trimEmpty([
          req.amount === undefined ? '' : String(req.amount),
          optAmountText(req.tipAmount),
          optAmountText(req.cashBackAmount),
          optAmountText(req.feeAmount),
          optAmountText(req.taxAmount),
        ]),
        ['', '', '', '', '', req.allowDuplicate ? '1' : ''],
        [req.ecrRef, req.invoice ?? '', req.authCode ?? '', req.origRef ?? '', req.timestamp ?? '', '', req.origEcrRef ?? ''],
        '',
        [req.clerkId ?? ''],
        '',
        '',
        encodeAdditional({
          HREF: req.hostRef,
          TOKENREQUEST: req.tokenRequest ? '1' : undefined,
          [PAX_SIGNATURE_KEY]: req.signatureRequest ? '1' : undefined,
          [PAX_REPORT_STATUS_KEY]: req.reportStatus ? '1' : undefined,
        }),
      ];
    }
  }
}

/**
 * A request from its fields (simulator side). Throws PaxFrameError 'malformed'
 * for a frame that is no request at all, PaxMessageError 'unknown_command' or
 * 'format_error' for bad content (the terminal answers 100003).
 */
export function decodeRequest(fields: string[][]): PaxRequest {
  const command = sf(fields, 0);
  if (!/^[A-Z]\d\d$/.test(command)) throw new PaxFrameError('malformed', 'PAX request does not start with a command code');
  const version = sf(fields, 1);
  switch (command) {
    case 'A00':
    case 'A14':
      return { command, version };
    case 'B00': {
      // The timestamp is optional (item 20): Global Payments' BatchClose sends one, others none.
      const timestamp = opt(sf(fields, 2));
      checkTimestamp(timestamp);
      return { command, version, timestamp };
    }
    case 'B08': {
      const code = sf(fields, 2);
      const safIndicator = code === '' ? 'new' : SAF_INDICATOR_BY_CODE.get(code);
      if (safIndicator === undefined) throw new PaxMessageError('format_error', 'SAF indicator must be 0 (new), 1 (failed) or 2 (all)');
      return { command, version, safIndicator };
    }
    case 'R02': {
      const ecrRef = opt(sf(fields, 8));
      if (ecrRef !== undefined) checkEcrRefInput(ecrRef);
      const rn = sf(fields, 5);
      if (rn !== '' && !DIGITS.test(rn)) throw new PaxMessageError('format_error', 'Record number must be digits');
      return {
        command,
        version,
        ecrRef,
        transType: parseTransType(sf(fields, 3), 'format_error'),
        recordNumber: rn === '' ? 0 : Number(rn),
      };
    }
    case 'T00': {
      const transType = parseTransType(sf(fields, 2), 'format_error');
      if (transType === undefined) throw new PaxMessageError('format_error', 'Transaction type is missing');
      const amountText = sf(fields, 3);
      const req: PaxCreditRequest = {
        command,
        version,
        transType,
        amount: amountText === '' ? undefined : parseAmount(amountText, 'Amount', 'format_error'),
        ecrRef: sf(fields, 5, 0),
        invoice: opt(sf(fields, 5, 1)),
        authCode: opt(sf(fields, 5, 2)),
        origRef: opt(sf(fields, 5, 3)),
        timestamp: opt(sf(fields, 5, 4)),
        origEcrRef: opt(sf(fields, 5, 6)),
        clerkId: opt(sf(fields, 7, 0)),
        allowDuplicate: sf(fields, 4, 5) === '1',
      };
      // Card data never travels in a request from this ECR; a request carrying
      // an account number is refused rather than processed or echoed.
      if (sf(fields, 4, 0) !== '' || sf(fields, 4, 2) !== '') {
        throw new PaxMessageError('format_error', 'Request carries card data in the account field; the card must be read by the terminal');
      }
      const extras = [
        ['tipAmount', parseOptAmount(sf(fields, 3, 1), 'Tip amount', 'format_error')],
        ['cashBackAmount', parseOptAmount(sf(fields, 3, 2), 'Cash back amount', 'format_error')],
        ['feeAmount', parseOptAmount(sf(fields, 3, 3), 'Fee amount', 'format_error')],
        ['taxAmount', parseOptAmount(sf(fields, 3, 4), 'Tax amount', 'format_error')],
      ] as const;
      for (const [k, v] of extras) if (v !== undefined) req[k] = v;
      const add = decodeAdditional(fields[10]);
      if (add.HREF !== undefined) req.hostRef = add.HREF;
      if (add.TOKENREQUEST === '1') req.tokenRequest = true;
      if (add[PAX_SIGNATURE_KEY] === '1') req.signatureRequest = true;
      if (add[PAX_REPORT_STATUS_KEY] === '1') req.reportStatus = true;
      validateCredit(req, true);
      return req;
    }
    default:
      throw new PaxMessageError('unknown_command', `Unsupported PAX command ${command}`);
  }
}

// ---------------------------------------------------------------------------
// Responses

function head(res: PaxResponseHead, command: string): string[] {
  return [res.status ?? '0', command, res.version ?? PAX_PROTOCOL_VERSION, res.resultCode, maskUnbrokenPans(res.resultText)];
}

function encodeHost(h: PaxHostInfo): string[] {
  return [h.code ?? '', maskUnbrokenPans(h.message ?? ''), h.authCode ?? '', h.hostRef ?? '', h.traceNumber ?? '', h.batchNumber ?? ''];
}

function encodeAccount(a: PaxAccountInfo): string[] {
  const out = ['', '', '', '', '', '', ''];
  out[0] = guardAccountNumber(a.maskedPan) ?? '';
  out[1] = a.entryMode === undefined ? '' : entryModeToCode(a.entryMode);
  out[2] = a.expiry !== undefined && isExpiry(a.expiry) ? a.expiry : '';
  out[6] = a.cardBrand === undefined ? '' : cardBrandToCode(a.cardBrand);
  return out;
}

function encodeTrace(t: PaxTraceInfo): string[] {
  return [t.terminalRef ?? '', t.ecrRef ?? '', t.timestamp ?? ''];
}

/** approved, due, tip, cash back, fee, tax (T01 and R03 amount field). */
function encodeAmounts(b: PaxTransactionBody): string[] {
  return [
    amountText(b.amountApproved, 'Approved amount'),
    amountText(b.amountDue, 'Amount due'),
    b.tipAmount === undefined ? '' : amountText(b.tipAmount, 'Tip amount'),
    b.cashBackAmount === undefined ? '' : amountText(b.cashBackAmount, 'Cash back amount'),
    b.feeAmount === undefined ? '' : amountText(b.feeAmount, 'Fee amount'),
    b.taxAmount === undefined ? '' : amountText(b.taxAmount, 'Tax amount'),
  ];
}

function amountText(n: number, what: string): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new PaxMessageError('bad_response', `${what} must be a whole, non-negative number of minor units`);
  return n === 0 ? '0' : String(n);
}

/** Fields of a response (simulator side). Masks any account number. */
export function encodeResponse(res: PaxResponse): Field[] {
  if (!/^\d{6}$/.test(res.resultCode)) throw new PaxMessageError('bad_response', 'Result code must be six digits');
  switch (res.command) {
    case 'A01':
      return [...head(res, 'A01'), res.serialNumber, res.model, res.appVersion];
    case 'A15':
      return head(res, 'A15');
    case 'T01':
      return [
        ...head(res, 'T01'),
        encodeHost(res.host),
        res.transType === undefined ? '' : PAX_TRANS_TYPE_CODES[res.transType],
        encodeAmounts(res),
        encodeAccount(res.account),
        encodeTrace(res.trace),
        '',
        '',
        '',
        // Leading empty subfield, as real 1.54 answers have (TriplePlayPay/TerminalGateway TerminalTransmitter.cs).
        ['', ...encodeAdditional(res.additional)],
      ];
    case 'R03': {
      // No match: a bare head with 100023 (pax-protocol-choices.ts item 5).
      if (res.resultCode !== PAX_RESULT.approved) return head(res, 'R03');
      const r = res.record;
      // Layout of Global Payments .NET LocalDetailReport.cs (total, record, host, EDC
      // type, types, amount, account, trace, cashier, commercial, check, ext data):
      // additional info is field 17 (item 5).
      const tail: Field[] = r
        ? [
            encodeHost(r.host),
            '00',
            r.transType === undefined ? '' : PAX_TRANS_TYPE_CODES[r.transType],
            r.origTransType === undefined ? '' : PAX_TRANS_TYPE_CODES[r.origTransType],
            encodeAmounts(r),
            encodeAccount(r.account),
            encodeTrace(r.trace),
            [r.clerkId ?? ''],
            '',
            '',
            encodeAdditional({ ...r.additional, RESULTCODE: r.resultCode, RESULTTEXT: r.resultText }),
          ]
        : [];
      return [...head(res, 'R03'), String(res.totalRecords), String(res.recordNumber), ...tail];
    }
    case 'B01':
      return [
        ...head(res, 'B01'),
        encodeHost(res.host),
        String(res.totalCount),
        amountText(res.totalAmount, 'Total amount'),
        res.timestamp ?? '',
        res.terminalId ?? '',
        res.merchantId ?? '',
      ];
    case 'B09':
      // Layout of globalpayments/dotnet-sdk SafUploadResponse.cs (item 25).
      return [
        ...head(res, 'B09'),
        String(res.totalCount),
        amountText(res.totalAmount, 'Total amount'),
        res.timestamp ?? '',
        String(res.uploadedCount),
        amountText(res.uploadedAmount, 'Uploaded amount'),
        String(res.failedCount),
        amountText(res.failedAmount, 'Failed amount'),
      ];
  }
}

function decodeHost(sub: string[] | undefined): PaxHostInfo {
  const s = sub ?? [];
  return {
    code: opt(s[0]),
    message: redactOpt(opt(s[1])),
    authCode: opt(s[2]),
    hostRef: opt(s[3]),
    traceNumber: opt(s[4]),
    batchNumber: opt(s[5]),
  };
}

function decodeAccount(sub: string[] | undefined): PaxAccountInfo {
  const s = sub ?? [];
  const out: PaxAccountInfo = {
    maskedPan: guardAccountNumber(opt(s[0])),
    entryMode: entryModeFromCode(s[1] ?? ''),
    cardBrand: cardBrandFromCode(s[6] ?? ''),
  };
  const expiry = s[2];
  if (expiry !== undefined && expiry !== '' && isExpiry(expiry)) out.expiry = expiry;
  return out;
}

function decodeTrace(sub: string[] | undefined): PaxTraceInfo {
  const s = sub ?? [];
  return { terminalRef: opt(s[0]), ecrRef: opt(s[1]), timestamp: opt(s[2]) };
}

type DecodedAmounts = Pick<PaxTransactionBody, 'amountApproved' | 'amountDue' | 'tipAmount' | 'cashBackAmount' | 'feeAmount' | 'taxAmount'>;

function decodeAmounts(sub: string[] | undefined): DecodedAmounts {
  const out: DecodedAmounts = {
    amountApproved: parseAmount(sub?.[0], 'Approved amount', 'bad_response'),
    amountDue: parseAmount(sub?.[1], 'Amount due', 'bad_response'),
  };
  if (sub === undefined || sub.length <= 2) return out;
  const tip = parseOptAmount(sub?.[2], 'Tip amount', 'bad_response');
  const cashBack = parseOptAmount(sub?.[3], 'Cash back amount', 'bad_response');
  const fee = parseOptAmount(sub?.[4], 'Fee amount', 'bad_response');
  const tax = parseOptAmount(sub?.[5], 'Tax amount', 'bad_response');
  if (tip !== undefined) out.tipAmount = tip;
  if (cashBack !== undefined) out.cashBackAmount = cashBack;
  if (fee !== undefined) out.feeAmount = fee;
  if (tax !== undefined) out.taxAmount = tax;
  return out;
}

/**
 * Where the R03 fields start. Global Payments .NET (LocalDetailReport.cs) and
 * the Objective-C controller put total and record number first, then host;
 * Global Payments Java (LocalDetailReportResponse.java) reads host first. Both
 * are accepted (item 5): a field 5 of digits only is the total.
 */
function r03Layout(fields: string[][]): { total: number; record: number; host: number } {
  const f5 = fields[5] ?? [];
  const digitsOnly = f5.length === 1 && /^\d*$/.test(f5[0] ?? '');
  return digitsOnly ? { total: 5, record: 6, host: 7 } : { total: 6, record: 7, host: 5 };
}

/**
 * T01, the answer the driver decodes most: built as one object literal with
 * its fields in the order of the general path (no spreads, no intermediate
 * objects), the optional amounts added only when the terminal sent them.
 */
function decodeCreditResponse(fields: string[][], resultCode: string): PaxCreditResponse {
  const amounts = fields[7];
  const res: PaxCreditResponse = {
    status: sf(fields, 0),
    version: sf(fields, 2),
    resultCode,
    resultText: maskUnbrokenPans(sf(fields, 4)),
    command: 'T01',
    host: decodeHost(fields[5]),
    transType: parseTransType(sf(fields, 6), 'bad_response'),
    amountApproved: parseAmount(amounts?.[0], 'Approved amount', 'bad_response'),
    amountDue: parseAmount(amounts?.[1], 'Amount due', 'bad_response'),
    account: decodeAccount(fields[8]),
    trace: decodeTrace(fields[9]),
    additional: decodeAdditional(fields[13]),
  };
  return amounts === undefined || amounts.length <= 2 ? res : withOptionalAmounts(res, decodeAmounts(amounts));
}

/** res with tip, cash back, fee and tax from `amounts`, keys in the order decodeAmounts gives them. */
function withOptionalAmounts(res: PaxCreditResponse, amounts: DecodedAmounts): PaxCreditResponse {
  const { account, trace, additional, ...headAndHost } = res;
  return { ...headAndHost, ...amounts, account, trace, additional };
}

/**
 * A response from its fields (driver side). Throws PaxFrameError 'malformed'
 * when it is no response at all, PaxMessageError 'bad_response' for bad content.
 * Account numbers and card numbers in free text come out masked.
 */
export function decodeResponse(fields: string[][]): PaxResponse {
  const command = sf(fields, 1);
  if (!isCommandCode(command)) throw new PaxFrameError('malformed', 'PAX response has no command code in its second field');
  const resultCode = sf(fields, 3);
  if (!isDigits(resultCode, 6, 6)) throw new PaxMessageError('bad_response', `PAX ${command} response has no six-digit result code`);
  if (command === 'T01') return decodeCreditResponse(fields, resultCode);
  const h: PaxResponseHead = {
    status: sf(fields, 0),
    version: sf(fields, 2),
    resultCode,
    resultText: maskUnbrokenPans(sf(fields, 4)),
  };
  switch (command) {
    case 'A01':
      return { ...h, command, serialNumber: sf(fields, 5), model: sf(fields, 6), appVersion: sf(fields, 7) };
    case 'A15':
      return { ...h, command };
    case 'R03': {
      // "Not found" has two forms (item 5): 100023 with no body (real terminals),
      // or 000000 with zero records (older notes); both read as no match.
      if (resultCode === PAX_RESULT_NOT_FOUND) return { ...h, command, totalRecords: 0, recordNumber: 0 };
      const at = r03Layout(fields);
      const totalRecords = parseCount(sf(fields, at.total), 'Total records');
      const recordNumber = parseCount(sf(fields, at.record), 'Record number');
      const res: PaxReportResponse = { ...h, command, totalRecords, recordNumber };
      if (totalRecords > 0 && fields.length > 8) {
        const additional = decodeAdditional(fields[17]);
        const { RESULTCODE, RESULTTEXT, ...rest } = additional;
        const host = decodeHost(fields[at.host]);
        res.record = {
          host,
          transType: parseTransType(sf(fields, 9), 'bad_response'),
          origTransType: parseTransType(sf(fields, 10), 'bad_response'),
          ...decodeAmounts(fields[11]),
          account: decodeAccount(fields[12]),
          trace: decodeTrace(fields[13]),
          clerkId: opt(sf(fields, 14)),
          // A record's own result: RESULTCODE when sent, else approved; the text
          // falls back to the host message (real records carry "APPROVAL" there).
          resultCode: RESULTCODE !== undefined && /^\d{6}$/.test(RESULTCODE) ? RESULTCODE : PAX_RESULT.approved,
          resultText: RESULTTEXT ?? host.message ?? 'OK',
          additional: rest,
        };
      }
      return res;
    }
    case 'B01':
      return {
        ...h,
        command,
        host: decodeHost(fields[5]),
        totalCount: parseCount(sf(fields, 6), 'Total count'),
        totalAmount: parseAmount(sf(fields, 7), 'Total amount', 'bad_response'),
        timestamp: opt(sf(fields, 8)),
        terminalId: opt(sf(fields, 9)),
        merchantId: opt(sf(fields, 10)),
      };
    case 'B09':
      return {
        ...h,
        command,
        totalCount: parseCount(sf(fields, 5), 'Total count'),
        totalAmount: parseAmount(sf(fields, 6), 'Total amount', 'bad_response'),
        timestamp: opt(sf(fields, 7)),
        uploadedCount: parseCount(sf(fields, 8), 'Uploaded count'),
        uploadedAmount: parseAmount(sf(fields, 9), 'Uploaded amount', 'bad_response'),
        failedCount: parseCount(sf(fields, 10), 'Failed count'),
        failedAmount: parseAmount(sf(fields, 11), 'Failed amount', 'bad_response'),
      };
    default:
      throw new PaxMessageError('bad_response', `Unexpected PAX response command ${command}`);
  }
}

// ---------------------------------------------------------------------------
// Intermediate status frames (pax-protocol-choices.ts item 15). Kept apart from
// PaxResponse on purpose: a status frame is never the answer to a request.

/** An unsolicited status frame the terminal sends while a T00 runs. */
export interface PaxStatusReport {
  command: typeof PAX_STATUS_COMMAND;
  status?: string;
  version?: string;
  /** What the terminal asks of the customer now. */
  prompt: TerminalPrompt;
  /** The terminal's display line, card numbers masked. */
  text: string;
}

const STATUS_CODES: Readonly<Record<TerminalPrompt, string>> = PAX_STATUS_CODES;
const PROMPT_BY_STATUS_CODE = reverse(STATUS_CODES);

/** True for a frame that is an intermediate status frame (by its command field), whatever its content. */
export function isStatusFrame(fields: string[][]): boolean {
  return sf(fields, 1) === PAX_STATUS_COMMAND;
}

/** Fields of a status frame (simulator side). */
export function encodeStatusReport(report: Omit<PaxStatusReport, 'command'>): Field[] {
  return [report.status ?? '0', PAX_STATUS_COMMAND, report.version ?? PAX_PROTOCOL_VERSION, STATUS_CODES[report.prompt], maskUnbrokenPans(report.text)];
}

/**
 * A status frame from its fields (driver side). Throws PaxFrameError
 * 'malformed' when it is no status frame, PaxMessageError 'bad_response' when
 * its code is not two digits; unknown two-digit codes read as 'processing'.
 */
export function decodeStatusReport(fields: string[][]): PaxStatusReport {
  if (!isStatusFrame(fields)) throw new PaxFrameError('malformed', `Not a PAX ${PAX_STATUS_COMMAND} status frame`);
  const code = sf(fields, 3);
  if (!/^\d{2}$/.test(code)) throw new PaxMessageError('bad_response', `PAX ${PAX_STATUS_COMMAND} status frame has no two-digit status code`);
  return {
    command: PAX_STATUS_COMMAND,
    status: sf(fields, 0),
    version: sf(fields, 2),
    prompt: PROMPT_BY_STATUS_CODE.get(code) ?? 'processing',
    text: maskUnbrokenPans(sf(fields, 4)),
  };
}
