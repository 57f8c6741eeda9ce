import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brandOfCardType, decodeForm, encodeForm, formatGatewayDate, isDuplicateText, parseGatewayDate } from './cardknox-protocol.ts';

test('gateway dates round-trip to the millisecond and refuse impossible dates', () => {
  const t = Date.UTC(2025, 1, 28, 23, 59, 59, 7);
  assert.equal(formatGatewayDate(t), '2025-02-28 23:59:59.007');
  assert.equal(parseGatewayDate('2025-02-28 23:59:59.007'), t);
  assert.equal(parseGatewayDate('2025-02-28 23:59:59'), t - 7);
  assert.equal(parseGatewayDate('2025-02-31 00:00:00.000'), null);
  assert.equal(parseGatewayDate('02/28/2025'), null);
  assert.throws(() => formatGatewayDate(Number.NaN), /valid time/);
});

test('duplicate text, card types and form encoding', () => {
  assert.ok(isDuplicateText('Duplicate Transaction'));
  assert.ok(isDuplicateText('DUPLICATE TRANSACTION (refnum 1)'));
  assert.ok(!isDuplicateText('Declined'));
  assert.equal(brandOfCardType('mastercard'), 'mastercard');
  assert.equal(brandOfCardType('Maestro'), 'other');
  const fields = { xAmount: '12.50', xInvoice: 'a&b=c d' };
  assert.deepEqual(decodeForm(encodeForm(fields)), fields);
});
