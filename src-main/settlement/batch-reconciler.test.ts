import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TerminalRecord } from '../../drivers/terminal.ts';
import type { GatewayReportRow } from '../gateways/gateway-report-row.ts';
import { reconcileBatch, type JournalBatchEntry } from './batch-reconciler.ts';

const entry = (invoice: string, amount: number, over: Partial<JournalBatchEntry> = {}): JournalBatchEntry => ({
  attemptId: `a-${invoice}`, invoice, ecrRef: invoice, kind: 'sale', state: 'approved', amountRequested: amount, amountApproved: amount, hostRef: `H-${invoice}`, ...over,
});
const record = (invoice: string, amount: number, over: Partial<TerminalRecord> = {}): TerminalRecord => ({
  transactionType: 'sale', kind: 'sale', result: { outcome: 'approved', resultCode: '000000', resultText: 'OK', ecrRef: invoice, amountApproved: amount, amountDue: 0 }, ...over,
});
const row = (invoice: string, amount: number, over: Partial<GatewayReportRow> = {}): GatewayReportRow => ({
  refNum: `H-${invoice}`, amount, currency: 'USD', enteredAt: 0, invoice, maskedPan: '', cardBrand: 'visa', result: 'approved', responseError: '', voided: false, command: 'cc:sale', ...over,
});

test('agreeing sources give no line; voids and refunds net out by kind and state', () => {
  const r = reconcileBatch({
    currency: 'USD',
    journal: [entry('A', 1000), entry('B', 500, { state: 'reversed' }), entry('C', 300, { kind: 'refund', ecrRef: 'C' })],
    pad: [record('A', 1000), record('B', 500, { voided: true }), record('C', 300, { kind: 'refund', transactionType: 'return' })],
    gateway: [row('A', 1000), row('B', 500, { voided: true }), row('C', 300, { command: 'cc:refund' })],
  });
  assert.deepEqual(r.variances, []);
  assert.deepEqual(r.journal, { count: 2, amount: 700 });
  assert.deepEqual(r.pad, r.journal);
  assert.deepEqual(r.gateway, r.journal);
});

test('the processor ledger wins over the PIN pad; without the gateway the PIN pad is the word', () => {
  const src = { currency: 'USD', journal: [entry('A', 1000)], pad: [record('A', 1000)], gateway: [row('A', 1200)] };
  assert.deepEqual(reconcileBatch(src).variances.map((v) => [v.type, v.amount]), [['amount_differs', 200]]);
  assert.deepEqual(reconcileBatch({ ...src, gateway: null }).variances, []);
  assert.deepEqual(reconcileBatch({ ...src, pad: [], gateway: null }).variances.map((v) => v.type), ['recorded_not_charged']);
});

test('without the gateway, a payment the register found at the gateway is not called "recorded but not charged" on the PIN pad\'s word', () => {
  // The PIN pad's record says its sale errored (the bank's answer never reached it); the register found the charge at the gateway.
  const padSaw = [record('A', 1000, { result: { outcome: 'error', resultCode: '100001', resultText: 'HOST TIMEOUT', ecrRef: 'A', amountApproved: 0, amountDue: 1000 } })];
  const found = { currency: 'USD', journal: [entry('A', 1000, { approvalSource: 'gateway_lookup' })], pad: padSaw, gateway: null };
  assert.deepEqual(reconcileBatch(found).variances, []);
  // Approved by the PIN pad itself, the PIN pad's word still counts when the gateway cannot be read.
  const byPad = { ...found, journal: [entry('A', 1000, { approvalSource: 'terminal' })] };
  assert.deepEqual(reconcileBatch(byPad).variances.map((v) => v.type), ['recorded_not_charged']);
  // With the gateway read, its word decides either way.
  assert.deepEqual(reconcileBatch({ ...found, gateway: [] }).variances.map((v) => v.type), ['recorded_not_charged']);
  assert.deepEqual(reconcileBatch({ ...found, gateway: [row('A', 1000)] }).variances, []);
});

test('an offline approval not yet uploaded is still in doubt, not a missing charge', () => {
  const r = reconcileBatch({ currency: 'USD', journal: [entry('A', 1000)], pad: [record('A', 1000, { offline: 'pending' })], gateway: [] });
  assert.deepEqual(r.variances.map((v) => v.type), ['in_doubt']);
});

test('a sale refunded in full at the gateway still stands on the PIN pad and in the report: no line (the chaos run found this one)', () => {
  // Its refunds are gateway transactions under their own invoices, outside the PIN pad's batch.
  const src = { currency: 'USD', pad: [record('A', 3136)], gateway: [row('A', 3136)] };
  assert.deepEqual(reconcileBatch({ ...src, journal: [entry('A', 3136, { state: 'reversed', refunded: true })] }).variances, []);
  // Without the flag (a voided sale) the same sources say the processor holds a charge the register does not count.
  assert.deepEqual(reconcileBatch({ ...src, journal: [entry('A', 3136, { state: 'reversed' })] }).variances.map((v) => v.type), ['charged_not_recorded']);
});
