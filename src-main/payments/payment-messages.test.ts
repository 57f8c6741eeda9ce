import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NOT_SETTLED_CODE, stateMessage } from './payment-messages.ts';

const facts = { amountApproved: 0, amountRequested: 250, currency: 'USD' };

test('a declined sale asks the cashier for another card; a declined refund or void says nothing was given back instead', () => {
  assert.match(stateMessage('declined', facts), /Ask for another card/);
  for (const kind of ['refund', 'void'] as const) {
    const words = stateMessage('declined', { ...facts, kind });
    assert.doesNotMatch(words, /another card|card was declined/i, kind);
    assert.match(words, /nothing was given back/, kind);
  }
});

test('a refund refused as not settled says so in plain words, without the processor\'s text', () => {
  const words = stateMessage('declined', { ...facts, kind: 'refund', resultCode: NOT_SETTLED_CODE, resultText: 'Unable to refund a transaction until it has been settled' });
  assert.match(words, /has not settled the payment yet/);
  assert.doesNotMatch(words, /Unable to refund/);
});

test('a reversal\'s other states speak of money given back, not of a card charged', () => {
  assert.equal(stateMessage('approved', { ...facts, amountApproved: 250, kind: 'refund' }), 'Given back: $2.50.');
  assert.doesNotMatch(stateMessage('in_doubt', { ...facts, kind: 'void' }), /charged/);
  assert.doesNotMatch(stateMessage('not_charged', { ...facts, kind: 'refund' }), /not charged/);
  assert.match(stateMessage('aborted', { ...facts, kind: 'refund' }), /nothing was given back/);
});
