import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TenderReversal, TenderSnapshot } from '../../../src-shared/domain.ts';
import { canReverse, historyStatusWords, paymentWords, reversalLinkWords } from './history-payment-words.ts';

const refund = (over: Partial<TenderReversal> = {}): TenderReversal => ({
  attemptId: 'a2',
  kind: 'refund',
  amount: 400,
  state: 'approved',
  actorName: 'Dana Reyes',
  reason: 'one item returned',
  at: '2026-11-30T10:00:00.000Z',
  ...over,
});
const card: TenderSnapshot = { id: 'a1', kind: 'card', amount: 1000, attemptId: 'a1', maskedPan: '411111******1111', cardBrand: 'visa', authCode: '123456', createdAt: '2026-11-30T09:00:00.000Z' };

test('the original names what reversed it, by whom and why; the reversal names the payment it gives back', () => {
  const original = { ...card, reversedBy: [refund()] };
  assert.equal(paymentWords(original, 'USD'), 'Card $10.00, Visa ••••1111, auth 123456');
  assert.deepEqual(reversalLinkWords(original, 'USD'), ['Reversed by refund $4.00 (Dana Reyes, one item returned)']);
  const line: TenderSnapshot = { id: 'a2', kind: 'card', amount: 400, attemptId: 'a2', maskedPan: card.maskedPan!, cardBrand: 'visa', createdAt: card.createdAt, reverses: { ...refund(), originalAttemptId: 'a1', originalAmount: 1000 } };
  assert.equal(paymentWords(line, 'USD'), 'Refund $4.00 to Visa ••••1111');
  assert.deepEqual(reversalLinkWords(line, 'USD'), ['Reverses the card payment of $10.00 (Dana Reyes, one item returned)']);
  assert.equal(canReverse(line), false, 'a refund is never reversed from the history');
});

test('an unanswered or refused reversal says so; what is left decides whether another may be asked', () => {
  const doubt = { ...card, reversedBy: [refund({ state: 'in_doubt' })] };
  assert.deepEqual(reversalLinkWords(doubt, 'USD'), ['Being reversed by refund $4.00 (Dana Reyes, one item returned): the answer is being checked']);
  const refused = { ...card, reversedBy: [refund({ state: 'declined' })] };
  assert.match(reversalLinkWords(refused, 'USD')[0], /^Tried to reverse by refund \$4\.00 .*refused by the processor, nothing was given back$/);
  assert.equal(canReverse(refused), true);
  assert.equal(canReverse({ ...card, reversedBy: [refund(), refund({ amount: 600, state: 'in_doubt' })] }), false, 'the rest is on its way');
  assert.equal(canReverse({ ...card, reversed: true, reversedBy: [refund({ kind: 'void', amount: 1000 })] }), false);
  assert.equal(canReverse({ id: 'c', kind: 'cash', amount: 500, tendered: 500, createdAt: card.createdAt }), false);
});

test('a moved ticket says where it went, not "Voided"; the others keep their status words', () => {
  assert.equal(historyStatusWords({ status: 'moved', movedTo: 'Till 2' }), 'Moved to Till 2');
  assert.equal(historyStatusWords({ status: 'moved' }), 'Moved to another register', 'the status alone says moved, not voided');
  assert.equal(historyStatusWords({ status: 'voided' }), 'Voided');
  assert.equal(historyStatusWords({ status: 'paid' }), 'Paid');
});
