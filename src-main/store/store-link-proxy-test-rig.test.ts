// The store-link proxy on real sockets: bytes pass both ways, a cut resets the
// open connections and refuses new ones, a restore lets them through again.
// An echo server on 127.0.0.1 stands in for PostgreSQL (the proxy never reads
// the bytes); the store tests run PostgreSQL itself through it.

import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { startStoreLinkProxy, type StoreLinkProxy } from './store-link-proxy-test-rig.ts';

let echo: net.Server;
let echoPort: number;
let proxy: StoreLinkProxy;

before(async () => {
  echo = net.createServer((s) => {
    s.on('error', () => undefined);
    s.pipe(s);
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
  echoPort = (echo.address() as net.AddressInfo).port;
  proxy = await startStoreLinkProxy({ host: '127.0.0.1', port: echoPort });
});

after(async () => {
  await proxy.close();
  await new Promise<void>((r) => echo.close(() => r()));
});

/** Connects through the proxy; resolves the socket once connected. */
function connect(): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port: proxy.port }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Writes and waits for the echo (rejects when the socket ends first). */
function roundTrip(s: net.Socket, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = '';
    const onData = (d: Buffer): void => {
      got += d.toString();
      if (got.length >= text.length) {
        s.off('data', onData);
        resolve(got);
      }
    };
    s.on('data', onData);
    s.once('close', () => reject(new Error('closed before the echo')));
    s.write(text);
  });
}

/** Resolves when the socket is closed (by a reset or an end). */
function closed(s: net.Socket): Promise<void> {
  return new Promise((resolve) => (s.destroyed ? resolve() : s.once('close', () => resolve())));
}

test('bytes pass both ways through the proxy', async () => {
  const s = await connect();
  assert.equal(await roundTrip(s, 'hello store'), 'hello store');
  assert.equal(proxy.open, 1);
  s.destroy();
});

test('a cut resets open connections and refuses new ones; a restore lets them through', async () => {
  const s = await connect();
  s.on('error', () => undefined);
  assert.equal(await roundTrip(s, 'before'), 'before');
  const refusedBefore = proxy.refused;
  proxy.cut();
  await closed(s);
  assert.equal(s.destroyed, true);
  assert.equal(proxy.open, 0);
  // While cut, a new connection is accepted by the kernel and closed at once: no byte comes back.
  const c = await connect().catch(() => undefined);
  if (c) {
    c.on('error', () => undefined);
    await assert.rejects(roundTrip(c, 'during'));
  }
  assert.equal(proxy.refused, refusedBefore + 1);
  proxy.restore();
  const r = await connect();
  assert.equal(await roundTrip(r, 'after'), 'after');
  r.destroy();
});

test('urlFor keeps user, password and database and points at the proxy', () => {
  const url = proxy.urlFor('postgres://desk:secret@127.0.0.1:5999/store?sslmode=disable');
  const u = new URL(url);
  assert.equal(u.port, String(proxy.port));
  assert.equal(u.username, 'desk');
  assert.equal(u.password, 'secret');
  assert.equal(u.pathname, '/store');
  assert.equal(u.searchParams.get('sslmode'), 'disable');
});
