// The renderer's zustand store, run in Node against a real headless host over a
// real WebSocket: command ordering, events pushed by main, and what the store
// does (and does not do) when the host dies.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WebSocket as NodeWebSocket } from 'ws';
import type { StoreApi } from 'zustand/vanilla';
import { IpcClient } from '../src-shared/ipc-client.ts';
import { WebSocketTransport, hostSocketUrl, type WebSocketLike } from '../src-renderer/api/websocket-transport.ts';
import { createAppStore, followConnection, type AppState } from '../src-renderer/store/app-store.ts';
import { HostProcess } from './fixtures/host-process.ts';
import { e2eWorkDir, releaseE2eWorkDir } from './fixtures/e2e-work-dir.ts';

const dir = e2eWorkDir('cashier-store-');
const host = new HostProcess(path.join(dir, 'journal.sqlite'));
const cleanups: Array<() => void> = [];

interface Register {
  store: StoreApi<AppState>;
  transport: WebSocketTransport;
}

/** One renderer's store, connected like the browser would be. */
function register(url: string): Register {
  const transport = new WebSocketTransport(hostSocketUrl(new URL(url)), {
    createSocket: (u) => new NodeWebSocket(u) as unknown as WebSocketLike,
    minDelayMs: 20,
    maxDelayMs: 100,
  });
  const client = new IpcClient(transport, { timeoutMs: 5000 });
  const { store, dispose } = createAppStore(client);
  const unfollow = followConnection(store, transport);
  cleanups.push(() => {
    unfollow();
    dispose();
    client.close();
  });
  return { store, transport };
}

/** Resolves when the store satisfies a condition; fails with what it saw after `ms`. */
function until(store: StoreApi<AppState>, ok: (s: AppState) => boolean, what: string, ms = 5000): Promise<void> {
  if (ok(store.getState())) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${what}`));
    }, ms);
    const off = store.subscribe((s) => {
      if (!ok(s)) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

let a: Register;
let b: Register;

before(async () => {
  const url = await host.start();
  a = register(url);
  b = register(url);
  await until(a.store, (s) => s.catalog.length > 0 && s.status !== null, 'catalogue and status');
  await until(b.store, (s) => s.catalog.length > 0, 'catalogue on the second register');
});

after(async () => {
  for (const c of cleanups) c();
  await host.stop();
  releaseE2eWorkDir(dir);
});

test('status and app info come from main: training mode, healthy journal', () => {
  const s = a.store.getState();
  assert.equal(s.status?.trainingMode, true);
  assert.equal(s.status?.journal.healthy, true);
  assert.equal(s.appInfo?.trainingMode, true);
  assert.equal(s.connection, 'open');
});

test('eight hotkeys fired at once make one ticket with eight lines, in the order pressed', async () => {
  const ids = ['coffee', 'latte', 'tea', 'juice', 'water', 'sandwich', 'bagel', 'cookie'];
  await Promise.all(ids.map((id) => a.store.getState().ringItem(id)));
  const s = a.store.getState();
  assert.equal(s.error, null);
  assert.deepEqual(s.currentTicket?.lines.map((l) => l.itemId), ids);
  assert.equal(s.currentTicket?.total, 295 + 450 + 250 + 375 + 150 + 825 + 325 + 195);
  assert.equal(s.openTickets.length, 1);
  assert.equal(s.openTickets[0].lineCount, 8);
});

test('a change made by another register reaches this one through ticket.changed', async () => {
  const ticketId = a.store.getState().currentTicket!.id;
  await b.store.getState().selectTicket(ticketId);
  await b.store.getState().ringItem('muffin');
  await until(a.store, (s) => s.currentTicket?.lines.length === 9, 'the line rung on the other register');
  assert.equal(a.store.getState().currentTicket?.lines[8].itemId, 'muffin');
});

test('a refused command leaves the ticket as main has it and says why in plain words', async () => {
  const before = a.store.getState().currentTicket!;
  const ok = await a.store.getState().payCash(before.due + 1_000_000_000_000); // more than any amount allowed
  assert.equal(ok, false);
  const s = a.store.getState();
  assert.ok(s.error && s.error.length > 10, `an error message, got ${s.error}`);
  assert.equal(s.currentTicket?.paid, 0);
  assert.equal(s.currentTicket?.status, 'open');
});

test('cash pays the ticket: change and status are what main answered', async () => {
  const due = a.store.getState().currentTicket!.due;
  assert.equal(await a.store.getState().payCash(due + 5), true);
  const s = a.store.getState();
  assert.equal(s.lastCash?.change, 5);
  assert.equal(s.currentTicket?.status, 'paid');
  assert.equal(s.currentTicket?.due, 0);
  assert.equal(s.openTickets.length, 0);
});

test('when the host dies the store says reconnecting and commands fail at once, changing nothing', async () => {
  await a.store.getState().ringItem('tea');
  const ticket = a.store.getState().currentTicket!;
  assert.equal(ticket.status, 'open');
  await host.kill();
  await until(a.store, (s) => s.connection === 'reconnecting', 'reconnecting');
  const started = Date.now();
  await a.store.getState().ringItem('coffee');
  assert.ok(Date.now() - started < 1000, 'failed fast instead of waiting for a timeout');
  const s = a.store.getState();
  assert.match(s.error ?? '', /not connected/);
  assert.deepEqual(s.currentTicket, ticket);
});
