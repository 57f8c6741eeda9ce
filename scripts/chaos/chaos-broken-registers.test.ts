// The chaos run can fail (issue 14 §4): two deliberately broken registers,
// built through the payment coordinator's test seams (never reachable in
// production), each make a short run fail on the processor's own truth.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { test } from 'node:test';
import { runChaos, type ChaosResult } from './chaos-run.ts';

function cleanUp(r: ChaosResult): void {
  if (r.dir.startsWith(os.tmpdir())) fs.rmSync(r.dir, { recursive: true, force: true });
}

test('broken register 1: a resolver that says "not charged" as soon as either source answers makes the run fail', { timeout: 240_000 }, async () => {
  // Late bank answers, no duplicate check to hide the resend, no kills to muddy it.
  const r = await runChaos({
    payments: 12, seed: 5, broken: 'hasty_resolver', faultKinds: ['processor_late'], faultRate: 0.9, duplicateChecks: 'off', killRate: 0, pointKillRate: 0,
  });
  assert.equal(r.passed, false, r.line);
  assert.ok(r.tally.doubleCharges > 0, `no double charge counted: ${r.line}`);
  cleanUp(r);
});

test('broken register 2: a register that sends every sale under another invoice than it journals makes the run fail', { timeout: 240_000 }, async () => {
  const r = await runChaos({ payments: 8, seed: 6, broken: 'wrong_invoice', faultRate: 0, killRate: 0, pointKillRate: 0 });
  assert.equal(r.passed, false, r.line);
  assert.ok(r.tally.phantomApprovals >= 6, `phantoms: ${r.line}`);
  cleanUp(r);
});
