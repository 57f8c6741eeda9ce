import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containsFullPan, luhnValid, maskPan } from './card.ts';

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
