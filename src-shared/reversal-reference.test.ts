import assert from 'node:assert/strict';
import { test } from 'node:test';
import { originalOfReversalReference, reversalReference } from './reversal-reference.ts';

test('a reversal reference is derived from the original slot and parses back', () => {
  assert.equal(reversalReference('R1T42P1', 'void', 1), 'R1T42P1V1');
  assert.equal(reversalReference('R1T42P1', 'refund', 2), 'R1T42P1F2');
  assert.deepEqual(originalOfReversalReference('R1T42P1F2'), { original: 'R1T42P1', kind: 'refund', n: 2 });
  assert.equal(originalOfReversalReference('R1T42P1'), null);
});

test('a reversal reference that would pass 16 characters is refused, not cut', () => {
  assert.equal(reversalReference('RABCDT12345678P9', 'refund', 1), null);
  assert.equal(reversalReference('R1T42P1', 'refund', 0), null);
});
