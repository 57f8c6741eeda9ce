import assert from 'node:assert/strict';
import { test } from 'node:test';
import { duplicateCandidates, duplicatePairs, pairKey, sameCard, type StoreCharge } from './cross-register-duplicate-rule.ts';

const MIN = 60_000;
const visa = { maskedPan: '476173******0119', brand: 'visa' };
const mc = { maskedPan: '545454******5454', brand: 'mastercard' };

function charge(registerId: string, ticketId: string, amount: number, at: number, card: StoreCharge['card'] = visa): StoreCharge {
  return { registerId, ticketId, attemptId: `${registerId}-${ticketId}-${at}`, amount, currency: 'USD', card, at };
}

test('same card: tokens decide when both have one; else masked number and brand, and expiry when both know it', () => {
  assert.equal(sameCard({ token: 'tok_a', ...visa }, { token: 'tok_a', ...mc }), true);
  assert.equal(sameCard({ token: 'tok_a', ...visa }, { token: 'tok_b', ...visa }), false);
  assert.equal(sameCard({ token: 'tok_a', ...visa }, visa), true);
  assert.equal(sameCard(visa, mc), false);
  assert.equal(sameCard(visa, { ...visa, brand: 'mastercard' }), false);
  assert.equal(sameCard({ ...visa, expiry: '1229' }, { ...visa, expiry: '12/29' }), true);
  assert.equal(sameCard({ ...visa, expiry: '1229' }, { ...visa, expiry: '0130' }), false);
  assert.equal(sameCard({ ...visa, expiry: '1229' }, visa), true);
  // The gateway's report masks the first six too (an attempt Find Missing completed): still the same card.
  assert.equal(sameCard({ maskedPan: 'xxxxxxxxxxxx0119', brand: 'visa' }, visa), true);
  assert.equal(sameCard({ maskedPan: 'xxxxxxxxxxxx0118', brand: 'visa' }, visa), false);
  assert.equal(sameCard({ maskedPan: '476174******0119', brand: 'visa' }, visa), false);
  // Too little to name a card: never a match.
  assert.equal(sameCard({ maskedPan: '************', brand: 'visa' }, { maskedPan: '************', brand: 'visa' }), false);
  assert.equal(sameCard({}, {}), false);
});

test('candidates: same amount on another ticket or register within the window, newest first; the card narrows them once read', () => {
  const now = 100 * MIN;
  const charges = [
    charge('R1', 'T1', 2500, now - 4 * MIN),
    charge('R2', 'T9', 2500, now - 2 * MIN, mc),
    charge('R3', 'T5', 2500, now - 11 * MIN), // outside the window
    charge('R1', 'T2', 2600, now - 1 * MIN), // other amount
    charge('R2', 'T7', 2500, now - 1 * MIN), // the probe's own ticket
  ];
  const probe = { registerId: 'R2', ticketId: 'T7', amount: 2500, currency: 'USD', at: now };
  assert.deepEqual(duplicateCandidates(charges, probe).map((c) => c.ticketId), ['T9', 'T1']);
  assert.deepEqual(duplicateCandidates(charges, { ...probe, card: visa }).map((c) => c.ticketId), ['T1']);
  assert.deepEqual(duplicateCandidates(charges, { ...probe, card: visa }, 3 * MIN), []);
  assert.deepEqual(duplicateCandidates(charges, { ...probe, currency: 'EUR' }), []);
  // The same ticket id on another register is another ticket.
  assert.deepEqual(duplicateCandidates([charge('R1', 'T7', 2500, now - MIN)], probe).map((c) => c.registerId), ['R1']);
});

test('pairs: each later charge with each earlier match in the window, whatever the input order; keys are stable', () => {
  const a = charge('R1', 'T1', 1000, 0);
  const b = charge('R2', 'T4', 1000, 5 * MIN);
  const c = charge('R3', 'T2', 1000, 14 * MIN); // 9 min after b, 14 after a
  const d = charge('R4', 'T3', 1000, 6 * MIN, mc);
  const pairs = duplicatePairs([c, d, b, a]);
  assert.deepEqual(pairs.map(pairKey), [pairKey({ earlier: a, later: b }), pairKey({ earlier: b, later: c })]);
  assert.deepEqual(duplicatePairs([a, b, c, d]).map(pairKey), pairs.map(pairKey));
  assert.equal(duplicatePairs([a, b], 4 * MIN).length, 0);
});
