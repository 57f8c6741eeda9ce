// An attempt row as the payment screen gets it: the journal's facts plus the
// cashier's words for its state. The journal returns data; the words live in
// payment-messages.ts.

import type { AttemptSnapshot } from '../../src-shared/domain.ts';
import type { AttemptRow } from '../journal/attempt-repository.ts';
import { stateMessage } from './payment-messages.ts';

/** The snapshot the payment screen shows, with the cashier's words for its state (payment-messages.ts). */
export function toAttemptSnapshot(r: AttemptRow): AttemptSnapshot {
  const s: AttemptSnapshot = {
    id: r.id,
    ticketId: r.ticketId,
    slot: r.slot,
    ecrRef: r.ecrRef,
    terminalId: r.terminalId,
    state: r.state,
    amountRequested: r.amountRequested,
    amountApproved: r.amountApproved,
    currency: r.currency,
    message: stateMessage(r.state, r),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
  if (r.authCode !== null) s.authCode = r.authCode;
  if (r.hostRef !== null) s.hostRef = r.hostRef;
  if (r.hostReferenceNumber != null) s.hostReferenceNumber = r.hostReferenceNumber;
  if (r.maskedPan !== null) s.maskedPan = r.maskedPan;
  if (r.cardBrand !== null) s.cardBrand = r.cardBrand;
  if (r.entryMode !== null) s.entryMode = r.entryMode;
  if (r.resultCode !== null) s.resultCode = r.resultCode;
  if (r.resultText !== null) s.resultText = r.resultText;
  if (r.approvalSource !== null) s.approvalSource = r.approvalSource;
  if (r.doubtReason !== null) s.doubtReason = r.doubtReason;
  return s;
}
