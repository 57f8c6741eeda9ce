// Run by package-check.ts in a child `node` over the packaged app as Electron
// would see it (argv[2]: a folder holding app.asar's files, each native binary
// a link into app.asar.unpacked). Loads the native modules and uses each once,
// serves the entry page through the packaged app:// handler, and prints one
// JSON line; package-check judges it. Every require goes by absolute path into
// that folder, so nothing comes from the project's own node_modules.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const view = path.resolve(process.argv[2] ?? '');
const requireInView = createRequire(path.join(view, 'package.json'));
const result: Record<string, unknown> = {};

async function probe(name: string, run: () => unknown): Promise<void> {
  try {
    result[name] = { ok: true, value: await run() };
  } catch (err) {
    result[name] = { ok: false, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
}

interface SqliteDb {
  prepare(sql: string): { get(...params: unknown[]): unknown; run(...params: unknown[]): unknown };
  close(): void;
}

await probe('sqlite', () => {
  const Database = requireInView('better-sqlite3') as new (file: string) => SqliteDb;
  const db = new Database(':memory:');
  try {
    db.prepare('CREATE TABLE t (amount INTEGER NOT NULL)').run();
    db.prepare('INSERT INTO t (amount) VALUES (?), (?)').run(1250, 399);
    return db.prepare('SELECT sqlite_version() AS version, sum(amount) AS total FROM t').get();
  } finally {
    db.close();
  }
});

await probe('serialport', async () => {
  const { SerialPort } = requireInView('serialport') as { SerialPort: { list(): Promise<unknown[]> } };
  const ports = await SerialPort.list();
  return { isArray: Array.isArray(ports), count: ports.length };
});

await probe('hid', () => {
  const HID = requireInView('node-hid') as { devices(): unknown[] };
  const devices = HID.devices();
  return { isArray: Array.isArray(devices), count: devices.length };
});

await probe('protocol', async () => {
  const handlerUrl = pathToFileURL(path.join(view, 'dist-main', 'src-main', 'electron', 'app-protocol-handler.js')).href;
  const cspUrl = pathToFileURL(path.join(view, 'dist-main', 'src-main', 'ipc', 'content-security-policy.js')).href;
  const { createAppProtocolHandler, APP_ENTRY_URL } = (await import(handlerUrl)) as {
    createAppProtocolHandler(root: string): (r: Request) => Promise<Response>;
    APP_ENTRY_URL: string;
  };
  const { CONTENT_SECURITY_POLICY } = (await import(cspUrl)) as { CONTENT_SECURITY_POLICY: string };
  const handle = createAppProtocolHandler(path.join(view, 'dist-renderer'));
  const entry = await handle(new Request(APP_ENTRY_URL));
  const body = await entry.text();
  const script = /<script[^>]*src="([^"]+)"/.exec(body)?.[1];
  const asset = script ? await handle(new Request(new URL(script, APP_ENTRY_URL))) : undefined;
  // package.json sits beside dist-renderer in the package: one level up, slash encoded.
  const outside = await handle(new Request(APP_ENTRY_URL.replace(/index\.html$/, '..%2fpackage.json')));
  return {
    entryUrl: APP_ENTRY_URL,
    entryStatus: entry.status,
    entryCsp: entry.headers.get('content-security-policy'),
    expectedCsp: CONTENT_SECURITY_POLICY,
    entryType: entry.headers.get('content-type'),
    script: script ?? null,
    scriptStatus: asset?.status ?? null,
    scriptCsp: asset?.headers.get('content-security-policy') ?? null,
    outsideStatus: outside.status,
  };
});

// Which shared objects this process really mapped (Linux): proves the native
// binaries came from app.asar.unpacked and not from a copy elsewhere.
try {
  const maps = readFileSync('/proc/self/maps', 'utf8');
  result.nativeLoaded = [...new Set(maps.split('\n').map((l) => l.slice(l.indexOf('/'))).filter((p) => p.endsWith('.node')))];
} catch {
  result.nativeLoaded = null;
}

process.stdout.write(`${JSON.stringify(result)}\n`);
