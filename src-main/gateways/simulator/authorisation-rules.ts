// What real processors enforce on authorisations, captures and refunds, as
// the gateway simulator's processor enforces it (issue 12 §5). Each rule
// names its public source; each is configurable (options, the
// /_control/rules door, SimulatedProcessor.setAuthorisationRules).
//
// - maxIncrements (10): Stripe Terminal incremental authorizations, "You have a
//   maximum of 10 attempts per payment"
//   (https://stripe.com/docs/terminal/features/incremental-authorizations).
//   Increments only before capture: Stripe "increase the authorized amount ...
//   before you capture it" (https://docs.stripe.com/payments/incremental-authorization);
//   checkout.com "you cannot perform any further incremental authorizations once
//   you have fully or partially captured the payment"
//   (https://www.checkout.com/docs/payments/manage-payments/authorize-a-payment/adjust-an-estimated-authorization).
// - authValidityMs (30 days): authorisations expire, "The length of an
//   authorization's validity depends on the card scheme" (Adyen,
//   https://docs.adyen.com/online-payments/adjust-authorisation/); Stripe's
//   standard window is 7 days online and extended authorisations (lodging)
//   up to 30 days (https://docs.stripe.com/payments/extended-authorization).
//   A cruise folio runs for the voyage, so the default is the extended 30 days.
//   An expired authorisation declines increments and captures.
// - captureTolerancePercent (15): card-scheme lodging rules let the final
//   amount exceed the authorised total (initial + approved increments) by a
//   tolerance, 15% for lodging (issue 12 §5; Stripe "Capture more than the
//   authorized amount on a payment" is the same idea, overcapture,
//   https://docs.stripe.com/payments/flexible-payments). Above it: declined.
// - refundNeedsSettlement (true): "Unable to refund a transaction until it has
//   been settled" (seed 002 table 4-11): before the batch is settled a
//   transaction is voided, after it refunded.

/** The rules in force at one simulated processor. */
export interface AuthorisationRules {
  /** Most incremental authorisations approved on one authorisation. */
  maxIncrements: number;
  /** How long an authorisation can be increased or captured, ms from the initial authorisation. */
  authValidityMs: number;
  /** How far above the authorised total a capture may go, in whole percent. */
  captureTolerancePercent: number;
  /** Refuse a refund of a transaction whose batch is not settled yet. */
  refundNeedsSettlement: boolean;
}

/** The defaults (see the file comment for their sources). */
export const DEFAULT_AUTHORISATION_RULES: Readonly<AuthorisationRules> = Object.freeze({
  maxIncrements: 10,
  authValidityMs: 30 * 24 * 60 * 60 * 1000,
  captureTolerancePercent: 15,
  refundNeedsSettlement: true,
});

/** The processor's text for a refund before settlement (seed 002 table 4-11), as the client reads it. */
export { NOT_SETTLED_TEXT } from '../cardknox-protocol.ts';

/** The rules if valid; throws a RangeError naming the bad one. */
export function checkAuthorisationRules(r: AuthorisationRules): AuthorisationRules {
  if (!Number.isSafeInteger(r.maxIncrements) || r.maxIncrements < 0 || r.maxIncrements > 1000) throw new RangeError('maxIncrements must be a whole number from 0 to 1000');
  if (!Number.isSafeInteger(r.authValidityMs) || r.authValidityMs < 0) throw new RangeError('authValidityMs must be whole milliseconds, 0 or more');
  if (!Number.isSafeInteger(r.captureTolerancePercent) || r.captureTolerancePercent < 0 || r.captureTolerancePercent > 100) {
    throw new RangeError('captureTolerancePercent must be a whole percent from 0 to 100');
  }
  if (typeof r.refundNeedsSettlement !== 'boolean') throw new RangeError('refundNeedsSettlement must be true or false');
  return { maxIncrements: r.maxIncrements, authValidityMs: r.authValidityMs, captureTolerancePercent: r.captureTolerancePercent, refundNeedsSettlement: r.refundNeedsSettlement };
}
