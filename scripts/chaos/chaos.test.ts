// The chaos harness, tested (issue 14 §4): a small run on the real register
// passes with faults fired, kills delivered and both duplicate-check settings
// used. The named kill points and the two deliberately broken registers are
// tested in chaos-kill-points.test.ts and chaos-broken-registers.test.ts: each
// file is a run of its own, so the three fit the runner's per-file limit and
// run side by side. Real simulators in their own processes, real SIGKILLs.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from './chaos-processes.ts';
import { runChaos, type ChaosResult } from './chaos-run.ts';

const LINE =
  /^chaos: payments=(\d+) charges=(\d+) double_charges=(\d+) lost_approvals=(\d+) unresolved=(\d+) orphans_unflagged=(\d+) phantom_approvals=(\d+) over_approved=(\d+) register_orphans=(\d+) over_refunds=(\d+) double_refunds=(\d+) batches=(\d+) unexplained_variance=(\d+) kills=(\d+)( kills_\w+=\d+)+$/;

function cleanUp(r: ChaosResult): void {
  if (r.dir.startsWith(os.tmpdir())) fs.rmSync(r.dir, { recursive: true, force: true });
}

test('chaos CLI: 40 payments, seed 4242, ends with the full line, every count zero, faults fired, kills delivered, both duplicate-check settings', { timeout: 240_000 }, async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/chaos/chaos.ts'), '--payments', '40', '--seed', '4242'], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  const line = out.trim().split('\n').pop() ?? '';
  const m = LINE.exec(line);
  assert.ok(m, `last line is not the chaos line: ${JSON.stringify(line)}\n${err.slice(-3000)}`);
  const [payments, charges, ...counts] = m.slice(1, 14).map(Number);
  assert.equal(payments, 40);
  assert.ok(charges >= 30, `only ${charges} charges for 40 tickets: the run barely charged anything\n${err.slice(-3000)}`);
  const batches = counts.splice(9, 1)[0];
  assert.deepEqual(counts, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], err.slice(-3000));
  // The manager closed every PIN pad's batch and gave money back, refusing what was more than left.
  assert.equal(batches, 3, err.slice(-3000));
  const reversals = JSON.parse(/ reversals=(\{[^}]*\})/.exec(err)?.[1] ?? '{}') as Record<string, number>;
  assert.ok((reversals.full ?? 0) + (reversals.partial ?? 0) >= 3, `too few reversals: ${JSON.stringify(reversals)}`);
  assert.match(err, /refusals=\{[^}]*"over_refund":[1-9]/, 'no over-refund was asked and refused');
  const kills = Number(m[14]);
  assert.ok(kills > 0, 'no kill happened');
  // Faults fired and both settings ran: read from the run's own detail line.
  const detail = /chaos: detail .* duplicate_check_on=(\d+) duplicate_check_off=(\d+) faults=(\{[^}]*\})/.exec(err);
  assert.ok(detail, err.slice(-2000));
  assert.ok(Number(detail[1]) > 0 && Number(detail[2]) > 0, 'both duplicate-check settings ran');
  const faults = JSON.parse(detail[3]) as Record<string, number>;
  assert.ok(Object.values(faults).reduce((a, b) => a + b, 0) >= 5, `too few faults fired: ${detail[3]}`);
  assert.match(err, /chaos: before Find Missing: charges=\d+/);
  assert.match(err, /chaos: after Find Missing: {2}charges=\d+/);
  // The scan of the run's folder for card data ran and passed.
  assert.match(err, /card-data-scan: \d+ files?, \d+ bytes, no card data/);
  assert.equal(code, 0);
  const dir = /journal and logs in (\S+)/.exec(err)?.[1];
  if (dir && dir.startsWith(os.tmpdir())) fs.rmSync(dir, { recursive: true, force: true });
});

