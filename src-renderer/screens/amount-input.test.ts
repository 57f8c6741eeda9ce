import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAmountInput } from './amount-input.ts';

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
  assert.match(refuse('1,000'), /not an amount/);
  assert.match(refuse('1e3'), /not an amount/);
  assert.match(refuse('1.234'), /more decimals/);
  assert.match(refuse('1.5', 'JPY'), /more decimals/);
});
