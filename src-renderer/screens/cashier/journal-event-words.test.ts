import { test } from 'node:test';
import assert from 'node:assert/strict';
import { journalEventWords } from './journal-event-words.ts';

const words = (entity: string, type: string, fields: Record<string, string | number | boolean>, currency = 'USD') =>
  journalEventWords({ entity, type, fields }, currency);

test('the events behind a card ticket read as plain sentences with money through the currency formatter', () => {
  assert.equal(words('ticket', 'created', { currency: 'USD' }), 'Ticket opened');
  assert.equal(words('ticket', 'line_added', { description: 'Coffee', quantity: 1, lineTotal: 295, total: 295 }), 'Added Coffee $2.95 (ticket total $2.95)');
  assert.equal(words('ticket', 'line_added', { description: 'Bagel', quantity: 2, lineTotal: 650, total: 945 }), 'Added 2 × Bagel $6.50 (ticket total $9.45)');
  assert.equal(words('attempt', 'send', { state: 'sent', amountRequested: 620, amountApproved: 0, ecrRef: 'R1T2P1' }), 'Card payment sent to the PIN pad: $6.20');
  assert.equal(
    words('attempt', 'approve', { amountRequested: 620, amountApproved: 620, authCode: '112648', cardBrand: 'visa', maskedPan: '411111******1111', approvalSource: 'terminal' }),
    'Approved $6.20, auth 112648, Visa ••••1111',
  );
  assert.equal(
    words('attempt', 'approve', { amountApproved: 825, cardBrand: 'MASTERCARD', maskedPan: '5454********5454', approvalSource: 'gateway_lookup' }),
    "Approved $8.25, Mastercard ••••5454 (found in the payment gateway's report)",
  );
  assert.equal(words('ticket', 'paid', { total: 620, paid: 620 }), 'Ticket paid $6.20');
  assert.equal(words('receipt', 'printed', { kind: 'sale', status: 'printed' }), 'Receipt printed');
  assert.equal(words('receipt', 'printed', { kind: 'reprint', status: 'printed' }), 'Receipt reprinted');
  assert.equal(words('receipt', 'not_printed', { kind: 'sale', reason: 'paper_out' }), 'Receipt not printed: paper out');
});

test('doubt, refusals, cash and removal are worded too; thousands separators and other currencies come from Intl', () => {
  assert.equal(words('attempt', 'doubt', { doubtReason: 'timeout', amountRequested: 1120 }), 'Card may have been charged (no answer in time): checking');
  assert.equal(words('attempt', 'confirm_absent', {}), 'Checked: the card was not charged');
  assert.equal(words('attempt', 'decline', { resultText: 'DECLINED by 127.0.0.1:9000' }), 'Declined: DECLINED by');
  assert.equal(words('ticket', 'cash_tendered', { tendered: 150000, applied: 295, change: 149705, due: 0 }), 'Cash received $1,500.00, change $1,497.05');
  assert.equal(words('ticket', 'cash_tendered', { tendered: 100, applied: 100, change: 0, due: 195 }), 'Cash received $1.00, $1.95 still due');
  assert.equal(words('ticket', 'line_voided', { lineTotal: 295, total: 0 }), 'Line removed $2.95 (ticket total $0.00)');
  assert.equal(words('ticket', 'moved', { toName: 'Till 2', cashApplied: 500, total: 1450 }), 'Moved to Till 2, with $5.00 already paid in cash here');
  assert.equal(words('ticket', 'received', { fromName: 'Till 1', originNumber: 7, cashApplied: 0 }), 'Moved here from Till 1 (ticket #7 there)');
  assert.equal(words('ticket', 'paid', { total: 1500 }, 'JPY'), 'Ticket paid ¥1,500');
  assert.equal(words('device', 'added', {}), 'device added', 'an unknown event still says what it is');
  // No raw minor units or field names leak into the words.
  for (const s of [words('attempt', 'send', { amountRequested: 620 }), words('ticket', 'paid', { total: 620 })]) assert.doesNotMatch(s, /=|\b620\b/);
});
