// Kills at named points (issue 14 §3): a run that arms them often hits each
// one (after the attempt commit, after the PIN pad charged, during Find
// Missing's attach, during start-up recovery, after a reversal is journaled),
// and still ends with every count at zero.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { test } from 'node:test';
import { runChaos, type ChaosResult } from './chaos-run.ts';

function cleanUp(r: ChaosResult): void {
  if (r.dir.startsWith(os.tmpdir())) fs.rmSync(r.dir, { recursive: true, force: true });
}

test('kills at every named point: a run arming them often hits each one', { timeout: 240_000 }, async () => {
  const r = await runChaos({ payments: 40, seed: 99, pointKillRate: 0.5, killRate: 0, requireEveryPoint: true });
  assert.deepEqual(
    Object.fromEntries(Object.entries(r.killsBy).filter(([p]) => p !== 'random' && p !== 'startup_timer').map(([p, n]) => [p, n > 0])),
    { after_commit: true, pad_charged: true, find_missing_attach: true, startup_recovery: true, reversal_sent: true },
    JSON.stringify(r.killsBy),
  );
  assert.equal(r.passed, true, `${r.line}\n${r.tally.findings.join('\n')}`);
  cleanUp(r);
});
