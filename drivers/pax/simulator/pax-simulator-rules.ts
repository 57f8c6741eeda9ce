// The simulated issuer's rules and the simulated cards, kept in ONE place so
// tests, e2e runs and chaos runs agree on what declines and what approves.
//
// Issuer rules (sale, auth and incremental auth only; refunds, voids and
// captures always go through):
// - card 4000000000000002 declines ("DECLINED"): its token starts with
//   "tok_decline", the prefix the gateway simulator's processor declines too, so
//   the card declines whichever processor the simulator charges through.
// - an amount whose cents are 51 (e.g. 1051 = 10.51) declines ("DECLINED").
// - an amount whose cents are 52 (e.g. 2052) is partially approved: half the
//   amount, rounded down to a whole minor unit.
// - anything else is approved in full.
//
// Both processors apply these rules: the in-memory one here and the gateway
// simulator's (src-main/gateways/simulator/simulated-processor.ts imports issuerDecision),
// so a sale is decided the same whichever one a PIN pad charges through. The
// processor sees only a masked number and an opaque token, so the card rule is
// keyed on the token, never on a PAN.

import { createHash } from 'node:crypto';
import { luhnValid, maskPan, type CardBrand, type EntryMode } from '../../../src-shared/card.ts';
import type { ProcessorCommand } from '../../../src-shared/processor-link.ts';

/** The test card the simulated issuer always declines. */
export const DECLINE_CARD_PAN = '4000000000000002';

/** The card a transaction reads when no other card was presented. */
export const DEFAULT_CARD_PAN = '4111111111111111';

/** Card tokens with this prefix are declined (same prefix as the gateway simulator's processor). */
export const DECLINE_TOKEN_PREFIX = 'tok_decline';

/** Cents value of an amount that the issuer declines. */
export const DECLINE_CENTS = 51;

/** Cents value of an amount that the issuer approves only half of. */
export const PARTIAL_CENTS = 52;

/** Expiry of a simulated card when none is given: December 2030, as MMYY. */
export const DEFAULT_CARD_EXPIRY = '1230';

/** A card as the simulated device holds it after reading: no PAN kept. */
export interface SimulatedCard {
  /** Opaque, stable id of the card (a truncated hash, not reversible to the PAN); tok_decline… for the decline card. */
  token: string;
  /** First 6 / last 4. */
  maskedPan: string;
  brand: CardBrand;
  entryMode: EntryMode;
  /** Expiry as the card holds it, MMYY (pax-protocol-choices.ts item 24). */
  expiry: string;
}

/** What the issuer decided. */
export type IssuerDecision =
  | { kind: 'approve' }
  | { kind: 'partial'; amountApproved: number }
  | { kind: 'decline'; text: string };

/** Brand by card number prefix (the common IIN ranges). */
export function cardBrandOf(pan: string): CardBrand {
  if (/^4/.test(pan)) return 'visa';
  if (/^(5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720))/.test(pan)) return 'mastercard';
  if (/^3[47]/.test(pan)) return 'amex';
  if (/^(6011|65|64[4-9])/.test(pan)) return 'discover';
  if (/^(36|30[0-5]|38)/.test(pan)) return 'diners';
  if (/^35/.test(pan)) return 'jcb';
  return 'other';
}

/**
 * Reads a card number into what the device may keep. Throws a RangeError
 * (without echoing the number) when it is not a Luhn-valid card number.
 */
export function readCard(pan: string, entryMode: EntryMode = 'chip', expiry: string = DEFAULT_CARD_EXPIRY): SimulatedCard {
  const clean = pan.replace(/[\s-]/g, '');
  if (!luhnValid(clean) || clean.length < 12) {
    throw new RangeError('The presented card number is not a valid card number (Luhn check failed); use a test card such as 4111111111111111');
  }
  const hash = createHash('sha256').update(`pax-sim:${clean}`).digest('base64url').slice(0, 20);
  const token = clean === DECLINE_CARD_PAN ? `${DECLINE_TOKEN_PREFIX}_${hash}` : `tok_${hash}`;
  if (!/^(0[1-9]|1[0-2])\d\d$/.test(expiry)) throw new RangeError('The card expiry must be MMYY, e.g. 1230 for December 2030');
  return { token, maskedPan: maskPan(clean), brand: cardBrandOf(clean), entryMode, expiry };
}

/** The simulated issuer's decision for a request (see the rules at the top of this file). */
export function issuerDecision(command: ProcessorCommand, amount: number, cardToken: string): IssuerDecision {
  if (command !== 'sale' && command !== 'auth' && command !== 'incremental') return { kind: 'approve' };
  if (cardToken.startsWith(DECLINE_TOKEN_PREFIX)) return { kind: 'decline', text: 'DECLINED' };
  const cents = amount % 100;
  if (cents === DECLINE_CENTS) return { kind: 'decline', text: 'DECLINED' };
  if (cents === PARTIAL_CENTS) return { kind: 'partial', amountApproved: halfOf(amount) };
  return { kind: 'approve' };
}

/** What a partial approval approves: half, rounded down to a whole minor unit (0 for an amount of 1: approve that in full). */
export function halfOf(amount: number): number {
  return Math.floor(amount / 2);
}

/** The nearest amount at or above `amount` that no amount rule touches: for load and benchmark data that must all be approved in full. */
export function ordinaryAmount(amount: number): number {
  const cents = amount % 100;
  return cents === DECLINE_CENTS || cents === PARTIAL_CENTS ? amount - cents + PARTIAL_CENTS + 1 : amount;
}
