// Security of the loopback server: the token, the Origin and Host checks, the
// bind address, the static file root and the CSP header.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { IpcClient, webSocketTransport } from '../../src-shared/ipc-client.ts';
import { MAX_MESSAGE_BYTES } from '../../src-shared/ipc-contract.ts';
import type { Host } from '../host.ts';
import { CONTENT_SECURITY_POLICY } from './content-security-policy.ts';
import { createHostDispatcher } from './ipc-dispatcher.ts';
import { openSocket, socketClosed, tempDir, testHost } from './ipc-test-rig.ts';
import { startWebSocketIpcServer, type WebSocketIpcServer } from './websocket-server.ts';

/** A raw HTTP GET that keeps the path exactly as written (no client-side normalising). */
function rawGet(port: number, rawPath: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    sock.setTimeout(5000, () => sock.destroy(new Error('timeout')));
    sock.on('data', (c) => chunks.push(c));
    sock.on('error', reject);
    sock.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers: http.IncomingHttpHeaders = {};
      for (const l of lines) {
        const i = l.indexOf(':');
        headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
    sock.write(`GET ${rawPath} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
  });
}

describe('loopback WebSocket server', () => {
  let dir: string;
  let staticDir: string;
  let host: Host;
  let server: WebSocketIpcServer;
  let handlerRuns = 0;

  before(async () => {
    dir = tempDir();
    staticDir = path.join(dir, 'dist-renderer');
    fs.mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Cashier Desk</title>');
    fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
    fs.writeFileSync(path.join(dir, 'secret.txt'), 'outside the static root');
    host = testHost(dir);
    const dispatcher = createHostDispatcher(host);
    const inner = dispatcher.dispatch.bind(dispatcher);
    dispatcher.dispatch = (text, id) => {
      handlerRuns++;
      return inner(text, id);
    };
    server = await startWebSocketIpcServer({ dispatcher, port: 0, staticDir });
  });
  after(async () => {
    await server.close();
    host.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the token is fresh per launch, long and URL-safe', async () => {
    assert.match(server.token, /^[A-Za-z0-9_-]{40,}$/);
    const d = createHostDispatcher(host);
    const second = await startWebSocketIpcServer({ dispatcher: d, port: 0 });
    try {
      assert.notEqual(second.token, server.token);
    } finally {
      await second.close();
    }
  });

  test('listens on 127.0.0.1 only', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const external = Object.values(os.networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal);
    if (external) {
      await assert.rejects(
        new Promise((resolve, reject) => {
          const s = net.connect(server.port, external.address);
          s.once('connect', () => {
            s.destroy();
            resolve('connected');
          });
          s.once('error', reject);
        }),
        /ECONNREFUSED/,
      );
    }
    // The IPv6 loopback and the wildcard are not bound either.
    await assert.rejects(
      new Promise((resolve, reject) => {
        const s = net.connect({ port: server.port, host: '::1' });
        s.once('connect', () => {
          s.destroy();
          resolve('connected');
        });
        s.once('error', reject);
      }),
      /ECONNREFUSED|EADDRNOTAVAIL|EAFNOSUPPORT/,
    );
  });

  test('no token and a wrong token are refused with 401 before any handler runs', async () => {
    const before = handlerRuns;
    const base = `ws://127.0.0.1:${server.port}/ipc`;
    await assert.rejects(openSocket(base), /refused: 401/);
    await assert.rejects(openSocket(`${base}?token=`), /refused: 401/);
    await assert.rejects(openSocket(`${base}?token=${server.token.slice(0, -1)}x`), /refused: 401/);
    await assert.rejects(openSocket(`${base}?token=${server.token}extra`), /refused: 401/);
    await assert.rejects(openSocket(`ws://127.0.0.1:${server.port}/other?token=${server.token}`), /refused: 404/);
    assert.equal(handlerRuns, before);
    assert.equal(server.connectionCount(), 0);
  });

  test('a foreign Origin or Host is refused even with the token', async () => {
    await assert.rejects(openSocket(server.wsUrl, { Origin: 'http://evil.example' }), /refused: 403/);
    await assert.rejects(openSocket(server.wsUrl, { Origin: `http://localhost:${server.port}` }), /refused: 403/);
    await assert.rejects(openSocket(server.wsUrl, { Origin: 'null' }), /refused: 403/);
    await assert.rejects(openSocket(server.wsUrl, { Host: `evil.example:${server.port}` }), /refused: 403/);
    const ws = await openSocket(server.wsUrl, { Origin: `http://127.0.0.1:${server.port}` });
    const client = new IpcClient(webSocketTransport(ws), { timeoutMs: 5000 });
    try {
      assert.equal((await client.call('app.info', {})).name, 'Cashier Desk');
    } finally {
      client.close();
    }
  });

  test('serves the renderer with the strict CSP header', async () => {
    const index = await rawGet(server.port, '/');
    assert.equal(index.status, 200);
    assert.match(index.body, /Cashier Desk/);
    assert.equal(index.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
    assert.match(CONTENT_SECURITY_POLICY, /script-src 'self';/);
    assert.match(CONTENT_SECURITY_POLICY, /frame-ancestors 'none'/);
    assert.equal(index.headers['x-content-type-options'], 'nosniff');
    const js = await rawGet(server.port, '/assets/app.js');
    assert.equal(js.status, 200);
    assert.match(String(js.headers['content-type']), /javascript/);
    const missing = await rawGet(server.port, '/nope.js');
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
  });

  test('refuses directory traversal', async () => {
    for (const p of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/%2e%2e%2f%2e%2e%2fsecret.txt']) {
      const r = await rawGet(server.port, p);
      assert.ok(r.status === 403 || r.status === 404 || r.status === 400, `${p} → ${r.status}`);
      assert.doesNotMatch(r.body, /outside the static root/, p);
    }
    assert.equal((await rawGet(server.port, '/%00index.html')).status, 400);
    assert.equal((await rawGet(server.port, '/%E0%A4%A')).status, 400);
  });

  test('a message over the hard cap closes only that socket; the host keeps serving', async () => {
    const ws = await openSocket(server.wsUrl);
    const closed = socketClosed(ws);
    ws.send('x'.repeat(MAX_MESSAGE_BYTES * 4 + 1));
    assert.equal(await closed, 1009);
    const ws2 = await openSocket(server.wsUrl);
    const client = new IpcClient(webSocketTransport(ws2), { timeoutMs: 5000 });
    try {
      assert.equal((await client.call('status.get', {})).journal.healthy, true);
    } finally {
      client.close();
    }
  });
});
