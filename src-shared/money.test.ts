import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertAmount, formatMoney, isValidAmount, MAX_AMOUNT, parseDecimalString, toDecimalString } from './money.ts';

test('minor units convert to decimal strings per currency exponent', () => {
  assert.equal(toDecimalString(1250, 'USD'), '12.50');
  assert.equal(toDecimalString(5, 'USD'), '0.05');
  assert.equal(toDecimalString(0, 'EUR'), '0.00');
  assert.equal(toDecimalString(500, 'JPY'), '500');
  assert.equal(toDecimalString(1234, 'KWD'), '1.234');
});

test('decimal strings parse to integers without floating point error', () => {
  assert.equal(parseDecimalString('12.50', 'USD'), 1250);
  assert.equal(parseDecimalString('0.1', 'USD'), 10);
  assert.equal(parseDecimalString('1.15', 'USD'), 115); // 1.15 * 100 = 114.99999… in floats
  assert.equal(parseDecimalString('4.35', 'USD'), 435);
  assert.equal(parseDecimalString('7', 'USD'), 700);
  assert.equal(parseDecimalString('500', 'JPY'), 500);
});

test('malformed amounts are refused with a message', () => {
  for (const bad of ['-1.00', '1,000.00', '1e3', '12.505', '', 'abc', '.5']) {
    assert.throws(() => parseDecimalString(bad, 'USD'), RangeError, bad);
  }
  assert.throws(() => parseDecimalString('1.5', 'JPY'), /decimals/);
  assert.throws(() => toDecimalString(1, 'XXX'), /Unknown currency/);
});

test('only safe non-negative integers within the limit are amounts', () => {
  assert.ok(isValidAmount(0));
  assert.ok(isValidAmount(MAX_AMOUNT));
  for (const bad of [-1, 1.5, NaN, Infinity, MAX_AMOUNT + 1, '100', null]) assert.equal(isValidAmount(bad), false);
  assert.throws(() => assertAmount(12.5, 'tip'), /tip must be a whole number/);
});

test('money is formatted for people', () => {
  assert.equal(formatMoney(1250, 'USD'), '$12.50');
  assert.equal(formatMoney(-305, 'EUR'), '-€3.05');
  assert.equal(formatMoney(500, 'JPY'), 'JPY 500');
});
