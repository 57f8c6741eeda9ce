// The loopback transport for browser mode: one HTTP server on 127.0.0.1 serves
// the built renderer and upgrades `/ipc?token=…` to a WebSocket carrying the
// same envelopes as Electron IPC. The per-launch token keeps any other page
// open on this machine from driving the register.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { MAX_MESSAGE_BYTES } from '../../src-shared/ipc-contract.ts';
import type { IpcDispatcher } from './ipc-dispatcher.ts';
import { SECURITY_HEADERS, createStaticFileHandler } from './static-file-server.ts';

/** The loopback address; the server never binds anything else. */
export const LOOPBACK = '127.0.0.1';

/** Path of the WebSocket endpoint. */
export const IPC_PATH = '/ipc';

// Messages between MAX_MESSAGE_BYTES and this hard cap get a typed
// 'payload_too_large' answer from the dispatcher; beyond it the socket is closed
// (1009) before the bytes are buffered, so a client cannot exhaust memory.
const HARD_MAX_PAYLOAD = 4 * MAX_MESSAGE_BYTES;

/** Options for the loopback server. */
export interface WebSocketIpcServerOptions {
  dispatcher: IpcDispatcher;
  /** TCP port; 0 picks a free one. */
  port?: number;
  /** Folder of the built renderer; omitted = no static files (404). */
  staticDir?: string;
  /** Fixed token for tests; normally a fresh random one per launch. */
  token?: string;
}

/** A running loopback server. */
export interface WebSocketIpcServer {
  readonly port: number;
  readonly token: string;
  /** The URL a browser opens: the renderer with the token. */
  readonly url: string;
  /** The URL a client connects its WebSocket to. */
  readonly wsUrl: string;
  /** Number of open WebSocket connections. */
  connectionCount(): number;
  close(): Promise<void>;
}

/** A fresh per-launch token: 32 random bytes, URL-safe. */
export function newLaunchToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Starts the HTTP + WebSocket server on 127.0.0.1. */
export async function startWebSocketIpcServer(opts: WebSocketIpcServerOptions): Promise<WebSocketIpcServer> {
  const token = opts.token ?? newLaunchToken();
  const serveStatic = opts.staticDir ? createStaticFileHandler(opts.staticDir) : null;
  const server = http.createServer((req, res) => {
    if (serveStatic) return serveStatic(req, res);
    res.writeHead(404, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Not found.');
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: HARD_MAX_PAYLOAD });
  let port = 0;
  let nextConnection = 0;

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const refusal = checkUpgrade(req, token, port);
    if (refusal) {
      socket.end(`HTTP/1.1 ${refusal}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws));
  });

  function accept(ws: WebSocket): void {
    const conn = {
      id: `ws-${++nextConnection}`,
      send: (text: string) => {
        if (ws.readyState === ws.OPEN) ws.send(text);
      },
    };
    const detach = opts.dispatcher.attach(conn);
    ws.on('message', (data: RawData) => {
      void opts.dispatcher.handleMessage(rawToString(data), conn);
    });
    ws.on('close', detach);
    // A client error (e.g. over the hard cap) closes only that socket.
    ws.on('error', () => ws.terminate());
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, LOOPBACK, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    token,
    url: `http://${LOOPBACK}:${port}/?token=${token}`,
    wsUrl: `ws://${LOOPBACK}:${port}${IPC_PATH}?token=${token}`,
    connectionCount: () => wss.clients.size,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers why an upgrade is refused (HTTP status line), or null to accept it. */
function checkUpgrade(req: http.IncomingMessage, token: string, port: number): string | null {
  const url = new URL(req.url ?? '/', `http://${LOOPBACK}`);
  if (url.pathname !== IPC_PATH) return '404 Not Found';
  const given = url.searchParams.get('token') ?? '';
  if (!sameSecret(given, token)) return '401 Unauthorized';
  // A page from any other origin (another local app, a website) is refused even
  // if it somehow learned the token; non-browser clients send no Origin.
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== `http://${LOOPBACK}:${port}`) return '403 Forbidden';
  // Refuse DNS-rebinding: the Host must be our loopback address.
  if (req.headers.host !== `${LOOPBACK}:${port}`) return '403 Forbidden';
  return null;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function rawToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
