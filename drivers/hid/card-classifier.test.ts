import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containsFullPan } from '../../src-shared/card.ts';
import { AppError } from '../../src-shared/errors.ts';
import {
  classifyCard, PAYMENT_CARD_REFUSED_MESSAGE, UNKNOWN_CARD_MESSAGE, UNREADABLE_CARD_MESSAGE,
} from './card-classifier.ts';

const TEST_PANS = ['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117', '4242424242424242'];

test('payment cards on track 2 or track 1 are refused with no card data in the result', () => {
  for (const pan of TEST_PANS) {
    for (const tracks of [
      { track1: '', track2: `;${pan}=2812101000000?` },
      { track1: `%B${pan}^DOE/JOHN^2812201000000?`, track2: '' },
      { track1: `%B${pan}^DOE/JOHN^2812101000000?`, track2: `;${pan}=2812101000000?` },
    ]) {
      const result = classifyCard(tracks);
      assert.deepEqual(result, { kind: 'payment_card_refused', message: PAYMENT_CARD_REFUSED_MESSAGE });
      const json = JSON.stringify(result);
      assert.equal(containsFullPan(json), false);
      assert.ok(!json.includes(pan.slice(0, 6)) && !json.includes(pan.slice(-4)), 'not even masked digits');
      assert.ok(!/DOE|2812/.test(json));
    }
  }
});

test('national service codes (5, 6) are payment cards too; private (7) and test (9) are not', () => {
  assert.equal(classifyCard({ track1: '', track2: ';4111111111111111=2812501?' }).kind, 'payment_card_refused');
  assert.equal(classifyCard({ track1: '', track2: ';4111111111111111=2812601?' }).kind, 'payment_card_refused');
  assert.equal(classifyCard({ track1: '', track2: ';4111111111111111=2812701?' }).kind, 'unknown');
  assert.equal(classifyCard({ track1: '', track2: ';4111111111111111=2812901?' }).kind, 'unknown');
});

test('a non-Luhn number with a payment service code is not a payment card', () => {
  assert.equal(classifyCard({ track1: '', track2: ';4111111111111112=2812101?' }).kind, 'unknown');
});

test('reads staff cards', () => {
  assert.deepEqual(classifyCard({ track1: '', track2: ';7701004512?' }), { kind: 'staff', employeeId: '004512' });
  assert.deepEqual(classifyCard({ track1: '%STAFF^ANY?', track2: ';77011234567890?' }), { kind: 'staff', employeeId: '1234567890' });
});

test('reads cabin cards', () => {
  assert.deepEqual(classifyCard({ track1: '', track2: ';770208123=000045678?' }), { kind: 'cabin', cabin: '08123', folioId: '000045678' });
});

test('honours configured prefixes', () => {
  const formats = { staffPrefix: '31', cabinPrefix: '42' };
  assert.deepEqual(classifyCard({ track1: '', track2: ';315555?' }, formats), { kind: 'staff', employeeId: '5555' });
  assert.deepEqual(classifyCard({ track1: '', track2: ';42101=123456?' }, formats), { kind: 'cabin', cabin: '101', folioId: '123456' });
  assert.equal(classifyCard({ track1: '', track2: ';7701004512?' }, formats).kind, 'unknown');
});

test('refuses unusable prefix settings with a clear error', () => {
  assert.throws(() => classifyCard({ track1: '', track2: '' }, { staffPrefix: '77', cabinPrefix: '7702' }), (e: unknown) =>
    e instanceof AppError && e.code === 'invalid_request' && /overlap/.test(e.message));
  assert.throws(() => classifyCard({ track1: '', track2: '' }, { staffPrefix: '7a', cabinPrefix: '7702' }), /2 to 8 digits/);
});

test('anything else is unknown with a clear message', () => {
  for (const track2 of [';7701123?', ';77010045121234567?', ';7703004512?', ';770208123?', '7701004512?', ';770208123=12?']) {
    assert.deepEqual(classifyCard({ track1: '', track2 }), { kind: 'unknown', message: UNKNOWN_CARD_MESSAGE }, track2);
  }
  assert.deepEqual(classifyCard({ track1: '', track2: '' }), { kind: 'unknown', message: UNREADABLE_CARD_MESSAGE });
});
