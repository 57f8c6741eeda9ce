// Find Missing Payments and the orphan queue in the manager's words: the
// report's one-line summary and the orphan rows as the screen gets them.

import type { OrphanSnapshot } from '../../src-shared/domain.ts';
import type { OrphanRow } from './orphan-repository.ts';

/** The gateway is not configured: Find Missing cannot ask. */
export const NO_GATEWAY_FOR_FIND_MISSING =
  'No payment gateway is configured, so Find Missing Payments cannot ask which cards were charged. Payments in doubt are still checked with the PIN pad. Ask a manager to set the gateway URL and key.';

/** An orphan row as the Orphan payments screen shows it. */
export function toOrphanSnapshot(o: OrphanRow): OrphanSnapshot {
  return {
    id: o.id,
    refNum: o.refNum,
    invoice: o.invoice,
    amount: o.amount,
    currency: o.currency,
    ...(o.maskedPan ? { maskedPan: o.maskedPan } : {}),
    ...(o.cardBrand ? { cardBrand: o.cardBrand } : {}),
    chargedAt: o.enteredAt,
    reason: o.message,
    status: o.status,
    createdAt: o.createdAt,
  };
}

/** The one-line summary of a Find Missing run. */
export function findMissingMessage(checked: number, attached: number, orphans: number): string {
  const seen = `Checked ${checked} card charge${checked === 1 ? '' : 's'} at the gateway`;
  if (attached === 0 && orphans === 0) return `${seen}: nothing is missing.`;
  const parts: string[] = [];
  if (attached > 0) parts.push(`${attached} missing payment${attached === 1 ? ' was' : 's were'} found and recorded on ${attached === 1 ? 'its ticket' : 'their tickets'}`);
  if (orphans > 0) parts.push(`${orphans} charge${orphans === 1 ? '' : 's'} belong${orphans === 1 ? 's' : ''} to no ticket and wait${orphans === 1 ? 's' : ''} for a manager under Orphan payments`);
  return `${seen}: ${parts.join('; ')}.`;
}
