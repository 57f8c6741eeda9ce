import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type LedgerEntry, ProcessorLedger } from './processor-ledger.ts';

let seq = 0;
const entry = (enteredAt: number, extra: Partial<LedgerEntry> = {}): LedgerEntry => ({
  refNum: String(++seq),
  kind: 'sale',
  invoice: `I${seq}`,
  amount: 100,
  currency: 'USD',
  maskedPan: '411111******1111',
  cardBrand: 'visa',
  entryMode: 'chip',
  deviceId: 'd1',
  authCode: '123456',
  status: 'approved',
  text: 'Approved',
  batch: '1',
  enteredAt,
  captured: false,
  refundedAmount: 0,
  ...extra,
});

test('entries stay in time order even when the clock steps back; ties keep arrival order', () => {
  const l = new ProcessorLedger();
  for (const t of [10, 30, 20, 20, 5, 30]) l.add(entry(t));
  assert.deepEqual(l.all().map((e) => [e.enteredAt, e.refNum]), [[5, '5'], [10, '1'], [20, '3'], [20, '4'], [30, '2'], [30, '6']]);
  assert.throws(() => l.add({ ...entry(1), refNum: '1' }), /already holds/);
});

test('query: inclusive window, limit, approved-only, exact and contains invoice filters', () => {
  const l = new ProcessorLedger();
  l.add(entry(1, { invoice: 'A1' }));
  l.add(entry(2, { invoice: 'A10', status: 'declined' }));
  l.add(entry(3, { invoice: 'A1', status: 'voided' }));
  l.add(entry(4, { invoice: 'B1' }));
  assert.deepEqual(l.query({ begin: 2, end: 4, limit: 10 }).map((e) => e.enteredAt), [2, 3, 4]);
  assert.deepEqual(l.query({ begin: 1, end: 4, limit: 2 }).map((e) => e.enteredAt), [1, 2]);
  assert.deepEqual(l.query({ begin: 1, end: 4, limit: 10, approvedOnly: true }).map((e) => e.enteredAt), [1, 3, 4]);
  assert.deepEqual(l.query({ begin: 0, end: 9, limit: 10, invoice: { exact: 'A1' } }).map((e) => e.enteredAt), [1, 3]);
  assert.deepEqual(l.query({ begin: 2, end: 9, limit: 10, invoice: { exact: 'A1' } }).map((e) => e.enteredAt), [3]);
  assert.deepEqual(l.query({ begin: 0, end: 9, limit: 10, invoice: { contains: 'A1' } }).map((e) => e.invoice), ['A1', 'A10', 'A1']);
});

test('query returns copies: callers cannot change the ledger', () => {
  const l = new ProcessorLedger();
  l.add(entry(1, { invoice: 'C' }));
  l.query({ begin: 0, end: 2, limit: 1 })[0].status = 'voided';
  l.byInvoice('C')[0].amount = 1;
  assert.equal(l.find(l.all()[0].refNum)?.status, 'approved');
  assert.equal(l.all()[0].amount, 100);
});

test('summary and double charges', () => {
  const l = new ProcessorLedger();
  l.add(entry(1, { invoice: 'D', amount: 500 }));
  l.add(entry(2, { invoice: 'D', amount: 500, deviceId: 'd2' }));
  l.add(entry(3, { invoice: 'E', amount: 700, status: 'voided' }));
  l.add(entry(4, { invoice: 'E', amount: 700 }));
  l.add(entry(5, { invoice: 'F', status: 'declined' }));
  l.add(entry(6, { invoice: 'E', kind: 'refund', amount: 200 }));
  assert.deepEqual(l.summary(), { entries: 6, approvedCount: 3, approvedAmount: 1700, declinedCount: 1, voidedCount: 1, refundedAmount: 200 });
  assert.equal(l.summary({ deviceId: 'd2' }).approvedAmount, 500);
  assert.deepEqual(l.doubleCharges().map((d) => d.invoice), ['D']);
});
