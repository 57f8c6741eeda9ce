// Each store invariant count on a good run is zero and goes up on the broken
// variant it exists to catch.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LedgerEntry } from '../../drivers/pax/simulator/processor-ledger.ts';
import {
  crossRegisterDoubleCharges,
  invoicePairKey,
  offlineStalls,
  replicationCounts,
  slotsChargedTwice,
  unaccountedCharges,
  type JournalEventRef,
  type StoreEventRef,
} from './store-invariants.ts';

const ev = (seq: number): JournalEventRef => ({ seq, hash: `h${seq}` });
const journals = new Map([
  ['A', [ev(1), ev(2), ev(3)]],
  ['B', [ev(1), ev(2)]],
]);
const good: StoreEventRef[] = [
  { registerId: 'A', ...ev(1) },
  { registerId: 'B', ...ev(1) },
  { registerId: 'A', ...ev(2) },
  { registerId: 'A', ...ev(3) },
  { registerId: 'B', ...ev(2) },
];

test('replication: exactly once and in order, and each broken relay shows', () => {
  assert.deepEqual(replicationCounts(journals, good), { events: 5, replicatedOnce: 5, missing: 0, duplicated: 0, altered: 0, outOfOrder: 0 });
  const skipped = good.filter((e) => !(e.registerId === 'A' && e.seq === 2));
  assert.equal(replicationCounts(journals, skipped).missing, 1);
  assert.equal(replicationCounts(journals, skipped).replicatedOnce, 4);
  const twice = [...good, { registerId: 'B', ...ev(2) }];
  assert.equal(replicationCounts(journals, twice).duplicated, 1);
  assert.equal(replicationCounts(journals, twice).outOfOrder, 1);
  const swapped = [good[0], good[3], good[1], good[2], good[4]];
  assert.equal(replicationCounts(journals, swapped).outOfOrder, 1);
  const altered = good.map((e) => (e.registerId === 'B' && e.seq === 1 ? { ...e, hash: 'other' } : e));
  assert.equal(replicationCounts(journals, altered).altered, 1);
  assert.equal(replicationCounts(journals, [...good, { registerId: 'C', ...ev(1) }]).altered, 1);
});

let ref = 0;
function charge(invoice: string, amount: number, at: number, extra: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    refNum: `ref${++ref}`, kind: 'sale', invoice, amount, currency: 'USD', maskedPan: '424242******4242', cardBrand: 'visa', entryMode: 'chip',
    deviceId: 'pad', status: 'approved', text: 'Approved', batch: '1', enteredAt: at, captured: true, refundedAmount: 0, ...extra,
  };
}

test('slots charged twice count the extra standing charges only', () => {
  const ledger = [charge('R1T1P1', 500, 1), charge('R2T1P1', 500, 2), charge('R1T1P1', 500, 3, { status: 'voided' })];
  assert.equal(slotsChargedTwice(ledger), 0);
  assert.equal(slotsChargedTwice([...ledger, charge('R1T1P1', 500, 4)]), 1);
});

test('every charge is an approved attempt or an orphan in the store', () => {
  const ledger = [charge('R1T1P1', 500, 1), charge('R1T2P1', 700, 2), charge('STRAY1', 300, 3)];
  const stray = ledger[2].refNum;
  const store = { approvedInvoices: new Map([['R1T1P1', 1], ['R1T2P1', 1]]), orphanRefNums: new Set([stray]) };
  assert.deepEqual(unaccountedCharges(ledger, store), []);
  // A relay that never brought R1T2P1's approval, and an orphan queue that lost the stray charge.
  assert.equal(unaccountedCharges(ledger, { ...store, approvedInvoices: new Map([['R1T1P1', 1]]) }).length, 1);
  assert.equal(unaccountedCharges(ledger, { ...store, orphanRefNums: new Set() }).length, 1);
  // One approved attempt accounts for one charge on its invoice, not two.
  assert.equal(unaccountedCharges([...ledger, charge('R1T1P1', 500, 4)], store).length, 1);
});

test('cross-register double charges: flagged and (offline, or confirmed) is fine; unflagged or unwarned online is not', () => {
  const MIN = 60_000;
  const ledger = [charge('R1T1P1', 2500, 0), charge('R2T8P1', 2500, 3 * MIN), charge('R3T4P1', 999, 4 * MIN)];
  const key = invoicePairKey('R1T1P1', 'R2T8P1');
  const flagged = new Set([key]);
  // Register 2 was cut off from the store: nobody could warn; the store flagged the pair afterwards.
  assert.deepEqual(crossRegisterDoubleCharges(ledger, { flagged, confirmed: new Set(), storeCouldWarn: () => false }), []);
  // Online and the cashier confirmed the warning.
  assert.deepEqual(crossRegisterDoubleCharges(ledger, { flagged, confirmed: new Set(['R2T8P1']), storeCouldWarn: () => true }), []);
  // A register that ignores the store's warning: online, charged, never confirmed.
  assert.deepEqual(crossRegisterDoubleCharges(ledger, { flagged, confirmed: new Set(), storeCouldWarn: () => true }), [key]);
  // A store that never flags.
  assert.deepEqual(crossRegisterDoubleCharges(ledger, { flagged: new Set(), confirmed: new Set(), storeCouldWarn: () => false }), [key]);
  // Outside the window: no pair.
  assert.deepEqual(crossRegisterDoubleCharges(ledger, { flagged: new Set(), confirmed: new Set(), storeCouldWarn: () => true }, 2 * MIN), []);
});

test('an offline register that stopped selling during its cut is a stall', () => {
  const ledger = [charge('R1T1P1', 500, 1_000), charge('R2T1P1', 500, 1_500)];
  assert.deepEqual(offlineStalls(ledger, [{ registerCode: '1', from: 500, to: 2_000, started: 2 }]), []);
  assert.equal(offlineStalls(ledger, [{ registerCode: '3', from: 500, to: 2_000, started: 2 }]).length, 1);
  assert.equal(offlineStalls(ledger, [{ registerCode: '3', from: 500, to: 2_000, started: 0 }]).length, 0);
});
