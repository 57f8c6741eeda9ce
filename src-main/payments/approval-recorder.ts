// Recording an approval, whoever found it (the PIN pad's answer, a lookup, a
// duplicate answer, Find Missing Payments): the attempt becomes approved and
// the ticket settles in ONE journal transaction, so a crash can never leave a
// charge recorded against a ticket that still shows it as due, or the reverse.

import type { ApprovalSource } from '../../src-shared/payment-state-machine.ts';
import type { TerminalResult } from '../../drivers/terminal.ts';
import type { GatewayReportRow } from '../gateways/gateway-report-row.ts';
import type { AttemptPatch, AttemptRepository, AttemptRow } from '../journal/attempt-repository.ts';
import type { Journal } from '../journal/journal.ts';
import type { TicketPort } from './payment-ports.ts';

/** What recordApproval needs. */
export interface ApprovalDeps {
  journal: Journal;
  attempts: AttemptRepository;
  tickets: TicketPort;
}

/** Outcome classes of a terminal answer that mean money was taken. */
export const APPROVED_OUTCOMES: readonly TerminalResult['outcome'][] = ['approved', 'approved_offline', 'partially_approved'];

/** Attempt facts from a terminal answer (masked card data only). */
export function terminalFacts(r: TerminalResult, amountRequested: number): AttemptPatch {
  // A full approval that does not echo an amount approved the amount asked for.
  const amountApproved = r.outcome === 'approved' && !(r.amountApproved > 0) ? amountRequested : r.amountApproved;
  return dropUndefined({
    amountApproved,
    resultCode: r.resultCode,
    resultText: r.resultText,
    authCode: r.authCode,
    // Both references: HRef for follow-ups, and the host's own number (PAX host subfield 4).
    hostRef: r.hostRef,
    hostReferenceNumber: r.hostReferenceNumber,
    terminalRef: r.terminalRef,
    batchNumber: r.batchNumber,
    maskedPan: r.maskedPan,
    cardBrand: r.cardBrand,
    entryMode: r.entryMode,
  });
}

/** Attempt facts from a gateway report row. */
export function gatewayRowFacts(row: GatewayReportRow): AttemptPatch {
  return dropUndefined({
    amountApproved: row.amount,
    resultText: 'Approved (found in the gateway report)',
    authCode: row.authCode,
    hostRef: row.refNum,
    maskedPan: row.maskedPan || undefined,
    cardBrand: row.cardBrand,
    entryMode: row.entryMode,
  });
}

/**
 * Marks the attempt approved from `source` and settles its ticket, in one
 * transaction. Already approved: nothing changes (two finders may race).
 */
export function recordApproval(
  deps: ApprovalDeps,
  attemptId: string,
  source: ApprovalSource,
  facts: AttemptPatch,
): { row: AttemptRow; changed: boolean } {
  return deps.journal.transact(() => {
    const current = deps.attempts.get(attemptId);
    if (current.state === 'approved') return { row: current, changed: false };
    // One read, one time stamp, no nested savepoints: the row, the ticket and both events in this one transaction.
    const at = deps.journal.nowIso();
    const row = deps.attempts.transitionWithin(current, { type: 'approve', source }, facts, at);
    deps.tickets.settleWithin(row.ticketId, at);
    return { row, changed: true };
  });
}

function dropUndefined(p: AttemptPatch): AttemptPatch {
  const out: AttemptPatch = {};
  for (const [k, v] of Object.entries(p)) if (v !== undefined && v !== '') (out as Record<string, unknown>)[k] = v;
  return out;
}
