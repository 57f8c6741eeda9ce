import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InMemoryProcessor } from './in-memory-processor.ts';
import { readCard, DECLINE_CARD_PAN } from './pax-simulator-rules.ts';
import type { ProcessorRequest } from '../../../src-shared/processor-link.ts';

const visa = readCard('4111111111111111');

function sale(invoice: string, amount: number, extra: Partial<ProcessorRequest> = {}): ProcessorRequest {
  return {
    command: 'sale', invoice, amount, currency: 'USD',
    cardToken: visa.token, maskedPan: visa.maskedPan, cardBrand: visa.brand, entryMode: 'chip', deviceId: 'D1',
    ...extra,
  };
}

test('approves and records a sale once, with masked card only', async () => {
  const p = new InMemoryProcessor({ clock: () => new Date('2026-01-02T03:04:05Z') });
  const res = await p.submit(sale('INV1', 1250));
  assert.equal(res.result, 'approved');
  assert.equal(res.amountApproved, 1250);
  assert.ok(res.refNum && res.authCode);
  const charges = p.charges();
  assert.equal(charges.length, 1);
  assert.equal(charges[0].maskedPan, '411111******1111');
  assert.equal(charges[0].enteredAt, Date.parse('2026-01-02T03:04:05Z'));
  assert.ok(!JSON.stringify(p.ledger()).includes('4111111111111111'));
});

test('a repeated invoice answers duplicate with the original and does not charge again', async () => {
  const p = new InMemoryProcessor();
  const first = await p.submit(sale('INV2', 500));
  const again = await p.submit(sale('INV2', 500));
  assert.equal(again.result, 'duplicate');
  assert.equal(again.text, 'Duplicate Transaction');
  assert.equal(again.original?.refNum, first.refNum);
  assert.equal(again.original?.amountApproved, 500);
  assert.equal(p.charges().length, 1);
  const forced = await p.submit(sale('INV2', 500, { allowDuplicate: true }));
  assert.equal(forced.result, 'approved');
  assert.equal(p.charges().length, 2);
});

test('issuer rules: decline card, 51 cents declines, 52 cents approves half', async () => {
  const p = new InMemoryProcessor();
  const bad = readCard(DECLINE_CARD_PAN);
  const d1 = await p.submit(sale('A', 1000, { maskedPan: bad.maskedPan, cardToken: bad.token }));
  assert.match(bad.token, /^tok_decline/);
  assert.equal(d1.result, 'declined');
  assert.equal((await p.submit(sale('B', 1051))).result, 'declined');
  const partial = await p.submit(sale('C', 2052));
  assert.equal(partial.result, 'partial');
  assert.equal(partial.amountApproved, 1026);
  assert.equal(p.charges().length, 1);
  // a declined invoice may be retried: it was never charged
  assert.equal((await p.submit(sale('B', 1000))).result, 'approved');
});

test('void marks the original voided; a second void and an unknown original are errors', async () => {
  const p = new InMemoryProcessor();
  const s = await p.submit(sale('V1', 700));
  const v = await p.submit(sale('V1', 700, { command: 'void', originalRefNum: s.refNum }));
  assert.equal(v.result, 'approved');
  assert.equal(v.amountApproved, 700);
  assert.equal(p.charges()[0].status, 'voided');
  assert.equal((await p.submit(sale('V1', 700, { command: 'void', originalRefNum: s.refNum }))).result, 'error');
  assert.equal((await p.submit(sale('V9', 700, { command: 'void', originalRefNum: 'nope' }))).result, 'error');
});

test('unavailable processor rejects and records nothing', async () => {
  const p = new InMemoryProcessor();
  p.setUnavailable(true);
  await assert.rejects(p.submit(sale('U1', 100)), /unreachable/);
  assert.equal(p.ledger().length, 0);
});

test('duplicate lookup by invoice: a voided original no longer blocks the invoice, and a repeat names the newest live charge', async () => {
  const p = new InMemoryProcessor();
  const first = await p.submit(sale('DV1', 900));
  await p.submit(sale('OTHER', 900));
  assert.equal((await p.submit(sale('DV1', 900, { command: 'void', originalRefNum: first.refNum }))).result, 'approved');
  const second = await p.submit(sale('DV1', 900));
  assert.equal(second.result, 'approved', 'the voided original took no money: the invoice may be charged again');
  const repeat = await p.submit(sale('DV1', 900));
  assert.equal(repeat.result, 'duplicate');
  assert.equal(repeat.original?.refNum, second.refNum);
  // A refund with the same invoice is no charge: it never counts as the original.
  assert.equal((await p.submit(sale('RF1', 300, { command: 'refund' }))).result, 'approved');
  assert.equal((await p.submit(sale('RF1', 300))).result, 'approved');
  // Looking up an original by reference finds it whatever else was recorded since.
  for (let i = 0; i < 50; i++) await p.submit(sale(`BULK${i}`, 100));
  assert.equal((await p.submit(sale('DV1', 900, { command: 'void', originalRefNum: second.refNum }))).result, 'approved');
  assert.equal(p.charges().filter((e) => e.invoice === 'DV1').map((e) => e.status).join(','), 'voided,voided');
});
