import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isImplausibleTender, parseAmountInput, quickCashAmounts } from './amount-input.ts';
import { formatMoney } from '../common/money-format.ts';

test('typed amounts become integer minor units', () => {
  assert.deepEqual(parseAmountInput('20', 'USD'), { ok: true, amount: 2000 });
  assert.deepEqual(parseAmountInput(' 20.5 ', 'USD'), { ok: true, amount: 2050 });
  assert.deepEqual(parseAmountInput('0.10', 'USD'), { ok: true, amount: 10 });
  assert.deepEqual(parseAmountInput('1500', 'JPY'), { ok: true, amount: 1500 });
});

test('0.29 stays 29 cents (no floating point drift)', () => {
  assert.deepEqual(parseAmountInput('0.29', 'USD'), { ok: true, amount: 29 });
  assert.deepEqual(parseAmountInput('1.15', 'USD'), { ok: true, amount: 115 });
});

test('empty, zero, signs, words and extra decimals are refused with words a cashier can act on', () => {
  const refuse = (text: string, currency = 'USD') => {
    const r = parseAmountInput(text, currency);
    assert.equal(r.ok, false, text);
    return r.ok ? '' : r.message;
  };
  assert.match(refuse(''), /Type the amount/);
  assert.match(refuse('0'), /more than zero/);
  assert.match(refuse('-5'), /not an amount/);
  assert.match(refuse('ten'), /not an amount/);
  assert.match(refuse('1,00'), /not an amount/);
  assert.match(refuse('1e3'), /not an amount/);
  assert.match(refuse('1.234'), /more decimals/);
  assert.match(refuse('1.5', 'JPY'), /more decimals/);
});

test('"$20", "1,500" and "20." are read as people write them', () => {
  assert.deepEqual(parseAmountInput('$20', 'USD'), { ok: true, amount: 2000 });
  assert.deepEqual(parseAmountInput('1,500', 'USD'), { ok: true, amount: 150000 });
  assert.deepEqual(parseAmountInput('$1,500.25', 'USD'), { ok: true, amount: 150025 });
  assert.deepEqual(parseAmountInput('20.', 'USD'), { ok: true, amount: 2000 });
});

test('quick cash offers the exact amount and the next round amounts; an implausible tender is flagged', () => {
  assert.deepEqual(quickCashAmounts(295, 100), [295, 300, 500, 1000]);
  assert.deepEqual(quickCashAmounts(2000, 100), [2000, 5000, 10000]);
  assert.deepEqual(quickCashAmounts(0, 100), []);
  assert.equal(isImplausibleTender(150000, 295, 100), true, '$1,500 for $2.95');
  assert.equal(isImplausibleTender(2000, 295, 100), false, '$20 for $2.95');
  assert.equal(isImplausibleTender(10000, 9000, 100), false);
});

test('money is formatted with Intl, thousands separators included', () => {
  assert.equal(formatMoney(150000, 'USD', 'en-US'), '$1,500.00');
  assert.equal(formatMoney(295, 'USD', 'en-US'), '$2.95');
  assert.equal(formatMoney(1500, 'JPY', 'en-US'), '¥1,500');
});
