// What one register puts in the store's shared manager queue (issue 13 §3):
// its open orphan charges and its attempts still in doubt, each as one item
// in plain words (which register, how much, what to do); the register
// pushes the whole list each time (ManagerQueueRepository.syncRegister), so an
// item it settled itself leaves the queue. Variances come with the batch
// screen's lines the same way (see batchVarianceItems).

import { formatMoney } from '../../src-shared/money.ts';
import type { AttemptRow } from '../journal/attempt-repository.ts';
import type { Journal } from '../journal/journal.ts';
import type { OrphanRow } from '../reconcile/orphan-repository.ts';
import type { NewQueueItem } from './manager-queue-repository.ts';

const lastFour = (masked: string | null): string => {
  const d = (masked ?? '').replace(/\D/g, '').slice(-4);
  return d.length === 4 ? ` on the card ending ${d}` : '';
};

/** The register's queue items: open orphans and unresolved attempts. */
export function registerQueueItems(registerId: string, unresolved: readonly AttemptRow[], orphans: readonly OrphanRow[]): NewQueueItem[] {
  const items: NewQueueItem[] = [];
  for (const o of orphans) {
    if (o.status !== 'open') continue;
    items.push({
      kind: 'orphan',
      registerId,
      itemKey: o.id,
      summary: `A charge of ${formatMoney(o.amount, o.currency)}${lastFour(o.maskedPan)} is on no ticket. Attach it to the customer's ticket or refund it.`,
      amount: o.amount,
      currency: o.currency,
      detail: { refNum: o.refNum, invoice: o.invoice, reason: o.reason },
    });
  }
  for (const a of unresolved) {
    items.push({
      kind: 'in_doubt',
      registerId,
      itemKey: a.id,
      summary: `A card payment of ${formatMoney(a.amountRequested, a.currency)} may or may not have been charged. The register keeps checking; confirm it by phone with the processor if it stays unknown.`,
      amount: a.amountRequested,
      currency: a.currency,
      detail: { ecrRef: a.ecrRef, state: a.state },
    });
  }
  return items;
}

/** A batch line still open on a register, as the store's queue shows it. */
export interface OpenVarianceLine {
  id: string;
  amount: number;
  currency: string;
  /** The batch screen's words for the line. */
  words: string;
}

/** Open batch variance lines as queue items. */
export function batchVarianceItems(registerId: string, lines: readonly OpenVarianceLine[]): NewQueueItem[] {
  return lines.map((l) => ({ kind: 'variance', registerId, itemKey: l.id, summary: l.words, amount: l.amount, currency: l.currency }));
}

/** The register's open batch variance lines, read from its journal (the batch screen's cause and action as the words). */
export function openVarianceLines(journal: Journal): OpenVarianceLine[] {
  const rows = journal.db
    .prepare(
      `SELECT l.id, l.amount, b.currency, l.cause, l.action FROM batch_lines l JOIN batches b ON b.id = l.batch_id
       WHERE l.status = 'open' AND b.status = 'open' ORDER BY l.created_at`,
    )
    .all() as { id: string; amount: number; currency: string; cause: string; action: string }[];
  return rows.map((r) => ({ id: r.id, amount: r.amount, currency: r.currency, words: `${r.cause} ${r.action}`.trim() }));
}
