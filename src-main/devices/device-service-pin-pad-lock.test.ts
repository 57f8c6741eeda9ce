// The device service honours PIN pad locks (seed 002 table 4-14): a PIN pad
// another process holds is not opened, the status bar and the connection test
// say who holds it, and once that process is killed -9 the next probe takes the
// PIN pad over and connects. Real processes, a real simulator over TCP, a real
// journal file.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, afterEach, test } from 'node:test';
import { PaxSimulator } from '../../drivers/pax/simulator/pax-simulator.ts';
import { DeviceDraft } from '../../src-shared/device-settings.ts';
import { openTestJournal, tempDir } from '../journal/journal-test-rig.ts';
import { DeviceRepository } from './device-repository.ts';
import { DeviceService, type DevicesHealth } from './device-service.ts';
import { FilePinPadLockRegistry } from './pin-pad-lock.ts';
import { startLockHolder, type LockHolderProcess } from './pin-pad-lock-test-rig.ts';

const tmp = tempDir('cashier-devlock-');
after(() => tmp.cleanup());
const cleanups: (() => Promise<unknown> | unknown)[] = [];
const children: LockHolderProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  for (const c of cleanups.splice(0).reverse()) await c();
});

const WORKSTATION = 'PURSER-DESK-4';

function waitFor(service: DeviceService, pred: (h: DevicesHealth) => boolean, ms = 5000): Promise<DevicesHealth> {
  if (pred(service.health())) return Promise.resolve(service.health());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`health did not change in time: ${JSON.stringify(service.health())}`));
    }, ms);
    const off = service.onChange((h) => {
      if (!pred(h)) return;
      clearTimeout(timer);
      off();
      resolve(h);
    });
  });
}

test('4-14 #2 a PIN pad held by another app: not opened, status and test say who holds it; after kill -9 of that app the probe connects', async () => {
  const dir = path.join(tmp.dir, 'locks');
  const sim = new PaxSimulator({ deviceId: 'purser', cardTimeMs: 0 });
  cleanups.push(() => sim.close());
  const port = await sim.listenTcp(0);
  const address = `127.0.0.1:${port}`;

  const other = startLockHolder(address, 'Cashier Desk register R9', { CASHIER_DESK_LOCK_DIR: dir, CASHIER_DESK_WORKSTATION: WORKSTATION });
  children.push(other);
  assert.equal((await other.next()).event, 'locked');

  const journal = openTestJournal(path.join(tmp.dir, 'j.sqlite'));
  cleanups.push(() => journal.close());
  const repo = new DeviceRepository(journal, 'register-1');
  const service = new DeviceService({
    repository: () => repo,
    training: 'off',
    probeIntervalMs: 0,
    testTimeoutMs: 1000,
    pinPadLocks: new FilePinPadLockRegistry({ application: 'Cashier Desk register R1', dir, workstation: WORKSTATION }),
  });
  cleanups.push(() => service.close());
  await service.start();
  const pad = await service.save(undefined, DeviceDraft.parse({ kind: 'pin_pad', name: 'Purser desk', model: 'PAX A920', settings: { transport: 'tcp', host: '127.0.0.1', port } }));
  await service.assign(pad.id, true);

  const expected = `The PIN pad ${address} is in use by Cashier Desk register R9 on workstation ${WORKSTATION}`;
  const refused = service.health().terminal;
  assert.deepEqual([refused.state, refused.id, refused.detail], ['error', pad.id, expected]);
  assert.equal(service.activeTerminal(), undefined, 'no driver was opened');
  const tested = await service.test({ deviceId: pad.id });
  assert.deepEqual([tested.ok, tested.message], [false, expected]);
  assert.equal((await service.test({ device: pad })).message, expected, 'an unsaved test of the same address is refused too');

  other.child.kill('SIGKILL');
  await other.exited;
  await service.probeAll();
  const h = await waitFor(service, (x) => x.terminal.state === 'connected');
  assert.equal(h.terminal.id, pad.id);
  assert.ok(service.activeTerminal());
  const ok = await service.test({ deviceId: pad.id });
  assert.equal(ok.ok, true, ok.message);

  // This app holds it now: another process is refused, naming this one.
  const late = startLockHolder(address, 'Cashier Desk register R9', { CASHIER_DESK_LOCK_DIR: dir, CASHIER_DESK_WORKSTATION: WORKSTATION });
  children.push(late);
  assert.equal((await late.next()).message, `The PIN pad ${address} is in use by Cashier Desk register R1 on workstation ${WORKSTATION}`);

  // Taking the PIN pad out of use releases it.
  await service.assign(pad.id, false);
  const freed = startLockHolder(address, 'Cashier Desk register R9', { CASHIER_DESK_LOCK_DIR: dir, CASHIER_DESK_WORKSTATION: WORKSTATION });
  children.push(freed);
  assert.equal((await freed.next()).event, 'locked');
});
