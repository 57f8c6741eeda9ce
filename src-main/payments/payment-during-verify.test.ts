// Issue 10 §3: `journal verify` on a large journal must not delay a payment.
// The journal is built by the test (≥ 200,000 events, chain valid); a sale
// then runs through the real PAX simulator over TCP while verify walks it,
// and must answer within its normal time. Run on the host's thread (the old
// journal.verify()), the same verify blocks the event loop for seconds.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openJournal } from '../journal/journal.ts';
import { fillJournal } from '../journal/journal-test-rig.ts';
import { startRig, type Rig } from './payment-test-rig.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-verify-sale-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

async function timedSale(rig: Rig): Promise<number> {
  const t = rig.ticketWith('coffee');
  const t0 = performance.now();
  const a = await rig.coordinator.start(t.id, t.due);
  const ms = performance.now() - t0;
  assert.equal(a.state, 'approved');
  return ms;
}

test('a card sale answers within its normal time while verify walks a 200,000-event journal', async (t) => {
  const file = path.join(dir, 'journal.sqlite');
  const built = openJournal({ path: file, integrityCheck: 'none' });
  const events = fillJournal(built, 200_000);
  built.close();
  assert.ok(events >= 200_000);

  const rig = await startRig({ dir });
  try {
    await rig.journal.checkIntegrityInBackground(); // the start-up check is done, so it does not compete below
    const normal: number[] = [];
    for (let i = 0; i < 5; i++) normal.push(await timedSale(rig));
    normal.sort((a, b) => a - b);
    const usual = normal[2];

    // Event-loop watch: the longest gap between 5 ms ticks while verify runs.
    let last = performance.now();
    let worstGap = 0;
    const tick = setInterval(() => {
      const now = performance.now();
      worstGap = Math.max(worstGap, now - last);
      last = now;
    }, 5);
    let settled = false;
    const t0 = performance.now();
    const verifying = rig.journal.verifyOffThread();
    void verifying.finally(() => (settled = true));
    assert.equal(rig.journal.verifyOffThread(), verifying, 'a second press shares the running verify');
    try {
      await new Promise((r) => setTimeout(r, 100)); // the worker is well into the walk
      const during = await timedSale(rig);
      assert.equal(settled, false, 'the sale finished while verify was still running');
      const report = await verifying;
      const verifyMs = performance.now() - t0;
      assert.equal(report.ok, true, JSON.stringify(report.breaks.slice(0, 3)));
      assert.ok(report.events >= events + 5);
      // Generous for a shared 2-core machine, yet far below the seconds verify takes (and would block, on this thread).
      const limit = Math.max(3 * usual, usual + 300);
      assert.ok(during <= limit, `sale took ${during.toFixed(0)} ms during verify; normally ${usual.toFixed(0)} ms (limit ${limit.toFixed(0)})`);
      assert.ok(verifyMs > limit, `verify (${verifyMs.toFixed(0)} ms) must outlast the limit for this test to prove anything`);
      // On this thread, verify would hold the loop for all of its run; off it, a loaded machine's scheduling is all that remains.
      assert.ok(worstGap < Math.max(250, verifyMs / 4), `the host's event loop stalled ${worstGap.toFixed(0)} ms during a ${verifyMs.toFixed(0)} ms verify`);
      t.diagnostic(`sale ${during.toFixed(0)} ms during verify (normally ${usual.toFixed(0)} ms); verify ${verifyMs.toFixed(0)} ms; worst event-loop gap ${worstGap.toFixed(0)} ms`);
    } finally {
      clearInterval(tick);
    }
  } finally {
    await rig.close();
  }
});
