// Test support shared by the IPC test files: a real host on a temp journal,
// a deterministic clock and ids, and raw-envelope helpers. Not used by the app.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import type { ClientTransport } from '../../src-shared/ipc-client.ts';
import type { ResponseEnvelope, ServerMessage } from '../../src-shared/ipc-contract.ts';
import { createHost, type Host, type HostConfig } from '../host.ts';

/** A fresh temp folder; remove it with fs.rmSync(dir, { recursive: true, force: true }). */
export function tempDir(prefix = 'cashier-ipc-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A host on a new journal in dir, with a stepping clock and counting ids. */
export function testHost(dir: string, extra: HostConfig = {}): Host {
  let tick = 0;
  let id = 0;
  return createHost({
    journalPath: path.join(dir, 'journal.sqlite'),
    clock: () => new Date(Date.UTC(2026, 0, 2, 9, 0, 0) + 1000 * tick++),
    newId: () => `id-${++id}`,
    ...extra,
  });
}

/** Sends raw text and resolves with the next response envelope (any id), or rejects after timeoutMs. */
export function rawRequest(transport: ClientTransport, text: string, timeoutMs = 5000): Promise<ResponseEnvelope> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('no response within the timeout'));
    }, timeoutMs);
    const off = transport.onMessage((msg) => {
      const env = JSON.parse(msg) as ServerMessage;
      if (env.kind !== 'response') return;
      clearTimeout(timer);
      off();
      resolve(env);
    });
    transport.send(text);
  });
}

/** Opens a `ws` client socket, resolving once open; rejects with the HTTP status on a refused upgrade. */
export function openSocket(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      reject(new Error(`refused: ${res.statusCode}`));
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

/** Resolves once a `ws` socket is closed (at once if it already is). */
export function socketClosed(ws: WebSocket): Promise<number> {
  if (ws.readyState === ws.CLOSED) return Promise.resolve(1006);
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}
