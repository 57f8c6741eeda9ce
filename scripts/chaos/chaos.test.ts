// The chaos run end to end, small: 40 payments, fixed seed, real simulators in
// their own processes, real SIGKILLs of the host. It must end with the four
// invariant counts at zero and exit 0.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from './chaos-processes.ts';

test('chaos run: 40 payments, seed 4242, no double charge, no lost approval, nothing unresolved, every orphan flagged', { timeout: 240_000 }, async () => {
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
  const m = /^chaos: payments=(\d+) charges=(\d+) double_charges=(\d+) lost_approvals=(\d+) unresolved=(\d+) orphans_unflagged=(\d+) kills=(\d+)$/.exec(line);
  assert.ok(m, `last line is not the chaos line: ${JSON.stringify(line)}\n${err.slice(-3000)}`);
  const [payments, charges, doubles, lost, unresolved, orphans] = m.slice(1).map(Number);
  assert.equal(payments, 40);
  assert.ok(charges >= 30, `only ${charges} charges for 40 tickets: the run barely charged anything\n${err.slice(-3000)}`);
  assert.deepEqual({ doubles, lost, unresolved, orphans }, { doubles: 0, lost: 0, unresolved: 0, orphans: 0 }, err.slice(-3000));
  assert.equal(code, 0);
  // Passed: the run folder (journal, logs) is not needed; on failure it stays for the post-mortem.
  const dir = /journal and logs in (\S+)/.exec(err)?.[1];
  if (dir && dir.startsWith(os.tmpdir())) fs.rmSync(dir, { recursive: true, force: true });
});
