// Deliberately broken purser hosts for the folio chaos harness's own tests
// (folio-chaos-broken.test.ts): a folio chaos run must FAIL on each, counted
// on the processor's ledger. Only the folio host loads this, and only when a
// test names a variant in its environment (BROKEN_ENV); never reachable in
// production. Each breaks one thing through a seam the production room
// already has (the gateway port it is given) or by doing a checkout by hand:
//
// - resend_without_lookup: the lookup by invoice never finds anything, so a
//   record left sent goes out again (with the processor's duplicate check off,
//   the processor does it twice)                          ⇒ sent_twice > 0
// - approval_as_decline: an approved incremental authorisation is journaled as
//   declined (the answer is misread)                      ⇒ lost > 0
// - wrong_invoice: increments leave under another invoice than the record's
//   reference (the processor holds entries no record names) ⇒ lost > 0
// - drop_settlement: a settlement never leaves (the sender drops it: every
//   capture fails as if unanswered and nothing finds it)  ⇒ stuck > 0
// - capture_without_increment: checkout captures the folio total without the
//   incremental authorisation for what it lacks (with a lax processor that
//   does not refuse it)                                   ⇒ settled_over_authorised > 0

import type { CardOnFileGateway } from '../../src-main/gateways/card-on-file-gateway.ts';
import { GatewayUnavailableError } from '../../src-main/gateways/gateway-errors.ts';
import { departmentCard } from '../../src-main/purser/purser-card-rules.ts';
import type { PurserRoom } from '../../src-main/purser/purser-room.ts';

/** Names of the broken variants. */
export const BROKEN_FOLIO_HOSTS = ['resend_without_lookup', 'approval_as_decline', 'wrong_invoice', 'drop_settlement', 'capture_without_increment'] as const;

/** One broken variant. */
export type BrokenFolioHost = (typeof BROKEN_FOLIO_HOSTS)[number];

/** True for a known variant name. */
export function isBrokenFolioHost(name: string): name is BrokenFolioHost {
  return (BROKEN_FOLIO_HOSTS as readonly string[]).includes(name);
}

/** The gateway port as the broken variant sees it (unchanged for a variant that breaks the checkout). */
export function brokenGateway(kind: BrokenFolioHost, real: CardOnFileGateway): CardOnFileGateway {
  switch (kind) {
    case 'resend_without_lookup':
      return { ...real, findByInvoice: async () => [] };
    case 'approval_as_decline':
      return {
        ...real,
        increment: async (req) => {
          const r = await real.increment(req);
          return r.outcome === 'approved' ? { outcome: 'declined', refNum: r.refNum, text: 'Declined' } : r;
        },
      };
    case 'wrong_invoice':
      return { ...real, increment: (req) => real.increment({ ...req, invoice: `${req.invoice}W` }) };
    case 'drop_settlement':
      return {
        ...real,
        capture: async () => {
          throw new GatewayUnavailableError('connect_failed', false, 'broken host: settlement dropped');
        },
      };
    case 'capture_without_increment':
      return real;
  }
}

/**
 * The broken checkout: the settlement record for the amount asked, on the
 * guest's card, with its payment and the card's settled lock, in one
 * transaction as the real checkout does, but no increment for what the
 * authorised total lacks. Undefined when the guest has no active card.
 */
export function checkoutWithoutIncrement(room: PurserRoom, guestId: string, amount: number): string | undefined {
  const card = departmentCard(room.repo, guestId);
  if (!card) return undefined;
  room.repo.journal.transact(() => {
    const totals = room.repo.cycleTotals(card.id);
    const paymentId = room.repo.addPayment({ guestId, method: 'card', amount, cardId: card.id, description: 'Card (broken checkout)' });
    room.repo.addRecord({ guestId, cardId: card.id, cardSlot: card.slot, kind: 'settlement', mtype: null, amount, previousReference: totals.initial?.reference ?? null, paymentId });
    room.repo.setCardState(card.id, { active: false, lock: 1, reason: 'settled' }, 'settlement');
  });
  room.sender.kick();
  return 'Settled (broken checkout)';
}
