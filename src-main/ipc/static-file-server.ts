// Serves the built renderer from one folder on the loopback HTTP server, with
// the strict CSP, and nothing outside that folder.

import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { CONTENT_SECURITY_POLICY } from './content-security-policy.ts';

/** Content types of the built renderer's files (this server and the Electron app:// handler). */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

/** Security headers sent with every response, files and errors alike. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** A request handler that serves files under `root` (read-only, GET/HEAD). */
export function createStaticFileHandler(root: string): (req: IncomingMessage, res: ServerResponse) => void {
  const base = path.resolve(root);
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Method not allowed.', { Allow: 'GET, HEAD' });
    const file = resolveInside(base, req.url ?? '/');
    if (file === 'bad') return plain(res, 400, 'Bad path.');
    if (file === 'outside') return plain(res, 403, 'Forbidden.');
    if (!fs.existsSync(base)) {
      return plain(res, 503, `The screens are not built yet (${base} is missing). Run "npm run build:renderer" and reload.`);
    }
    let real: string;
    try {
      real = fs.realpathSync(file);
      if (!fs.statSync(real).isFile()) return plain(res, 404, 'Not found.');
    } catch {
      return plain(res, 404, 'Not found.');
    }
    // A symlink inside the folder must not lead out of it.
    if (!isInside(fs.realpathSync(base), real)) return plain(res, 403, 'Forbidden.');
    const type = CONTENT_TYPES[path.extname(real).toLowerCase()] ?? 'application/octet-stream';
    const body = fs.readFileSync(real);
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': type,
      'Content-Length': body.length,
      'Cache-Control': real.endsWith('.html') ? 'no-store' : 'no-cache',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

/** Maps a request URL (or a URL's path) to a file path under base, or says why it cannot (shared with the app:// handler). */
export function resolveInside(base: string, url: string): string | 'bad' | 'outside' {
  const rawPath = url.split('?')[0].split('#')[0];
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return 'bad';
  }
  if (decoded.includes('\0') || !decoded.startsWith('/')) return 'bad';
  const relative = decoded.endsWith('/') ? `${decoded}index.html` : decoded;
  const file = path.resolve(base, `.${relative}`);
  return isInside(base, file) ? file : 'outside';
}

/** True when `file` lies strictly under `base`. */
export function isInside(base: string, file: string): boolean {
  return file.startsWith(base + path.sep);
}

function plain(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...extra });
  res.end(text);
}
