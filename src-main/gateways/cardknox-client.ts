// Client of the Cardknox-style gateway: charges by token (card-present charges
// go through the PIN pad, so the app never sends a card number), follow-ups,
// and the transaction report Find Missing Payments reads.
//
// The key is a secret: it goes into the request body only, and every text the
// gateway sends back is scrubbed of it before it reaches a result, an error or
// a log line.

import { type CardBrand, type EntryMode, parseMaskedCardNumber } from '../../src-shared/card.ts';
import { type Money, parseDecimalString, toDecimalString } from '../../src-shared/money.ts';
import {
  isNotSettledText,
  brandOfCardType,
  canonicalFields,
  CARDKNOX_VERSION,
  DUPLICATE_FIELDS,
  encodeForm,
  decodeForm,
  entryModeOfMethod,
  EXACT_MATCH_PREFIX,
  formatGatewayDate,
  gatewayEndpoints,
  type GatewayEndpoints,
  isDuplicateText,
  MAX_REPORT_RECORDS,
  parseGatewayDate,
  type WireFields,
} from './cardknox-protocol.ts';
import { GatewayMalformedResponseError, GatewayRefusedError } from './gateway-errors.ts';
import type { CardOnFileGateway } from './card-on-file-gateway.ts';
import type { GatewayReportRow } from './gateway-report-row.ts';
import { postOnce } from './http-post.ts';

/** One structured, redacted log line (never the key, never card data). */
export interface GatewayLogEntry {
  event: 'request' | 'response' | 'failure';
  command: string;
  invoice?: string;
  outcome?: string;
  refNum?: string;
  ms?: number;
  reason?: string;
  sent?: boolean;
}

/** Configuration of the client. */
export interface CardknoxClientConfig {
  /**
   * The gateway's base address (e.g. https://x1.cardknox.com/); an old full
   * endpoint URL (".../gateway") is accepted and its base derived. Transactions
   * go to /gateway (form) or /gatewayjson (JSON), reports to /reportjson.
   */
  url: string;
  /** Account key (secret; never logged). */
  key: string;
  softwareName: string;
  softwareVersion: string;
  /** Currency of the account; amounts in another currency are refused. */
  currency: string;
  /** Deadline of one request in ms (default 30 000). */
  timeoutMs?: number;
  /** Send transactions as JSON to /gatewayjson instead of a form to /gateway. */
  preferJson?: boolean;
  log?: (entry: GatewayLogEntry) => void;
  /** Clock for log durations (default Date.now). */
  now?: () => number;
}

/** The gateway approved. */
export interface GatewayApproved {
  outcome: 'approved';
  refNum: string;
  authCode: string;
  /** Minor units approved. */
  amountApproved: number;
  text: string;
  batch?: string;
  maskedPan?: string;
  cardBrand?: CardBrand;
  entryMode?: EntryMode;
  token?: string;
  /**
   * Set when this approval is the original of a resend the gateway refused as
   * a duplicate (CardOnFileGateway returns the original instead of the
   * refusal): the refused resend's own reference. Nothing was done twice.
   */
  resendRefused?: string;
}

/**
 * Why the processor refused, when it is one the register acts on:
 * `not_settled`, a refund asked before the charge was settled (void it instead).
 */
export type GatewayRefusal = 'not_settled';

/** The gateway declined. */
export interface GatewayDeclined {
  outcome: 'declined';
  refNum: string;
  text: string;
  errorCode?: string;
  refusal?: GatewayRefusal;
}

/** The invoice was already charged: not an error, pull in the original. */
export interface GatewayDuplicate {
  outcome: 'duplicate';
  /** Reference of this (refused) request. */
  refNum: string;
  text: string;
  /** The original approval, when the gateway names it. */
  originalRefNum?: string;
  originalAuthCode?: string;
  originalAmount?: number;
}

/** The gateway refused the request (bad field, unknown reference, bad key…). */
export interface GatewayErrorResult {
  outcome: 'error';
  refNum?: string;
  text: string;
  errorCode?: string;
  refusal?: GatewayRefusal;
}

/** A definite answer from the gateway. */
export type GatewayResult = GatewayApproved | GatewayDeclined | GatewayDuplicate | GatewayErrorResult;

/** A charge by token. */
export interface TokenChargeRequest {
  amount: Money;
  token: string;
  /** Invoice (the ECR reference): the gateway's duplicate check keys on it. */
  invoice: string;
  /** Deliberate second charge on the same invoice. */
  allowDuplicate?: boolean;
  tip?: Money;
  tax?: Money;
}

/** Which rows a report returns. */
export type ReportKind = 'all' | 'approved';

/** A report query: an inclusive window of epoch ms. */
export interface ReportQuery {
  kind?: ReportKind;
  begin: number;
  end: number;
  /** Exact-match invoice filter. */
  invoice?: string;
  /** Rows per page, at most 1000 (default 1000). */
  maxRecords?: number;
}

/**
 * True for a report row that holds money taken for a sale: approved and not
 * voided, its xCommand a sale, an authorisation or a capture (cc:sale,
 * cc:authonly, cc:capture; an empty command is an older report's sale).
 * Gateway knowledge, so it lives with the client, not in payments.
 */
export function isStandingCharge(row: GatewayReportRow): boolean {
  return row.result === 'approved' && !row.voided && (row.command === '' || /sale|auth|capture/i.test(row.command));
}

/** What a report row's xCommand did, in the payment kinds the register resolves. */
export type GatewayRowKind = 'sale' | 'pre_auth' | 'incremental' | 'capture' | 'refund' | 'void' | 'other';

/**
 * The kind of a report row from its xCommand (cc:sale, cc:authonly, cc:adjust,
 * cc:capture, cc:refund, cc:void, cc:voidrelease…; empty: an older report's sale).
 * cc:adjust is an incremental authorisation (cardknox-protocol.ts).
 */
export function gatewayRowKind(row: Pick<GatewayReportRow, 'command'>): GatewayRowKind {
  const c = row.command.toLowerCase();
  if (c === '' || c.endsWith(':sale') || c === 'sale') return 'sale';
  if (c.includes('capture')) return 'capture';
  if (c.includes('void')) return 'void';
  if (c.endsWith(':adjust') || c.includes('incremental')) return 'incremental';
  if (c.includes('refund') || c.includes('credit')) return 'refund';
  if (c.includes('auth')) return 'pre_auth';
  return 'other';
}

/** xInvoice when the request has one of its own. */
function invoiceField(invoice: string | undefined): WireFields {
  return invoice ? { xInvoice: invoice } : {};
}

/**
 * A duplicate refusal that names its original becomes that original's
 * approval (the resend changed nothing); any other result is returned as is.
 */
export function originalOfDuplicate(r: GatewayResult): GatewayResult {
  if (r.outcome !== 'duplicate' || !r.originalRefNum || r.originalAmount === undefined) return r;
  return {
    outcome: 'approved',
    refNum: r.originalRefNum,
    authCode: r.originalAuthCode ?? '',
    amountApproved: r.originalAmount,
    text: r.text,
    resendRefused: r.refNum,
  };
}

/** A report page kept on returning rows already seen: more than a page share one instant. */
export class GatewayReportPagingError extends GatewayMalformedResponseError {}

/** Client of one gateway account. */
export class CardknoxClient {
  readonly #cfg: Required<Omit<CardknoxClientConfig, 'log'>> & Pick<CardknoxClientConfig, 'log'>;
  /** Where each kind of request goes. */
  readonly endpoints: GatewayEndpoints;

  constructor(config: CardknoxClientConfig) {
    if (!config.url || !config.key || !config.softwareName || !config.softwareVersion) {
      throw new RangeError('Gateway configuration needs url, key, softwareName and softwareVersion');
    }
    this.#cfg = { timeoutMs: 30_000, preferJson: false, now: Date.now, ...config };
    this.endpoints = gatewayEndpoints(config.url);
  }

  /** Charges a stored card token. */
  async sale(req: TokenChargeRequest): Promise<GatewayResult> {
    return this.#transaction('cc:sale', this.#chargeFields(req), req.invoice);
  }

  /** Authorises without capturing. */
  async authOnly(req: TokenChargeRequest): Promise<GatewayResult> {
    return this.#transaction('cc:authonly', this.#chargeFields(req), req.invoice);
  }

  /**
   * Captures an authorisation, optionally for a different amount (xAmount;
   * absent: the authorised total), under its own invoice when given.
   */
  async capture(req: { refNum: string; amount?: Money; invoice?: string }): Promise<GatewayResult> {
    return this.#transaction('cc:capture', { xRefNum: req.refNum, ...(req.amount ? { xAmount: this.#amount(req.amount) } : {}), ...invoiceField(req.invoice) }, req.invoice);
  }

  /**
   * Incremental authorisation (cc:adjust): raises an open authorisation by
   * `amount` (xAmount is the amount added; cardknox-protocol.ts says why).
   */
  async adjust(req: { refNum: string; amount: Money; invoice?: string }): Promise<GatewayResult> {
    if (req.amount.amount <= 0) throw new RangeError('An incremental authorisation must raise the hold by more than zero');
    return this.#transaction('cc:adjust', { xRefNum: req.refNum, xAmount: this.#amount(req.amount), ...invoiceField(req.invoice) }, req.invoice);
  }

  /** Voids an unsettled transaction. */
  async void(req: { refNum: string; invoice?: string }): Promise<GatewayResult> {
    return this.#transaction('cc:void', { xRefNum: req.refNum, ...invoiceField(req.invoice) }, req.invoice);
  }

  /** Releases an authorisation not captured (cc:voidrelease): the hold goes back to the cardholder. */
  async voidRelease(req: { refNum: string; invoice?: string }): Promise<GatewayResult> {
    return this.#transaction('cc:voidrelease', { xRefNum: req.refNum, ...invoiceField(req.invoice) }, req.invoice);
  }

  /**
   * The purser's port (card-on-file-gateway.ts) over this client. A resend the
   * gateway refuses as a duplicate comes back as the original's approval
   * (marked resendRefused), so the caller records what was done once.
   */
  cardOnFile(): CardOnFileGateway {
    const once = async (p: Promise<GatewayResult>): Promise<GatewayResult> => originalOfDuplicate(await p);
    const need = (invoice: string): void => {
      if (!invoice) throw new RangeError('An invoice is required: the duplicate check and the lookup key on it');
    };
    return {
      authorise: (r) => once(this.authOnly(r)),
      increment: async (r) => {
        need(r.invoice);
        return once(this.adjust({ refNum: r.authRefNum, amount: r.amount, invoice: r.invoice }));
      },
      capture: async (r) => {
        need(r.invoice);
        // A capture of nothing would be a release in disguise: say so with voidAuthorisation.
        if (r.amount.amount <= 0) throw new RangeError('A capture must take more than zero; release the authorisation instead');
        return once(this.capture({ refNum: r.authRefNum, amount: r.amount, invoice: r.invoice }));
      },
      voidAuthorisation: async (r) => {
        need(r.invoice);
        return once(this.voidRelease({ refNum: r.authRefNum, invoice: r.invoice }));
      },
      voidTransaction: async (r) => {
        need(r.invoice);
        return once(this.void({ refNum: r.refNum, invoice: r.invoice }));
      },
      refund: async (r) => {
        need(r.invoice);
        return once(this.refund(r));
      },
      sale: (r) => once(this.sale(r)),
      // Every record, declined ones included: an unanswered request may have been declined.
      findByInvoice: (invoice, sinceMs, untilMs) => this.report({ kind: 'all', begin: sinceMs, end: untilMs, invoice }),
    };
  }

  /** Refunds all or part of a settled charge. */
  async refund(req: { refNum: string; amount: Money; invoice?: string }): Promise<GatewayResult> {
    // xInvoice: the refund's own reference, so a report by invoice finds this refund (and only it) when its answer is lost.
    return this.#transaction('cc:refund', { xRefNum: req.refNum, xAmount: this.#amount(req.amount), ...(req.invoice ? { xInvoice: req.invoice } : {}) }, req.invoice);
  }

  /**
   * Every row of a window, page by page: each next page starts at the last
   * row's time (inclusive) and rows already returned are skipped by refNum.
   */
  async *reportRows(query: ReportQuery): AsyncGenerator<GatewayReportRow[]> {
    const max = query.maxRecords ?? MAX_REPORT_RECORDS;
    if (!Number.isSafeInteger(max) || max < 1 || max > MAX_REPORT_RECORDS) {
      throw new RangeError(`maxRecords must be between 1 and ${MAX_REPORT_RECORDS}, got ${max}`);
    }
    if (!(query.begin <= query.end)) throw new RangeError('Report window: begin must not be after end');
    let begin = query.begin;
    let atBoundary = new Set<string>();
    for (;;) {
      const rows = await this.#reportPage(query.kind ?? 'all', begin, query.end, max, query.invoice);
      const fresh = rows.filter((r) => !atBoundary.has(r.refNum));
      if (fresh.length > 0) yield fresh;
      if (rows.length < max) return;
      const last = rows[rows.length - 1].enteredAt;
      if (last === begin && fresh.length === 0) {
        throw new GatewayReportPagingError(`more than ${max} rows share the time ${formatGatewayDate(last)}`);
      }
      const sameInstant = rows.filter((r) => r.enteredAt === last).map((r) => r.refNum);
      atBoundary = last === begin ? new Set([...atBoundary, ...sameInstant]) : new Set(sameInstant);
      begin = last;
    }
  }

  /** Every row of a window as one array. */
  async report(query: ReportQuery): Promise<GatewayReportRow[]> {
    const out: GatewayReportRow[] = [];
    for await (const page of this.reportRows(query)) out.push(...page);
    return out;
  }

  /** Approved (and voided) charges of one invoice in a window: what Find Missing Payments asks. */
  findByInvoice(invoice: string, begin: number, end: number): Promise<GatewayReportRow[]> {
    return this.report({ kind: 'approved', begin, end, invoice });
  }

  #chargeFields(req: TokenChargeRequest): WireFields {
    if (!req.token) throw new RangeError('A token is required: the app never sends card numbers to the gateway');
    if (!req.invoice) throw new RangeError('An invoice is required: the duplicate check keys on it');
    return {
      xAmount: this.#amount(req.amount),
      xToken: req.token,
      xInvoice: req.invoice,
      ...(req.allowDuplicate ? { xAllowDuplicate: '1' } : {}),
      ...(req.tip ? { xTip: this.#amount(req.tip) } : {}),
      ...(req.tax ? { xTax: this.#amount(req.tax) } : {}),
    };
  }

  #amount(m: Money): string {
    if (m.currency !== this.#cfg.currency) {
      throw new RangeError(`This gateway account charges ${this.#cfg.currency}; got an amount in ${m.currency}`);
    }
    return toDecimalString(m.amount, m.currency);
  }

  async #transaction(command: string, fields: WireFields, invoice?: string): Promise<GatewayResult> {
    const res = await this.#call(command, fields, invoice);
    const result = this.#interpret(res);
    this.#cfg.log?.({ event: 'response', command, invoice, outcome: result.outcome, refNum: result.refNum });
    return result;
  }

  async #reportPage(kind: ReportKind, begin: number, end: number, max: number, invoice?: string): Promise<GatewayReportRow[]> {
    const res = await this.#call(`report:${kind}`, {
      xBeginDate: formatGatewayDate(begin),
      xEndDate: formatGatewayDate(end),
      xMaxRecords: String(max),
      ...(invoice !== undefined ? { xInvoice: `${EXACT_MATCH_PREFIX}${invoice}` } : {}),
    }, invoice, 'report');
    if (res.xResult !== 'A') {
      throw new GatewayRefusedError('report request', typeof res.xError === 'string' ? this.#scrub(res.xError) : '');
    }
    let data: unknown = res.xReportData ?? '[]';
    if (typeof data === 'string') {
      try {
        data = JSON.parse(data);
      } catch {
        throw new GatewayMalformedResponseError('report data is not JSON');
      }
    }
    if (!Array.isArray(data)) throw new GatewayMalformedResponseError('report data is not a list');
    if (data.length > max) throw new GatewayMalformedResponseError(`report page has ${data.length} rows, asked for at most ${max}`);
    const rows = data.map((r, i) => this.#row(r, i));
    this.#cfg.log?.({ event: 'response', command: `report:${kind}`, invoice, outcome: `${rows.length} rows` });
    return rows;
  }

  #row(raw: unknown, index: number): GatewayReportRow {
    if (typeof raw !== 'object' || raw === null) throw new GatewayMalformedResponseError(`report row ${index} is not an object`);
    // Field names case-insensitively: public callers read "xMaskedCardnumber" too.
    const r = canonicalFields(raw as Record<string, unknown>);
    const str = (k: string): string => (typeof r[k] === 'string' ? (r[k] as string) : r[k] === undefined ? '' : String(r[k]));
    const refNum = str('xRefNum');
    const enteredAt = parseGatewayDate(str('xEnteredDate'));
    const currency = str('xCurrency') || this.#cfg.currency;
    let amount: number;
    try {
      amount = parseDecimalString(str('xAmount'), currency);
    } catch {
      throw new GatewayMalformedResponseError(`report row ${index} has an unreadable amount`);
    }
    if (!refNum || enteredAt === null) throw new GatewayMalformedResponseError(`report row ${index} lacks xRefNum or a readable xEnteredDate`);
    const result = str('xResult') === 'A' || (str('xResult') === '' && !str('xResponseError')) ? 'approved' : str('xResult') === 'D' ? 'declined' : 'error';
    return {
      refNum,
      amount,
      currency,
      enteredAt,
      invoice: str('xInvoice'),
      maskedPan: parseMaskedCardNumber(str('xMaskedCardNumber'))?.masked ?? '',
      cardBrand: brandOfCardType(str('xCardType')),
      result,
      responseError: this.#scrub(str('xResponseError')),
      voided: str('xVoid') === '1',
      command: str('xCommand'),
      ...(str('xAuthCode') ? { authCode: str('xAuthCode') } : {}),
      ...(str('xDeviceId') ? { deviceId: str('xDeviceId') } : {}),
      ...(str('xEntryMethod') ? { entryMode: entryModeOfMethod(str('xEntryMethod')) } : {}),
    };
  }

  #interpret(res: Record<string, unknown>): GatewayResult {
    const s = (k: string): string => (typeof res[k] === 'string' ? this.#scrub(res[k] as string) : '');
    const refNum = s('xRefNum');
    const text = s('xError') || s('xStatus');
    const xResult = s('xResult');
    if (xResult !== 'E' && !refNum) throw new GatewayMalformedResponseError('no xRefNum');
    if ((xResult === 'D' || xResult === 'E') && isDuplicateText(text)) {
      const original = s(DUPLICATE_FIELDS.amount);
      let originalAmount: number | undefined;
      try {
        originalAmount = original ? parseDecimalString(original, this.#cfg.currency) : undefined;
      } catch {
        originalAmount = undefined;
      }
      return {
        outcome: 'duplicate',
        refNum,
        text,
        ...(s(DUPLICATE_FIELDS.refNum) ? { originalRefNum: s(DUPLICATE_FIELDS.refNum) } : {}),
        ...(s(DUPLICATE_FIELDS.authCode) ? { originalAuthCode: s(DUPLICATE_FIELDS.authCode) } : {}),
        ...(originalAmount !== undefined ? { originalAmount } : {}),
      };
    }
    switch (xResult) {
      case 'A': {
        let amountApproved: number;
        try {
          amountApproved = parseDecimalString(s('xAuthAmount'), this.#cfg.currency);
        } catch {
          throw new GatewayMalformedResponseError('approved without a readable xAuthAmount', { refNum });
        }
        return {
          outcome: 'approved',
          refNum,
          authCode: s('xAuthCode'),
          amountApproved,
          text: text || 'Approved',
          ...(s('xBatch') ? { batch: s('xBatch') } : {}),
          ...(parseMaskedCardNumber(s('xMaskedCardNumber')) ? { maskedPan: s('xMaskedCardNumber').trim() } : {}),
          ...(s('xCardType') ? { cardBrand: brandOfCardType(s('xCardType')) } : {}),
          ...(s('xEntryMethod') ? { entryMode: entryModeOfMethod(s('xEntryMethod')) } : {}),
          ...(s('xToken') ? { token: s('xToken') } : {}),
        };
      }
      case 'D':
        return { outcome: 'declined', refNum, text: text || 'Declined', ...(s('xErrorCode') ? { errorCode: s('xErrorCode') } : {}), ...refusalOf(text) };
      case 'E':
        return {
          outcome: 'error',
          ...(refNum ? { refNum } : {}),
          text: text || 'Error',
          ...(s('xErrorCode') ? { errorCode: s('xErrorCode') } : {}),
          ...refusalOf(text),
        };
      default:
        throw new GatewayMalformedResponseError(xResult ? 'unknown xResult' : 'no xResult', refNum ? { refNum } : {});
    }
  }

  async #call(command: string, fields: WireFields, invoice?: string, kind: 'transaction' | 'report' = 'transaction'): Promise<Record<string, unknown>> {
    const cfg = this.#cfg;
    const started = cfg.now();
    cfg.log?.({ event: 'request', command, invoice });
    const all = {
      xKey: cfg.key,
      xVersion: CARDKNOX_VERSION,
      xSoftwareName: cfg.softwareName,
      xSoftwareVersion: cfg.softwareVersion,
      xCommand: command,
      ...fields,
    };
    // Reports only exist at /reportjson, which every public caller posts JSON to;
    // transactions go as a form to /gateway, or as JSON to /gatewayjson.
    const json = kind === 'report' || cfg.preferJson;
    const url = kind === 'report' ? this.endpoints.report : json ? this.endpoints.gatewayJson : this.endpoints.gateway;
    let res;
    try {
      res = await postOnce({
        url,
        body: json ? JSON.stringify(all) : encodeForm(all),
        contentType: json ? 'application/json' : 'application/x-www-form-urlencoded',
        accept: json ? 'application/json' : 'application/x-www-form-urlencoded',
        timeoutMs: cfg.timeoutMs,
      });
    } catch (err) {
      const e = err as { reason?: string; sent?: boolean };
      cfg.log?.({ event: 'failure', command, invoice, reason: e.reason, sent: e.sent, ms: cfg.now() - started });
      throw err;
    }
    return this.#parseBody(res.body, res.contentType);
  }

  #parseBody(body: string, contentType: string): Record<string, unknown> {
    const trimmed = body.trim();
    if (/json/i.test(contentType) || trimmed.startsWith('{')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(trimmed);
      } catch {
        throw new GatewayMalformedResponseError('invalid JSON');
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new GatewayMalformedResponseError('JSON answer is not an object');
      return canonicalFields(parsed as Record<string, unknown>);
    }
    if (!trimmed.includes('=')) throw new GatewayMalformedResponseError('answer is neither form-encoded nor JSON');
    return canonicalFields(decodeForm(trimmed));
  }

  #scrub(text: string): string {
    return text.split(this.#cfg.key).join('[redacted]');
  }
}

/** The typed reason of a refusal the register acts on (cardknox-protocol.ts NOT_SETTLED_TEXT), if any. */
function refusalOf(text: string): { refusal?: GatewayRefusal } {
  return isNotSettledText(text) ? { refusal: 'not_settled' } : {};
}
