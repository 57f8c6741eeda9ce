// The app is killed with SIGKILL while a payment's approval is lost on the way
// back; a new coordinator on the same journal recovers at start-up. The child
// process runs the coordinator; the PIN pad simulator and the gateway live here.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../src-shared/errors.ts';
import { attemptEvents, startRig, type Rig } from './payment-test-rig.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
let rig: Rig | undefined;
let child: ChildProcess | undefined;
after(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rig?.close();
});

test('approval lost, app killed with SIGKILL, restarted: recovered at start-up as approved; one charge', async () => {
  rig = await startRig();
  const pad = rig.pads.pad1.sim;
  pad.setFault({ kind: 'drop_response' }, { once: true });
  const cfg = { journalPath: rig.journalPath, padPort: rig.pads.pad1.port, gatewayUrl: rig.gateway.url };
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'payment-crash-child.ts'), JSON.stringify(cfg)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child = proc;
  let out = '';
  let err = '';
  proc.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const deadline = Date.now() + 15_000;
  while (!(out.includes('STATE sent') && pad.records().length === 1)) {
    if (Date.now() > deadline || proc.exitCode !== null) assert.fail(`child did not reach the charge: ${out} ${err.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGKILL');
  await exited;
  const [, attemptId, ticketId] = /STATE sent (\S+) (\S+)/.exec(out)!;
  assert.ok(!out.includes('DONE'), 'the child never heard the answer');

  // Restart: the journal holds the attempt as sent, committed before the charge.
  const coordinator = rig.coordinator;
  assert.equal(coordinator.snapshot(attemptId).state, 'sent');
  await assert.rejects(coordinator.start(ticketId, 1000), (e: unknown) => e instanceof AppError && e.code === 'attempt_unresolved');
  const recovered = await coordinator.recoverOnStartup();
  assert.equal(recovered.length, 1);
  assert.equal(recovered[0].id, attemptId);
  assert.equal(recovered[0].state, 'approved');
  assert.equal(recovered[0].approvalSource, 'terminal_lookup');
  assert.deepEqual(attemptEvents(rig.journal, attemptId).map((e) => [e.type, e.state]), [
    ['created', 'created'],
    ['send', 'sent'],
    ['doubt', 'in_doubt'],
    ['approve', 'approved'],
  ]);
  assert.equal(rig.coordinator.attempts.get(attemptId).doubtReason, 'crash');
  assert.equal(rig.tickets.get(ticketId).status, 'paid');
  assert.equal(rig.charges('R1T1P1').length, 1);
  assert.equal(rig.journal.verify().ok, true);
});
