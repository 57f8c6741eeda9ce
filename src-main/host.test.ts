// The host survives a journal it must refuse: it starts, says why in status,
// and every command that needs the journal answers journal_unavailable.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { IpcClient, IpcError } from '../src-shared/ipc-client.ts';
import { createHost, type Host } from './host.ts';
import { JOURNAL_APPLICATION_ID } from './journal/journal-connection.ts';
import { createHostDispatcher } from './ipc/ipc-dispatcher.ts';
import { tempDir } from './ipc/ipc-test-rig.ts';
import { connectMemoryTransport } from './ipc/memory-transport.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function hostOn(file: string): { host: Host; client: IpcClient } {
  const host = createHost({ journalPath: file });
  const client = new IpcClient(connectMemoryTransport(createHostDispatcher(host)), { timeoutMs: 5000 });
  cleanups.push(() => {
    client.close();
    void host.close();
  });
  return { host, client };
}

async function assertRefusesCommands(client: IpcClient, messagePart: RegExp): Promise<void> {
  for (const call of [
    () => client.call('ticket.create', {}),
    () => client.call('ticket.listOpen', {}),
    () => client.call('tender.cash', { ticketId: 't1', amountTendered: 100 }),
    () => client.call('payment.start', { ticketId: 't1', amount: 100 }),
    () => client.call('journal.verify', {}),
  ]) {
    await assert.rejects(call(), (e: unknown) => {
      assert.ok(e instanceof IpcError);
      assert.equal(e.code, 'journal_unavailable');
      assert.match(e.message, messagePart);
      return true;
    });
  }
  // The status bar and app info still work, so the screen can say what is wrong.
  assert.equal((await client.call('app.info', {})).name, 'Cashier Desk');
}

test('a journal written by newer code: host starts, status unhealthy, commands refused, file untouched', async () => {
  const dir = tempDir();
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'journal.sqlite');
  const db = new BetterSqlite3(file);
  db.pragma(`application_id = ${JOURNAL_APPLICATION_ID}`);
  db.pragma('user_version = 9990');
  db.exec('CREATE TABLE t (x INTEGER)');
  db.close();
  const bytes = fs.readFileSync(file);

  const { host, client } = hostOn(file);
  const status = await client.call('status.get', {});
  assert.equal(status.journal.healthy, false);
  assert.match(status.journal.message ?? '', /newer version/);
  assert.deepEqual(host.status(), status);
  await assertRefusesCommands(client, /newer version/);
  assert.deepEqual(fs.readFileSync(file), bytes, 'a refused journal is never modified');
});

test('a file that is not a journal: host starts and says so', async () => {
  const dir = tempDir();
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'journal.sqlite');
  fs.writeFileSync(file, 'these are my shopping notes, not a database\n'.repeat(10));

  const { client } = hostOn(file);
  const status = await client.call('status.get', {});
  assert.equal(status.journal.healthy, false);
  assert.match(status.journal.message ?? '', /not a Cashier Desk journal/);
  await assertRefusesCommands(client, /not a Cashier Desk journal/);
});

test('a healthy journal: status healthy and status.changed is pushed at start', async () => {
  const dir = tempDir();
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const host = createHost({ journalPath: path.join(dir, 'j.sqlite'), trainingMode: true });
  cleanups.push(() => host.close());
  const seen = new Promise((resolve) => host.events.subscribe('status.changed', resolve));
  const status = (await seen) as ReturnType<Host['status']>;
  assert.equal(status.journal.healthy, true);
  assert.equal(status.trainingMode, true);
  assert.ok(status.journal.schemaVersion > 0);
});

test('training host: a working PIN pad (identify answers through the simulator) and status says TRAINING', async () => {
  const dir = tempDir();
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const host = createHost({ journalPath: path.join(dir, 'j.sqlite'), devices: { probeIntervalMs: 0, training: { cardTimeMs: 10 } } });
  const client = new IpcClient(connectMemoryTransport(createHostDispatcher(host)), { timeoutMs: 5000 });
  cleanups.push(() => client.close());
  await host.ready;
  const terminal = host.devices.activeTerminal();
  assert.ok(terminal, 'a PIN pad is available in training mode');
  const identity = await terminal.identify();
  assert.equal(identity.model, 'A920');
  const status = await client.call('status.get', {});
  assert.equal(status.trainingMode, true);
  assert.equal(status.terminal.state, 'connected');
  assert.match(status.terminal.detail ?? '', /^TRAINING/);
  assert.equal((await client.call('app.info', {})).trainingMode, true);
  await host.close();
  assert.equal(host.devices.activeTerminal(), undefined, 'close stops the simulators');
});

test('training host: status.changed carries the PIN pad prompts in plain words while a sale runs', async () => {
  const dir = tempDir();
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const host = createHost({ journalPath: path.join(dir, 'j.sqlite'), devices: { probeIntervalMs: 0, training: { cardTimeMs: 300 } } });
  cleanups.push(() => void host.close());
  await host.ready;
  const details: string[] = [];
  host.events.subscribe('status.changed', (s) => {
    const detail = s.terminal.detail ?? '';
    if (details.at(-1) !== detail) details.push(detail);
  });
  const sale = await host.devices.activeTerminal()!.sale({ ecrRef: 'R1T5P1', invoice: 'R1T5P1', amount: 1250 });
  assert.equal(sale.outcome, 'approved');
  for (const w of ['Insert, tap or swipe the card', 'Customer is entering the PIN', 'Authorising with the bank…']) {
    assert.ok(details.includes(w), `status.changed said ${JSON.stringify(details)}`);
  }
  assert.ok(details.indexOf('Customer is entering the PIN') < details.indexOf('Authorising with the bank…'));
  await host.close();
});

test('after close, commands answer journal_unavailable instead of touching a closed database', async () => {
  const dir = tempDir();
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const host = createHost({ journalPath: path.join(dir, 'j.sqlite') });
  host.close();
  await assert.rejects(async () => host.handlers['ticket.create']({}, { connectionId: 'x' }), /shut down/);
});

test('a bad register code stops the start with a clear error', () => {
  const dir = tempDir();
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  assert.throws(
    () => createHost({ journalPath: path.join(dir, 'j.sqlite'), register: { id: 'r', code: 'TOO-LONG', name: 'x' } }),
    /must be 1-4 letters or digits/,
  );
});

test('payment.start honours terminalId: the named PIN pad charges; an id not in use is refused in plain words and nothing is journaled', async () => {
  const dir = tempDir();
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  const host = createHost({ journalPath: path.join(dir, 'journal.sqlite'), trainingMode: true, devices: { probeIntervalMs: 0, training: { cardTimeMs: 20 } } });
  const client = new IpcClient(connectMemoryTransport(createHostDispatcher(host)), { timeoutMs: 10_000 });
  cleanups.push(() => {
    client.close();
    void host.close();
  });
  await host.ready;
  const ticket = await client.call('ticket.create', {});
  const withLine = await client.call('ticket.addLine', { ticketId: ticket.id, itemId: (await client.call('catalog.list', {}))[0].id, quantity: 1 });
  await assert.rejects(client.call('payment.start', { ticketId: ticket.id, amount: withLine.due, terminalId: 'pad-in-the-back' }), (e: unknown) => {
    assert.ok(e instanceof IpcError);
    assert.equal(e.code, 'terminal_not_configured');
    assert.doesNotMatch(e.message, /pad-in-the-back|training-pin-pad/, 'no device ids in the cashier words');
    return true;
  });
  assert.deepEqual(await client.call('payment.listForTicket', { ticketId: ticket.id }), [], 'a refused PIN pad leaves no attempt');
  const padId = host.status().terminal.id!;
  const paid = await client.call('payment.start', { ticketId: ticket.id, amount: withLine.due, terminalId: padId });
  assert.equal(paid.state, 'approved');
  assert.equal(paid.terminalId, padId);
});
