// The cashier's plain words for every step of a card payment, in one place so
// the payment screen, the events and the tests say the same thing. Each one
// says what is happening and what to do (DESIGN §8).

import type { AttemptKind } from '../journal/attempt-repository.ts';
import type { AttemptState } from '../../src-shared/payment-state-machine.ts';
import { formatMoney } from '../../src-shared/money.ts';
import { WHAT_TO_DO, type WriteFaultCause } from '../journal/journal-write-health.ts';

/** Messages shown while an attempt's outcome is being resolved. */
export const RESOLVING = {
  checkingTerminal: 'The card may have been charged. Checking the PIN pad… Do not charge again.',
  checkingGateway: 'The card may have been charged. The PIN pad has no answer yet; checking the gateway… Do not charge again.',
  gatewayUnreachable: 'Cannot reach the gateway. Still checking; do not charge again.',
  terminalUnreachable: 'Cannot reach the PIN pad to check this payment. Still checking; do not charge again.',
  waitingForBank:
    'The PIN pad timed out waiting for the bank, and the bank may still approve it. Waiting for its final answer; do not charge again.',
  duplicateFetching: 'The PIN pad says this payment was already taken. Fetching the original approval; do not charge again.',
  duplicateNotFound:
    'The PIN pad says this payment was already taken, but the original approval has not been found yet. Still checking; do not charge again.',
} as const;

/** Words for a state once the coordinator is not working on it (a void's or refund's are the manager's: reversalStateMessage). */
export function stateMessage(
  state: AttemptState,
  facts: { amountApproved: number; amountRequested: number; currency: string; resultCode?: string | null; resultText?: string | null; kind?: AttemptKind },
): string {
  if (facts.kind === 'void' || facts.kind === 'refund') return reversalStateMessage(state, facts);
  switch (state) {
    case 'created':
      return 'Getting the PIN pad ready…';
    case 'sent':
      return 'Please complete the payment on the PIN pad.';
    case 'approved':
      return facts.amountApproved < facts.amountRequested
        ? `Partially approved: ${formatMoney(facts.amountApproved, facts.currency)} of ${formatMoney(facts.amountRequested, facts.currency)}. The rest is still due; take another card or cash.`
        : `Approved: ${formatMoney(facts.amountApproved, facts.currency)}.`;
    case 'declined':
      return 'The card was declined. Ask for another card or another way to pay.';
    case 'aborted':
      // Not every abort is a cancel: the driver may have sent nothing, or the
      // PIN pad may have refused the request outright (EOT).
      if (facts.resultCode === 'NOT_SENT' && facts.resultText) return facts.resultText;
      if (facts.resultCode === 'EOT') return TERMINAL_REFUSED;
      return 'The payment was cancelled on the PIN pad; the card was not charged. You can try again.';
    case 'in_doubt':
      return RESOLVING.checkingTerminal;
    case 'not_charged':
      return 'Checked with the PIN pad and the gateway: the card was not charged. You can try again.';
    case 'abandoned':
      return 'The payment was not started; the card was not charged.';
    case 'reversed':
      return 'The payment was reversed; the money goes back to the card.';
  }
}

/** The result code a reversal is declined with when the processor refused it as not settled yet (ours, as NOT_SENT is). */
export const NOT_SETTLED_CODE = 'NOT_SETTLED';

/**
 * A void's or refund's state in a manager's words: what went back to the card,
 * or why nothing did. A declined reversal is not "the card was declined, ask
 * for another card": the card processor refused to give money back.
 */
export function reversalStateMessage(state: AttemptState, facts: { amountApproved: number; amountRequested: number; currency: string; resultCode?: string | null }): string {
  const money = formatMoney(state === 'approved' ? facts.amountApproved : facts.amountRequested, facts.currency);
  switch (state) {
    case 'created':
    case 'sent':
      return `Giving back ${money}…`;
    case 'approved':
      return `Given back: ${money}.`;
    case 'declined':
      return facts.resultCode === NOT_SETTLED_CODE
        ? 'The card processor has not settled the payment yet, so it refused to refund it; nothing was given back.'
        : 'The card processor refused it, so nothing was given back. Check the payment in the processor’s portal before trying again.';
    case 'aborted':
    case 'abandoned':
      return 'It was not sent, so nothing was given back. You can try again.';
    case 'in_doubt':
      return 'The answer did not come back, so it may have gone through. It is being checked and will not be sent again.';
    case 'not_charged':
      return 'Checked with the PIN pad and the gateway: nothing was given back. You can try again.';
    case 'reversed':
      return `Given back: ${money}.`;
  }
}

/** Why start() refuses while an earlier attempt on the ticket is unresolved. */
export function unresolvedRefusal(ticketNumber: number, ecrRef: string, terminalId: string): string {
  return (
    `Ticket #${ticketNumber} has a card payment (${ecrRef} on PIN pad ${terminalId}) whose outcome is not known yet: ` +
    'the card may have been charged. The app is checking the PIN pad and the gateway; wait for the answer before charging again.'
  );
}

/** The PIN pad could not be reached and nothing was sent. */
export const TERMINAL_NOT_REACHED = 'The PIN pad could not be reached, so nothing was sent and the card was not charged. Check its cable or network and try again.';

/** The PIN pad answered the request with a refusal (EOT). */
export const TERMINAL_REFUSED = 'The PIN pad refused the request, so the card was not charged. Check the PIN pad, then try again.';

/** The driver refused the request before sending it. */
export const TERMINAL_REFUSED_REQUEST = 'The PIN pad driver refused the request before sending it, so the card was not charged.';

/** A second card payment raced the first on one ticket (the journal's unique index refused it). */
export const ANOTHER_PAYMENT_WAITING =
  'Another card payment on this ticket is still waiting for its answer. Resolve it first (the app checks the PIN pad and the gateway).';

/** What the cashier sees on a payment whose outcome could not be journaled. */
export function unjournaledPaymentMessage(cause: WriteFaultCause): string {
  return `The card may have been charged; the journal cannot be written (${cause}): ${WHAT_TO_DO[cause]}, nothing will be charged again.`;
}
