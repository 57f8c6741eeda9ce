// What the purser reads names no address, port, HTTP code, id or reference
// (common rules; the one exception is table 4-14's PIN pad refusal, in the
// seed's words). Every message of purser-messages.ts, and the paths where a
// driver's or the lock directory's technical words could leak, driven for real.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { TerminalRequestError, type PaymentTerminal } from '../../drivers/terminal.ts';
import { AppError } from '../../src-shared/errors.ts';
import { FilePinPadLockRegistry } from '../devices/pin-pad-lock.ts';
import { PURSER_MESSAGES } from './purser-messages.ts';
import { validateParameter } from './purser-parameters.ts';
import { purserRigPerTest, TEST_CARDS } from './purser-test-rig.ts';

const rig = purserRigPerTest();

/** Technical detail a purser must not be shown. */
const TECHNICAL = [
  /\b\d{1,3}(\.\d{1,3}){3}\b/, // an IPv4 address
  /[a-z0-9\]]:\d{2,5}\b/i, // host:port
  /(^|\s)\/[a-z]/i, // a file path
  /\bCOM\d\b/,
  /\bHTTP\b|\b[1-5]\d\d\b(?!\.)/, // an HTTP status
  /[0-9a-f]{8}-[0-9a-f]{4}-/i, // a uuid
  /\b[A-Z0-9]{1,4}G[0-9A-Z]+C[0-9A-Z]+R[0-9A-Z]+\b/, // a queue reference
  /E[A-Z]{4,}/, // ECONNREFUSED and friends
];
const plain = (text: string) => TECHNICAL.every((re) => !re.test(text));

test('the audit catches technical words (its own broken variant)', () => {
  for (const bad of ['connect ECONNREFUSED 127.0.0.1:10009', 'HTTP 503', 'The PIN pad /dev/ttyUSB0 failed', 'record 1G1C1R5 declined', 'id 9f0aa250-44bd-4e6a-bb20-0214bd28daa4']) {
    assert.equal(plain(bad), false, bad);
  }
  assert.equal(plain('The ship is offline and this card already has 120.00 waiting.'), true);
});

test('every purser message is plain words', () => {
  for (const [name, m] of Object.entries(PURSER_MESSAGES)) {
    const text = typeof m === 'function' ? (m as (x: string) => string)('120.00') : m;
    assert.ok(plain(text), `${name}: ${text}`);
  }
});

test('a parameter refused names amounts in money, not minor units', () => {
  assert.throws(
    () => validateParameter('onlineInitialAuthAmount', 0),
    (e: unknown) => e instanceof AppError && e.message === 'Online Initial Auth Amount: at least 0.01.',
  );
});

test("a driver's refusal and a driver failure while registering: plain words, its technical words only in the log", async () => {
  const failing = (err: Error) => (t: PaymentTerminal) =>
    new Proxy(t, {
      get(target, prop) {
        if (prop === 'preAuth' || prop === 'sale') return () => Promise.reject(err);
        const v = Reflect.get(target, prop) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  const refused = await rig({ wrapTerminal: failing(new TerminalRequestError('PAX at 127.0.0.1:10009 refused ECR reference 1G1C1R1')) });
  const g = refused.guest();
  refused.present(TEST_CARDS.visa);
  await assert.rejects(refused.room.service.register(g, 'pad1'), (e: unknown) => e instanceof AppError && e.message === PURSER_MESSAGES.padRequestRefused);
  await assert.rejects(refused.room.service.pay(g, 1_000, 'direct_sale', 'pad1'), (e: unknown) => e instanceof AppError && e.message === PURSER_MESSAGES.padRequestRefused);
  for (const x of refused.room.service.get(g).records) assert.ok(plain(x.note ?? ''), `note: ${x.note}`);

  const broken = await rig({ wrapTerminal: failing(new Error('read ECONNRESET 127.0.0.1:10009')) });
  const g2 = broken.guest();
  const res = await broken.room.service.register(g2, 'pad1');
  assert.equal(res.message, PURSER_MESSAGES.registrationUnanswered, 'left for the lookup, not a raw error');
  await broken.send(); // the PIN pad's report has no such transaction
  const [rec] = broken.room.service.get(g2).records;
  assert.deepEqual([rec.status, rec.queueStatus], [2, 8]);
  assert.ok(plain(rec.note ?? ''), `note: ${rec.note}`);
});

test('a PIN pad lock that cannot be taken for a technical reason: plain words, not the lock directory', async () => {
  let addr = '';
  const notADir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-purser-lockfile-')), 'file');
  fs.writeFileSync(notADir, 'not a directory');
  const registry = new FilePinPadLockRegistry({ application: 'Cashier Desk purser', dir: path.join(notADir, 'locks') });
  const r = await rig({ room: { pinPads: { registry: () => registry, address: () => addr } } });
  addr = r.padAddress;
  const g = r.guest();
  r.present(TEST_CARDS.visa);
  await assert.rejects(r.room.service.register(g, 'pad1'), (e: unknown) => e instanceof AppError && e.message === PURSER_MESSAGES.padLockFailed && plain(e.message));
  assert.equal(r.room.service.get(g).records.length, 0, 'nothing journaled as sent');
  fs.rmSync(path.dirname(notADir), { recursive: true, force: true });
});
