// kill -9 in the middle of the purser's sender: a child process journals an
// increment sent, sends it, and is SIGKILLed at a named point (before the
// request left, after the gateway answered but before the answer was
// journaled, after the answer was journaled but before its effects). Restarted,
// the queue resumes: nothing lost, nothing sent twice, counted on the
// processor's ledger (the ground truth), which lives in this process. The same
// check is shown to fail on a deliberately broken sender (no lookup, a new
// reference on every resend).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createPaxTerminal } from '../../drivers/pax/pax-terminal-factory.ts';
import { PaxSimulator } from '../../drivers/pax/simulator/pax-simulator.ts';
import type { LedgerEntry } from '../../drivers/pax/simulator/processor-ledger.ts';
import { GatewaySimulator } from '../gateways/simulator/gateway-simulator.ts';
import { runTsx } from '../ipc/child-process-test-rig.ts';
import { PURSER_RIG_KEY } from './purser-test-rig.ts';

const CHILD = path.join(import.meta.dirname, 'purser-crash-child.ts');
let gateway: GatewaySimulator;
let pad: PaxSimulator;
let padPort: number;
let dir: string;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-purser-crash-'));
  gateway = await GatewaySimulator.start({ key: PURSER_RIG_KEY });
  pad = new PaxSimulator({ deviceId: 'pad1', processor: gateway.processorLink(), cardTimeMs: 0 });
  padPort = await pad.listenTcp(0);
});
after(async () => {
  await pad.close();
  await gateway.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Incremental authorisations the processor recorded per record reference (a resend under another reference counts too). */
function processed(reference: string): LedgerEntry[] {
  return gateway.ledger.all().filter((e) => e.kind === 'incremental' && (e.invoice === reference || e.invoice.startsWith(`${reference}X`)));
}

let registers = 0;

async function crashAndResume(name: string, killAt: string, broken = false): Promise<{ reference: string; done: string[] }> {
  const journalPath = path.join(dir, `${name}.sqlite`);
  // One register (and journal) per scenario: they share the gateway, as a ship's workstations do.
  const cfg = { registerCode: `K${++registers}`, journalPath, padPort, gatewayUrl: gateway.url };
  const first = runTsx([CHILD, JSON.stringify({ ...cfg, phase: 'setup', killAt })], { cwd: process.cwd() });
  const line = await first.waitForLine(/^KILLPOINT /, 30_000);
  first.child.kill('SIGKILL');
  assert.equal(await first.exited(), 'SIGKILL');
  const reference = line.split(' ')[1];
  const second = runTsx([CHILD, JSON.stringify({ ...cfg, phase: 'resume', broken })], { cwd: process.cwd() });
  assert.equal(await second.exited(30_000), 0, second.stderr());
  return { reference, done: second.lines().filter((l) => l.startsWith('DONE ')) };
}

for (const killAt of ['after_mark_sent', 'after_answer', 'after_answer_journaled']) {
  test(`kill -9 at ${killAt}: restarted, the queue resumes, the increment reaches the processor exactly once, nothing left outstanding`, async () => {
    const { reference, done } = await crashAndResume(`k-${killAt}`, killAt);
    assert.equal(processed(reference).filter((e) => e.status === 'approved').length, 1, 'sent once (ledger)');
    const mine = done.find((l) => l.startsWith(`DONE ${reference} `));
    assert.ok(mine, done.join('\n'));
    const [, , status, queue] = mine.split(' ');
    assert.deepEqual([status, queue], ['1', '8'], 'approved and completed in the journal');
    assert.ok(done.every((l) => l.split(' ')[2] !== '0'), `nothing lost or stuck: ${done.join(' | ')}`);
  });
}

test('kill -9 while the PIN pad holds a registration it authorised: restarted, the PIN pad report registers the card; one authorisation', async () => {
  const journalPath = path.join(dir, 'registration.sqlite');
  const registerCode = `K${++registers}`;
  const cfg = { registerCode, journalPath, padPort, gatewayUrl: gateway.url };
  pad.setFault({ kind: 'delay', ms: 5000 }); // processed (authorised), the answer held back
  const first = runTsx([CHILD, JSON.stringify({ ...cfg, phase: 'setup', killAt: 'registration' })], { cwd: process.cwd() });
  await first.waitForLine(/^REGISTERING/, 30_000);
  const auths = () => gateway.ledger.all().filter((e) => e.kind === 'auth' && e.invoice.startsWith(`${registerCode}G`));
  const deadline = Date.now() + 10_000;
  while (auths().length === 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
  first.child.kill('SIGKILL');
  assert.equal(await first.exited(), 'SIGKILL');
  pad.setFault(null);
  assert.equal(auths().length, 1, 'the PIN pad authorised before the kill');
  const second = runTsx([CHILD, JSON.stringify({ ...cfg, phase: 'resume' })], { cwd: process.cwd() });
  assert.equal(await second.exited(30_000), 0, second.stderr());
  const done = second.lines().filter((l) => l.startsWith('DONE '));
  assert.deepEqual(done.map((l) => l.split(' ').slice(1, 4)), [[auths()[0].invoice, '1', '8']], 'the registration is approved and completed');
  assert.equal(auths().length, 1, 'never authorised twice');
});

test('the same check catches a broken sender that resends without looking up (under a new reference): the processor holds two increments', async () => {
  const { reference } = await crashAndResume('broken', 'after_answer', true);
  assert.equal(processed(reference).filter((e) => e.status === 'approved').length, 2, 'the ledger shows the double send');
});
