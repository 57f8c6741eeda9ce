// The journal events behind a closed ticket in plain words for "was I
// charged?" ("Approved $6.20, auth 112648, Visa ••••1111"), money through the
// register's currency formatter. The raw fields (minor units, references,
// states) stay in the "Technical detail" a manager can open.

import type { JournalEventSnapshot } from '../../../src-shared/domain.ts';
import type { ApprovalSource, DoubtReason } from '../../../src-shared/payment-state-machine.ts';
import { formatMoney } from '../common/money-format.ts';
import { plainWords } from '../common/plain-words.ts';

const DOUBT_WORDS: Record<DoubtReason, string> = {
  timeout: 'no answer in time',
  link_lost: 'the connection to the PIN pad was lost',
  bad_response: 'the answer could not be read',
  device_reset: 'the PIN pad restarted',
  unanswered_cancel: 'the cancel was not answered',
  crash: 'the register stopped',
};

/** How an approval was learnt when it was not the direct answer. */
const SOURCE_WORDS: Partial<Record<ApprovalSource, string>> = {
  terminal_duplicate: 'already charged, recorded without charging again',
  terminal_lookup: "found in the PIN pad's report",
  gateway: 'answered by the payment gateway',
  gateway_duplicate: 'already charged, recorded without charging again',
  gateway_lookup: "found in the payment gateway's report",
  find_missing: 'found by Find Missing Payments',
};

/** "visa" → "Visa"; "MASTERCARD" → "Mastercard". */
function brandWords(brand: string): string {
  return brand ? brand.charAt(0).toUpperCase() + brand.slice(1).toLowerCase() : '';
}

/** A masked card number shown by its last four only: "411111******1111" → "••••1111". */
function lastFour(maskedPan: string): string {
  const digits = maskedPan.replace(/\D/g, '');
  return digits.length >= 4 ? `••••${digits.slice(-4)}` : '';
}

/** A card as a cashier says it: "Visa ••••1111". */
export function cardWords(brand: string | null | undefined, maskedPan: string | null | undefined): string {
  return [brandWords(brand ?? ''), lastFour(maskedPan ?? '')].filter(Boolean).join(' ');
}

/** One journal event in plain words; `currency` is the ticket's. */
export function journalEventWords(e: Pick<JournalEventSnapshot, 'entity' | 'type' | 'fields'>, currency: string): string {
  const f = e.fields;
  const num = (k: string): number | undefined => (typeof f[k] === 'number' ? (f[k] as number) : undefined);
  const str = (k: string): string => (typeof f[k] === 'string' ? (f[k] as string) : '');
  const money = (k: string): string => {
    const n = num(k);
    return n === undefined ? '' : formatMoney(n, currency);
  };
  const totalAfter = num('total') !== undefined ? ` (ticket total ${money('total')})` : '';
  const key = `${e.entity}.${e.type}`;
  switch (key) {
    case 'ticket.created':
      return 'Ticket opened';
    case 'ticket.line_added': {
      const qty = num('quantity');
      return `Added ${qty && qty > 1 ? `${qty} × ` : ''}${str('description') || 'an item'} ${money('lineTotal')}${totalAfter}`;
    }
    case 'ticket.line_voided':
      return `Line removed ${money('lineTotal')}${totalAfter}`;
    case 'ticket.cash_tendered': {
      const change = num('change') ?? 0;
      const due = num('due') ?? 0;
      const tail = change > 0 ? `, change ${money('change')}` : due > 0 ? `, ${money('due')} still due` : '';
      return `Cash received ${money('tendered')}${tail}`;
    }
    case 'ticket.paid':
      return `Ticket paid ${money('total')}`;
    case 'ticket.voided':
      return 'Empty ticket voided';
    case 'ticket.moved':
      return `Moved to ${str('toName') || 'another register'}${num('cashApplied') ? `, with ${money('cashApplied')} already paid in cash here` : ''}`;
    case 'ticket.move_requested':
      return 'Asked the store to move it to another register';
    case 'ticket.move_cancelled':
      return 'The move did not happen: the ticket stayed on this register';
    case 'ticket.received':
      return `Moved here from ${str('fromName') || 'another register'}${num('originNumber') ? ` (ticket #${num('originNumber')} there)` : ''}`;
    case 'attempt.created':
      return `Card payment of ${money('amountRequested')} recorded before sending`;
    case 'attempt.send':
      return `Card payment sent to the PIN pad: ${money('amountRequested')}`;
    case 'attempt.approve': {
      const parts = [`Approved ${money('amountApproved')}`];
      if (str('authCode')) parts.push(`auth ${str('authCode')}`);
      const card = cardWords(str('cardBrand'), str('maskedPan'));
      if (card) parts.push(card);
      const source = SOURCE_WORDS[str('approvalSource') as ApprovalSource];
      return parts.join(', ') + (source ? ` (${source})` : '');
    }
    case 'attempt.decline':
      return str('resultText') ? `Declined: ${plainWords(str('resultText'))}` : 'Card declined: not charged';
    case 'attempt.abort':
      return str('resultText') ? `Not charged: ${plainWords(str('resultText'))}` : 'Stopped: the card was not charged';
    case 'attempt.doubt': {
      const reason = DOUBT_WORDS[str('doubtReason') as DoubtReason];
      return `Card may have been charged${reason ? ` (${reason})` : ''}: checking`;
    }
    case 'attempt.confirm_absent':
      return 'Checked: the card was not charged';
    case 'attempt.abandon':
      return 'Card payment dropped before it reached the PIN pad';
    case 'attempt.reverse':
      return `Approval reversed: ${money('amountApproved')} given back to the card`;
    case 'receipt.printed':
      return str('kind') === 'reprint' ? 'Receipt reprinted' : 'Receipt printed';
    case 'receipt.not_printed':
      return `Receipt not printed${str('reason') ? `: ${str('reason').replace(/_/g, ' ')}` : ''}`;
    default:
      return `${e.entity} ${e.type.replace(/_/g, ' ')}`;
  }
}
