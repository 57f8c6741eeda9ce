// The payments of one closed ticket as the history shows them: its cash and
// approved card tenders, the card payments wholly given back (state reversed:
// they no longer pay the ticket but the customer saw them charged), and every
// void or refund, each side naming the other ("reversed by …" / "reverses …",
// issue 11 §3). Pure: the rows come from TicketHistoryRepository.reversalLinks.

import type { TenderReversal, TenderSnapshot } from '../../src-shared/domain.ts';
import { TRAINING_MANAGER } from '../staff/staff-service.ts';
import type { ReversalLinkRow } from './ticket-history-repository.ts';

/** The name shown for who asked: the staff name, the demo manager in training, else "a manager". */
function actorName(row: ReversalLinkRow): string {
  if (row.actorName) return row.actorName;
  return row.actor === TRAINING_MANAGER.staffId ? TRAINING_MANAGER.name : 'a manager';
}

function reversalOf(row: ReversalLinkRow): TenderReversal {
  return {
    attemptId: row.reversalAttemptId,
    kind: row.kind,
    amount: row.state === 'approved' ? row.amountApproved : row.amountRequested,
    state: row.state,
    actorName: actorName(row),
    reason: row.reason,
    at: row.createdAt,
  };
}

/** The ticket's tenders with the reversal links on both sides: payments oldest first, each void or refund right under its payment. */
export function historyTenders(tenders: readonly TenderSnapshot[], links: readonly ReversalLinkRow[]): TenderSnapshot[] {
  const payments = tenders.map((t) => ({ ...t }));
  const byAttempt = new Map(payments.filter((t) => t.attemptId).map((t) => [t.attemptId!, t]));
  const under = new Map<string, TenderSnapshot[]>();
  for (const row of links) {
    let original = byAttempt.get(row.originalAttemptId);
    if (!original) {
      // Wholly voided or refunded: not a tender of the ticket any more, still a line of its history.
      original = { id: row.originalAttemptId, kind: 'card', amount: row.originalAmount, attemptId: row.originalAttemptId, createdAt: row.originalCreatedAt };
      if (row.maskedPan !== null) original.maskedPan = row.maskedPan;
      if (row.cardBrand !== null) original.cardBrand = row.cardBrand;
      if (row.authCode !== null) original.authCode = row.authCode;
      byAttempt.set(row.originalAttemptId, original);
      payments.push(original);
    }
    if (row.originalState === 'reversed') original.reversed = true;
    const reversal = reversalOf(row);
    (original.reversedBy ??= []).push(reversal);
    const line: TenderSnapshot = {
      id: row.reversalAttemptId,
      kind: 'card',
      amount: reversal.amount,
      attemptId: row.reversalAttemptId,
      createdAt: row.createdAt,
      reverses: { ...reversal, originalAttemptId: row.originalAttemptId, originalAmount: row.originalAmount },
    };
    if (row.maskedPan !== null) line.maskedPan = row.maskedPan;
    if (row.cardBrand !== null) line.cardBrand = row.cardBrand;
    const list = under.get(row.originalAttemptId) ?? [];
    list.push(line);
    under.set(row.originalAttemptId, list);
  }
  payments.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  return payments.flatMap((p) => [p, ...(p.attemptId ? (under.get(p.attemptId) ?? []) : [])]);
}
