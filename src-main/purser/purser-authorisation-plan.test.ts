// The folio plans around the processor's limits instead of being declined by
// them (issue 12 §5): at most 10 increments per authorisation and a validity
// window, as the gateway simulator enforces (authorisation-rules.ts). Real PAX
// and gateway simulators over 127.0.0.1 and a real journal; what was
// authorised and captured is read from the processor's ledger.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LedgerEntry } from '../../drivers/pax/simulator/processor-ledger.ts';
import { DEFAULT_PROCESSOR_LIMITS } from './purser-authorisation-plan.ts';
import { PURSER_MESSAGES } from './purser-messages.ts';
import { purserRigPerTest, TEST_CARDS, type PurserRig, type PurserRigOptions } from './purser-test-rig.ts';

const rig = purserRigPerTest();
const DAY = 86_400_000;

/** A guest with a card, 12 postings each raising an authorisation (sent one by one), then checkout of the whole folio. */
async function twelvePostingsThenCheckout(opts: PurserRigOptions = {}) {
  const r = await rig(opts);
  const g = r.guest();
  r.present(TEST_CARDS.visa);
  await r.room.service.register(g, 'pad1'); // 100.00
  for (let i = 0; i < 12; i++) {
    const before = r.room.service.get(g).records.length;
    const d = r.room.service.addPosting(g, 12_000, `Night ${i + 1}`).guest;
    assert.equal(d.records.length, before + 1, `posting ${i + 1} needs one more authorisation`);
    await r.send();
  }
  const folio = r.room.service.get(g).balance;
  const paid = await r.room.service.pay(g, folio, 'card');
  await r.send();
  return { r, g, folio, paid };
}

/** The processor's ledger entries of this guest's records. */
function guestLedger(r: PurserRig, g: string): LedgerEntry[] {
  return r.room.service.get(g).records.flatMap((x) => r.ledger(x.reference));
}

test('12 postings each needing an increment: no decline from the processor; a second authorisation by token after 10 increments; captured at checkout = the folio', async () => {
  const { r, g, folio, paid } = await twelvePostingsThenCheckout();
  assert.equal(paid.message, PURSER_MESSAGES.settlementDone);
  assert.equal(folio, 144_000);
  const entries = guestLedger(r, g);
  assert.deepEqual(entries.filter((e) => e.status === 'declined').map((e) => e.text), [], 'nothing declined by the processor');
  const heads = r.room.service.get(g).records.filter((x) => x.kind === 'initial_auth');
  assert.deepEqual(heads.map((h) => [h.mtype, h.status]), [[0, 1], [1, 1]], 'the registration, then one authorisation by token');
  assert.deepEqual(r.ledger(heads[1].reference).map((e) => [e.kind, e.status]), [['auth', 'approved']]);
  const incs = r.room.service.get(g).records.filter((x) => x.kind === 'incremental_auth');
  assert.deepEqual(
    heads.map((h) => incs.filter((x) => x.previousReference === h.reference).length),
    [DEFAULT_PROCESSOR_LIMITS.maxIncrements, 1],
    'ten increments on the first, the rest on the second',
  );
  const captures = entries.filter((e) => e.kind === 'capture');
  assert.equal(captures.length, 2, 'one capture per authorisation');
  assert.ok(captures.every((e) => e.status === 'approved'));
  assert.equal(captures.reduce((s, e) => s + e.amount, 0), folio, 'everything captured equals the folio');
  for (const h of heads) {
    const auth = r.gateway.ledger.find(r.record(h.recordId).ref_num!)!;
    assert.ok(auth.captured && auth.authorisedTotal !== undefined && auth.amount <= auth.authorisedTotal, 'each captured up to its own total');
  }
});

test('the same 12 postings with the limit not planned for (a broken variant): the processor declines the 11th increment', async () => {
  const { r, g } = await twelvePostingsThenCheckout({ limits: { ...DEFAULT_PROCESSOR_LIMITS, maxIncrements: 1000 } });
  const declined = guestLedger(r, g).filter((e) => e.status === 'declined');
  assert.ok(declined.some((e) => e.kind === 'incremental' && /Maximum of 10/.test(e.text)), 'the check above can fail');
});

test('an expired authorisation: the next shortfall is re-authorised by token for the whole folio, and checkout captures the new one only', async () => {
  let now = Date.UTC(2026, 10, 1, 9, 0, 0);
  const r = await rig({ clock: () => new Date(now), gatewayClock: () => now });
  const g = r.guest();
  r.present(TEST_CARDS.visa);
  const first = (await r.room.service.register(g, 'pad1')).guest.records[0];
  r.room.service.addPosting(g, 12_000, 'Dinner');
  await r.send();
  now += 31 * DAY; // past the 30-day validity window
  const d = r.room.service.addPosting(g, 3_000, 'Bar').guest;
  const renewed = d.records.filter((x) => x.kind === 'initial_auth').at(-1)!;
  assert.notEqual(renewed.recordId, first.recordId);
  assert.deepEqual([renewed.mtype, renewed.amount], [1, 15_000], 'the whole folio: the expired one counts for nothing');
  assert.equal(d.cards[0].active, true);
  await r.send();
  assert.deepEqual(r.ledger(renewed.reference).map((e) => [e.kind, e.status, e.amount]), [['auth', 'approved', 15_000]]);
  const paid = await r.room.service.pay(g, 15_000, 'card');
  const settlements = paid.guest.records.filter((x) => x.kind === 'settlement');
  assert.deepEqual(settlements.map((s) => [s.previousReference, s.amount]), [[renewed.reference, 15_000]]);
  await r.send();
  assert.deepEqual(r.ledger(settlements[0].reference).map((e) => [e.kind, e.status]), [['capture', 'approved']]);
  assert.equal(r.gateway.ledger.find(r.record(first.recordId).ref_num!)!.captured, false, 'the expired one is not captured');
});

test('an authorisation near its expiry takes no more increments: a new one covers the shortfall, checkout captures each up to its own total', async () => {
  let now = Date.UTC(2026, 10, 1, 9, 0, 0);
  const r = await rig({ clock: () => new Date(now), gatewayClock: () => now });
  const g = r.guest();
  r.present(TEST_CARDS.visa);
  const first = (await r.room.service.register(g, 'pad1')).guest.records[0];
  r.room.service.addPosting(g, 8_000, 'Dinner');
  now += 29 * DAY + 12 * 3_600_000; // half a day before expiry
  const d = r.room.service.addPosting(g, 8_000, 'Spa').guest;
  const renewed = d.records.filter((x) => x.kind === 'initial_auth').at(-1)!;
  assert.deepEqual([renewed.mtype, renewed.amount], [1, 6_000], 'the shortfall on a new authorisation, not an increment on the old one');
  assert.equal(d.records.filter((x) => x.kind === 'incremental_auth').length, 0);
  await r.send();
  const paid = await r.room.service.pay(g, 16_000, 'card');
  const settlements = paid.guest.records.filter((x) => x.kind === 'settlement');
  assert.deepEqual(settlements.map((s) => [s.previousReference, s.amount]), [[first.reference, 10_000], [renewed.reference, 6_000]]);
  await r.send();
  for (const s of settlements) assert.deepEqual(r.ledger(s.reference).map((e) => [e.kind, e.status, e.amount]), [['capture', 'approved', s.amount]]);
});
