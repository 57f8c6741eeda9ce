import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { WebSocket as NodeWebSocket, WebSocketServer } from 'ws';
import type { ConnectionState } from './client-transport.ts';
import { NotConnectedError } from './client-transport.ts';
import { backoffDelay, hostSocketUrl, WebSocketTransport, type WebSocketLike } from './websocket-transport.ts';

const createSocket = (url: string) => new NodeWebSocket(url) as unknown as WebSocketLike;
const transports: WebSocketTransport[] = [];
const servers: WebSocketServer[] = [];

after(async () => {
  for (const t of transports) t.close();
  for (const s of servers) {
    for (const c of s.clients) c.terminate();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

/** A real echo server on 127.0.0.1 that records the request URLs. */
async function echoServer(port = 0): Promise<{ server: WebSocketServer; port: number; urls: string[] }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port });
  servers.push(server);
  const urls: string[] = [];
  server.on('connection', (ws, req) => {
    urls.push(req.url ?? '');
    ws.on('message', (data) => ws.send(`echo:${data.toString()}`));
  });
  await new Promise<void>((r) => server.once('listening', () => r()));
  return { server, port: (server.address() as AddressInfo).port, urls };
}

function waitFor(t: WebSocketTransport, state: ConnectionState, ms = 3000): Promise<void> {
  if (t.state === state) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`transport stayed ${t.state}, expected ${state}`));
    }, ms);
    const off = t.onState((s) => {
      if (s !== state) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}

function nextMessage(t: WebSocketTransport, ms = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no message')), ms);
    const off = t.onMessage((text) => {
      clearTimeout(timer);
      off();
      resolve(text);
    });
  });
}

test('the socket URL carries the page token to /ipc on the same host', () => {
  assert.equal(
    hostSocketUrl({ protocol: 'http:', host: '127.0.0.1:4321', search: '?token=a+b/c' }),
    'ws://127.0.0.1:4321/ipc?token=a%20b%2Fc',
  );
  assert.equal(hostSocketUrl({ protocol: 'https:', host: 'x', search: '' }), 'wss://x/ipc?token=');
});

test('backoff doubles from the minimum and stops at the cap', () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 50].map((n) => backoffDelay(n, 250, 5000)), [250, 500, 1000, 2000, 4000, 5000, 5000]);
});

test('connects, sends and receives text over a real WebSocket', async () => {
  const { port, urls } = await echoServer();
  const t = new WebSocketTransport(`ws://127.0.0.1:${port}/ipc?token=abc`, { createSocket });
  transports.push(t);
  await waitFor(t, 'open');
  const reply = nextMessage(t);
  t.send('hello');
  assert.equal(await reply, 'echo:hello');
  assert.deepEqual(urls, ['/ipc?token=abc']);
});

test('when the host drops, send fails at once and the transport reconnects by itself', async () => {
  const { server, port, urls } = await echoServer();
  const t = new WebSocketTransport(`ws://127.0.0.1:${port}/ipc`, { createSocket, minDelayMs: 20, maxDelayMs: 100 });
  transports.push(t);
  const seen: ConnectionState[] = [];
  t.onState((s) => seen.push(s));
  await waitFor(t, 'open');
  for (const c of server.clients) c.terminate();
  await waitFor(t, 'reconnecting');
  assert.throws(() => t.send('lost'), NotConnectedError);
  await waitFor(t, 'open');
  const reply = nextMessage(t);
  t.send('again');
  assert.equal(await reply, 'echo:again');
  assert.deepEqual(seen, ['open', 'reconnecting', 'open']);
  assert.equal(urls.length, 2);
});

test('keeps retrying while nothing listens, and connects once a host appears on that port', async () => {
  const probe = await echoServer();
  const port = probe.port;
  await new Promise<void>((r) => probe.server.close(() => r()));
  const t = new WebSocketTransport(`ws://127.0.0.1:${port}/ipc`, { createSocket, minDelayMs: 20, maxDelayMs: 40 });
  transports.push(t);
  await waitFor(t, 'reconnecting');
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(t.state, 'reconnecting');
  const { urls } = await echoServer(port);
  await waitFor(t, 'open');
  assert.equal(urls.length, 1);
});

test('close() stops reconnecting for good and fails later sends', async () => {
  const { server, port, urls } = await echoServer();
  const t = new WebSocketTransport(`ws://127.0.0.1:${port}/ipc`, { createSocket, minDelayMs: 10, maxDelayMs: 10 });
  await waitFor(t, 'open');
  t.close();
  assert.equal(t.state, 'closed');
  assert.throws(() => t.send('x'), NotConnectedError);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(urls.length, 1);
  assert.equal([...server.clients].filter((c) => c.readyState === NodeWebSocket.OPEN).length, 0);
});

test('an attempt that never opens is abandoned after the connect timeout and retried', async () => {
  // A plain TCP listener that accepts and never answers the upgrade.
  const net = await import('node:net');
  const sockets: import('node:net').Socket[] = [];
  const silent = net.createServer((s) => sockets.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  const port = (silent.address() as AddressInfo).port;
  try {
    const t = new WebSocketTransport(`ws://127.0.0.1:${port}/ipc`, {
      createSocket,
      connectTimeoutMs: 50,
      minDelayMs: 10,
      maxDelayMs: 10,
    });
    transports.push(t);
    await waitFor(t, 'reconnecting', 1000);
    await new Promise((r) => setTimeout(r, 150));
    assert.ok(sockets.length >= 2, `expected retries, saw ${sockets.length} connection(s)`);
    t.close();
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  }
});
