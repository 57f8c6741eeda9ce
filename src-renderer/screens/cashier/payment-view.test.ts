import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttemptSnapshot } from '../../../src-shared/domain.ts';
import { cancelVisible, elapsedSeconds, formatElapsed, paymentView, pinPadLine, RECOVERED_MESSAGE, type PaymentViewContext } from './payment-view.ts';

const ctx: PaymentViewContext = { elapsedSeconds: 5, cancelAfterSeconds: 30, cancelPending: false };

function attempt(over: Partial<AttemptSnapshot>): AttemptSnapshot {
  return {
    id: 'a1',
    ticketId: 't1',
    slot: 1,
    ecrRef: '1-7-1',
    terminalId: 'pp1',
    state: 'sent',
    amountRequested: 1570,
    amountApproved: 0,
    currency: 'USD',
    message: 'Please complete the payment on the PIN pad.',
    createdAt: '2025-01-01T10:00:00.000Z',
    updatedAt: '2025-01-01T10:00:00.000Z',
    ...over,
  };
}

test('Cancel appears only at the PIN pad, only after the configured delay, and not twice', () => {
  assert.equal(cancelVisible('sent', { ...ctx, elapsedSeconds: 29 }), false);
  assert.equal(cancelVisible('sent', { ...ctx, elapsedSeconds: 30 }), true);
  assert.equal(cancelVisible('created', { ...ctx, elapsedSeconds: 31 }), true);
  assert.equal(cancelVisible('sent', { ...ctx, elapsedSeconds: 31, cancelPending: true }), false);
  assert.equal(cancelVisible('in_doubt', { ...ctx, elapsedSeconds: 300 }), false);
  assert.equal(cancelVisible('approved', { ...ctx, elapsedSeconds: 300 }), false);
  assert.equal(cancelVisible(undefined, { ...ctx, elapsedSeconds: 300 }), false);
  assert.equal(cancelVisible('sent', { ...ctx, cancelAfterSeconds: 0, elapsedSeconds: 0 }), true);
});

test('elapsed time counts whole seconds from the attempt start and never goes negative', () => {
  const start = '2025-01-01T10:00:00.000Z';
  assert.equal(elapsedSeconds(start, Date.parse(start) + 65_900), 65);
  assert.equal(elapsedSeconds(start, Date.parse(start) - 2_000), 0);
  assert.equal(elapsedSeconds('not a time', Date.now()), 0);
  assert.equal(formatElapsed(7), '0:07');
  assert.equal(formatElapsed(65), '1:05');
  assert.equal(formatElapsed(720), '12:00');
});

test('waiting at the PIN pad shows the live status and offers Cancel once it is due', () => {
  const live = attempt({ message: 'Insert, tap or swipe the card.' });
  const early = paymentView(live, ctx);
  assert.equal(early.phase, 'waiting');
  assert.equal(early.title, 'Please Complete Payment');
  assert.equal(early.message, 'Insert, tap or swipe the card.');
  assert.deepEqual(early.actions, []);
  assert.equal(early.timerRunning, true);
  assert.deepEqual(paymentView(live, { ...ctx, elapsedSeconds: 30 }).actions, ['cancel']);
  const cancelling = paymentView(live, { ...ctx, elapsedSeconds: 40, cancelPending: true });
  assert.deepEqual(cancelling.actions, []);
  assert.match(cancelling.message, /cancel/i);
});

test('before main reports the attempt the dialog says it is getting the PIN pad ready, with no actions', () => {
  const v = paymentView(null, ctx);
  assert.equal(v.phase, 'starting');
  assert.deepEqual(v.actions, []);
});

test('in doubt: "may have been charged, checking", main\'s resolution step, Find Missing, and no retry or cancel', () => {
  const v = paymentView(
    attempt({ state: 'in_doubt', doubtReason: 'unanswered_cancel', message: 'The card may have been charged. Checking the PIN pad… Do not charge again.' }),
    { ...ctx, elapsedSeconds: 200 },
  );
  assert.equal(v.phase, 'checking');
  assert.equal(v.title, 'The card may have been charged. Checking…');
  assert.match(v.message, /Checking the PIN pad/);
  assert.ok(v.actions.includes('find_missing'));
  assert.ok(!v.actions.includes('retry'));
  assert.ok(!v.actions.includes('cancel'));
  assert.equal(v.tone, 'warn');
});

test('approved directly shows the card and Done; approved by a lookup or duplicate reads "Already paid"', () => {
  const direct = paymentView(attempt({ state: 'approved', amountApproved: 1570, approvalSource: 'terminal', maskedPan: '411111******1111', authCode: 'A1B2C3', message: 'Approved: $15.70.' }), ctx);
  assert.equal(direct.phase, 'approved');
  assert.equal(direct.message, 'Approved: $15.70.');
  assert.deepEqual(direct.actions, ['done']);
  assert.equal(direct.showCard, true);
  for (const source of ['terminal_duplicate', 'terminal_lookup', 'gateway_duplicate', 'gateway_lookup', 'find_missing'] as const) {
    const v = paymentView(attempt({ state: 'approved', amountApproved: 1570, approvalSource: source }), ctx);
    assert.equal(v.phase, 'recovered', source);
    assert.equal(v.message, RECOVERED_MESSAGE);
    assert.deepEqual(v.actions, ['done']);
  }
});

test('a partial approval leaves the rest due: retry or another tender, not Done', () => {
  const v = paymentView(attempt({ state: 'approved', amountApproved: 1000, approvalSource: 'terminal', message: 'Partially approved: $10.00 of $15.70.' }), ctx);
  assert.equal(v.phase, 'partial');
  assert.deepEqual(v.actions, ['retry', 'other_tender']);
});

test('declined shows the reason with what to do; aborted, not charged and abandoned all read "Not charged" with Try again', () => {
  const d = paymentView(attempt({ state: 'declined', resultText: 'DECLINED insufficient funds', message: 'The card was declined. Ask for another card or another way to pay.' }), ctx);
  assert.equal(d.phase, 'declined');
  assert.match(d.message, /^DECLINED insufficient funds\. The card was declined/);
  assert.deepEqual(d.actions.slice(0, 2), ['retry', 'other_tender']);
  assert.equal(d.timerRunning, false);
  assert.equal(paymentView(attempt({ state: 'declined' }), ctx).message, 'Please complete the payment on the PIN pad.');
  for (const state of ['aborted', 'not_charged', 'abandoned'] as const) {
    const v = paymentView(attempt({ state, message: 'not charged words' }), ctx);
    assert.equal(v.phase, 'not_charged', state);
    assert.equal(v.title, 'Not charged');
    assert.equal(v.actions[0], 'retry');
  }
});

test('the PIN pad live line shows only while the attempt is sent, for its own busy PIN pad', () => {
  const sent = attempt({ state: 'sent', terminalId: 'pp1' });
  const busy = (detail: string, id = 'pp1') => ({ configured: true, id, state: 'busy' as const, detail });
  assert.equal(paymentView(sent, { ...ctx, terminal: busy('Customer is entering the PIN') }).pinPadLine, 'Customer is entering the PIN');
  assert.equal(pinPadLine(sent, busy('Authorising with the bank…')), 'Authorising with the bank…');
  // Not another PIN pad's prompt, not an idle one, not before the request is sent or after the result.
  assert.equal(pinPadLine(sent, busy('Customer is entering the PIN', 'pp2')), undefined);
  assert.equal(pinPadLine(sent, { configured: true, id: 'pp1', state: 'connected', detail: 'Ready.' }), undefined);
  assert.equal(pinPadLine(sent, busy('  ')), undefined);
  assert.equal(pinPadLine(sent, undefined), undefined);
  assert.equal(pinPadLine(attempt({ state: 'created' }), busy('Insert, tap or swipe the card')), undefined);
  assert.equal(pinPadLine(attempt({ state: 'approved' }), busy('Remove the card')), undefined);
  assert.equal(pinPadLine(null, busy('Insert, tap or swipe the card')), undefined);
  assert.equal(paymentView(attempt({ state: 'in_doubt' }), { ...ctx, terminal: busy('Authorising with the bank…') }).pinPadLine, undefined);
  // Once a cancel is asked, the prompt would contradict "Do not charge again".
  assert.equal(paymentView(sent, { ...ctx, cancelPending: true, terminal: busy('Customer is entering the PIN') }).pinPadLine, undefined);
});

test('a final Declined or Approved does not offer Find Missing Payments', () => {
  assert.ok(!paymentView(attempt({ state: 'declined', message: 'The card was declined.' }), ctx).actions.includes('find_missing'));
  assert.ok(!paymentView(attempt({ state: 'approved', amountApproved: 1000, message: 'Approved.' }), ctx).actions.includes('find_missing'));
});
