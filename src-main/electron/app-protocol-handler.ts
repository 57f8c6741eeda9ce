// The app:// protocol that serves the built renderer inside Electron, in place
// of file://. A page from file:// gets no response headers, so the session's
// Content-Security-Policy never applied to it, and file:// pages may read
// other local files; a standard, secure custom scheme has its own origin and
// every response carries the same security headers as the loopback server.
//
// This module does not import 'electron': main.ts registers the scheme and
// hands this handler to protocol.handle, so the handler is tested in plain Node
// (app-protocol-handler.test.ts) and run again on the packaged files by
// scripts/package-check.ts.

import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CONTENT_TYPES, isInside, resolveInside, SECURITY_HEADERS } from '../ipc/static-file-server.ts';

/** The scheme registered as standard and secure before the app is ready. */
export const APP_SCHEME = 'app';
/** The one host the scheme answers; any other host is not ours. */
export const APP_HOST = 'cashier-desk';
/** Where the window loads the register from. */
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** A protocol.handle handler: a web Request in, a web Response out. */
export type AppProtocolHandler = (request: Request) => Promise<Response>;

/** Serves files under `root` (the built renderer folder) for app://cashier-desk/…, nothing outside it. */
export function createAppProtocolHandler(root: string): AppProtocolHandler {
  const base = path.resolve(root);
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method not allowed.');
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return plain(400, 'Bad address.');
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return plain(404, 'Not found.');
    const file = resolveInside(base, url.pathname);
    if (file === 'bad') return plain(400, 'Bad path.');
    if (file === 'outside') return plain(403, 'Forbidden.');
    let body: Buffer;
    try {
      const real = await fs.realpath(file);
      // A symlink inside the folder must not lead out of it.
      if (!isInside(await fs.realpath(base), real)) return plain(403, 'Forbidden.');
      if (!(await fs.stat(real)).isFile()) return plain(404, 'Not found.');
      body = await fs.readFile(real);
    } catch {
      return plain(404, 'Not found.');
    }
    const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: {
        ...SECURITY_HEADERS,
        'Content-Type': type,
        'Content-Length': String(body.length),
        'Cache-Control': file.endsWith('.html') ? 'no-store' : 'no-cache',
      },
    });
  };
}

function plain(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
}
