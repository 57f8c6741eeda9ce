import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { ProcessorRequest } from '../../../src-shared/processor-link.ts';
import { DECLINED_MASKED_PAN, SimulatedProcessor } from './simulated-processor.ts';

const sale = (over: Partial<ProcessorRequest>): ProcessorRequest => ({
  command: 'sale',
  invoice: 'INV1',
  amount: 1250,
  currency: 'USD',
  cardToken: 'c0ffee',
  maskedPan: '411111******1111',
  cardBrand: 'visa',
  entryMode: 'chip',
  deviceId: 'pad',
  ...over,
});

test('the PAX decline card (known only by its masked number) is declined and leaves a declined ledger row', () => {
  const p = new SimulatedProcessor({ clock: () => 1_000 });
  const r = p.submit(sale({ maskedPan: DECLINED_MASKED_PAN, cardToken: 'a1b2c3' })).response;
  assert.equal(r.result, 'declined');
  assert.equal(p.ledger.summary().declinedCount, 1);
  assert.equal(p.ledger.summary().approvedCount, 0);
  // Another card on the same invoice is then approved: a decline does not block the invoice.
  assert.equal(p.submit(sale({})).response.result, 'approved');
});

test('the PAX issuer rules apply here too: 51 cents declines, 52 cents approves half; a repeat answers the half as the original', () => {
  const p = new SimulatedProcessor({ clock: () => 1_000 });
  const declined = p.submit(sale({ invoice: 'D1', amount: 1051 })).response;
  assert.equal(declined.result, 'declined');
  assert.equal(declined.text, 'DECLINED');
  const partial = p.submit(sale({ invoice: 'P1', amount: 2052 }));
  assert.equal(partial.response.result, 'partial');
  assert.equal(partial.response.amountApproved, 1026);
  assert.equal(partial.entry?.amount, 1026, 'the ledger holds what was charged');
  assert.equal(partial.entry?.amountRequested, 2052);
  const repeat = p.submit(sale({ invoice: 'P1', amount: 2052 })).response;
  assert.equal(repeat.result, 'duplicate');
  assert.equal(repeat.original?.amountApproved, 1026);
  assert.equal(p.ledger.summary().approvedAmount, 1026);
});

test('an armed partial approval halves the next approved sale only, whatever its amount; disarming cancels it', () => {
  const p = new SimulatedProcessor({ clock: () => 1_000 });
  p.partiallyApproveNext();
  // A decline does not spend it.
  assert.equal(p.submit(sale({ invoice: 'A0', cardToken: 'tok_decline_x' })).response.result, 'declined');
  const half = p.submit(sale({ invoice: 'A1', amount: 1999 })).response;
  assert.deepEqual([half.result, half.amountApproved], ['partial', 999]);
  const whole = p.submit(sale({ invoice: 'A2', amount: 1999 })).response;
  assert.deepEqual([whole.result, whole.amountApproved], ['approved', 1999]);
  p.partiallyApproveNext();
  p.partiallyApproveNext(false);
  assert.equal(p.submit(sale({ invoice: 'A3' })).response.result, 'approved');
});

test('every sale request is logged, a refused duplicate too; with the duplicate check off the repeat is charged and logged', () => {
  let now = 1_000;
  const p = new SimulatedProcessor({ clock: () => now });
  assert.equal(p.submit(sale({ invoice: 'L1' }), 900).response.result, 'approved');
  now = 2_000;
  assert.equal(p.submit(sale({ invoice: 'L1', deviceId: 'pad2' })).response.result, 'duplicate');
  assert.equal(p.ledger.size, 1, 'a duplicate refusal makes no ledger entry');
  p.setDuplicateCheck(false);
  assert.equal(p.duplicateCheck, false);
  now = 3_000;
  assert.equal(p.submit(sale({ invoice: 'L1', amount: 700 })).response.result, 'approved');
  const log = p.ledger.requests();
  assert.deepEqual(
    log.map((r) => [r.seq, r.invoice, r.amount, r.deviceId, r.at, r.arrivedAt, r.result, r.amountApproved]),
    [
      [0, 'L1', 1250, 'pad', 1_000, 900, 'approved', 1250],
      [1, 'L1', 1250, 'pad2', 2_000, undefined, 'duplicate', 0],
      [2, 'L1', 700, 'pad', 3_000, undefined, 'approved', 700],
    ],
  );
  assert.equal(log[1].refNum, log[0].refNum, 'the duplicate names the original it was refused against');
  assert.equal(p.ledger.doubleCharges().length, 1);
});

test('follow-ups survive a restart from the ledger file: the raised, captured hold and its entries come back, a resend is still a duplicate', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sim-ledger-')), 'ledger.jsonl');
  let now = 1_000;
  const first = new SimulatedProcessor({ clock: () => now, ledgerFile: file });
  const auth = first.submit(sale({ command: 'auth', invoice: 'A1', amount: 10_000 })).response;
  const inc = first.submit(sale({ command: 'incremental', invoice: 'I1', amount: 2_000, originalRefNum: auth.refNum })).response;
  now += 1000;
  const cap = first.submit(sale({ command: 'capture', invoice: 'C1', amount: 11_000, originalRefNum: auth.refNum })).response;
  assert.deepEqual([inc.result, cap.result], ['approved', 'approved']);

  const second = new SimulatedProcessor({ clock: () => now, ledgerFile: file });
  const original = second.ledger.find(auth.refNum);
  assert.deepEqual([original?.amount, original?.captured, original?.authorisedTotal, original?.incrementCount], [11_000, true, 12_000, 1]);
  assert.deepEqual([second.ledger.find(inc.refNum)?.kind, second.ledger.find(cap.refNum)?.kind], ['incremental', 'capture']);
  const resent = second.submit(sale({ command: 'capture', invoice: 'C1', amount: 11_000, originalRefNum: auth.refNum })).response;
  assert.equal(resent.result, 'duplicate');
  assert.equal(resent.original?.refNum, cap.refNum);
  // The summary counts the charge once: follow-ups are not charges of their own.
  assert.deepEqual([second.ledger.summary().approvedCount, second.ledger.summary().approvedAmount], [1, 11_000]);
  // Settled, then restarted: it stays settled (a refund goes through, a void is refused).
  assert.equal(second.submit(sale({ command: 'refund', invoice: 'F0', amount: 100, originalRefNum: cap.refNum })).response.text, 'Unable to refund a transaction until it has been settled');
  second.closeBatch();
  const third = new SimulatedProcessor({ clock: () => now, ledgerFile: file });
  assert.equal(third.submit(sale({ command: 'void', invoice: 'V1', amount: 0, originalRefNum: cap.refNum })).response.result, 'error');
  assert.equal(third.submit(sale({ command: 'refund', invoice: 'F1', amount: 1_000, originalRefNum: cap.refNum })).response.result, 'approved');
});

test('a follow-up under its original\'s invoice (a PIN pad\'s) is not refused as a duplicate: two increments on one invoice both raise the hold', () => {
  const p = new SimulatedProcessor({ clock: () => 1_000 });
  const auth = p.submit(sale({ command: 'auth', invoice: 'PAD1', amount: 5_000 })).response;
  for (let i = 0; i < 2; i++) assert.equal(p.submit(sale({ command: 'incremental', invoice: 'PAD1', amount: 500, originalRefNum: auth.refNum })).response.result, 'approved');
  assert.equal(p.ledger.find(auth.refNum)?.amount, 6_000);
});

test('a terminal\'s batch close (settle) settles that device\'s charges only: refunded from then on, never voided; kept across a restart', () => {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'proc-settle-')), 'ledger.jsonl');
  const p = new SimulatedProcessor({ clock: () => 5_000, ledgerFile: file });
  const a = p.submit(sale({ invoice: 'A1', deviceId: 'padA' })).response;
  const b = p.submit(sale({ invoice: 'B1', deviceId: 'padB' })).response;
  assert.equal(p.submit(sale({ command: 'refund', invoice: 'A1F1', amount: 100, originalRefNum: a.refNum })).response.text, 'Unable to refund a transaction until it has been settled');
  const closed = p.submit(sale({ command: 'settle', invoice: 'B7', amount: 0, cardToken: '', maskedPan: '', deviceId: 'padA' })).response;
  assert.equal(closed.result, 'approved');
  assert.match(closed.text, /1 transactions/);
  // padA's charge: settled. padB's: still open (voidable, not refundable).
  assert.equal(p.submit(sale({ command: 'void', invoice: 'A1V1', amount: 0, originalRefNum: a.refNum })).response.text, 'Transaction cannot be voided');
  assert.equal(p.submit(sale({ command: 'refund', invoice: 'B1F1', amount: 100, originalRefNum: b.refNum })).response.result, 'error');
  const restarted = new SimulatedProcessor({ clock: () => 6_000, ledgerFile: file });
  assert.equal(restarted.submit(sale({ command: 'refund', invoice: 'A1F1', amount: 100, originalRefNum: a.refNum })).response.result, 'approved');
  assert.equal(restarted.submit(sale({ command: 'void', invoice: 'B1V1', amount: 0, originalRefNum: b.refNum })).response.result, 'approved');
  assert.equal(restarted.submit(sale({ command: 'settle', invoice: 'B8', amount: 0, deviceId: '' })).response.result, 'error', 'a batch close names its device');
});
