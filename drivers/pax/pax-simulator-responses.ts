// Translation between the wire messages (pax-messages.ts) and the simulated
// device's model (pax-simulator-device.ts): requests in, T01/R03/B01/A15 out.

import { isValidEcrRef } from '../../src-shared/ecr-reference.ts';
import { PAX_PROTOCOL_VERSION, PAX_RESULT_NOT_FOUND } from './pax-protocol-choices.ts';
import {
  PAX_RESULT,
  type PaxBatchCloseResponse,
  type PaxCancelResponse,
  type PaxCreditRequest,
  type PaxCreditResponse,
  type PaxReportRecord,
  type PaxReportRequest,
  type PaxReportResponse,
  type PaxResponse,
  type PaxTransactionBody,
} from './pax-messages.ts';
import { isApprovedCode, SIM_RESULT, type SimBatchTotals, type SimRecord, type SimTransactionInput } from './pax-simulator-device.ts';

/** Merchant id the simulated devices report on batch close. */
export const SIM_MERCHANT_ID = 'SIMMERCHANT01';

/** The device's view of a decoded T00. */
export function transactionInput(req: PaxCreditRequest): SimTransactionInput {
  return {
    type: req.transType,
    amount: req.amount ?? 0,
    ecrRef: req.ecrRef,
    invoice: req.invoice,
    allowDuplicate: req.allowDuplicate,
    originalTerminalRef: req.origRef,
    originalHostRef: req.hostRef,
    originalEcrRef: req.origEcrRef,
    tokenRequest: req.tokenRequest,
  };
}

function hostCode(r: SimRecord): string {
  if (isApprovedCode(r.resultCode)) return '00';
  return r.resultCode === PAX_RESULT.declined ? '05' : '';
}

function transactionBody(r: SimRecord): PaxTransactionBody {
  const additional: Record<string, string> = {};
  if (r.token) additional.TOKEN = r.token;
  return {
    transType: r.type,
    host: {
      code: hostCode(r),
      message: r.resultText,
      authCode: r.authCode,
      hostRef: r.hostRef,
      traceNumber: r.terminalRef || undefined,
      batchNumber: r.batchNumber,
    },
    amountApproved: r.amountApproved,
    amountDue: r.amountDue,
    account: { maskedPan: r.maskedPan, entryMode: r.entryMode, cardBrand: r.cardBrand },
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
  if (matches.length === 0) return { ...base, recordNumber: 0, resultCode: PAX_RESULT.approved, resultText: 'OK' };
  const r = matches[n];
  if (r === undefined) return { ...base, resultCode: PAX_RESULT_NOT_FOUND, resultText: 'NO SUCH RECORD' };
  const record: PaxReportRecord = { ...transactionBody(r), resultCode: r.resultCode, resultText: r.resultText };
  if (r.voided) record.additional.VOIDED = '1';
  if (r.offline !== 'none') record.additional.OFFLINE = r.offline.toUpperCase();
  return { ...base, resultCode: PAX_RESULT.approved, resultText: 'OK', record };
}

/** B01 for closed-batch totals. */
export function batchCloseResponse(t: SimBatchTotals, terminalId: string, version?: string): PaxBatchCloseResponse {
  return {
    command: 'B01', status: '0', version: version || PAX_PROTOCOL_VERSION,
    resultCode: PAX_RESULT.approved, resultText: 'OK',
    host: { code: '00', message: 'BATCH CLOSED', batchNumber: t.batchNumber },
    totalCount: t.totalCount, totalAmount: t.totalAmount, timestamp: t.timestamp, terminalId, merchantId: SIM_MERCHANT_ID,
  };
}

/** A15: whether the cancel aborted something. */
export function cancelResponse(aborted: boolean, text?: string): PaxCancelResponse {
  return aborted
    ? { command: 'A15', status: '0', resultCode: PAX_RESULT.approved, resultText: 'ABORTED' }
    : { command: 'A15', status: '0', resultCode: PAX_RESULT.declined, resultText: text ?? 'NOTHING TO CANCEL' };
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
