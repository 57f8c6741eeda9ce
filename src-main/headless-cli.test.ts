// The headless CLI as the e2e fixtures use it: a real child process, its one
// ready line, a real WebSocket client, and a clean exit on SIGTERM.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { IpcClient, webSocketTransport } from '../src-shared/ipc-client.ts';
import { runTsx } from './ipc/child-process-test-rig.ts';
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
  const run = runTsx(['src-main/headless-cli.ts', '--journal', journal, '--port', '0', '--static', path.join(dir, 'static'), '--training', '--cancel-after-seconds', '3', '--card-time-ms', '20', '--sale-timeout-ms', '2000'], { cwd: ROOT });
  try {
    const line = await run.waitForLine(READY);
    const [, port, token] = READY.exec(line)!;
    const ws = await openSocket(`ws://127.0.0.1:${port}/ipc?token=${token}`);
    const client = new IpcClient(webSocketTransport(ws), { timeoutMs: 5000 });
    const info = await client.call('app.info', {});
    assert.equal(info.trainingMode, true);
    assert.equal(info.cancelAfterSeconds, 3, '--cancel-after-seconds reaches the payment screen');
    const t = await client.call('ticket.create', {});
    assert.equal(t.status, 'open');
    const [item] = await client.call('catalog.list', {});
    const { total } = await client.call('ticket.addLine', { ticketId: t.id, itemId: item.id });
    const paid = await client.call('payment.start', { ticketId: t.id, amount: total });
    assert.equal(paid.state, 'approved', 'a training card payment works in browser mode');
    // --sale-timeout-ms reaches the training PIN pad: a lost answer turns into "in doubt" within the client's 5 s.
    await client.call('training.simulate', { scenario: 'lose_approval' });
    const t2 = await client.call('ticket.create', {});
    const { total: total2 } = await client.call('ticket.addLine', { ticketId: t2.id, itemId: item.id });
    const lost = await client.call('payment.start', { ticketId: t2.id, amount: total2 });
    assert.ok(['in_doubt', 'approved'].includes(lost.state), lost.state);
    assert.equal(lost.doubtReason, 'timeout');
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

test('a bad --cancel-after-seconds is refused with a clear message and exit code 2', async () => {
  const run = runTsx(['src-main/headless-cli.ts', '--cancel-after-seconds', '1.5'], { cwd: ROOT });
  assert.equal(await run.exited(), 2);
  assert.match(run.stderr(), /--cancel-after-seconds must be a whole number from 0 to 3600/);
});

test('an unknown option is refused, not ignored', async () => {
  const run = runTsx(['src-main/headless-cli.ts', '--jornal', 'x'], { cwd: ROOT });
  assert.equal(await run.exited(), 2);
  assert.match(run.stderr(), /jornal/);
});
