import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CardOnFileSnapshot, PurserParameter } from '../../../src-shared/purser-types.ts';
import {
  ageWords,
  canActivate,
  cardName,
  expiryWords,
  holdWords,
  inactiveWords,
  isTemporaryToken,
  lastFour,
  parameterValueWords,
  recordKindWords,
  recordStateWords,
  TEMPORARY_TOKEN_WORDS,
  voidConfirmation,
  VOID_SENT_CONFIRMATION,
  VOID_UNSENT_CONFIRMATION,
} from './purser-words.ts';

type CardState = Pick<CardOnFileSnapshot, 'active' | 'inactiveReason' | 'lockActivation' | 'tokenKind'>;
const card = (o: Partial<CardState> = {}): CardState => ({ active: false, inactiveReason: 'manual', lockActivation: 0, tokenKind: 'real', ...o });

test('4-22: every status and queue status has its words; no code is shown', () => {
  const rows = ([0, 1, 2] as const).flatMap((status) => ([0, 2, 3, 8] as const).map((queueStatus) => recordStateWords({ status, queueStatus })));
  for (const w of rows) {
    assert.ok(w.status && w.queue);
    assert.doesNotMatch(`${w.status} ${w.queue}`, /\d/);
  }
  assert.deepEqual(recordStateWords({ status: 1, queueStatus: 8 }), { status: 'Approved', queue: 'Completed' });
  assert.deepEqual(recordStateWords({ status: 2, queueStatus: 3 }), { status: 'Declined', queue: 'Acknowledged by the card company' });
  assert.deepEqual(recordStateWords({ status: 0, queueStatus: 0 }), { status: 'Outstanding', queue: 'Waiting to send' });
  assert.deepEqual(recordStateWords({ status: 0, queueStatus: 2 }), { status: 'Outstanding', queue: 'Sent' });
});

test('4-22: status 0 with queue status 8 is the temporary token while the ship is offline, and only that', () => {
  assert.equal(isTemporaryToken({ status: 0, queueStatus: 8 }), true);
  assert.equal(recordStateWords({ status: 0, queueStatus: 8 }).queue, TEMPORARY_TOKEN_WORDS);
  assert.equal(isTemporaryToken({ status: 1, queueStatus: 8 }), false);
  assert.equal(isTemporaryToken({ status: 0, queueStatus: 2 }), false);
});

test('4-22 message types: offline initial (1) and offline incremental (5) say so; the others do not', () => {
  assert.equal(recordKindWords({ kind: 'initial_auth', mtype: 0 }), 'Initial authorisation');
  assert.equal(recordKindWords({ kind: 'initial_auth', mtype: 1 }), 'Initial authorisation (offline)');
  assert.equal(recordKindWords({ kind: 'incremental_auth', mtype: 5 }), 'Incremental authorisation (offline)');
  assert.equal(recordKindWords({ kind: 'direct_sale', mtype: 6 }), 'Direct sale');
  assert.equal(recordKindWords({ kind: 'settlement', mtype: null }), 'Settlement');
});

test('4-15: each lock reason in the seed’s words, and whether Activate may turn the card on', () => {
  assert.equal(inactiveWords(card({ active: true })), null);
  // #1 settled: lock 1
  assert.equal(inactiveWords(card({ lockActivation: 1, inactiveReason: 'settled' })), 'Settlement or reversal is done for this card, please get credit card again.');
  assert.equal(canActivate(card({ lockActivation: 1, inactiveReason: 'settled' })), false);
  // #2 deactivated by hand: may be activated
  assert.match(inactiveWords(card())!, /by hand/);
  assert.equal(canActivate(card()), true);
  // #3 direct sale: lock 2
  assert.equal(inactiveWords(card({ lockActivation: 2, inactiveReason: 'direct_sale' })), 'Activation not allowed for Direct Sale Credit / Debit Card.');
  assert.equal(canActivate(card({ lockActivation: 2, inactiveReason: 'direct_sale' })), false);
  // #4 no token (old format)
  assert.equal(inactiveWords(card({ tokenKind: 'none', inactiveReason: 'format_not_supported' })), 'This card is not allowed to activate as the credit card format is not supported.');
  assert.equal(canActivate(card({ tokenKind: 'none', inactiveReason: 'format_not_supported' })), false);
  // 4-18: an initial decline locks (1); an incremental decline under 1/2 does not (0)
  assert.match(inactiveWords(card({ lockActivation: 1, inactiveReason: 'declined' }))!, /initial authorisation was declined/);
  assert.equal(canActivate(card({ lockActivation: 1, inactiveReason: 'declined' })), false);
  assert.match(inactiveWords(card({ lockActivation: 0, inactiveReason: 'declined' }))!, /Activate turns it on again/);
  assert.equal(canActivate(card({ lockActivation: 0, inactiveReason: 'declined' })), true);
  assert.equal(canActivate(card({ active: true })), false, 'an active card is not activated again');
});

test('4-11: the void confirmation follows the settlement’s queue status (#1 unsent, #2 sent) and the seed’s text for #2', () => {
  assert.equal(voidConfirmation({ queueStatus: 0 }), VOID_UNSENT_CONFIRMATION);
  for (const q of [2, 3, 8] as const) assert.equal(voidConfirmation({ queueStatus: q }), VOID_SENT_CONFIRMATION);
  assert.equal(
    VOID_SENT_CONFIRMATION,
    'By voiding the payment, you need to swipe credit card again or change to another payment type. Are you sure you want to void the payment?',
  );
  assert.match(voidConfirmation(undefined), /Void this payment/);
});

test('a card is named by brand and last four only; never more of its number', () => {
  assert.equal(cardName({ brand: 'visa', maskedPan: '411111******1111' }), 'Visa ending 1111');
  assert.equal(cardName({ brand: 'amex', maskedPan: '3782*****0005' }), 'American Express ending 0005');
  assert.equal(cardName({ brand: 'other', maskedPan: '' }), 'Card');
  assert.equal(lastFour('411111******1111'), '1111');
  assert.equal(lastFour(null), '');
  assert.equal(expiryWords({ expiryMonth: 3, expiryYear: 2029 }), '03/2029');
  assert.equal(expiryWords({ expiryMonth: null, expiryYear: null }), 'No expiry');
});

test('queue holds and ages in words', () => {
  assert.match(holdWords('initial_outstanding')!, /initial authorisation has no answer/);
  assert.match(holdWords('initial_declined')!, /declined/);
  assert.match(holdWords('offline')!, /offline/);
  assert.equal(holdWords(null), null);
  assert.equal(ageWords(null), 'nothing waiting');
  assert.equal(ageWords(59), 'under a minute');
  assert.equal(ageWords(60 * 12 + 5), '12 min');
  assert.equal(ageWords(3600 * 2 + 60 * 5), '2 h 5 min');
});

test('parameter values in words: a switch or choice by its meaning, an amount as money, card types as a list', () => {
  const money = (n: number) => `$${(n / 100).toFixed(2)}`;
  const choice: Pick<PurserParameter, 'kind' | 'choices'> = { kind: 'choice', choices: [{ value: 0, meaning: 'Zero' }, { value: 2, meaning: 'Two' }] };
  assert.equal(parameterValueWords(choice, 2, money), 'Two');
  assert.equal(parameterValueWords({ kind: 'amount', choices: null }, 10000, money), '$100.00');
  assert.equal(parameterValueWords({ kind: 'seconds', choices: null }, 120, money), '120 s');
  assert.equal(parameterValueWords({ kind: 'card_types', choices: null }, ['AX', 'DS'], money), 'AX, DS');
  assert.equal(parameterValueWords({ kind: 'card_types', choices: null }, [], money), 'None');
});
