// The purser's words (seed 002's messages where it names one, plain words
// elsewhere): no addresses, ports, codes or ids. Technical detail goes to the log.

export const PURSER_MESSAGES = {
  /** 4-7 #7, 4-13 #1/#2 (the seed spells it both "The" and "This"). */
  alreadyRegistered: 'The Credit Card is already registered in the system.',
  alreadyRegisteredInactive: 'The Credit Card is already registered in the system. Use Activate to use it again.',
  /** 4-7 #5. */
  signatureCancelled: 'User Cancel Signature Action. The card was not registered.',
  /** 4-9. */
  settlementDone: 'Settlement is done. The card is currently deactivated.',
  /** 4-11 #2. */
  voidAfterSent: 'By voiding the payment, you need to swipe credit card again or change to another payment type.',
  /** 4-11 #1. */
  voidBeforeSent: 'The payment is voided. Its settlement was not sent, and the card is active again.',
  /** 4-11 #5 (the gateway's own words). */
  refundBeforeSettled: 'Unable to refund a transaction until it has been settled.',
  /** 4-15 #1..#4. */
  lockSettled: 'Settlement or reversal is done for this card, please get credit card again.',
  lockDirectSale: 'Activation not allowed for Direct Sale Credit / Debit Card.',
  lockFormat: 'This card is not allowed to activate as the credit card format is not supported.',
  cardTypeNotSupported: 'This card type is not accepted on board. Ask the guest for another card.',
  cardDeclined: 'The card was declined. Ask the guest for another card.',
  registered: 'The card is registered.',
  registeredOffline: 'The card is registered. The ship is offline: its authorisation will be confirmed when the link returns.',
  registrationUnanswered: 'The PIN pad did not answer. The card will be checked with the PIN pad and shown here when it answers; do not register it again yet.',
  padUnavailable: 'The PIN pad cannot be reached. Check that it is on and connected, then try again.',
  padRequestRefused: 'The PIN pad refused the request and nothing was charged. Try again; if it keeps happening, ask a manager to check the PIN pad.',
  padLockFailed: 'The PIN pad could not be reserved for this workstation. Try again; if it keeps happening, ask a manager to check the PIN pad settings.',
  noActiveCard: 'This guest has no active card. Take cash, or register a card first.',
  postingClosed: 'Posting is closed for this guest after a declined card. Register another card or take cash.',
  postingOfflineLimit: (limit: string) => `The ship is offline and this guest's card already has ${limit} waiting to be authorised. Take this charge in cash or wait until the link returns.`,
  paymentDeclinedAuth: 'This card declined an authorisation, so the invoice cannot be paid on it. Take another card or cash.',
  paymentOfflineAuth: "This card's authorisation is not confirmed by the card provider yet (the ship is offline), so the invoice cannot be paid on it now. Take another card or cash, or wait until the link returns.",
  refundOffline: 'The refund could not be made: the card provider cannot be reached. Refund in cash or try again when the ship is online.',
  refundApprovedOffline: 'Refund failed due to transaction being approved offline. Refund in cash or try again when the ship is online.',
  refundNotSupported: 'Refunds to this card type are not supported. Refund in cash.',
  refundSent: 'The refund is sent.',
  paymentRecorded: 'The payment is recorded.',
  directSaleDone: 'The direct sale is paid.',
  directSaleUnanswered: 'The PIN pad did not answer. The payment will be checked with the PIN pad; do not take it again yet.',
  settlementStillSending: 'The settlement of this payment is still being sent. Void it when it has an answer.',
  notFound: (what: string) => `That ${what} was not found. Search again.`,
  guestCheckedOut: 'This guest has checked out.',
  declinedWithInitial: 'Declined with the initial authorisation.',
  voidedBeforeSent: 'Voided before it was sent.',
  heldInitialOutstanding: 'Waiting for the initial authorisation of this card.',
  heldInitialDeclined: "Waiting until another card's declined initial authorisation is cleared.",
  providerDeclined: 'Declined by the card provider.',
  /** A settlement (capture) declined after checkout: the payment is not paid, whatever the folio said before. */
  settlementDeclined: 'The card provider declined the settlement of this card payment. The payment is taken off the folio and the balance is due again: take another card or cash.',
  /** Void asked of a payment whose settlement was declined: it is off the folio already. */
  paymentDeclinedNoVoid: 'The card provider declined this payment, so it is off the folio already: there is nothing to void.',
  /** The folio line that takes a declined card payment off. */
  paymentDeclinedLine: 'Card payment declined by the card provider',
} as const;

/** Money for a sentence: 12345 → "123.45" (no currency code: the ship has one). */
export function moneyWords(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
