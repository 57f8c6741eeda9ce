import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containsFullPan, luhnValid, maskFullPans, maskPan } from './card.ts';

test('Luhn accepts test card numbers and rejects a changed digit', () => {
  assert.ok(luhnValid('4111111111111111'));
  assert.ok(luhnValid('378282246310005'));
  assert.equal(luhnValid('4111111111111112'), false);
  assert.equal(luhnValid('41111x1111111111'), false);
});

test('masking keeps at most first 6 and last 4 digits', () => {
  assert.equal(maskPan('4111111111111111'), '411111******1111');
  assert.equal(maskPan('3782 822463 10005'), '378282*****0005');
  assert.equal(maskPan('1234'), '****');
  assert.equal(containsFullPan(maskPan('5555555555554444')), false);
});

test('a full card number is detected inside any text', () => {
  assert.ok(containsFullPan('{"pan":"4111111111111111"}'));
  assert.equal(containsFullPan('ref 1234567890123 amount 1250'), false); // 13 digits, not Luhn-valid
});

test('a card number written in spaced or dashed groups is found and masked', () => {
  for (const text of ['Visa 4111 1111 1111 1111', 'card 4111-1111-1111-1111 ok', 'amex 3782 822463 10005', '{"name":"5555 5555 5555 4444 till"}']) {
    assert.ok(containsFullPan(text), text);
    assert.equal(containsFullPan(maskFullPans(text)), false, maskFullPans(text));
  }
  assert.equal(maskFullPans('Visa 4111 1111 1111 1111!'), 'Visa 411111******1111!');
});

test('ids, dates and grouped numbers that are not card numbers are left alone', () => {
  // UUID segments of 8 and 12 digits are never joined; every window here fails Luhn or is too short.
  for (const text of ['12345678-1234-4123-8123-123456789012', 'ab123456-1234-4123-8123-cd1234567890', 'f2345678-1234-4123-8123-abcdef123456', '2026-11-22 10:15:00', 'qty 100 200 300', 'ref 1234 5678 9012 3456']) {
    assert.equal(containsFullPan(text), false, text);
    assert.equal(maskFullPans(text), text);
  }
});
