// Which authorisation a card's next shortfall goes on (issue 12 §5, seed 002
// tables 4-8, 4-9 and 4-17 #2). A card's cycle starts at its registration on
// the PIN pad and may hold several authorisations ("heads": initial
// authorisation records, each with its incremental authorisations linked by
// previous_reference), because the folio plans around what processors
// enforce instead of letting them decline:
//   - an authorisation takes at most maxIncrements increments (Stripe Terminal
//     "a maximum of 10 attempts per payment",
//     https://stripe.com/docs/terminal/features/incremental-authorizations);
//   - it can be increased or captured only within its validity window (Adyen
//     adjust-authorisation "The length of an authorization's validity depends
//     on the card scheme", https://docs.adyen.com/online-payments/adjust-authorisation/;
//     Stripe extended authorisations up to 30 days for lodging,
//     https://docs.stripe.com/payments/extended-authorization);
//   - a capture may exceed its own authorisation's total only by the lodging
//     tolerance (15%), never another authorisation's.
// When the newest head has used its increments, or is within renewBeforeMs of
// its expiry, the next shortfall is covered by a NEW authorisation by token
// (an initial authorisation record with mtype 1, sent by the queue through
// CardOnFileGateway.authorise). An expired head no longer counts as
// authorised. At checkout the settlement is split, one capture per head, each
// up to its own total. The same defaults as the gateway simulator's rules
// (gateways/simulator/authorisation-rules.ts, which the purser may not import).
//
// 4-17 #2 ("Proceed to add posting, the offline initial auth created
// (CCA_MTYPE = 1)"): when another card's initial authorisation was declined
// after this card's newest authorisation began, the invoices were routed here
// (4-18), and the next posting starts a new initial authorisation (mtype 1) on
// this card for them, at least the Online Initial Auth Amount.

import type { PurserParameterValues } from './purser-parameters.ts';
import type { CardRow, PurserRepository, RecordRow } from './purser-repository.ts';

/** What the card provider enforces on one authorisation, as the folio plans for it. */
export interface ProcessorLimits {
  /** Most incremental authorisations on one authorisation. */
  maxIncrements: number;
  /** How long an authorisation can be increased or captured, ms from when it was made. */
  authValidityMs: number;
  /** A head this close to its expiry takes no more increments: a new authorisation is made instead, ms. */
  renewBeforeMs: number;
}

export const DEFAULT_PROCESSOR_LIMITS: Readonly<ProcessorLimits> = Object.freeze({
  maxIncrements: 10,
  authValidityMs: 30 * 24 * 60 * 60 * 1000,
  renewBeforeMs: 24 * 60 * 60 * 1000,
});

/** One authorisation of the card's cycle and what it holds. */
export interface HeadState {
  head: RecordRow;
  /** Head plus increments, approved or outstanding. */
  authorised: number;
  approved: number;
  /** Increments counted against the limit (every one sent or still to send). */
  increments: number;
  /** Not declined and not expired: counts as authorised, can be captured. */
  live: boolean;
  /** Live, below the increment limit and not near its expiry. */
  canIncrement: boolean;
}

/** The card's heads of its current cycle, oldest first, with their state at nowMs. */
export function cardHeads(repo: PurserRepository, cardId: string, limits: ProcessorLimits, nowMs: number): HeadState[] {
  return repo.cycleHeads(cardId).map((head) => {
    const incs = repo.headIncrements(head.reference);
    const holding = [head, ...incs].filter((r) => r.status !== 2);
    const made = Date.parse(head.created_at);
    const live = head.status !== 2 && nowMs - made <= limits.authValidityMs;
    const increments = incs.filter((r) => r.status !== 2 || r.send_count > 0).length;
    return {
      head,
      authorised: holding.reduce((s, r) => s + r.amount, 0),
      approved: holding.filter((r) => r.status === 1).reduce((s, r) => s + r.amount, 0),
      increments,
      live,
      canIncrement: live && increments < limits.maxIncrements && nowMs < made + limits.authValidityMs - limits.renewBeforeMs,
    };
  });
}

/** What is authorised on the card now (live heads only). */
export function liveAuthorised(heads: HeadState[]): number {
  return heads.filter((h) => h.live).reduce((s, h) => s + h.authorised, 0);
}

/** Where a new increment of the card goes: on a head, or a new authorisation by token. */
export type IncrementPlan = { kind: 'increment'; head: RecordRow } | { kind: 'new_head' };

export function planIncrement(heads: HeadState[]): IncrementPlan {
  const newest = heads.filter((h) => h.live).at(-1);
  if (newest?.canIncrement) return { kind: 'increment', head: newest.head };
  return { kind: 'new_head' };
}

/** 4-17 #2: the card takes invoices another card's declined initial authorisation routed to it after its newest live head began. */
export function invoicesRoutedHere(repo: PurserRepository, card: CardRow, heads: HeadState[]): boolean {
  const newest = heads.filter((h) => h.live).at(-1);
  if (!newest) return true;
  return repo.initialDeclinedBefore(card, newest.head.created_at);
}

/** 4-8's increment for a shortfall: the auto amount when the shortfall is below it, else the shortfall; 0 when none or auto is off. */
export function incrementAmount(shortfall: number, params: Pick<PurserParameterValues, 'autoIncrementalAuthEnabled' | 'autoIncrementalAuthAmount'>): number {
  if (params.autoIncrementalAuthEnabled !== 1 || shortfall <= 0) return 0;
  return shortfall <= params.autoIncrementalAuthAmount ? params.autoIncrementalAuthAmount : shortfall;
}

/**
 * The settlement split over the live heads, oldest first, each up to its own
 * authorised total; what is left (the folio above every authorisation, within
 * the processor's tolerance or not) goes on the newest live head.
 */
export function splitSettlement(heads: HeadState[], amount: number): { head: RecordRow; amount: number }[] {
  const live = heads.filter((h) => h.live);
  if (live.length === 0) return [];
  const out: { head: RecordRow; amount: number }[] = [];
  let left = amount;
  for (const h of live) {
    const take = Math.min(left, h.authorised);
    if (take > 0) out.push({ head: h.head, amount: take });
    left -= take;
  }
  if (left > 0) {
    const last = live.at(-1)!.head;
    const mine = out.find((x) => x.head.id === last.id);
    if (mine) mine.amount += left;
    else out.push({ head: last, amount: left });
  }
  return out;
}
