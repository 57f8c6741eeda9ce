// The journal's full integrity check runs after start-up; when it finds damage
// the host says so in status and refuses new card and cash payments, while a
// manager can still read tickets and verify the journal.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import type { StatusSnapshot } from '../src-shared/domain.ts';
import { IpcClient, IpcError } from '../src-shared/ipc-client.ts';
import { createHost, type Host } from './host.ts';
import { createHostDispatcher } from './ipc/ipc-dispatcher.ts';
import { tempDir } from './ipc/ipc-test-rig.ts';
import { connectMemoryTransport } from './ipc/memory-transport.ts';
import { openJournal } from './journal/journal.ts';
import { corruptMiddleLeafPage } from './journal/journal-test-rig.ts';
import { StaffService } from './staff/staff-service.ts';
import { TEST_HASH_PARAMS, TEST_MANAGER_PIN } from './staff/staff-test-rig.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function hostOn(file: string): { host: Host; client: IpcClient; journalStatus: (pred: (j: StatusSnapshot['journal']) => boolean) => Promise<StatusSnapshot['journal']> } {
  const host = createHost({ journalPath: file, trainingMode: false, devices: { probeIntervalMs: 0 } });
  const client = new IpcClient(connectMemoryTransport(createHostDispatcher(host)), { timeoutMs: 5000 });
  cleanups.push(() => client.close(), () => host.close());
  const journalStatus = (pred: (j: StatusSnapshot['journal']) => boolean) =>
    new Promise<StatusSnapshot['journal']>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`journal status never matched; last ${JSON.stringify(host.status().journal)}`)), 10_000);
      const check = (s: StatusSnapshot) => {
        if (!pred(s.journal)) return;
        clearTimeout(timer);
        stop();
        resolve(s.journal);
      };
      const stop = host.events.subscribe('status.changed', check);
      check(host.status());
    });
  return { host, client, journalStatus };
}

/** A journal file with enough events for a middle page; `damage` overwrites one. */
async function journalFile(damage: boolean): Promise<string> {
  const dir = tempDir();
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'journal.sqlite');
  const j = openJournal({ path: file, integrityCheck: 'none' });
  j.transact(() => {
    for (let i = 1; i <= 3000; i++) j.appendEvent({ entity: 'test', entityId: `e${i}`, type: 'history', payload: { i, note: 'x'.repeat(80) } });
  });
  // A manager, so verify (manager-only) can be asked once the damage is found.
  await new StaffService(j, { registerId: 'register-1', hashParams: TEST_HASH_PARAMS }).add({ name: 'Test Manager', role: 'manager', pin: TEST_MANAGER_PIN }, 'test');
  j.close();
  if (damage) corruptMiddleLeafPage(file, 'events');
  return file;
}

test('a healthy journal: "Checking the journal…" at start, then healthy with no message', async () => {
  const { host, journalStatus } = hostOn(await journalFile(false));
  const first = host.status().journal;
  assert.equal(first.healthy, true);
  assert.equal(first.message, 'Checking the journal…');
  const done = await journalStatus((j) => j.message === undefined);
  assert.equal(done.healthy, true);
});

test('a journal damaged mid-table: starts fast, then unhealthy, card and cash refused, reading and verify still work', async () => {
  const t0 = performance.now();
  const { host, client, journalStatus } = hostOn(await journalFile(true));
  const startMs = performance.now() - t0;
  assert.equal(host.status().journal.healthy, true, 'the damage is not visible to the cheap checks at open');
  // Before the verdict a ticket can be rung (the register is in use while the check runs).
  const items = await client.call('catalog.list', {});
  const ticket = await client.call('ticket.create', {});
  await client.call('ticket.addLine', { ticketId: ticket.id, itemId: items[0].id, quantity: 1 });

  const bad = await journalStatus((j) => !j.healthy);
  assert.match(bad.message ?? '', /failed its integrity check.*payments are stopped.*Do not delete it/s);

  for (const call of [
    () => client.call('tender.cash', { ticketId: ticket.id, amountTendered: 100_000 }),
    () => client.call('payment.start', { ticketId: ticket.id, amount: 100 }),
  ]) {
    await assert.rejects(call(), (e: unknown) => {
      assert.ok(e instanceof IpcError);
      assert.equal(e.code, 'journal_corrupt');
      assert.match(e.message, /payments are stopped/);
      return true;
    });
  }
  const read = await client.call('ticket.get', { ticketId: ticket.id });
  assert.equal(read.status, 'open');
  assert.equal(read.paid, 0, 'no cash was taken');
  // A manager can still sign in on a damaged journal, to look at it.
  client.setSession((await client.call('staff.signIn', { pin: TEST_MANAGER_PIN })).token);
  const report = await client.call('journal.verify', {});
  assert.equal(report.integrityOk, false);
  assert.equal(report.ok, false);
  assert.ok(startMs < 5000, `start took ${startMs} ms`);
});
