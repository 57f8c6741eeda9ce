// What one register puts in the store's shared manager queue (issue 13 §3):
// its open orphan charges and its attempts still in doubt, each as one item
// in plain words (which register, how much, what to do); the register
// pushes the whole list each time (ManagerQueueRepository.syncRegister), so an
// item it settled itself leaves the queue. Variances come with the batch
// screen's lines the same way (see batchVarianceItems).

import { formatMoney } from '../../src-shared/money.ts';
import type { AttemptRow } from '../journal/attempt-repository.ts';
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
