// The purser's words for the cruise system's codes (seed 002 table 4-22 status
// and queue status, table 4-15 activation locks, table 4-7 entry methods, table
// 4-11 void confirmations). The screens show these words, never the codes:
// a purser reads "Waiting to send", not "CCA_QSTATUS 0".

import type { CardBrand } from '../../../src-shared/card.ts';
import type {
  CardEntryMethod,
  CardOnFileSnapshot,
  PurserParameter,
  PurserParameterValue,
  PurserRecord,
  PurserRecordKind,
  QueueHold,
  QueueStatus,
  RecordStatus,
} from '../../../src-shared/purser-types.ts';

/** CCA_STATUS / CCT_STATUS (table 4-22): 0 outstanding, 1 approved, 2 declined. */
export const RECORD_STATUS_WORDS: Readonly<Record<RecordStatus, string>> = {
  0: 'Outstanding',
  1: 'Approved',
  2: 'Declined',
};

/** CCA_QSTATUS / CCT_QSTATUS (table 4-22): 0 pending, 2 sent, 3 acknowledged, 8 completed. */
export const QUEUE_STATUS_WORDS: Readonly<Record<QueueStatus, string>> = {
  0: 'Waiting to send',
  2: 'Sent',
  3: 'Acknowledged by the card company',
  8: 'Completed',
};

/** Table 4-22: status 0 with queue status 8 is an offline approval holding a temporary token. */
export const TEMPORARY_TOKEN_WORDS = 'Temporary token while the ship is offline';

/** True for the record table 4-22 calls a pseudo/temporary token waiting for the real one. */
export function isTemporaryToken(r: Pick<PurserRecord, 'status' | 'queueStatus'>): boolean {
  return r.status === 0 && r.queueStatus === 8;
}

/** The record's status and queue status in words, e.g. "Approved · Completed". */
export function recordStateWords(r: Pick<PurserRecord, 'status' | 'queueStatus'>): { status: string; queue: string } {
  if (isTemporaryToken(r)) return { status: RECORD_STATUS_WORDS[0], queue: TEMPORARY_TOKEN_WORDS };
  return { status: RECORD_STATUS_WORDS[r.status], queue: QUEUE_STATUS_WORDS[r.queueStatus] };
}

const KIND_WORDS: Readonly<Record<PurserRecordKind, string>> = {
  initial_auth: 'Initial authorisation',
  incremental_auth: 'Incremental authorisation',
  settlement: 'Settlement',
  refund: 'Refund',
  void: 'Void',
  direct_sale: 'Direct sale',
};

/** What a record is, with "offline" for the offline message types (CCA_MTYPE 1 and 5). */
export function recordKindWords(r: Pick<PurserRecord, 'kind' | 'mtype'>): string {
  const base = KIND_WORDS[r.kind];
  return r.mtype === 1 || r.mtype === 5 ? `${base} (offline)` : base;
}

/** How the card was read on the PIN pad (table 4-7 CRD_MANUAL: I inserted, A swiped). */
export const ENTRY_METHOD_WORDS: Readonly<Record<CardEntryMethod, string>> = {
  I: 'Inserted',
  A: 'Swiped',
  T: 'Tapped',
};

/** "03/2029"; "No expiry" when the PIN pad gave none. */
export function expiryWords(card: Pick<CardOnFileSnapshot, 'expiryMonth' | 'expiryYear'>): string {
  if (card.expiryMonth === null || card.expiryYear === null) return 'No expiry';
  return `${String(card.expiryMonth).padStart(2, '0')}/${card.expiryYear}`;
}

/** The last four digits of a masked number ("411111******1111" → "1111"); never more of it. */
export function lastFour(maskedPan: string | null): string {
  const digits = (maskedPan ?? '').replace(/\D/g, '');
  return digits.slice(-4);
}

/** "Visa ending 1111" (the only part of the number a screen shows). */
export function cardName(card: Pick<CardOnFileSnapshot, 'brand' | 'maskedPan'>): string {
  const brand = brandWords(card.brand);
  const four = lastFour(card.maskedPan);
  return four ? `${brand} ending ${four}` : brand;
}

const BRAND_WORDS: Readonly<Record<CardBrand, string>> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  discover: 'Discover',
  diners: 'Diners Club',
  jcb: 'JCB',
  other: 'Card',
};

/** A brand as a person writes it. */
export function brandWords(brand: CardBrand): string {
  return BRAND_WORDS[brand];
}

/**
 * Why an inactive card is inactive and whether Activate may turn it on (table
 * 4-15). The seed's own message is used where it names one.
 */
export function inactiveWords(card: Pick<CardOnFileSnapshot, 'active' | 'inactiveReason' | 'lockActivation' | 'tokenKind'>): string | null {
  if (card.active) return null;
  if (card.tokenKind === 'none' || card.inactiveReason === 'format_not_supported') {
    return 'This card is not allowed to activate as the credit card format is not supported.';
  }
  if (card.lockActivation === 2 || card.inactiveReason === 'direct_sale') return 'Activation not allowed for Direct Sale Credit / Debit Card.';
  if (card.lockActivation === 1) {
    return card.inactiveReason === 'declined'
      ? 'The initial authorisation was declined. Get the card again on the PIN pad, or use another card.'
      : 'Settlement or reversal is done for this card, please get credit card again.';
  }
  if (card.inactiveReason === 'declined') return 'Deactivated after a declined authorisation. Activate turns it on again.';
  return 'Deactivated by hand. Activate turns it on again.';
}

/** True when Activate may turn the card on (lock 0 and a real or temporary token, table 4-15 #2). */
export function canActivate(card: Pick<CardOnFileSnapshot, 'active' | 'lockActivation' | 'tokenKind' | 'inactiveReason'>): boolean {
  return !card.active && card.lockActivation === 0 && card.tokenKind !== 'none' && card.inactiveReason !== 'format_not_supported';
}

/** Why the sender holds a card's records, in words. */
export function holdWords(hold: QueueHold): string | null {
  switch (hold) {
    case 'initial_outstanding':
      return 'Held: the initial authorisation has no answer yet.';
    case 'initial_declined':
      return 'Held: another card’s initial authorisation was declined; sent once that is cleared.';
    case 'offline':
      return 'Held: the ship is offline.';
    default:
      return null;
  }
}

/** An age in seconds for people: "under a minute", "12 min", "2 h 5 min". */
export function ageWords(seconds: number | null): string {
  if (seconds === null) return 'nothing waiting';
  const min = Math.floor(seconds / 60);
  if (min < 1) return 'under a minute';
  if (min < 60) return `${min} min`;
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}

/** Table 4-11 #2: the seed's confirmation before voiding a payment whose settlement already went out. */
export const VOID_SENT_CONFIRMATION =
  'By voiding the payment, you need to swipe credit card again or change to another payment type. Are you sure you want to void the payment?';

/** Table 4-11 #1: a settlement still waiting to send is withdrawn; nothing goes out and the card is active again. */
export const VOID_UNSENT_CONFIRMATION =
  'The settlement of this payment has not been sent yet: it is withdrawn, nothing is sent, and the card is active again. Void the payment?';

/** A cash payment or refund has no card side. */
export const VOID_CASH_CONFIRMATION = 'Void this payment? It stays on the folio, marked voided.';

/** The confirmation to show before voiding a payment, from its settlement record's queue status (table 4-11). */
export function voidConfirmation(settlement: Pick<PurserRecord, 'queueStatus'> | undefined): string {
  if (!settlement) return VOID_CASH_CONFIRMATION;
  return settlement.queueStatus > 0 ? VOID_SENT_CONFIRMATION : VOID_UNSENT_CONFIRMATION;
}

/** A parameter's value in words (a switch's or choice's meaning, an amount as money, a list of card types). */
export function parameterValueWords(p: Pick<PurserParameter, 'kind' | 'choices'>, value: PurserParameterValue, money: (minor: number) => string): string {
  if (Array.isArray(value)) return value.length === 0 ? 'None' : value.join(', ');
  switch (p.kind) {
    case 'amount':
      return money(value);
    case 'seconds':
      return `${value} s`;
    case 'switch':
    case 'choice':
      return p.choices?.find((c) => c.value === value)?.meaning ?? String(value);
    default:
      return String(value);
  }
}
