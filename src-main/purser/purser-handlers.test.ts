// The purser's commands through the real IPC dispatcher on a real host in
// training mode and a real journal file: sample guests to find, parameters
// with their meanings changed by a manager only (validated, journaled with the
// manager), the queue view; and a cabin card swiped on the reader finding its
// guest.

import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { after, before, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import type { CardReaderEvent } from '../../drivers/hid/hid-card-reader.ts';
import { IpcClient, IpcError } from '../../src-shared/ipc-client.ts';
import { PURSER_PARAMETER_NAMES } from '../../src-shared/purser-types.ts';
import type { Host } from '../host.ts';
import { createHostDispatcher } from '../ipc/host-dispatcher.ts';
import { tempDir, testHost } from '../ipc/ipc-test-rig.ts';
import { connectMemoryTransport } from '../ipc/memory-transport.ts';
import { signInTestManager, TEST_HASH_PARAMS } from '../staff/staff-test-rig.ts';
import { openJournal } from '../journal/journal.ts';
import { CabinCardWaiters } from './purser-cabin-cards.ts';
import { buildPurserRoom } from './purser-room.ts';
import fs from 'node:fs';
import path from 'node:path';

let dir: string;
let host: Host;
let cashier: IpcClient;
let manager: IpcClient;

before(async () => {
  dir = tempDir('cashier-purser-host-');
  host = testHost(dir, { gateway: null, trainingMode: true, devices: { probeIntervalMs: 0 }, staff: { hashParams: TEST_HASH_PARAMS } });
  await host.ready;
  const dispatcher = createHostDispatcher(host);
  cashier = new IpcClient(connectMemoryTransport(dispatcher), { timeoutMs: 5000 });
  manager = new IpcClient(connectMemoryTransport(dispatcher), { timeoutMs: 5000 });
});
after(async () => {
  cashier.close();
  manager.close();
  await host.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('training mode has sample guests in their cabins, found by name or cabin', async () => {
  const all = await cashier.call('purser.guest.search', { query: '' });
  assert.ok(all.length >= 3, `sample guests: ${all.length}`);
  const [one] = await cashier.call('purser.guest.search', { query: all[0].cabin });
  assert.equal(one.guestId, all[0].guestId);
  const byName = await cashier.call('purser.guest.search', { query: all[1].name.split(' ')[0] });
  assert.ok(byName.some((g) => g.guestId === all[1].guestId));
  const detail = await cashier.call('purser.guest.get', { guestId: all[0].guestId });
  assert.deepEqual([detail.balance, detail.cards.length, detail.paymentDepartment.kind], [0, 0, 'cash']);
  const announced: string[] = [];
  const off = host.events.subscribe('purser.changed', (e) => announced.push(e.guestId));
  const posted = await cashier.call('purser.posting.add', { guestId: all[0].guestId, amount: 1250, description: 'Coffee' });
  off();
  assert.equal(posted.guest.balance, 1250);
  assert.deepEqual(announced, [all[0].guestId], 'purser.changed names the guest after the commit');
});

test('parameters: every one with its meaning; a cashier cannot change them; a manager can, validated and journaled with the manager', async () => {
  const params = await cashier.call('purser.parameters.get', {});
  assert.deepEqual(params.map((p) => p.name), [...PURSER_PARAMETER_NAMES]);
  for (const p of params) assert.ok(p.meaning.length > 10 && p.label.length > 3, p.name);
  assert.equal(params.find((p) => p.name === 'onlineTimeoutSeconds')?.value, 120);
  assert.equal(params.find((p) => p.name === 'resendIntervalSeconds')?.value, 60);
  assert.deepEqual(params.find((p) => p.name === 'disableCardAndPostingOnDecline')?.choices?.map((c) => c.value), [0, 1, 2]);
  await assert.rejects(cashier.call('purser.parameters.set', { name: 'resendIntervalSeconds', value: 30 }), (e: unknown) => e instanceof IpcError && e.code === 'manager_required');
  const session = await signInTestManager(manager);
  await assert.rejects(manager.call('purser.parameters.set', { name: 'resendIntervalSeconds', value: 0 }), (e: unknown) => e instanceof IpcError && e.code === 'invalid_request' && /Resend Interval: at least 1/.test(e.message));
  await assert.rejects(manager.call('purser.parameters.set', { name: 'automaticSettlement', value: 2 }), (e: unknown) => e instanceof IpcError && e.code === 'invalid_request');
  const after = await manager.call('purser.parameters.set', { name: 'resendIntervalSeconds', value: 30 });
  const changed = after.find((p) => p.name === 'resendIntervalSeconds')!;
  assert.deepEqual([changed.value, changed.updatedBy], [30, session.staff.staffId]);
  await manager.call('purser.parameters.set', { name: 'cardTypesNotSupported', value: ['DC', 'AX'] });
  assert.deepEqual((await cashier.call('purser.parameters.get', {})).find((p) => p.name === 'cardTypesNotSupported')?.value, ['AX', 'DC']);
  const db = new BetterSqlite3(path.join(dir, 'journal.sqlite'), { readonly: true });
  try {
    const ev = db.prepare("SELECT payload FROM events WHERE entity = 'purser_parameter' AND entity_id = 'resendIntervalSeconds'").all() as { payload: string }[];
    assert.deepEqual(ev.map((e) => JSON.parse(e.payload) as unknown), [{ actor: session.staff.staffId, value: 30 }]);
  } finally {
    db.close();
  }
});

test('the queue view answers with nothing outstanding', async () => {
  const q = await cashier.call('purser.queue.status', {});
  assert.deepEqual([q.outstandingCount, q.outstandingAmount, q.oldestAgeSeconds, q.resendIntervalSeconds], [0, 0, null, 30]);
});

test('a cabin card swiped on the reader answers the screen waiting for it with its guest; an unknown one is refused in plain words', async () => {
  const journal = openJournal({ path: path.join(dir, 'cabin.sqlite'), integrityCheck: 'none' });
  try {
    const room = buildPurserRoom({ journal, terminal: () => undefined, gateway: () => undefined, currency: 'USD', changed: () => undefined });
    const g = room.service.addGuest({ name: 'Cabin Guest', cabin: '7012', cabinCard: '100700120', embarkDate: '2026-11-28', disembarkDate: '2026-12-05' });
    const reader = new EventEmitter();
    const waiters = new CabinCardWaiters((n) => room.service.byCabinCard(n));
    waiters.bind({ onCardReaderEvent: (cb) => (reader.on('e', cb), () => reader.off('e', cb)) });
    const swipe = (e: CardReaderEvent) => reader.emit('e', e);
    const waiting = waiters.awaitCard(2000);
    swipe({ type: 'card', card: { kind: 'staff', employeeId: '1234' } });
    swipe({ type: 'card', card: { kind: 'cabin', cabin: '7012', folioId: '100700120' } });
    assert.equal((await waiting).guest.guestId, g.id);
    const unknown = waiters.awaitCard(2000);
    swipe({ type: 'card', card: { kind: 'cabin', cabin: '9999', folioId: '999999999' } });
    await assert.rejects(unknown, /No checked-in guest has this cabin card/);
    await room.close();
  } finally {
    journal.close();
  }
});
