// The store's chaos run can fail (issue 13 §5): a register that ignores the
// store's warning, and a relay that skips an event, each make a short run
// fail on the ground truth (the processor's ledger; the journal files against
// the store's rows).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { test } from 'node:test';
import { runStoreChaos, type StoreChaosResult } from './chaos-store-run.ts';

function cleanUp(r: StoreChaosResult): void {
  if (r.dir.startsWith(os.tmpdir())) fs.rmSync(r.dir, { recursive: true, force: true });
}

test('broken store register 1: registers that never ask the store charge re-rung customers twice; the ledger shows it', { timeout: 240_000 }, async () => {
  // No cuts and no kills: every second charge could have been warned.
  const r = await runStoreChaos({ registers: 4, payments: 40, seed: 3, broken: 'ignores_store_warning', rerungRate: 0.5, faultRate: 0, killRate: 0, cutEveryMs: 600_000, storeKillEveryMs: 600_000 });
  assert.equal(r.passed, false, r.line);
  assert.ok(r.tally.crossRegisterDoubleCharges > 0, r.line);
  assert.equal(r.tally.warned, 0, r.line);
  // The store still flagged every pair for the manager afterwards.
  assert.ok(r.tally.flagged >= r.tally.crossRegisterDoubleCharges, r.line);
  cleanUp(r);
});

test('broken store register 2: a relay that skips one event leaves it missing from the store', { timeout: 240_000 }, async () => {
  const r = await runStoreChaos({ registers: 4, payments: 16, seed: 4, broken: 'relay_skips_event', faultRate: 0, killRate: 0, cutEveryMs: 600_000, storeKillEveryMs: 600_000 });
  assert.equal(r.passed, false, r.line);
  assert.ok(r.tally.missing > 0 || r.tally.altered > 0, r.line);
  assert.ok(r.tally.replicatedOnce < r.tally.events, r.line);
  cleanUp(r);
});
