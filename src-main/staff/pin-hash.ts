// Slow salted PIN hashes with node:crypto's scrypt (no extra dependency: Node's
// own binding of OpenSSL's EVP_PBE_scrypt is kept with the runtime we ship).
//
// A record is self-describing: "scrypt$<N>$<r>$<p>$<salt b64url>$<hash b64url>".
// The cost parameters travel with each hash, so raising them later leaves older
// records verifiable. Verification compares with crypto.timingSafeEqual. The
// PIN itself is never kept, logged or put in an error: only the record is.
//
// A PIN has few digits, so the hash alone cannot stop an offline search; what
// protects a manager PIN is the lockout (manager-sessions.ts) and keeping the
// journal file on the register. scrypt still makes each guess cost real work.

import crypto from 'node:crypto';
import { AppError } from '../../src-shared/errors.ts';

/** scrypt cost parameters (RFC 7914): N CPU/memory cost (power of two), r block size, p parallelism. */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/**
 * The default cost: N=2^15, r=8, p=1 (32 MiB, tens of milliseconds per hash),
 * between the RFC 7914 interactive figure (2^14) and OWASP's 2^17; a register is
 * a small machine that also answers PIN pads while a manager signs in.
 */
export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 15, r: 8, p: 1 });

const SALT_BYTES = 16;
const KEY_BYTES = 32;
// 16 salt bytes and 32 key bytes exactly (22 and 43 base64url characters): a shortened key would still match its prefix.
const RECORD = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([A-Za-z0-9_-]{22})\$([A-Za-z0-9_-]{43})$/;

/** A PIN a person can type on the dialog: 4 to 8 digits. */
export const PIN_PATTERN = /^\d{4,8}$/;

/** Throws a plain-words error when a PIN is not 4-8 digits (the PIN is never echoed). */
export function assertPinShape(pin: string): void {
  if (!PIN_PATTERN.test(pin)) throw new AppError('invalid_request', 'A PIN is 4 to 8 digits. Type it again.');
}

function scrypt(pin: string, salt: Buffer, params: ScryptParams, keylen: number): Promise<Buffer> {
  // maxmem must exceed 128·N·r·p, or OpenSSL refuses the larger costs.
  const maxmem = 128 * params.N * params.r * params.p + 1024 * 1024;
  return new Promise((resolve, reject) => {
    crypto.scrypt(pin, salt, keylen, { N: params.N, r: params.r, p: params.p, maxmem }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Hashes a PIN with a fresh random salt; answers the self-describing record. Off the main thread (libuv pool). */
export async function hashPin(pin: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> {
  assertPinShape(pin);
  const salt = crypto.randomBytes(SALT_BYTES);
  const key = await scrypt(pin, salt, params, KEY_BYTES);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** True when the PIN matches the record; false for a malformed record (never throws on bad input). */
export async function verifyPin(pin: string, record: string): Promise<boolean> {
  const m = RECORD.exec(record);
  if (!m || !PIN_PATTERN.test(pin)) return false;
  const params = { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  const salt = Buffer.from(m[4], 'base64url');
  const expected = Buffer.from(m[5], 'base64url');
  let key: Buffer;
  try {
    key = await scrypt(pin, salt, params, KEY_BYTES);
  } catch {
    return false;
  }
  return key.length === expected.length && crypto.timingSafeEqual(key, expected);
}

/** The parameters a record was made with (for upgrades and tests); undefined when malformed. */
export function recordParams(record: string): ScryptParams | undefined {
  const m = RECORD.exec(record);
  return m ? { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) } : undefined;
}
