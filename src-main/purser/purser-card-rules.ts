// The card-life rules both the purser service (a purser's command) and the
// queue sender (an answer from the gateway or the PIN pad) apply, inside the
// caller's transaction: adopting a registration answered by the PIN pad
// (tables 4-7, 4-13), the decline cascade (table 4-18 under parameter 0, 1, 2)
// and where invoices go (the first active card by routing order, else cash).

import type { CardBrand, EntryMode } from '../../src-shared/card.ts';
import type { TerminalResult } from '../../drivers/terminal.ts';
import type { CardActivationLock, CardEntryMethod, CardInactiveReason, CardTypeCode, PaymentDepartment } from '../../src-shared/purser-types.ts';
import type { PurserParameterValues } from './purser-parameters.ts';
import type { CardRow, PurserRepository, RecordRow } from './purser-repository.ts';
import { PURSER_MESSAGES } from './purser-messages.ts';

/** The cruise card type code of a brand (table 4-1's lists). */
export function typeCodeOf(brand: CardBrand | undefined): CardTypeCode {
  switch (brand) {
    case 'visa':
      return 'VI';
    case 'mastercard':
      return 'MC';
    case 'amex':
      return 'AX';
    case 'discover':
      return 'DS';
    case 'diners':
      return 'DC';
    case 'jcb':
      return 'JC';
    default:
      return 'OT';
  }
}

/** CRD_MANUAL of table 4-7: I inserted (chip), A swiped, T tapped. */
export function entryMethodOf(mode: EntryMode | undefined): CardEntryMethod {
  if (mode === 'chip') return 'I';
  if (mode === 'contactless') return 'T';
  return 'A';
}

/**
 * Files a card the PIN pad read but that is not active on the guest: a declined
 * initial authorisation's card (4-7, reason 'declined') or a direct sale's card
 * (reason 'direct_sale'). Runs inside the caller's transaction.
 */
export function addInactiveCard(repo: PurserRepository, guestId: string, r: TerminalResult, lock: CardActivationLock, reason: CardInactiveReason): CardRow {
  return repo.addCard({
    guest_id: guestId,
    slot: repo.nextCardSlot(guestId),
    token: r.token ?? null,
    token_kind: r.token ? 'real' : 'none',
    maskedPan: r.maskedPan ?? '****',
    brand: r.cardBrand ?? 'other',
    type_code: typeCodeOf(r.cardBrand),
    expiry_month: r.expiryMonth ?? null,
    expiry_year: r.expiryYear ?? null,
    entry_method: entryMethodOf(r.entryMode),
    active: 0,
    lock_activation: lock,
    inactive_reason: reason,
    signature: 'not_requested',
  });
}

/** Where the guest's invoices go: the first active card by routing order, else cash. */
export function paymentDepartment(repo: PurserRepository, guestId: string): PaymentDepartment {
  const card = departmentCard(repo, guestId);
  return card ? { kind: 'card', cardId: card.id } : { kind: 'cash' };
}

export function departmentCard(repo: PurserRepository, guestId: string): CardRow | undefined {
  return repo.cards(guestId).find((c) => c.active === 1);
}

/** What adopting a registration did. */
export interface Adopted {
  card: CardRow | undefined;
  message: string;
  /** The PIN pad's authorisation must be released (a refused duplicate or an unsupported card type). */
  releaseHold: boolean;
  refused: boolean;
}

/**
 * Takes a registration the PIN pad approved (at once or found by lookup):
 * refuses the same card on the same guest while it is active or deactivated
 * by hand (4-7 #7, 4-13 #1/#2), reactivates it when it was settled (4-7 #6,
 * 4-13 #3), else adds a card. A temporary token (offline approval) never
 * matches a real one, so the same card offline is a second card (4-7 #8).
 * Runs inside the caller's transaction.
 */
export function adoptRegistration(repo: PurserRepository, params: PurserParameterValues, record: RecordRow, r: TerminalResult): Adopted {
  const typeCode = typeCodeOf(r.cardBrand);
  const offline = r.temporaryToken === true || r.outcome === 'approved_offline';
  if (params.cardTypesNotSupported.includes(typeCode)) {
    repo.updateRecord(record.id, { status: 2, queue_status: 8, note: PURSER_MESSAGES.cardTypeNotSupported, ref_num: r.hostRef ?? null, answered_at: repo.journal.nowIso() }, 'refused');
    return { card: undefined, message: PURSER_MESSAGES.cardTypeNotSupported, releaseHold: !offline, refused: true };
  }
  const token = r.token ?? null;
  const same = !offline && token ? repo.cardsWithToken(token) : [];
  const mine = same.find((c) => c.guest_id === record.guest_id);
  const answered = { ref_num: r.hostRef ?? null, approval_code: r.authCode ?? null, answered_at: repo.journal.nowIso() };
  if (mine && (mine.active === 1 || mine.lock_activation === 0)) {
    // The same card on the same guest: always refused (the seed: even with the check parameter off).
    const message = mine.active === 1 ? PURSER_MESSAGES.alreadyRegistered : PURSER_MESSAGES.alreadyRegisteredInactive;
    repo.updateRecord(record.id, { status: 2, queue_status: 8, note: message, ...answered }, 'refused');
    return { card: undefined, message, releaseHold: true, refused: true };
  }
  if (params.checkCardRegistration === 1 && same.some((c) => c.guest_id !== record.guest_id && c.active === 1)) {
    repo.updateRecord(record.id, { status: 2, queue_status: 8, note: PURSER_MESSAGES.alreadyRegistered, ...answered }, 'refused');
    return { card: undefined, message: PURSER_MESSAGES.alreadyRegistered, releaseHold: true, refused: true };
  }
  const status = offline ? 0 : 1;
  let card: CardRow;
  if (mine) {
    // Settled before (lock 1): the same card comes back to life with this new initial authorisation.
    repo.setCardState(mine.id, { active: true, lock: 0, reason: null }, 're-registered after settlement');
    card = repo.card(mine.id)!;
  } else {
    card = repo.addCard({
      guest_id: record.guest_id,
      slot: repo.nextCardSlot(record.guest_id),
      token,
      token_kind: token ? (offline ? 'temporary' : 'real') : 'none',
      maskedPan: r.maskedPan ?? '****',
      brand: r.cardBrand ?? 'other',
      type_code: typeCode,
      expiry_month: r.expiryMonth ?? null,
      expiry_year: r.expiryYear ?? null,
      entry_method: entryMethodOf(r.entryMode),
      active: 1,
      lock_activation: 0,
      inactive_reason: null,
      signature: r.signature === 'captured' ? 'captured' : 'not_requested',
    });
  }
  // 4-22: an offline approval is an offline initial authorisation (mtype 1), outstanding (0) with queue 8 until the real token comes.
  repo.updateRecord(record.id, { card_id: card.id, status, queue_status: 8, ...(offline ? { mtype: 1 as const } : {}), ...answered }, offline ? 'approved_offline' : 'approved');
  return { card, message: offline ? PURSER_MESSAGES.registeredOffline : PURSER_MESSAGES.registered, releaseHold: false, refused: false };
}

/**
 * Table 4-18: what a declined authorisation does, under parameter 'Disable
 * C/Card and Posting when auth is decline' (0, 1, 2). A declined initial
 * authorisation declines every outstanding record of the card, locks it (1)
 * and sends the invoices to the next card by routing order or to cash; a
 * declined increment declines only itself and, under 1 and 2, deactivates the
 * card (lock 0). Under 1 posting stops unless another card takes the invoices.
 * Runs inside the caller's transaction.
 */
export function declineCascade(repo: PurserRepository, params: PurserParameterValues, declined: RecordRow): void {
  if (declined.kind === 'settlement') {
    settlementDeclined(repo, params, declined);
    return;
  }
  if (!declined.card_id) return;
  const p = params.disableCardAndPostingOnDecline;
  if (declined.kind === 'initial_auth') {
    for (const r of repo.cardRecords(declined.card_id)) {
      if (r.id !== declined.id && r.status === 0 && r.voided === 0) {
        const other = repo.updateRecord(r.id, { status: 2, queue_status: 8, note: PURSER_MESSAGES.declinedWithInitial, answered_at: repo.journal.nowIso() }, 'declined_with_initial');
        // A settlement declined with its card's initial authorisation (an offline card declined at upload) captured nothing.
        if (other.kind === 'settlement') takeDeclinedSettlementOff(repo, other);
      }
    }
    repo.setCardState(declined.card_id, { active: false, lock: 1, reason: 'declined' }, 'initial authorisation declined');
    if (p === 1) repo.setPostingEnabled(declined.guest_id, departmentCard(repo, declined.guest_id) !== undefined, 'initial authorisation declined');
    return;
  }
  if (declined.kind !== 'incremental_auth' || p === 0) return;
  // A card already deactivated keeps its lock: an increment declined after the settlement (4-9 #1) must not undo lock 1.
  if (repo.card(declined.card_id)?.active === 1) repo.setCardState(declined.card_id, { active: false, lock: 0, reason: 'declined' }, 'incremental authorisation declined');
  if (p === 1) repo.setPostingEnabled(declined.guest_id, departmentCard(repo, declined.guest_id) !== undefined, 'incremental authorisation declined');
}

/**
 * A settlement (capture) the card provider declined: nothing was captured, so
 * the folio must not go on saying paid. Its share of the card payment comes
 * off the folio (a counter line; the whole payment is marked declined when
 * every capture of it was declined), so the balance is due again. The card,
 * deactivated by the settlement (4-9, lock 1 "settlement is done"), is left
 * deactivated for the reason it now has, a decline, with lock 0 as table 4-18
 * #2 gives a declined authorisation other than the initial one: a manager may
 * activate it again after speaking to the guest. Invoices go to the next card
 * by routing order or to cash; under parameter 1 posting stops unless another
 * card takes them (4-18 #2). Runs inside the caller's transaction.
 */
export function settlementDeclined(repo: PurserRepository, params: PurserParameterValues, declined: RecordRow): void {
  if (!takeDeclinedSettlementOff(repo, declined)) return;
  repo.updateRecord(declined.id, { note: PURSER_MESSAGES.settlementDeclined }, 'settlement_declined');
  const card = declined.card_id ? repo.card(declined.card_id) : undefined;
  // A card registered again since (active, a new initial authorisation) belongs to its new cycle: left alone.
  if (!card || card.active === 1) return;
  if (card.inactive_reason === 'settled') repo.setCardState(card.id, { active: false, lock: 0, reason: 'declined' }, 'settlement declined');
  if (params.disableCardAndPostingOnDecline === 1) repo.setPostingEnabled(declined.guest_id, departmentCard(repo, declined.guest_id) !== undefined, 'settlement declined');
}

/** Takes a declined settlement's amount off its card payment on the folio. False when there was nothing to take off. */
function takeDeclinedSettlementOff(repo: PurserRepository, declined: RecordRow): boolean {
  if (declined.kind !== 'settlement' || declined.voided === 1 || !declined.payment_id) return false;
  const payment = repo.payment(declined.payment_id);
  if (!payment || payment.void_of || payment.amount <= 0) return false;
  const standing = repo.standingAmount(payment.id);
  const off = Math.min(declined.amount, standing);
  if (off <= 0) return false;
  const counter = repo.addPayment({ guestId: payment.guest_id, method: payment.method, amount: -off, cardId: payment.card_id, voidOf: payment.id, description: PURSER_MESSAGES.paymentDeclinedLine });
  repo.markPaymentDeclined(counter);
  if (repo.standingAmount(payment.id) === 0) repo.markPaymentDeclined(payment.id);
  return true;
}
