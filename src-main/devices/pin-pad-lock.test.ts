// One PIN pad per workstation (seed 002 table 4-14) across real processes on
// this machine: a child process takes a PIN pad's lock; this process is refused
// with the seed's words; after kill -9 of the child the lock is taken over.
// Plus release, the exit hook, re-entrance, stale files and addresses.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, afterEach, test } from 'node:test';
import { AppError } from '../../src-shared/errors.ts';
import { PinPadSettings } from '../../src-shared/device-settings.ts';
import { tempDir } from '../journal/journal-test-rig.ts';
import { FilePinPadLockRegistry, pinPadAddress, type PinPadLockHolder } from './pin-pad-lock.ts';
import { startLockHolder, type LockHolderProcess } from './pin-pad-lock-test-rig.ts';

const tmp = tempDir('cashier-pinpad-locks-');
after(() => tmp.cleanup());
let n = 0;
const children: LockHolderProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.child.exitCode === null) c.child.kill('SIGKILL');
});

const WORKSTATION = 'PURSER-DESK-2';
function setup(): { dir: string; env: Record<string, string>; registry: (application: string) => FilePinPadLockRegistry } {
  const dir = path.join(tmp.dir, `locks-${++n}`);
  return {
    dir,
    env: { CASHIER_DESK_LOCK_DIR: dir, CASHIER_DESK_WORKSTATION: WORKSTATION },
    registry: (application) => new FilePinPadLockRegistry({ application, dir, workstation: WORKSTATION, clock: () => new Date('2026-11-30T08:00:00Z') }),
  };
}

function holderOf(reg: FilePinPadLockRegistry, address: string): PinPadLockHolder {
  return JSON.parse(fs.readFileSync(reg.fileOf(address), 'utf8')) as PinPadLockHolder;
}

test('4-14 #2 a PIN pad held by another process is refused with the seed wording; after kill -9 of that process it is taken over', async () => {
  const { env, registry } = setup();
  const address = '10.1.2.3:10009';
  const other = startLockHolder(address, 'Cashier Desk register R7', env);
  children.push(other);
  assert.deepEqual((await other.next()).event, 'locked');

  const mine = registry('Cashier Desk register R1');
  const refused = await mine.acquire(address).then(
    () => assert.fail('the PIN pad was given to a second app'),
    (e: unknown) => e,
  );
  assert.ok(refused instanceof AppError);
  assert.equal(refused.code, 'pin_pad_in_use');
  assert.equal(refused.message, 'The PIN pad 10.1.2.3:10009 is in use by Cashier Desk register R7 on workstation PURSER-DESK-2');
  assert.equal((await mine.holder(address))?.application, 'Cashier Desk register R7');

  other.child.kill('SIGKILL');
  await other.exited;
  const lock = await mine.acquire(address);
  const now = holderOf(mine, address);
  assert.equal(now.pid, process.pid);
  assert.equal(now.application, 'Cashier Desk register R1');
  assert.equal(now.since, '2026-11-30T08:00:00.000Z');

  // And the other way round: a new process is refused while this one holds it.
  const late = startLockHolder(address, 'Cashier Desk register R7', env);
  children.push(late);
  const said = await late.next();
  assert.equal(said.event, 'refused');
  assert.equal(said.code, 'pin_pad_in_use');
  assert.equal(said.message, 'The PIN pad 10.1.2.3:10009 is in use by Cashier Desk register R1 on workstation PURSER-DESK-2');
  await lock.release();
});

test('release lets the next app in at once; a normal exit without release unlocks through the exit hook', async () => {
  const { env, registry } = setup();
  const address = '/dev/ttyUSB0';
  const other = startLockHolder(address, 'Purser office', env);
  children.push(other);
  assert.equal((await other.next()).event, 'locked');
  const mine = registry('Front desk');
  await assert.rejects(mine.acquire(address), /in use by Purser office/);
  other.send('release');
  assert.equal((await other.next()).event, 'released');
  const lock = await mine.acquire(address);
  await lock.release();
  assert.equal(fs.existsSync(mine.fileOf(address)), false, 'the lock file is removed on release');

  const exiting = startLockHolder(address, 'Purser office', env);
  children.push(exiting);
  assert.equal((await exiting.next()).event, 'locked');
  assert.equal(fs.existsSync(mine.fileOf(address)), true);
  exiting.send('exit');
  assert.equal(await exiting.exited, 0);
  assert.equal(fs.existsSync(mine.fileOf(address)), false, 'the exit hook removed it');
});

test('two apps in one process: the second is refused until the first releases; one app locks re-entrantly', async () => {
  const { registry } = setup();
  const a = registry('App A');
  const b = registry('App B');
  const one = await a.acquire('192.168.0.9:10009');
  const two = await a.acquire('192.168.0.9:10009');
  await assert.rejects(b.acquire('192.168.0.9:10009'), (e: unknown) => e instanceof AppError && e.code === 'pin_pad_in_use');
  await one.release();
  await assert.rejects(b.acquire('192.168.0.9:10009'), /in use by App A/, 'still held: each acquire needs its release');
  await two.release();
  const mine = await b.acquire('192.168.0.9:10009');
  // Other addresses are independent.
  const other = await a.acquire('192.168.0.10:10009');
  await mine.release();
  await other.release();
});

test('a stale lock of a dead pid and an old half-written lock file are taken over; a lock from another workstation is honoured', async () => {
  const { dir, registry } = setup();
  fs.mkdirSync(dir, { recursive: true });
  const reg = registry('Front desk');
  // A pid far above any pid_max: no such process.
  const dead: PinPadLockHolder = { application: 'Gone app', workstation: WORKSTATION, pid: 2 ** 30, since: '2026-01-01T00:00:00Z' };
  fs.writeFileSync(reg.fileOf('a:1'), JSON.stringify(dead));
  await (await reg.acquire('a:1')).release();

  fs.writeFileSync(reg.fileOf('b:1'), '{"application":"Half');
  const old = new Date(Date.now() - 60_000);
  fs.utimesSync(reg.fileOf('b:1'), old, old);
  await (await reg.acquire('b:1')).release();

  const remote: PinPadLockHolder = { application: 'Cabin office', workstation: 'DECK-9', pid: 2 ** 30, since: '2026-01-01T00:00:00Z' };
  fs.writeFileSync(reg.fileOf('c:1'), JSON.stringify(remote));
  await assert.rejects(reg.acquire('c:1'), /^AppError: The PIN pad c:1 is in use by Cabin office on workstation DECK-9$/);
});

test('the lock address: host:port for TCP and HTTP (case-insensitive host), the resolved path for serial', () => {
  assert.equal(pinPadAddress(PinPadSettings.parse({ transport: 'tcp', host: 'PinPad-3.Ship', port: 10009 })), 'pinpad-3.ship:10009');
  assert.equal(pinPadAddress(PinPadSettings.parse({ transport: 'http', host: '10.0.0.5' })), '10.0.0.5:10009');
  assert.equal(pinPadAddress(PinPadSettings.parse({ transport: 'serial', serialPath: '/dev/ttyUSB0' })), '/dev/ttyUSB0');
});
