import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import { openTestJournal, tempDir } from '../journal-test-rig.ts';
import batches from './0120-batches.ts';
import { MIGRATIONS } from './index.ts';

const tmp = tempDir('cashier-batches-mig-');
after(() => tmp.cleanup());

test('0120 is registered after 0090', () => {
  const i = MIGRATIONS.indexOf(batches);
  assert.ok(i > 0);
  assert.ok(MIGRATIONS[i - 1].version < 120);
  assert.equal(batches.version, 120);
});

test('0120 batches: one open batch per PIN pad, typed lines, a resolution for every closed line, never deleted', () => {
  const journal = openTestJournal(path.join(tmp.dir, 'b.sqlite'));
  try {
    const db = journal.db;
    const batch = db.prepare("INSERT INTO batches (id, terminal_id, status, opened_at, closed_at, currency, created_at, updated_at) VALUES (?, ?, ?, 't0', ?, 'USD', 't0', 't0')");
    batch.run('b1', 'pad1', 'open', null);
    assert.throws(() => batch.run('b2', 'pad1', 'open', null), /UNIQUE/, 'one open batch per PIN pad');
    batch.run('b3', 'pad2', 'open', null);
    assert.throws(() => batch.run('b4', 'pad1', 'closed', null), /CHECK/, 'a closed batch has its close time');
    batch.run('b4', 'pad1', 'closed', 't1');
    const line = db.prepare(
      "INSERT INTO batch_lines (id, batch_id, line_key, variance_type, cause, action, journal_amount, amount, status, resolution, created_at, updated_at) VALUES (?, 'b1', ?, ?, 'c', 'a', 0, 100, ?, ?, 't', 't')",
    );
    line.run('l1', 'k1', 'charged_not_recorded', 'open', null);
    assert.throws(() => line.run('l2', 'k1', 'amount_differs', 'open', null), /UNIQUE/, 'one line per key in a batch');
    assert.throws(() => line.run('l2', 'k2', 'lost', 'open', null), /CHECK/, 'only known variance types');
    assert.throws(() => line.run('l2', 'k2', 'in_doubt', 'signed_off', null), /CHECK/, 'a signed-off line says why');
    assert.throws(() => db.prepare("DELETE FROM batch_lines WHERE id = 'l1'").run(), /never deleted/);
    assert.throws(() => db.prepare("DELETE FROM batches WHERE id = 'b1'").run(), /never deleted/);
  } finally {
    journal.close();
  }
});
