import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JournalVerifyReport } from '../../../src-shared/domain.ts';
import { verifyWords } from './journal-verify-words.ts';

const clean: JournalVerifyReport = { ok: true, events: 12345, lastSeq: 12345, integrityOk: true, breaks: [] };

test('an intact journal: one plain sentence with the number of changes checked', () => {
  const w = verifyWords(clean);
  assert.equal(w.ok, true);
  assert.deepEqual(w.lines, []);
  assert.equal(w.headline, 'The journal is intact: 12,345 recorded changes checked, and every ticket and payment matches its history.');
});

test('history_lost and state_mismatch are labelled and said in plain words; the detail is kept for support', () => {
  const w = verifyWords({
    ...clean,
    ok: false,
    breaks: [
      { seq: 90, kind: 'history_lost', detail: 'had recorded 90 changes but now holds only 60' },
      { seq: 7, kind: 'state_mismatch', table: 'tickets', rowId: 't1', detail: 'ticket #3 (tickets t1): total is 1, its events say 2450' },
      { seq: 9, kind: 'state_mismatch', table: 'payment_attempts', rowId: 'a1', detail: 'payment attempt (payment_attempts a1): amount_approved is 1' },
      { seq: 4, kind: 'hash_mismatch', detail: 'event 4 (ticket.paid) was changed after it was written' },
    ],
  });
  assert.equal(w.ok, false);
  assert.match(w.headline, /NOT intact: 4 problems found in 12,345 recorded changes\. Keep the file \(do not delete it\) and contact support\.$/);
  assert.deepEqual(w.lines.map((l) => l.label), ['History lost', 'State mismatch', 'State mismatch', 'Changed record']);
  assert.match(w.lines[0].text, /confirmed are missing.*Payments are stopped/);
  assert.equal(w.lines[1].text, 'A ticket differs from the history that produced it: it was changed outside the app.');
  assert.match(w.lines[2].text, /^A card payment differs/);
  assert.equal(w.lines[1].detail, 'ticket #3 (tickets t1): total is 1, its events say 2450');
});

test('a damaged file is said even when no chain break was found', () => {
  const w = verifyWords({ ...clean, ok: false, integrityOk: false });
  assert.match(w.headline, /1 problem found.*failed its integrity check\.$/);
});
