import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceSnapshot } from '../../../src-shared/domain.ts';
import type { CardOnFileSnapshot, GuestDetail, PurserParameter, PurserRecord } from '../../../src-shared/purser-types.ts';
import {
  cabinCardNumber,
  cardViews,
  editableAmount,
  folioRows,
  moveInRouting,
  newlyDeclined,
  parseParameterDraft,
  parseSignedAmount,
  payInvoiceView,
  pinPadChoices,
  settlementOfPayment,
} from './purser-view.ts';

const cardOf = (cardId: string, routingOrder: number, active = true): CardOnFileSnapshot => ({
  cardId,
  guestId: 'g1',
  maskedPan: '411111******1111',
  brand: 'visa',
  typeCode: 'VI',
  expiryMonth: 12,
  expiryYear: 2030,
  entryMethod: 'I',
  tokenKind: 'real',
  active,
  lockActivation: 0,
  inactiveReason: active ? null : 'manual',
  routingOrder,
  signature: 'not_requested',
  totalAuthorised: 10000,
  totalApproved: 10000,
  registeredAt: '2026-11-30T08:00:00.000Z',
});

const recordOf = (recordId: string, o: Partial<PurserRecord>): PurserRecord => ({
  recordId,
  guestId: 'g1',
  cardId: 'c1',
  family: 'authorisation',
  kind: 'initial_auth',
  operation: 1,
  mtype: 0,
  amount: 10000,
  status: 1,
  queueStatus: 8,
  reference: `G1C1R${recordId}`,
  previousReference: null,
  paymentId: null,
  approvalCode: null,
  awaitingBatch: false,
  voided: false,
  note: null,
  createdAt: '2026-11-30T08:00:00.000Z',
  sentAt: null,
  answeredAt: null,
  ...o,
});

type PayDetail = Pick<GuestDetail, 'cards' | 'balance' | 'paymentDepartment'>;

test('cards by routing order, each with its own authorisations and settlements; a cash refund apart', () => {
  const detail = {
    cards: [cardOf('c2', 2), cardOf('c1', 1)],
    records: [
      recordOf('1', {}),
      recordOf('2', { cardId: 'c2' }),
      recordOf('3', { family: 'settlement', kind: 'settlement', operation: null, mtype: null }),
      recordOf('4', { cardId: null, family: 'settlement', kind: 'refund', operation: null, mtype: null }),
    ],
  };
  const v = cardViews(detail);
  assert.deepEqual(v.cards.map((c) => c.card.cardId), ['c1', 'c2']);
  assert.deepEqual(v.cards[0].authorisations.map((r) => r.recordId), ['1']);
  assert.deepEqual(v.cards[0].settlements.map((r) => r.recordId), ['3']);
  assert.deepEqual(v.cards[1].authorisations.map((r) => r.recordId), ['2']);
  assert.deepEqual(v.withoutCard.map((r) => r.recordId), ['4']);
});

test('routing: moving a card earlier or later swaps it with its neighbour; at an end nothing moves', () => {
  const cards = [cardOf('a', 1), cardOf('b', 2), cardOf('c', 3)];
  assert.deepEqual(moveInRouting(cards, 'b', -1), ['b', 'a', 'c']);
  assert.deepEqual(moveInRouting(cards, 'b', 1), ['a', 'c', 'b']);
  assert.deepEqual(moveInRouting(cards, 'a', -1), ['a', 'b', 'c']);
  assert.deepEqual(moveInRouting(cards, 'c', 1), ['a', 'b', 'c']);
});

test('the folio oldest first with the running balance; a payment brings it down', () => {
  const rows = folioRows([
    { lineId: 'p', kind: 'payment', amount: -5000, description: 'Card', at: '2026-11-30T10:00:00.000Z' },
    { lineId: 'a', kind: 'posting', amount: 8000, description: 'Dinner', at: '2026-11-30T08:00:00.000Z' },
    { lineId: 'b', kind: 'posting', amount: 4000, description: 'Spa', at: '2026-11-30T09:00:00.000Z' },
  ]);
  assert.deepEqual(rows.map((r) => [r.line.lineId, r.balanceAfter]), [['a', 8000], ['b', 12000], ['p', 7000]]);
});

test('signed amounts: a minus (or a typographic one) is a refund; zero and words are refused', () => {
  assert.deepEqual(parseSignedAmount('120.50', 'USD'), { ok: true, amount: 12050 });
  assert.deepEqual(parseSignedAmount('-50', 'USD'), { ok: true, amount: -5000 });
  assert.deepEqual(parseSignedAmount('−50.00', 'USD'), { ok: true, amount: -5000 });
  assert.deepEqual(parseSignedAmount('-$1,500.00', 'USD'), { ok: true, amount: -150000 });
  assert.equal(parseSignedAmount('0', 'USD').ok, false);
  assert.equal(parseSignedAmount('abc', 'USD').ok, false);
  assert.equal(parseSignedAmount('1.234', 'USD').ok, false);
  assert.equal(editableAmount(-5000, 'USD'), '-50.00');
  assert.equal(editableAmount(62000, 'USD'), '620.00');
  assert.equal(editableAmount(0, 'USD'), '');
});

test('4-12: a negative amount turns Pay into Refund; a refund may go to another card on the PIN pad', () => {
  const detail: PayDetail = { cards: [cardOf('c1', 1)], balance: -8000, paymentDepartment: { kind: 'card', cardId: 'c1' } };
  const pay = payInvoiceView(detail, '80.00', null, 'USD');
  assert.equal(pay.action, 'pay');
  assert.equal(pay.method, 'card');
  assert.equal(pay.card?.cardId, 'c1');
  const refund = payInvoiceView(detail, '-80.00', 'direct_sale', 'USD');
  assert.equal(refund.action, 'refund');
  assert.equal(refund.amount, -8000);
  assert.equal(refund.method, 'direct_sale', '4-12 #3: refund with a different card swiped');
  assert.equal(refund.needsPinPad, true);
});

test('4-10: direct sale only without an active card on file; card on file only with one; cash always', () => {
  const withCard: PayDetail = { cards: [cardOf('c1', 1)], balance: 5000, paymentDepartment: { kind: 'card', cardId: 'c1' } };
  const v = payInvoiceView(withCard, '50', 'direct_sale', 'USD');
  assert.notEqual(v.methods.find((m) => m.method === 'direct_sale')!.unavailable, null);
  assert.equal(v.method, 'card', 'an unavailable choice falls back to the department');
  const none: PayDetail = { cards: [cardOf('c1', 1, false)], balance: 5000, paymentDepartment: { kind: 'cash' } };
  const w = payInvoiceView(none, '50', null, 'USD');
  assert.notEqual(w.methods.find((m) => m.method === 'card')!.unavailable, null);
  assert.equal(w.methods.find((m) => m.method === 'direct_sale')!.unavailable, null);
  assert.equal(w.method, 'cash', 'the department is cash');
  assert.equal(payInvoiceView(none, '50', 'direct_sale', 'USD').method, 'direct_sale');
  assert.equal(w.methods.find((m) => m.method === 'cash')!.unavailable, null);
});

test('pay invoice settles on the department’s card, else the first active card by routing order; an invalid amount cannot be sent', () => {
  const detail: PayDetail = { cards: [cardOf('c1', 1, false), cardOf('c3', 3), cardOf('c2', 2)], balance: 5000, paymentDepartment: { kind: 'cash' } };
  assert.equal(payInvoiceView(detail, '50', 'card', 'USD').card?.cardId, 'c2');
  assert.equal(payInvoiceView({ ...detail, paymentDepartment: { kind: 'card', cardId: 'c3' } }, '50', null, 'USD').card?.cardId, 'c3');
  const bad = payInvoiceView(detail, 'fifty', null, 'USD');
  assert.equal(bad.canSubmit, false);
  assert.match(bad.error!, /not an amount/);
  assert.equal(payInvoiceView(detail, '', null, 'USD').canSubmit, false);
});

test('a payment’s settlement record (for the void question) is its settlement or refund, not its authorisations', () => {
  const records = [recordOf('1', { paymentId: 'p1' }), recordOf('2', { paymentId: 'p1', family: 'settlement', kind: 'settlement', queueStatus: 2 }), recordOf('3', { paymentId: 'p2', family: 'settlement', kind: 'settlement' })];
  assert.equal(settlementOfPayment(records, 'p1')?.recordId, '2');
  assert.equal(settlementOfPayment(records, 'p9'), undefined);
});

test('PIN pad chooser: the one in use first, then the other PIN pads here; no printer, no removed one, no duplicate', () => {
  const device = (id: string, kind: DeviceSnapshot['kind'], removed = false) => ({ id, kind, name: `Pad ${id}`, removed }) as unknown as DeviceSnapshot;
  const choices = pinPadChoices({ configured: true, id: 'p1', name: 'Front desk', state: 'connected' }, [device('p1', 'pin_pad'), device('p2', 'pin_pad'), device('pr', 'printer'), device('p3', 'pin_pad', true)]);
  assert.deepEqual(choices, [
    { id: 'p1', name: 'Front desk', inUse: true },
    { id: 'p2', name: 'Pad p2', inUse: false },
  ]);
  assert.deepEqual(pinPadChoices({ configured: false, state: 'none' }, null), []);
});

test('cabin card: a keyboard-style reader’s track 2 or the typed number; anything else is refused', () => {
  assert.equal(cabinCardNumber(';7702012=100700120?'), '100700120');
  assert.equal(cabinCardNumber('7702012=100700120'), '100700120');
  assert.equal(cabinCardNumber('100700120'), '100700120');
  assert.equal(cabinCardNumber(' 1007-0012 0 '), '100700120');
  assert.equal(cabinCardNumber('Ada'), null);
  assert.equal(cabinCardNumber('12'), null);
  assert.equal(cabinCardNumber(''), null);
});

test('parameters: amounts, seconds, choices and card types are checked before they are sent', () => {
  const money = (n: number) => `$${(n / 100).toFixed(2)}`;
  const amount: Pick<PurserParameter, 'kind' | 'label' | 'choices' | 'min' | 'max'> = { kind: 'amount', label: 'Online Initial Auth Amount', choices: null, min: 1, max: 1_000_000 };
  assert.deepEqual(parseParameterDraft(amount, '100.00', 'USD', money), { ok: true, value: 10000 });
  assert.deepEqual(parseParameterDraft(amount, '$1,500', 'USD', money), { ok: true, value: 150000 });
  assert.equal(parseParameterDraft(amount, 'abc', 'USD', money).ok, false);
  assert.deepEqual(parseParameterDraft(amount, '0', 'USD', money), { ok: false, message: 'Online Initial Auth Amount must be at least $0.01.' });
  assert.deepEqual(parseParameterDraft(amount, '10000.01', 'USD', money), { ok: false, message: 'Online Initial Auth Amount must be at most $10000.00.' });
  const seconds = { kind: 'seconds' as const, label: 'Online CCard Timeout', choices: null, min: 5, max: 600 };
  assert.deepEqual(parseParameterDraft(seconds, '120', 'USD', money), { ok: true, value: 120 });
  assert.equal(parseParameterDraft(seconds, '1.5', 'USD', money).ok, false);
  assert.equal(parseParameterDraft(seconds, '4', 'USD', money).ok, false);
  const choice = { kind: 'choice' as const, label: 'Disable C/Card and Posting when auth is decline', choices: [0, 1, 2].map((value) => ({ value, meaning: String(value) })), min: null, max: null };
  assert.deepEqual(parseParameterDraft(choice, '2', 'USD', money), { ok: true, value: 2 });
  assert.equal(parseParameterDraft(choice, '3', 'USD', money).ok, false);
  const types = { kind: 'card_types' as const, label: 'CC Type not Supported', choices: null, min: null, max: null };
  assert.deepEqual(parseParameterDraft(types, ['AX', 'DS', 'AX'], 'USD', money), { ok: true, value: ['AX', 'DS'] });
  assert.equal(parseParameterDraft(types, '1', 'USD', money).ok, false);
});

test('a decline arriving while the guest is open is noticed once; the first view and old declines are not news', () => {
  const outstanding = { records: [recordOf('1', {}), recordOf('2', { kind: 'incremental_auth', status: 0, queueStatus: 2 })] };
  const declined = { records: [recordOf('1', {}), recordOf('2', { kind: 'incremental_auth', status: 2, queueStatus: 8 })] };
  assert.deepEqual(newlyDeclined(outstanding, declined).map((r) => r.recordId), ['2']);
  assert.deepEqual(newlyDeclined(declined, declined), []);
  assert.deepEqual(newlyDeclined(null, declined), []);
});
