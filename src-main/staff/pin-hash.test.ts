import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SCRYPT_PARAMS, hashPin, recordParams, verifyPin } from './pin-hash.ts';

const CHEAP = { N: 1024, r: 8, p: 1 };

test('a PIN hashes to a self-describing scrypt record with a random salt, and verifies', async () => {
  const a = await hashPin('482915', CHEAP);
  const b = await hashPin('482915', CHEAP);
  assert.match(a, /^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  assert.notEqual(a, b, 'a fresh salt each time');
  assert.ok(!a.includes('482915'), 'the PIN is not in the record');
  assert.deepEqual(recordParams(a), CHEAP);
  assert.equal(await verifyPin('482915', a), true);
  assert.equal(await verifyPin('482916', a), false);
  assert.equal(await verifyPin('48291', a), false);
});

test('the default cost is explicit and stored with the hash', async () => {
  assert.deepEqual({ ...DEFAULT_SCRYPT_PARAMS }, { N: 32768, r: 8, p: 1 });
  const record = await hashPin('7391', DEFAULT_SCRYPT_PARAMS);
  assert.deepEqual(recordParams(record), DEFAULT_SCRYPT_PARAMS);
  assert.equal(await verifyPin('7391', record), true);
});

test('verify answers false (never throws) for malformed records and bad PINs; hashing refuses a non-PIN without echoing it', async () => {
  const good = await hashPin('1234', CHEAP);
  assert.equal(await verifyPin('1234', good.replace('scrypt', 'bcrypt')), false);
  assert.equal(await verifyPin('1234', good.slice(0, -5)), false);
  assert.equal(await verifyPin('1234', 'scrypt$3$8$1$AAAAAAAAAAAAAAAAAAAAAA$BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB'), false, 'N not a power of two');
  assert.equal(await verifyPin('abcd', good), false);
  await assert.rejects(hashPin('12a4', CHEAP), (e: Error) => {
    assert.match(e.message, /4 to 8 digits/);
    assert.ok(!e.message.includes('12a4'));
    return true;
  });
});
