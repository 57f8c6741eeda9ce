// Opening checks only what does not grow with history; the full
// integrity_check runs in a child process and its verdict is the journal's.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { IntegrityStatus } from './journal-integrity.ts';
import { openJournal, type Journal } from './journal.ts';
import { corruptMiddleLeafPage, openTestJournal, tempDir } from './journal-test-rig.ts';

const tmp = tempDir();
after(() => tmp.cleanup());
let n = 0;
const file = () => path.join(tmp.dir, `j${++n}.sqlite`);

/** A closed journal file with `count` events: enough pages for a "middle". */
function journalWithEvents(count: number): string {
  const f = file();
  const j = openJournal({ path: f, integrityCheck: 'none' });
  j.transact(() => {
    for (let i = 1; i <= count; i++) j.appendEvent({ entity: 'test', entityId: `e${i}`, type: 'happened', payload: { i, note: 'x'.repeat(80) } });
  });
  j.close();
  return f;
}

test('a healthy journal: checking at once, then ok, and listeners hear both verdicts', async () => {
  const f = journalWithEvents(500);
  const j = openTestJournal(f);
  assert.equal(j.integrity().state, 'checking');
  const heard: IntegrityStatus[] = [];
  j.onIntegrityChange((s) => heard.push(s));
  const verdict = await j.checkIntegrityInBackground();
  assert.equal(verdict.state, 'ok');
  assert.deepEqual(verdict.problems, []);
  assert.equal(j.integrity().state, 'ok');
  assert.deepEqual(heard.map((s) => s.state), ['ok']);
  j.close();
});

test('damage in the middle of a table: opens, the background check finds it, verify agrees', async () => {
  const f = journalWithEvents(3000);
  corruptMiddleLeafPage(f, 'events');
  let j: Journal | undefined;
  const t0 = performance.now();
  j = openTestJournal(f); // the cheap checks pass: header, stamps and the chain's ends are intact
  const openMs = performance.now() - t0;
  try {
    assert.equal(j.integrity().state, 'checking');
    const verdict = await j.checkIntegrityInBackground();
    assert.equal(verdict.state, 'failed');
    assert.ok(verdict.problems.length > 0);
    assert.match(verdict.message ?? '', /failed its integrity check.*payments are stopped.*Do not delete it.*Verify journal/s);
    assert.equal(j.integrity().state, 'failed');
    // The on-demand verify runs the full check synchronously and agrees.
    const report = j.verify();
    assert.equal(report.integrityOk, false);
    assert.equal(report.ok, false);
    assert.equal(j.integrity().state, 'failed');
    assert.ok(openMs < 5000, `open took ${openMs} ms`);
  } finally {
    j?.close();
    j = undefined;
  }
});

test('integrityCheck none runs nothing; a later verify settles the verdict', () => {
  const f = journalWithEvents(10);
  const j = openJournal({ path: f, integrityCheck: 'none' });
  assert.equal(j.integrity().state, 'not_run');
  assert.equal(j.verify().ok, true);
  assert.equal(j.integrity().state, 'ok');
  j.close();
});

test('closing while the check runs stops it without a verdict and leaves nothing running', async () => {
  const f = journalWithEvents(3000);
  const j = openTestJournal(f);
  const verdict = j.checkIntegrityInBackground();
  j.close();
  const s = await verdict;
  // Starting a process takes far longer than this synchronous close: the check is killed, not finished.
  assert.equal(s.state, 'error');
  assert.match(s.message ?? '', /stopped before it finished/);
  assert.equal(j.integrity().state, 'checking');
});
