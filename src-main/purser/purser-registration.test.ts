// Seed 002 tables 4-7 (register a card, initial authorisation), 4-13 (multiple
// credit cards) and 4-15 (activation locks), one test per row, against the real
// PAX simulator and gateway simulator over 127.0.0.1 and a real SQLite journal.
// The processor's ledger is the ground truth for what was authorised.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '../../src-shared/errors.ts';
import { PURSER_MESSAGES } from './purser-messages.ts';
import { purserRigPerTest, TEST_CARDS, type PurserRig } from './purser-test-rig.ts';

const rig = purserRigPerTest();

/** Registers the presented card and answers the guest's newest card. */
async function register(r: PurserRig, guestId: string) {
  const res = await r.room.service.register(guestId, 'pad1');
  return { res, card: res.guest.cards.at(-1)!, initial: res.guest.records.filter((x) => x.kind === 'initial_auth').at(-1)! };
}

async function settle(r: PurserRig, guestId: string, amount: number) {
  r.room.service.addPosting(guestId, amount, 'Dinner');
  await r.send();
  const paid = await r.room.service.pay(guestId, amount, 'card');
  await r.send();
  return paid;
}

function refusedWith(message: string) {
  return (e: unknown) => e instanceof AppError && e.message === message;
}

test('4-7 #1 insert, balance 0: initial authorisation = Online Initial Auth Amount, CRD_MANUAL I, approved, active', async () => {
  const r = await rig();
  r.set('onlineInitialAuthAmount', 15_000);
  const g = r.guest();
  r.present(TEST_CARDS.visa, 'chip');
  const { card, initial, res } = await register(r, g);
  assert.equal(res.message, PURSER_MESSAGES.registered);
  assert.deepEqual([card.entryMethod, card.active, card.tokenKind, card.brand], ['I', true, 'real', 'visa']);
  assert.match(card.maskedPan, /^411111\*+1111$/);
  assert.deepEqual([initial.amount, initial.status, initial.queueStatus, initial.operation, initial.mtype], [15_000, 1, 8, 1, 0]);
  const ledger = r.ledger(initial.reference);
  assert.deepEqual(ledger.map((e) => [e.kind, e.status, e.amount]), [['auth', 'approved', 15_000]]);
});

test('4-7 #2 insert, balance above the initial amount: still the initial amount', async () => {
  const r = await rig();
  r.set('onlineInitialAuthAmount', 10_000);
  const g = r.guest();
  r.room.service.addPosting(g, 25_000, 'Spa');
  r.present(TEST_CARDS.visa, 'chip');
  const { initial, card } = await register(r, g);
  assert.equal(initial.amount, 10_000);
  assert.equal(card.entryMethod, 'I');
  assert.deepEqual(r.ledger(initial.reference).map((e) => e.amount), [10_000]);
});

test('4-7 #3 swipe, balance 0: initial amount, CRD_MANUAL A (a tap is T)', async () => {
  const r = await rig();
  const g = r.guest();
  r.present(TEST_CARDS.visa, 'swipe');
  const { card, initial } = await register(r, g);
  assert.equal(card.entryMethod, 'A');
  assert.equal(initial.amount, 10_000);
  r.present(TEST_CARDS.mastercard, 'contactless');
  assert.equal((await register(r, g)).card.entryMethod, 'T');
});

test('4-7 #4 signature capture on: the guest signs, the card is registered with its signature', async () => {
  const r = await rig();
  r.set('signatureCapture', 1);
  const g = r.guest();
  r.pad.setSignatureAction('sign');
  r.present(TEST_CARDS.visa);
  const { card } = await register(r, g);
  assert.equal(card.signature, 'captured');
  assert.equal(card.active, true);
});

test('4-7 #5 cancel on the signature pad: "User Cancel Signature Action", no card registered, no hold left', async () => {
  const r = await rig();
  r.set('signatureCapture', 1);
  const g = r.guest();
  r.pad.setSignatureAction('cancel');
  r.present(TEST_CARDS.visa);
  await assert.rejects(r.room.service.register(g, 'pad1'), refusedWith(PURSER_MESSAGES.signatureCancelled));
  const detail = r.room.service.get(g);
  assert.equal(detail.cards.length, 0);
  const [rec] = detail.records;
  assert.equal(rec.status, 2);
  assert.ok(r.ledger(rec.reference).filter((e) => e.kind === 'auth').every((e) => e.status === 'voided'), `the PIN pad voided its own authorisation: ${JSON.stringify(r.ledger(rec.reference))}`);
});

test('4-7 #6 the same card again after settlement: reactivated, a new initial authorisation is sent', async () => {
  const r = await rig();
  const g = r.guest();
  r.present(TEST_CARDS.visa);
  const first = await register(r, g);
  const paid = await settle(r, g, 4_000);
  assert.equal(paid.message, PURSER_MESSAGES.settlementDone);
  assert.equal(r.room.service.get(g).cards[0].lockActivation, 1);
  r.present(TEST_CARDS.visa);
  const again = await register(r, g);
  assert.equal(again.res.guest.cards.length, 1, 'the same card record');
  assert.equal(again.card.cardId, first.card.cardId);
  assert.deepEqual([again.card.active, again.card.lockActivation], [true, 0]);
  assert.notEqual(again.initial.reference, first.initial.reference);
  assert.deepEqual(r.ledger(again.initial.reference).map((e) => [e.kind, e.status]), [['auth', 'approved']]);
});

test('4-7 #7 the same card again after a manual deactivation: "already registered", Activate brings it back', async () => {
  const r = await rig();
  const g = r.guest();
  r.present(TEST_CARDS.visa);
  const first = await register(r, g);
  r.room.service.deactivate(first.card.cardId);
  r.present(TEST_CARDS.visa);
  await assert.rejects(r.room.service.register(g, 'pad1'), refusedWith(PURSER_MESSAGES.alreadyRegisteredInactive));
  const after = r.room.service.get(g);
  assert.equal(after.cards.length, 1);
  assert.equal(after.cards[0].active, false);
  const act = r.room.service.activate(first.card.cardId);
  assert.equal(act.guest.cards[0].active, true);
});

test('4-7 #8 registered online, the same card swiped offline: a second card record (a temporary token is not the real one)', async () => {
  const r = await rig();
  const g = r.guest();
  r.present(TEST_CARDS.visa);
  await register(r, g);
  r.pad.setOffline(true);
  r.present(TEST_CARDS.visa);
  const second = await register(r, g);
  assert.equal(second.res.guest.cards.length, 2);
  assert.equal(second.card.tokenKind, 'temporary');
  assert.deepEqual([second.initial.status, second.initial.queueStatus, second.initial.mtype], [0, 8, 1]);
});

test('4-13 #1 same card, same guest, first one active: "already registered", no second card, no new authorisation kept', async () => {
  const r = await rig();
  const g = r.guest();
  r.present(TEST_CARDS.visa);
  const first = await register(r, g);
  r.present(TEST_CARDS.visa);
  await assert.rejects(r.room.service.register(g, 'pad1'), refusedWith(PURSER_MESSAGES.alreadyRegistered));
  await r.send();
  const after = r.room.service.get(g);
  assert.equal(after.cards.length, 1);
  assert.equal(after.cards[0].totalAuthorised, first.card.totalAuthorised, "the card's authorisations are unchanged");
  const refused = after.records.find((x) => x.kind === 'initial_auth' && x.status === 2)!;
  // The PIN pad's hold for the refused registration is released at the processor.
  assert.ok(r.ledger(refused.reference).every((e) => e.status !== 'approved'), JSON.stringify(r.ledger(refused.reference)));
});

test('4-13 #2 same card, same guest, first one deactivated by hand: "already registered", activate by hand', async () => {
  const r = await rig();
  const g = r.guest();
  r.present(TEST_CARDS.visa);
  const first = await register(r, g);
  r.room.service.deactivate(first.card.cardId);
  r.present(TEST_CARDS.visa);
  await assert.rejects(r.room.service.register(g, 'pad1'), refusedWith(PURSER_MESSAGES.alreadyRegisteredInactive));
  assert.equal(r.room.service.get(g).cards.length, 1);
  assert.equal(r.room.service.activate(first.card.cardId).guest.cards[0].active, true);
});

test('4-13 #3 same card, same guest, after settlement: no message, reactivated, initial authorisation sent again', async () => {
  const r = await rig();
  const g = r.guest();
  r.present(TEST_CARDS.visa);
  await register(r, g);
  await settle(r, g, 2_000);
  r.present(TEST_CARDS.visa);
  const again = await register(r, g);
  assert.equal(again.res.message, PURSER_MESSAGES.registered);
  assert.equal(again.res.guest.cards.length, 1);
  assert.equal(again.card.active, true);
  assert.equal(again.res.guest.records.filter((x) => x.kind === 'initial_auth' && x.status === 1).length, 2);
});

for (const [row, how] of [
  ['#4', 'active'],
  ['#5', 'deactivated by hand'],
  ['#6', 'settled'],
] as const) {
  test(`4-13 ${row} same card on a different guest, the first one ${how}: registers without a message`, async () => {
    const r = await rig();
    const a = r.guest('Guest A', '6001');
    const b = r.guest('Guest B', '6002');
    r.present(TEST_CARDS.visa);
    const first = await register(r, a);
    if (how === 'deactivated by hand') r.room.service.deactivate(first.card.cardId);
    if (how === 'settled') await settle(r, a, 1_000);
    r.present(TEST_CARDS.visa);
    const other = await register(r, b);
    assert.equal(other.res.message, PURSER_MESSAGES.registered);
    assert.equal(other.card.active, true);
    assert.equal(other.card.guestId, b);
  });
}

test('4-15 #1 a card deactivated by settlement: "Settlement or reversal is done…", stays deactivated, lock 1', async () => {
  const r = await rig();
  const g = r.guest();
  r.present(TEST_CARDS.visa);
  const { card } = await register(r, g);
  await settle(r, g, 3_000);
  assert.throws(() => r.room.service.activate(card.cardId), refusedWith(PURSER_MESSAGES.lockSettled));
  const after = r.room.service.get(g).cards[0];
  assert.deepEqual([after.active, after.lockActivation], [false, 1]);
});

test('4-15 #2 Deactivate button: the card can be activated again', async () => {
  const r = await rig();
  const g = r.guest();
  r.present(TEST_CARDS.visa);
  const { card } = await register(r, g);
  assert.equal(r.room.service.deactivate(card.cardId).guest.cards[0].lockActivation, 0);
  assert.equal(r.room.service.activate(card.cardId).guest.cards[0].active, true);
});

test('4-15 #3 a card deactivated after a direct sale: "Activation not allowed for Direct Sale…", lock 2', async () => {
  const r = await rig();
  const g = r.guest();
  r.room.service.addPosting(g, 2_500, 'Bar');
  r.present(TEST_CARDS.mastercard);
  const paid = await r.room.service.pay(g, 2_500, 'direct_sale', 'pad1');
  const card = paid.guest.cards[0];
  assert.deepEqual([card.active, card.lockActivation], [false, 2]);
  assert.throws(() => r.room.service.activate(card.cardId), refusedWith(PURSER_MESSAGES.lockDirectSale));
});

test('4-15 #4 a card without a token (an old format): "not allowed to activate as the credit card format is not supported"', async () => {
  const r = await rig();
  const g = r.guest();
  // An old-format card record as an upgrade leaves it: no token.
  const card = r.journal.transact(() =>
    r.room.repo.addCard({
      guest_id: g,
      slot: 1,
      token: null,
      token_kind: 'none',
      maskedPan: '411111******1111',
      brand: 'visa',
      type_code: 'VI',
      expiry_month: 12,
      expiry_year: 2030,
      entry_method: 'A',
      active: 0,
      lock_activation: 0,
      inactive_reason: 'format_not_supported',
      signature: 'not_requested',
    }),
  );
  assert.throws(() => r.room.service.activate(card.id), refusedWith(PURSER_MESSAGES.lockFormat));
  assert.equal(r.room.service.get(g).cards[0].tokenKind, 'none');
});

test('unsupported card types are refused at registration and the hold released; no card number is stored anywhere', async () => {
  const r = await rig();
  r.set('cardTypesNotSupported', ['AX']);
  const g = r.guest();
  r.present(TEST_CARDS.amex);
  await assert.rejects(r.room.service.register(g, 'pad1'), refusedWith(PURSER_MESSAGES.cardTypeNotSupported));
  await r.send();
  const rec = r.room.service.get(g).records[0];
  assert.equal(r.room.service.get(g).cards.length, 0);
  assert.ok(r.ledger(rec.reference).every((e) => e.status !== 'approved'));
  r.present(TEST_CARDS.visa);
  await register(r, g);
  const dump = JSON.stringify([r.journal.db.prepare('SELECT * FROM guest_cards').all(), r.journal.db.prepare('SELECT payload FROM events').all()]);
  for (const pan of Object.values(TEST_CARDS)) assert.ok(!dump.includes(pan), 'no full card number in the journal');
});

test('an unanswered registration stays outstanding and is resolved by the PIN pad report, never sent again', async () => {
  const r = await rig();
  r.set('onlineTimeoutSeconds', 1);
  const g = r.guest();
  r.present(TEST_CARDS.visa);
  r.pad.setFault({ kind: 'drop_response' });
  const res = await r.room.service.register(g, 'pad1');
  assert.equal(res.message, PURSER_MESSAGES.registrationUnanswered);
  const [rec] = res.guest.records;
  assert.deepEqual([rec.status, rec.queueStatus, rec.cardId, res.guest.cards.length], [0, 2, null, 0]);
  r.pad.setFault(null);
  await r.send();
  const d = r.room.service.get(g);
  assert.equal(d.cards.length, 1);
  assert.deepEqual([d.records[0].status, d.records[0].queueStatus, d.records[0].cardId], [1, 8, d.cards[0].cardId]);
  assert.deepEqual(r.ledger(rec.reference).map((e) => [e.kind, e.status]), [['auth', 'approved']], 'one authorisation at the processor');
});
