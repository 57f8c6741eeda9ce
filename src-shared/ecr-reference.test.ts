import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ecrReference, isValidEcrRef, parseEcrReference } from './ecr-reference.ts';

test('the reference depends only on register, ticket and slot', () => {
  assert.equal(ecrReference('R1', 42, 1), 'RR1T42P1');
  assert.equal(ecrReference('r1', 42, 1), ecrReference('R1', 42, 1));
  assert.notEqual(ecrReference('R1', 42, 1), ecrReference('R1', 42, 2));
  assert.notEqual(ecrReference('R1', 42, 1), ecrReference('R2', 42, 1));
});

test('every reference fits the PAX limit: 16 letters and digits', () => {
  const longest = ecrReference('ABCD', 9_999_999, 99);
  assert.ok(longest.length <= 16 && isValidEcrRef(longest), longest);
  assert.throws(() => ecrReference('ABCD', 99_999_999, 99), /longer than 16/);
  assert.throws(() => ecrReference('A-1', 1, 1), /letters or digits/);
  assert.throws(() => ecrReference('A1', 0, 1), /Ticket number/);
  assert.throws(() => ecrReference('A1', 1, 100), /slot/);
});

test('a reference parses back to its parts', () => {
  assert.deepEqual(parseEcrReference(ecrReference('7', 1234, 3)), { registerCode: '7', ticketNumber: 1234, slot: 3 });
  assert.equal(parseEcrReference('nonsense'), null);
});
