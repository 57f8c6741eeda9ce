// The headless CLI as the e2e fixtures use it: a real child process, its one
// ready line, a real WebSocket client, and a clean exit on SIGTERM.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { IpcClient, webSocketTransport } from '../src-shared/ipc-client.ts';
import { runTsx } from './ipc/child-process-rig.ts';
import { openSocket, tempDir } from './ipc/ipc-test-rig.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const READY = /^cashier-desk headless: http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]+)$/;
let dir: string;

before(() => {
  dir = tempDir('cashier-headless-');
  fs.mkdirSync(path.join(dir, 'static'));
  fs.writeFileSync(path.join(dir, 'static', 'index.html'), '<!doctype html><title>Cashier Desk test</title>');
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('prints exactly one ready line, serves the host, and exits 0 on SIGTERM', async () => {
  const journal = path.join(dir, 'journal.sqlite');
  const run = runTsx(['src-main/headless-cli.ts', '--journal', journal, '--port', '0', '--static', path.join(dir, 'static'), '--training'], { cwd: ROOT });
  try {
    const line = await run.waitForLine(READY);
    const [, port, token] = READY.exec(line)!;
    const ws = await openSocket(`ws://127.0.0.1:${port}/ipc?token=${token}`);
    const client = new IpcClient(webSocketTransport(ws), { timeoutMs: 5000 });
    const info = await client.call('app.info', {});
    assert.equal(info.trainingMode, true);
    const t = await client.call('ticket.create', {});
    assert.equal(t.status, 'open');
    client.close();
    const page = await fetch(`http://127.0.0.1:${port}/`);
    assert.match(await page.text(), /Cashier Desk test/);
    assert.ok(fs.existsSync(journal), 'the journal is where --journal said');
    run.child.kill('SIGTERM');
    assert.equal(await run.exited(), 0);
    assert.deepEqual(run.lines().filter((l) => l !== ''), [line], 'stdout holds only the ready line');
  } finally {
    run.child.kill('SIGKILL');
  }
});

test('a bad --port is refused with a clear message and exit code 2', async () => {
  const run = runTsx(['src-main/headless-cli.ts', '--port', 'eighty'], { cwd: ROOT });
  assert.equal(await run.exited(), 2);
  assert.match(run.stderr(), /--port must be a whole number from 0 to 65535/);
});

test('an unknown option is refused, not ignored', async () => {
  const run = runTsx(['src-main/headless-cli.ts', '--jornal', 'x'], { cwd: ROOT });
  assert.equal(await run.exited(), 2);
  assert.match(run.stderr(), /jornal/);
});
