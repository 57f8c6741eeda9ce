// Seed 002 tables 4-17 (offline handling), 4-18 (declining an offline token
// under parameter 0, 1 and 2), 4-22 (status and queue status), the queue view
// and its offline limit, and resolution by lookup: a record whose answer was
// lost is looked up before anything is sent again, and the processor ledger
// shows it once. Real PAX and gateway simulators over 127.0.0.1, a real journal.

import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { AppError } from '../../src-shared/errors.ts';
import type { GuestDetail, PurserRecord, QueueStatus, RecordStatus } from '../../src-shared/purser-types.ts';
import { CardknoxClient } from '../gateways/cardknox-client.ts';
import type { CardOnFileGateway } from '../gateways/card-on-file-gateway.ts';
import { PURSER_MESSAGES } from './purser-messages.ts';
import { PURSER_RIG_KEY, purserRigPerTest, TEST_CARDS, type PurserRig } from './purser-test-rig.ts';

const rig = purserRigPerTest();
const recs = (d: GuestDetail, kind: PurserRecord['kind']) => d.records.filter((x) => x.kind === kind);
const codes = (x: { status: RecordStatus; queueStatus: QueueStatus }) => [x.status, x.queueStatus];

async function registerOffline(r: PurserRig, g: string, pan: string) {
  r.pad.setOffline(true);
  r.present(pan);
  const res = await r.room.service.register(g, 'pad1');
  r.pad.setOffline(false);
  return res.guest.cards.at(-1)!;
}

async function registerOnline(r: PurserRig, g: string, pan: string) {
  r.present(pan);
  return (await r.room.service.register(g, 'pad1')).guest.cards.at(-1)!;
}

test('4-17 #1 registered with no internet: status 0 / queue 8 with a temporary token; top-ups wait; the upload brings the real token and they go', async () => {
  const r = await rig();
  const g = r.guest();
  r.pad.setOffline(true);
  r.present(TEST_CARDS.visa);
  const res = await r.room.service.register(g, 'pad1');
  assert.equal(res.message, PURSER_MESSAGES.registeredOffline);
  const [initial] = res.guest.records;
  assert.deepEqual(codes(initial), [0, 8]);
  assert.equal(initial.mtype, 1, 'an offline initial authorisation');
  assert.equal(res.guest.cards[0].tokenKind, 'temporary');
  assert.equal(res.guest.cards[0].active, true, 'outstanding counts as active');
  const [inc] = recs(r.room.service.addPosting(g, 12_000, 'Dinner').guest, 'incremental_auth');
  await r.send(); // still offline: nothing uploaded, the top-up held
  assert.deepEqual([r.record(inc.recordId).status, r.record(inc.recordId).queue_status], [0, 0]);
  assert.equal(r.ledger(inc.reference).length, 0);
  assert.equal(r.room.sender.summary().perCard[0].hold, 'initial_outstanding');
  r.pad.setOffline(false);
  await r.send(); // the PIN pad uploads, the lookup gives the real token; the top-up follows in the same pass
  const d = r.room.service.get(g);
  assert.deepEqual(codes(d.records[0]), [1, 8]);
  assert.equal(d.cards[0].tokenKind, 'real');
  assert.deepEqual(r.ledger(initial.reference).map((e) => [e.kind, e.status]), [['auth', 'approved']]);
  assert.deepEqual(r.ledger(inc.reference).map((e) => [e.kind, e.status, e.amount]), [['incremental', 'approved', 5_000]]);
});

test('the queue knows the ship is offline though nothing was sent (only an offline registration waits for its upload), and knows when it is back', async () => {
  const r = await rig();
  const g = r.guest();
  r.pad.setOffline(true);
  r.offline(true);
  r.present(TEST_CARDS.visa);
  await r.room.service.register(g, 'pad1');
  assert.equal(r.room.sender.summary().online, true, 'nothing has asked the gateway yet');
  await r.send(); // the PIN pad cannot upload, no record goes to the gateway: the pass checks the link itself
  assert.equal(r.room.sender.summary().online, false);
  r.offline(false);
  await r.send();
  assert.equal(r.room.sender.summary().online, true);
  // Still nothing sent at the gateway: the check is a report, not a transaction.
  assert.deepEqual(r.gateway.ledger.all().filter((e) => e.kind !== 'auth' || e.status !== 'approved').length, 0);
});

test('4-17 #2 the offline registration is declined at upload: every authorisation and the settlement of that card are declined', async () => {
  const r = await rig();
  const g = r.guest();
  const card = await registerOffline(r, g, TEST_CARDS.mastercard);
  r.pad.setOffline(true);
  r.room.service.addPosting(g, 12_000, 'Dinner');
  await r.room.service.pay(g, 12_000, 'card');
  r.pad.markCardDeclined(TEST_CARDS.mastercard);
  r.pad.setOffline(false);
  await r.send();
  const d = r.room.service.get(g);
  assert.ok(d.records.length >= 3);
  for (const x of d.records) assert.equal(x.status, 2, `${x.kind} declined`);
  for (const x of d.records.filter((x) => x.kind !== 'initial_auth')) assert.equal(r.ledger(x.reference).length, 0, `${x.kind} never sent`);
  const after = d.cards.find((c) => c.cardId === card.cardId)!;
  assert.deepEqual([after.active, after.lockActivation], [false, 1]);
  assert.ok(r.room.service.addPosting(g, 1_000, 'Coffee'), 'posting stays open under parameter 0');
});

test('4-17 #2 the offline registration is declined at upload: its settlement is declined too, the payment comes off the folio and the balance is due again', async () => {
  const r = await rig();
  const g = r.guest();
  await registerOffline(r, g, TEST_CARDS.mastercard);
  r.pad.setOffline(true);
  r.room.service.addPosting(g, 12_000, 'Dinner');
  const paid = await r.room.service.pay(g, 12_000, 'card');
  assert.equal(paid.guest.balance, 0, 'paid on the folio while the card is unconfirmed');
  r.pad.markCardDeclined(TEST_CARDS.mastercard);
  r.pad.setOffline(false);
  await r.send();
  const d = r.room.service.get(g);
  const [settlement] = recs(d, 'settlement');
  assert.equal(settlement.status, 2);
  assert.equal(r.ledger(settlement.reference).length, 0, 'nothing captured at the processor');
  const payment = d.payments.find((p) => p.paymentId === settlement.paymentId)!;
  assert.equal(payment.status, 'declined', 'the payment is marked declined');
  // Stored declined, not voided (migration 0150): a manager reading the table, or the store's copy, sees no void.
  const counter = d.payments.find((p) => p.voidOf === payment.paymentId)!;
  const stored = r.journal.db.prepare('SELECT id, status FROM purser_payments WHERE guest_id = ? ORDER BY created_at, rowid').all(g);
  assert.deepEqual(stored, [{ id: payment.paymentId, status: 'declined' }, { id: counter.paymentId, status: 'declined' }]);
  assert.throws(() => r.room.service.voidPayment(payment.paymentId), (e: unknown) => e instanceof AppError && e.message === PURSER_MESSAGES.paymentDeclinedNoVoid, 'a declined payment is not voided');
  assert.equal(d.balance, 12_000, 'the balance is due again');
  assert.deepEqual(d.paymentDepartment, { kind: 'cash' });
  assert.deepEqual([d.cards[0].active, d.cards[0].lockActivation, d.cards[0].inactiveReason], [false, 1, 'declined'], '4-18 #1: the declined initial authorisation locks the card');
  assert.equal((await r.room.service.pay(g, 12_000, 'cash')).guest.balance, 0, 'paid in cash instead');
});

test('4-17 #3 multiple offline tokens, A pending: A’s top-up and settlement wait, B’s go and are approved', async () => {
  const r = await rig();
  const a = r.guest('Guest A', '7001');
  const b = r.guest('Guest B', '7002');
  await registerOffline(r, a, TEST_CARDS.visa); // A's pre-authorisation: no answer from the host yet
  const bCard = await registerOnline(r, b, TEST_CARDS.mastercard); // B's: approved
  // Keep A pending: its PIN pad cannot upload yet.
  r.pad.setOffline(true);
  const incA = recs(r.room.service.addPosting(a, 12_000, 'Dinner').guest, 'incremental_auth')[0];
  const incB = recs(r.room.service.addPosting(b, 12_000, 'Dinner').guest, 'incremental_auth')[0];
  await r.send();
  assert.deepEqual([r.record(incA.recordId).status, r.ledger(incA.reference).length], [0, 0], "A's top-up is not sent");
  assert.deepEqual([r.record(incB.recordId).status, r.ledger(incB.reference).length], [1, 1], "B's top-up is sent and approved");
  const setA = recs((await r.room.service.pay(a, 12_000, 'card')).guest, 'settlement')[0];
  const setB = recs((await r.room.service.pay(b, 12_000, 'card')).guest, 'settlement')[0];
  await r.send();
  assert.deepEqual([r.record(setA.recordId).status, r.ledger(setA.reference).length], [0, 0], "A's settlement is not sent");
  assert.deepEqual([r.record(setB.recordId).status, r.ledger(setB.reference).map((e) => e.kind)], [1, ['capture']]);
  assert.equal(bCard.active, true);
});

test('4-17 #4 multiple offline tokens, A declined: nothing of B is sent before every record of A is declined', async () => {
  const states: string[] = [];
  const r = await rig({
    hook: (point, rec) => {
      if (point !== 'after_mark_sent') return;
      // When anything of another card leaves, A must hold no outstanding record.
      const outstandingA = r.room.repo.cardRecords(cardA).filter((x) => x.status === 0).length;
      states.push(`${rec.kind}:${outstandingA}`);
    },
  });
  const a = r.guest('Guest A', '7101');
  const b = r.guest('Guest B', '7102');
  const cardA = (await registerOffline(r, a, TEST_CARDS.mastercard)).cardId;
  r.pad.setOffline(true);
  r.room.service.addPosting(a, 12_000, 'Dinner'); // A's top-up, outstanding
  r.pad.setOffline(false);
  await registerOnline(r, b, TEST_CARDS.visa);
  r.pad.setOffline(true);
  r.room.service.addPosting(b, 12_000, 'Dinner');
  await r.room.service.pay(b, 12_000, 'card');
  r.pad.markCardDeclined(TEST_CARDS.mastercard);
  r.pad.setOffline(false);
  await r.send();
  assert.deepEqual(states, ['incremental_auth:0', 'settlement:0'], 'B went only once A was wholly declined');
  assert.ok(r.room.repo.cardRecords(cardA).every((x) => x.status === 2));
  const bRecs = r.room.service.get(b).records;
  assert.ok(bRecs.every((x) => x.status === 1), JSON.stringify(bRecs.map(codes)));
});

// Table 4-18: card A (first by routing) and, where the row says so, card B of the same guest.
for (const p of [0, 1, 2] as const) {
  for (const withB of [false, true]) {
    const tail = withB ? 'with card B: invoices routed to B' : 'single card: invoices to cash';
    test(`4-18 parameter ${p} #1 initial authorisation declined, ${tail}`, async () => {
      const r = await rig();
      r.set('disableCardAndPostingOnDecline', p);
      const g = r.guest();
      const a = await registerOffline(r, g, TEST_CARDS.mastercard);
      r.pad.setOffline(true);
      const inc = recs(r.room.service.addPosting(g, 12_000, 'Dinner').guest, 'incremental_auth')[0];
      r.pad.setOffline(false);
      const b = withB ? await registerOnline(r, g, TEST_CARDS.visa) : undefined;
      r.pad.markCardDeclined(TEST_CARDS.mastercard);
      await r.send();
      const d = r.room.service.get(g);
      const cardA = d.cards.find((c) => c.cardId === a.cardId)!;
      assert.deepEqual([cardA.active, cardA.lockActivation], [false, 1]);
      assert.ok(r.room.repo.cardRecords(a.cardId).every((x) => x.status === 2), 'every authorisation and settlement of A declined');
      assert.equal(r.ledger(inc.reference).length, 0);
      assert.deepEqual(d.paymentDepartment, b ? { kind: 'card', cardId: b.cardId } : { kind: 'cash' });
      assert.equal(d.guest.postingEnabled, p === 1 && !b ? false : true);
    });
    test(`4-18 parameter ${p} #2 an incremental authorisation declined, ${tail}`, async () => {
      const r = await rig();
      r.set('disableCardAndPostingOnDecline', p);
      r.set('autoIncrementalAuthAmount', 5_051); // …51 cents: the simulated issuer declines it
      const g = r.guest();
      const a = await registerOnline(r, g, TEST_CARDS.mastercard);
      const b = withB ? await registerOnline(r, g, TEST_CARDS.visa) : undefined;
      const inc = recs(r.room.service.addPosting(g, 12_000, 'Dinner').guest, 'incremental_auth')[0];
      await r.send();
      const d = r.room.service.get(g);
      assert.equal(r.record(inc.recordId).status, 2, 'that authorisation is declined');
      assert.equal(d.records.find((x) => x.kind === 'initial_auth' && x.cardId === a.cardId)!.status, 1, 'only that one');
      const cardA = d.cards.find((c) => c.cardId === a.cardId)!;
      if (p === 0) {
        assert.equal(cardA.active, true);
        assert.deepEqual(d.paymentDepartment, { kind: 'card', cardId: a.cardId });
      } else {
        assert.deepEqual([cardA.active, cardA.lockActivation], [false, 0]);
        assert.deepEqual(d.paymentDepartment, b ? { kind: 'card', cardId: b.cardId } : { kind: 'cash' });
      }
      assert.equal(d.guest.postingEnabled, p === 1 && !b ? false : true);
      if (!d.guest.postingEnabled) assert.throws(() => r.room.service.addPosting(g, 100, 'Coffee'), (e: unknown) => e instanceof AppError && e.message === PURSER_MESSAGES.postingClosed);
    });
  }
}

test('4-22 status and queue status through a record’s life: 0/0 pending, 0/2 sent, 3 acknowledged, 1/8 completed; direct payment 6; temporary token 0/8', async () => {
  const seen: string[] = [];
  const r = await rig({
    hook: (point, rec) => {
      const now = r.record(rec.id);
      seen.push(`${point}:${now.status}/${now.queue_status}`);
    },
  });
  const g = r.guest();
  await registerOnline(r, g, TEST_CARDS.visa);
  const inc = recs(r.room.service.addPosting(g, 12_000, 'Dinner').guest, 'incremental_auth')[0];
  assert.deepEqual(codes(inc), [0, 0]);
  await r.send();
  assert.deepEqual(seen, ['after_mark_sent:0/2', 'after_answer:0/2', 'after_answer_journaled:1/3']);
  assert.deepEqual(codes(r.room.repo.recordSnapshot(r.record(inc.recordId))), [1, 8]);
  const settlement = recs((await r.room.service.pay(g, 12_000, 'card')).guest, 'settlement')[0];
  assert.deepEqual([settlement.family, ...codes(settlement)], ['settlement', 0, 0]);
  const g2 = r.guest('Guest Two', '5002');
  r.present(TEST_CARDS.mastercard);
  const direct = recs((await r.room.service.pay(g2, 1_000, 'direct_sale', 'pad1')).guest, 'direct_sale')[0];
  assert.deepEqual([direct.mtype, direct.status], [6, 1]);
  const g3 = r.guest('Guest Three', '5003');
  const temp = await registerOffline(r, g3, TEST_CARDS.visa2);
  assert.deepEqual(codes(r.room.service.get(g3).records[0]), [0, 8]);
  assert.equal(temp.tokenKind, 'temporary');
});

test('an answer lost after the gateway processed it: looked up, not sent again; one increment on the ledger', async () => {
  const r = await rig();
  const g = r.guest();
  await registerOnline(r, g, TEST_CARDS.visa);
  r.gateway.injectFault({ kind: 'drop_after_commit', commands: ['cc:adjust'], times: 1 });
  const inc = recs(r.room.service.addPosting(g, 12_000, 'Dinner').guest, 'incremental_auth')[0];
  await r.send();
  assert.deepEqual([r.record(inc.recordId).status, r.record(inc.recordId).queue_status], [0, 2], 'sent, unanswered');
  assert.equal(r.room.sender.online(), false);
  await r.send();
  const after = r.record(inc.recordId);
  assert.deepEqual([after.status, after.queue_status, after.send_count], [1, 8, 1], 'resolved by lookup, sent once');
  assert.equal(r.ledger(inc.reference).filter((e) => e.kind === 'incremental').length, 1);
});

test('a request refused before the gateway processed it: nothing found is not final before the settle time; after it, it goes again with the same reference', async () => {
  let now = Date.now();
  const r = await rig({ clock: () => new Date(now), settleMs: 30_000 });
  const g = r.guest();
  await registerOnline(r, g, TEST_CARDS.visa);
  r.gateway.injectFault({ kind: 'http_5xx', commands: ['cc:adjust'], times: 1 });
  const inc = recs(r.room.service.addPosting(g, 12_000, 'Dinner').guest, 'incremental_auth')[0];
  await r.send();
  now += 29_999;
  await r.send(); // looked up: nothing yet, but it may still be processed late
  assert.deepEqual([r.record(inc.recordId).status, r.record(inc.recordId).queue_status, r.record(inc.recordId).send_count], [0, 2, 1], 'waits out the settle time');
  now += 1;
  await r.send();
  const after = r.record(inc.recordId);
  assert.deepEqual([after.status, after.send_count], [1, 2]);
  assert.equal(r.ledger(inc.reference).length, 1);
});

test('the ship offline with no connection at all: nothing left the ship, so the record is pending again and goes at once when the link returns (no settle time)', async () => {
  // A port nothing listens on: every request is refused at connect, a real failure on 127.0.0.1.
  const probe = net.createServer();
  await new Promise<void>((res) => probe.listen(0, '127.0.0.1', res));
  const deadPort = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((res) => probe.close(() => res()));
  const dead = new CardknoxClient({ url: `http://127.0.0.1:${deadPort}/`, key: PURSER_RIG_KEY, softwareName: 'CashierDeskTest', softwareVersion: '0.1', currency: 'USD', timeoutMs: 2000 }).cardOnFile();
  let down = false;
  let now = Date.now();
  const r = await rig({
    clock: () => new Date(now),
    settleMs: 30_000,
    wrapGateway: (live) => new Proxy(live, { get: (_t, name: keyof CardOnFileGateway) => (down ? dead : live)[name] }),
  });
  const g = r.guest();
  await registerOnline(r, g, TEST_CARDS.visa);
  down = true;
  const inc = recs(r.room.service.addPosting(g, 12_000, 'Dinner').guest, 'incremental_auth')[0];
  await r.send();
  assert.deepEqual([r.record(inc.recordId).status, r.record(inc.recordId).queue_status, r.record(inc.recordId).send_count], [0, 0, 0], 'pending again: it never left');
  assert.equal(r.room.sender.online(), false);
  down = false;
  now += 1_000;
  await r.send();
  const after = r.record(inc.recordId);
  assert.deepEqual([after.status, after.queue_status, after.send_count], [1, 8, 1], 'sent once the link is back, without waiting');
  assert.equal(r.ledger(inc.reference).length, 1);
});

test('late processing: an increment the gateway processes after the client gave up is found by lookup, never sent again (processor duplicate check off)', async () => {
  let now = Date.now();
  const r = await rig({ clock: () => new Date(now), settleMs: 30_000 });
  r.gateway.processor.setDuplicateCheck(false);
  const g = r.guest();
  const card = await registerOnline(r, g, TEST_CARDS.visa);
  // The rig's client gives up after 2 s; the gateway processes the request 0.8 s later.
  r.gateway.injectFault({ kind: 'delay', delayMs: 2_800, commands: ['cc:adjust'], times: 1 });
  const inc = recs(r.room.service.addPosting(g, 12_000, 'Dinner').guest, 'incremental_auth')[0];
  await r.send();
  assert.deepEqual([r.record(inc.recordId).status, r.record(inc.recordId).queue_status], [0, 2], 'sent, unanswered');
  // A later record of the same card waits behind it.
  const spa = recs(r.room.service.addPosting(g, 6_000, 'Spa').guest, 'incremental_auth').at(-1)!;
  await r.send(); // at once: the gateway has not processed it yet; within the settle time that is not final
  assert.deepEqual([r.record(inc.recordId).queue_status, r.record(inc.recordId).send_count], [2, 1], 'not sent again');
  assert.equal(r.record(spa.recordId).queue_status, 0, "the card's next record waits behind it");
  for (let i = 0; i < 60 && r.ledger(inc.reference).length === 0; i++) await new Promise((res) => setTimeout(res, 50));
  now += 30_000;
  await r.send();
  const after = r.record(inc.recordId);
  assert.deepEqual([after.status, after.queue_status, after.send_count], [1, 8, 1], 'resolved by lookup, sent once');
  assert.deepEqual(r.ledger(inc.reference).map((e) => [e.kind, e.status]), [['incremental', 'approved']], 'one increment at the processor');
  assert.equal(r.record(spa.recordId).status, 1);
  assert.equal(r.room.service.get(g).cards.find((c) => c.cardId === card.cardId)?.active, true);
});

test('the queue view: outstanding count and amount per card and in total, the oldest age; postings beyond the offline limit refused in plain words', async () => {
  let now = Date.UTC(2026, 10, 30, 9, 0, 0);
  const r = await rig({ clock: () => new Date(now) });
  r.set('offlineLimitPerCard', 20_000);
  const g = r.guest();
  await registerOnline(r, g, TEST_CARDS.visa);
  r.offline(true);
  r.room.service.addPosting(g, 12_000, 'Dinner'); // +5 000 outstanding
  await r.send(); // the gateway does not answer: offline
  now += 90_000;
  r.room.service.addPosting(g, 10_000, 'Spa'); // shortfall 7 000: +7 000
  const s = r.room.sender.summary();
  assert.equal(s.online, false);
  assert.deepEqual([s.outstandingCount, s.outstandingAmount, s.oldestAgeSeconds], [2, 12_000, 90]);
  assert.deepEqual([s.perCard.length, s.perCard[0].outstandingAmount, s.perCard[0].offlineLimit], [1, 12_000, 20_000]);
  assert.throws(
    () => r.room.service.addPosting(g, 20_000, 'Jewellery'),
    (e: unknown) => e instanceof AppError && /offline/.test(e.message) && !/\d{3,}\b(?!\.)|http|:\d/.test(e.message.replace(/\d+\.\d\d/g, '')),
  );
  r.offline(false);
  await r.send();
  await r.send();
  assert.equal(r.room.sender.summary().outstandingCount, 0);
});

test('a release of a refused registration’s hold whose answer was lost is looked up, not sent again', async () => {
  const r = await rig();
  const g = r.guest();
  await registerOnline(r, g, TEST_CARDS.visa);
  r.gateway.injectFault({ kind: 'drop_after_commit', commands: ['cc:voidrelease', 'cc:void'], times: 1 });
  r.present(TEST_CARDS.visa);
  await assert.rejects(r.room.service.register(g, 'pad1'), (e: unknown) => e instanceof AppError && e.message === PURSER_MESSAGES.alreadyRegistered);
  await r.send();
  const release = recs(r.room.service.get(g), 'void')[0];
  assert.deepEqual([r.record(release.recordId).status, r.record(release.recordId).queue_status], [0, 2], 'sent, unanswered');
  await r.send();
  const after = r.record(release.recordId);
  assert.deepEqual([after.status, after.queue_status, after.send_count], [1, 8, 1]);
  const refused = recs(r.room.service.get(g), 'initial_auth').find((x) => x.status === 2)!;
  assert.deepEqual(r.ledger(refused.reference).filter((e) => e.kind === 'auth').map((e) => e.status), ['voided'], 'the hold is released once');
});

test('4-17 #2 after the offline registration is declined, the next posting creates an offline initial authorisation (mtype 1) on the next usable card, sent by its token', async () => {
  const r = await rig();
  const g = r.guest();
  const a = await registerOffline(r, g, TEST_CARDS.mastercard);
  const b = await registerOnline(r, g, TEST_CARDS.visa); // second by routing order
  r.pad.setOffline(true);
  r.room.service.addPosting(g, 12_000, 'Dinner'); // raises A's top-up, outstanding behind A's initial authorisation
  await r.room.service.pay(g, 12_000, 'card'); // A's settlement, outstanding too
  r.pad.markCardDeclined(TEST_CARDS.mastercard);
  r.pad.setOffline(false);
  await r.send();
  assert.ok(r.room.repo.cardRecords(a.cardId).every((x) => x.status === 2), 'every authorisation and settlement of A declined');
  const before = r.room.service.get(g);
  assert.deepEqual(before.paymentDepartment, { kind: 'card', cardId: b.cardId }, 'invoices routed to B');
  const posted = r.room.service.addPosting(g, 3_000, 'Bar').guest;
  const fresh = posted.records.filter((x) => x.kind === 'initial_auth' && x.cardId === b.cardId).at(-1)!;
  assert.deepEqual([fresh.mtype, fresh.operation, fresh.status, fresh.queueStatus], [1, 1, 0, 0], 'an offline initial authorisation, queued');
  assert.ok(fresh.amount >= 10_000, 'at least the Online Initial Auth Amount');
  assert.notEqual(fresh.recordId, recs(before, 'initial_auth').find((x) => x.cardId === b.cardId)!.recordId);
  await r.send();
  assert.deepEqual([r.record(fresh.recordId).status, r.record(fresh.recordId).queue_status], [1, 8], JSON.stringify([r.record(fresh.recordId), r.ledger(fresh.reference)]));
  const [auth] = r.ledger(fresh.reference);
  assert.deepEqual([auth.kind, auth.status, auth.amount], ['auth', 'approved', fresh.amount], 'authorised at the processor by token');
  assert.equal(auth.maskedPan.slice(-4), TEST_CARDS.visa.slice(-4), "on B's card (its token)");
  // The next posting does not start yet another one.
  assert.equal(recs(r.room.service.addPosting(g, 500, 'Coffee').guest, 'initial_auth').filter((x) => x.cardId === b.cardId).length, 2);
});

test('4-17 #2 with a single card: the declined card leaves the invoices to cash, so a posting creates no authorisation', async () => {
  const r = await rig();
  const g = r.guest();
  await registerOffline(r, g, TEST_CARDS.mastercard);
  r.pad.markCardDeclined(TEST_CARDS.mastercard);
  await r.send();
  const count = r.room.service.get(g).records.length;
  const after = r.room.service.addPosting(g, 3_000, 'Bar').guest;
  assert.deepEqual(after.paymentDepartment, { kind: 'cash' });
  assert.equal(after.records.length, count, 'nothing to authorise: the declined card holds only its temporary token');
});
