// One payment line of the closed-ticket history in plain words, with its
// reversal links on both sides (issue 11 §3): the original says what reversed
// it, by whom and why; a void or refund says which payment it gives back.

import type { TenderReversal, TenderSnapshot, TicketHistoryEntry } from '../../../src-shared/domain.ts';
import { formatMoney } from '../common/money-format.ts';
import { cardWords } from './journal-event-words.ts';

const KIND_WORDS: Record<TenderReversal['kind'], string> = { void: 'void', refund: 'refund' };

/** Out or unanswered: counts against what is left, as the host counts it. */
const PENDING: readonly TenderReversal['state'][] = ['created', 'sent', 'in_doubt'];

/** How far a void or refund got, when it is not plainly done. */
function stateWords(r: TenderReversal): string {
  if (r.state === 'approved') return '';
  if (r.state === 'declined') return ': refused by the processor, nothing was given back';
  if (PENDING.includes(r.state)) return ': the answer is being checked';
  return ': not done, nothing was given back';
}

/** The payment itself: "Card $10.00, Visa ••••1111, auth 123456" or "Cash $5.00 (received $10.00)". */
export function paymentWords(p: TenderSnapshot, currency: string): string {
  if (p.kind === 'cash') return `Cash ${formatMoney(p.amount, currency)} (received ${formatMoney(p.tendered ?? p.amount, currency)})`;
  if (p.reverses) {
    const what = p.reverses.kind === 'void' ? 'Void' : 'Refund';
    return `${what} ${formatMoney(p.amount, currency)} to ${cardWords(p.cardBrand, p.maskedPan) || 'the card'}`;
  }
  return [`Card ${formatMoney(p.amount, currency)}`, cardWords(p.cardBrand, p.maskedPan), p.authCode ? `auth ${p.authCode}` : 'auth not reported'].filter(Boolean).join(', ');
}

/** The link lines under a payment: "Reversed by refund $4.00 (Dana, one item returned)" or "Reverses the card payment of $10.00". */
export function reversalLinkWords(p: TenderSnapshot, currency: string): string[] {
  if (p.reverses) {
    const r = p.reverses;
    return [`Reverses the card payment of ${formatMoney(r.originalAmount, currency)} (${r.actorName}, ${r.reason})${stateWords(r)}`];
  }
  return (p.reversedBy ?? []).map((r) => {
    const head = r.state === 'approved' ? 'Reversed by' : PENDING.includes(r.state) ? 'Being reversed by' : 'Tried to reverse by';
    return `${head} ${KIND_WORDS[r.kind]} ${formatMoney(r.amount, currency)} (${r.actorName}, ${r.reason})${stateWords(r)}`;
  });
}

/** A card payment a manager may still void or refund: approved, not a reversal, something left to give back. */
export function canReverse(p: TenderSnapshot): boolean {
  if (p.kind !== 'card' || !p.attemptId || p.reverses || p.reversed) return false;
  const given = (p.reversedBy ?? []).filter((r) => r.state === 'approved' || PENDING.includes(r.state)).reduce((s, r) => s + r.amount, 0);
  return given < p.amount;
}

const STATUS_WORDS: Record<TicketHistoryEntry['status'], string> = { open: 'Open', paid: 'Paid', voided: 'Voided', moved: 'Moved' };

/** A closed ticket's status; a moved one says where it went. */
export function historyStatusWords(t: Pick<TicketHistoryEntry, 'status' | 'movedTo'>): string {
  return t.status === 'moved' ? `Moved to ${t.movedTo ?? 'another register'}` : STATUS_WORDS[t.status];
}
