// The folio chaos run can fail (issue 12 §6): each of its four counts goes
// above zero on a deliberately broken purser host (folio-chaos-broken.ts),
// counted on the processor's own ledger, and the run then fails.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { test } from 'node:test';
import { runFolioChaos, type FolioChaosOptions, type FolioChaosResult } from './folio-chaos-run.ts';

async function brokenRun(o: Partial<FolioChaosOptions> & { broken: string; seed: number }): Promise<FolioChaosResult> {
  const r = await runFolioChaos({ folios: 8, killRate: 0, pointKillRate: 0, drainMs: 4000, ...o });
  assert.equal(r.passed, false, `the broken host ${o.broken} passed: ${r.line}`);
  if (r.dir.startsWith(os.tmpdir())) fs.rmSync(r.dir, { recursive: true, force: true });
  return r;
}

test('sent_twice: a sender that resends without looking up, the processor’s duplicate check off, is caught on the ledger', { timeout: 120_000 }, async () => {
  // Answers lost after the processor did the work: the broken sender sends the record again.
  const r = await brokenRun({ broken: 'resend_without_lookup', seed: 21, duplicateChecks: 'off', faultRate: 0.9, offlineRate: 0 });
  assert.ok(r.tally.sentTwice > 0, r.line);
});

test('lost: an approval journaled as a decline (the processor did it, the journal says not) is caught', { timeout: 120_000 }, async () => {
  const r = await brokenRun({ broken: 'approval_as_decline', seed: 22, faultRate: 0, offlineRate: 0, autoIncrements: 'on' });
  assert.ok(r.tally.lost > 0, r.line);
  assert.equal(r.tally.sentTwice, 0, r.line);
});

test('lost: increments sent under another invoice leave processor entries no queue record names', { timeout: 120_000 }, async () => {
  const r = await brokenRun({ broken: 'wrong_invoice', seed: 23, faultRate: 0, offlineRate: 0, autoIncrements: 'on' });
  assert.ok(r.tally.lost > 0, r.line);
  assert.ok(r.tally.findings.some((f) => /no queue record has this reference/.test(f)), r.tally.findings.join('\n'));
});

test('stuck: a sender that drops settlements leaves them outstanding after the final drain', { timeout: 120_000 }, async () => {
  const r = await brokenRun({ broken: 'drop_settlement', seed: 24, faultRate: 0, offlineRate: 0 });
  assert.ok(r.tally.stuck > 0, r.line);
  assert.equal(r.tally.lost, 0, r.line);
});

test('settled_over_authorised: a checkout capturing the folio total without the increment, on a lax processor, is caught', { timeout: 120_000 }, async () => {
  // Postings do not raise the authorisation (auto increments off), so only checkout's increment would cover them;
  // the processor is made lax (100 % tolerance) so the run, not the processor, must catch the capture.
  const r = await brokenRun({ broken: 'capture_without_increment', seed: 25, faultRate: 0, offlineRate: 0, autoIncrements: 'off', processorTolerancePercent: 100 });
  assert.ok(r.tally.settledOverAuthorised > 0, r.line);
});

test('the same checkouts done right on the same lax processor stay within the authorised total', { timeout: 120_000 }, async () => {
  const r = await runFolioChaos({ folios: 8, seed: 25, killRate: 0, pointKillRate: 0, faultRate: 0, offlineRate: 0, autoIncrements: 'off', processorTolerancePercent: 100 });
  assert.equal(r.passed, true, `${r.line}\n${r.tally.findings.join('\n')}`);
  if (r.dir.startsWith(os.tmpdir())) fs.rmSync(r.dir, { recursive: true, force: true });
});
