// `npm start` without the Electron runtime (as on these machines): one clear
// line, then browser mode serving the host; Ctrl-C stops everything.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { IpcClient, webSocketTransport } from '../src-shared/ipc-client.ts';
import { runTsx } from '../src-main/ipc/child-process-test-rig.ts';
import { openSocket } from '../src-main/ipc/ipc-test-rig.ts';
import { ELECTRON_MISSING_LINE, chromiumArgs, resolveElectron } from './start.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
let dir: string;
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-start-'));
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('chromium app-mode flags: fresh profile, no sandbox only as root', () => {
  const asRoot = chromiumArgs('http://127.0.0.1:1/?token=t', '/tmp/p', true);
  assert.equal(asRoot[0], '--app=http://127.0.0.1:1/?token=t');
  assert.ok(asRoot.includes('--user-data-dir=/tmp/p'));
  assert.ok(asRoot.includes('--no-sandbox'));
  for (const f of ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic']) {
    assert.ok(asRoot.includes(f), f);
  }
  assert.ok(!chromiumArgs('u', '/tmp/p', false).includes('--no-sandbox'));
});

test('resolveElectron answers a path that exists, or null', () => {
  const p = resolveElectron();
  assert.ok(p === null || fs.existsSync(p));
});

test('without the Electron runtime and a display: the one line, the URL, a working host, clean Ctrl-C', { skip: resolveElectron() !== null && 'Electron runtime is installed here' }, async () => {
  const env = { ...process.env };
  delete env.DISPLAY;
  const journal = path.join(dir, 'journal.sqlite');
  const run = runTsx(['scripts/start.ts', '--no-build', '--journal', journal], { cwd: ROOT, env });
  try {
    await run.waitForLine(new RegExp(`^${ELECTRON_MISSING_LINE.replace(/[.()]/g, '\\$&')}$`));
    const line = await run.waitForLine(/^No display: open http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const url = new URL(/(http:\/\/\S+)/.exec(line)![1]);
    const ws = await openSocket(`ws://${url.host}/ipc?token=${url.searchParams.get('token')}`);
    const client = new IpcClient(webSocketTransport(ws), { timeoutMs: 5000 });
    assert.equal((await client.call('status.get', {})).journal.path, journal);
    client.close();
    run.child.kill('SIGINT');
    assert.equal(await run.exited(), 0);
  } finally {
    run.child.kill('SIGKILL');
  }
});
