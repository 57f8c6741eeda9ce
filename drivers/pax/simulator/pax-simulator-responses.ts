// Translation between the wire messages (pax-messages.ts) and the simulated
// device's model (pax-simulator-device.ts): requests in, T01/R03/B01 out (a cancel gets EOT).

import { isValidEcrRef } from '../../../src-shared/ecr-reference.ts';
import { PAX_PROTOCOL_VERSION, PAX_RESULT_NOT_FOUND, PAX_SIGNATURE_STATUS_KEY } from '../pax-protocol-choices.ts';
import {
  PAX_RESULT,
  type PaxBatchCloseResponse,
  type PaxCreditRequest,
  type PaxCreditResponse,
  type PaxReportRecord,
  type PaxReportRequest,
  type PaxReportResponse,
  type PaxResponse,
  type PaxSafUploadResponse,
  type PaxTransactionBody,
} from '../pax-messages.ts';
import { isApprovedCode, SIM_RESULT, type SimBatchTotals, type SimRecord, type SimTransactionInput, type SimUploadSummary } from './pax-simulator-device.ts';

/** Merchant id the simulated devices report on batch close. */
export const SIM_MERCHANT_ID = 'SIMMERCHANT01';

/** The device's view of a decoded T00. */
export function transactionInput(req: PaxCreditRequest): SimTransactionInput {
  return {
    type: req.transType,
    amount: chargedAmount(req),
    ecrRef: req.ecrRef,
    invoice: req.invoice,
    allowDuplicate: req.allowDuplicate,
    originalTerminalRef: req.origRef,
    originalHostRef: req.hostRef,
    originalEcrRef: req.origEcrRef,
    tokenRequest: req.tokenRequest,
    signatureRequest: req.signatureRequest,
    tipAmount: req.tipAmount,
    cashBackAmount: req.cashBackAmount,
    feeAmount: req.feeAmount,
    taxAmount: req.taxAmount,
  };
}

/**
 * What the customer is charged (item 19): the base amount plus tip, cash back
 * and fee; tax is part of the base amount, reported apart.
 */
function chargedAmount(req: PaxCreditRequest): number {
  return (req.amount ?? 0) + (req.tipAmount ?? 0) + (req.cashBackAmount ?? 0) + (req.feeAmount ?? 0);
}

/**
 * Host subfield 4: the host's own retrieval reference, distinct from the HRef a
 * follow-up needs, as in the real 1.54 answer (TriplePlayPay/TerminalGateway
 * TerminalTransmitter.cs: host ref 410813655763, HRef=200069124602).
 */
function hostRetrievalRef(r: SimRecord): string | undefined {
  return r.hostRef === undefined ? undefined : `${r.batchNumber}${r.terminalRef.padStart(8, '0')}`;
}

function hostCode(r: SimRecord): string {
  if (isApprovedCode(r.resultCode)) return '00';
  return r.resultCode === PAX_RESULT.declined ? '05' : '';
}

function transactionBody(r: SimRecord): PaxTransactionBody {
  const additional: Record<string, string> = {};
  // Every approved answer carries HRef (mixed case, as real ones do: item 1); a
  // duplicate answer points at the original approval the same way.
  if (r.hostRef !== undefined && (isApprovedCode(r.resultCode) || r.resultCode === PAX_RESULT.duplicate)) additional.HRef = r.hostRef;
  if (r.token) additional.TOKEN = r.token;
  if (r.signatureStatus !== undefined) additional[PAX_SIGNATURE_STATUS_KEY] = r.signatureStatus;
  return {
    transType: r.type,
    host: {
      code: hostCode(r),
      message: r.hostMessage ?? r.resultText,
      authCode: r.authCode,
      hostRef: hostRetrievalRef(r),
      traceNumber: r.terminalRef || undefined,
      batchNumber: r.batchNumber,
    },
    amountApproved: r.amountApproved,
    amountDue: r.amountDue,
    tipAmount: r.tipAmount,
    cashBackAmount: r.cashBackAmount,
    feeAmount: r.feeAmount,
    taxAmount: r.taxAmount,
    account: { maskedPan: r.maskedPan, entryMode: r.entryMode, cardBrand: r.cardBrand, ...(r.expiry !== undefined ? { expiry: r.expiry } : {}) },
    trace: { terminalRef: r.terminalRef || undefined, ecrRef: r.ecrRef, timestamp: r.timestamp },
    additional,
  };
}

/** T01 for a device outcome (kept or refused). */
export function creditResponse(r: SimRecord, version?: string): PaxCreditResponse {
  return { command: 'T01', status: '0', version: version || PAX_PROTOCOL_VERSION, resultCode: r.resultCode, resultText: r.resultText, ...transactionBody(r) };
}

/** R03: the n-th record of the open batch matching the R02 filters. */
export function reportResponse(records: readonly SimRecord[], req: PaxReportRequest): PaxReportResponse {
  const matches = records.filter((r) => (req.ecrRef === undefined || r.ecrRef === req.ecrRef) && (req.transType === undefined || r.type === req.transType));
  const n = req.recordNumber ?? 0;
  const base = { command: 'R03' as const, status: '0', version: req.version || PAX_PROTOCOL_VERSION, totalRecords: matches.length, recordNumber: n };
  // No match answers 100023 NOT FOUND, as real terminals do (item 5).
  const r = matches[n];
  if (r === undefined) return { ...base, totalRecords: 0, recordNumber: 0, resultCode: PAX_RESULT_NOT_FOUND, resultText: 'NOT FOUND' };
  const record: PaxReportRecord = { ...transactionBody(r), resultCode: r.resultCode, resultText: r.resultText };
  if (r.voided) record.additional.VOIDED = '1';
  if (r.offline !== 'none') record.additional.OFFLINE = r.offline.toUpperCase();
  return { ...base, resultCode: PAX_RESULT.approved, resultText: 'OK', record };
}

/** B01 for closed-batch totals. */
export function batchCloseResponse(t: SimBatchTotals | null, terminalId: string, version?: string, timestamp = ''): PaxBatchCloseResponse {
  if (t === null) {
    // The host could not settle the batch: nothing closed (the same code as a host that does not answer a sale).
    return {
      command: 'B01', status: '0', version: version || PAX_PROTOCOL_VERSION,
      resultCode: SIM_RESULT.timeout.code, resultText: 'HOST UNAVAILABLE',
      host: { code: '', message: '', batchNumber: '' },
      totalCount: 0, totalAmount: 0, timestamp, terminalId, merchantId: SIM_MERCHANT_ID,
    };
  }
  return {
    command: 'B01', status: '0', version: version || PAX_PROTOCOL_VERSION,
    resultCode: PAX_RESULT.approved, resultText: 'OK',
    host: { code: '00', message: 'BATCH CLOSED', batchNumber: t.batchNumber },
    totalCount: t.totalCount, totalAmount: t.totalAmount, timestamp: t.timestamp, terminalId, merchantId: SIM_MERCHANT_ID,
  };
}

/**
 * B09 for a store-and-forward upload (pax-protocol-choices.ts item 25); null
 * (the host link is still down) answers 100001 with nothing uploaded.
 */
export function safUploadResponse(sum: SimUploadSummary | null, timestamp: string, version?: string): PaxSafUploadResponse {
  const head = { command: 'B09' as const, status: '0', version: version || PAX_PROTOCOL_VERSION };
  if (sum === null) {
    return {
      ...head, resultCode: SIM_RESULT.timeout.code, resultText: 'HOST UNAVAILABLE', totalCount: 0, totalAmount: 0, timestamp,
      uploadedCount: 0, uploadedAmount: 0, failedCount: 0, failedAmount: 0,
    };
  }
  return { ...head, resultCode: SIM_RESULT.approved.code, resultText: 'OK', timestamp, ...sum };
}

/** Printable ASCII only, so a reason can travel in a result text. */
function wireText(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
}

/**
 * The format-error answer (100003) to a well-framed request with bad content,
 * in the response command matching the request; null when the request command
 * has no response form (the terminal then answers EOT).
 */
export function formatErrorResponse(fields: string[][], reason: string): PaxResponse | null {
  const command = fields[0]?.[0];
  const version = fields[1]?.[0] || PAX_PROTOCOL_VERSION;
  const head = { status: '0', version, resultCode: SIM_RESULT.formatError.code, resultText: wireText(`${SIM_RESULT.formatError.text}: ${reason}`) };
  switch (command) {
    case 'T00': {
      const ref = fields[5]?.[0] ?? '';
      return {
        ...head, command: 'T01', host: {}, amountApproved: 0, amountDue: 0, account: {},
        trace: { ecrRef: isValidEcrRef(ref) ? ref : undefined }, additional: {},
      };
    }
    case 'R02':
      return { ...head, command: 'R03', totalRecords: 0, recordNumber: 0 };
    case 'B00':
      return { ...head, command: 'B01', host: {}, totalCount: 0, totalAmount: 0 };
    default:
      return null;
  }
}
