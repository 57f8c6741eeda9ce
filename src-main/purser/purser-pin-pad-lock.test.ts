// Seed 002 table 4-14 for the purser: a card is registered (or a direct sale
// taken) only on a PIN pad this workstation can lock. Another application on
// this machine holding the PIN pad is a real second process
// (devices/pin-pad-lock-test-rig.ts) taking the lock through the real
// FilePinPadLockRegistry in a temporary CASHIER_DESK_LOCK_DIR.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { AppError } from '../../src-shared/errors.ts';
import { FilePinPadLockRegistry } from '../devices/pin-pad-lock.ts';
import { startLockHolder } from '../devices/pin-pad-lock-test-rig.ts';
import { PURSER_MESSAGES } from './purser-messages.ts';
import { purserRigPerTest, TEST_CARDS, type PurserRig } from './purser-test-rig.ts';

const rig = purserRigPerTest();
const lockDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-purser-locks-'));
after(() => fs.rmSync(lockDir, { recursive: true, force: true }));

const registry = new FilePinPadLockRegistry({ application: 'Cashier Desk purser', workstation: 'PURSER-1', dir: lockDir });

async function lockedRig(): Promise<PurserRig> {
  let r: PurserRig | undefined = undefined;
  r = await rig({ room: { pinPads: { registry: () => registry, address: (id) => (id === 'pad1' ? r!.padAddress : undefined) } } });
  return r;
}

test('4-14 #2 registering a card on a PIN pad another application holds: refused in the seed words, nothing journaled as sent; it goes once that one lets go', async () => {
  const r = await lockedRig();
  const g = r.guest();
  const other = startLockHolder(r.padAddress, 'OHC Management', { CASHIER_DESK_LOCK_DIR: lockDir, CASHIER_DESK_WORKSTATION: 'FRONT-DESK-2' });
  try {
    assert.equal((await other.next()).event, 'locked');
    const words = `The PIN pad ${r.padAddress} is in use by OHC Management on workstation FRONT-DESK-2`;
    r.present(TEST_CARDS.visa);
    await assert.rejects(r.room.service.register(g, 'pad1'), (e: unknown) => e instanceof AppError && e.code === 'pin_pad_in_use' && e.message === words);
    await assert.rejects(r.room.service.pay(g, 2_000, 'direct_sale', 'pad1'), (e: unknown) => e instanceof AppError && e.message === words);
    assert.equal(r.room.service.get(g).records.length, 0, 'no record journaled as sent');
    const events = r.journal.db.prepare("SELECT count(*) AS n FROM events WHERE entity = 'purser_record'").get() as { n: number };
    assert.equal(events.n, 0);
    assert.equal(r.gateway.ledger.size, 0, 'the PIN pad was never asked');
    other.send('release');
    assert.equal((await other.next()).event, 'released');
    const res = await r.room.service.register(g, 'pad1');
    assert.equal(res.message, PURSER_MESSAGES.registered);
    assert.equal(await registry.holder(r.padAddress), undefined, 'the purser lets the PIN pad go after its transaction');
  } finally {
    other.send('exit');
    await other.exited;
  }
});

test('4-14 #1 the other application on a different PIN pad: both register (and without the lock the purser would have used the held one)', async () => {
  const r = await lockedRig();
  const g = r.guest();
  const other = startLockHolder('127.0.0.1:1', 'OHC Management', { CASHIER_DESK_LOCK_DIR: lockDir, CASHIER_DESK_WORKSTATION: 'FRONT-DESK-2' });
  try {
    assert.equal((await other.next()).event, 'locked');
    r.present(TEST_CARDS.visa);
    assert.equal((await r.room.service.register(g, 'pad1')).message, PURSER_MESSAGES.registered);
    // A broken variant: a room that takes no lock runs a transaction on a PIN pad held elsewhere.
    const unlocked = await rig();
    const held = startLockHolder(unlocked.padAddress, 'OHC Management', { CASHIER_DESK_LOCK_DIR: lockDir, CASHIER_DESK_WORKSTATION: 'FRONT-DESK-2' });
    try {
      assert.equal((await held.next()).event, 'locked');
      unlocked.present(TEST_CARDS.mastercard);
      const g2 = unlocked.guest();
      assert.equal((await unlocked.room.service.register(g2, 'pad1')).message, PURSER_MESSAGES.registered, 'no lock taken: the check above is what refuses');
    } finally {
      held.send('exit');
      await held.exited;
    }
  } finally {
    other.send('exit');
    await other.exited;
  }
});
