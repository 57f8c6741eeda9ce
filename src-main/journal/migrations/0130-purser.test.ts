import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import { openTestJournal, tempDir } from '../journal-test-rig.ts';
import purser from './0130-purser.ts';
import { MIGRATIONS } from './index.ts';

const tmp = tempDir('cashier-purser-mig-');
after(() => tmp.cleanup());

test('0130 is registered after 0120', () => {
  const i = MIGRATIONS.indexOf(purser);
  assert.ok(i > 0);
  assert.ok(MIGRATIONS[i - 1].version < 130);
  assert.equal(purser.version, 130);
});

test('0130 purser: table 4-22 status codes only, one reference per record, no card number column, never deleted', () => {
  const journal = openTestJournal(path.join(tmp.dir, 'p.sqlite'));
  try {
    const db = journal.db;
    db.prepare("INSERT INTO guests (id, number, name, cabin, embark_date, disembark_date, status, posting_enabled, training, created_at, updated_at) VALUES ('g1', 1, 'A', '101', 'd', 'd', 'checked_in', 1, 0, 't', 't')").run();
    const rec = db.prepare(
      "INSERT INTO purser_records (id, guest_id, family, kind, amount, status, queue_status, reference, awaiting_batch, voided, created_at, updated_at) VALUES (?, 'g1', 'authorisation', 'initial_auth', 100, ?, ?, ?, 0, 0, 't', 't')",
    );
    rec.run('r1', 0, 8, 'G1C1R1');
    assert.throws(() => rec.run('r2', 0, 0, 'G1C1R1'), /UNIQUE/, 'a reference is never reused');
    assert.throws(() => rec.run('r2', 3, 0, 'G1C1R2'), /CHECK/, 'status is 0, 1 or 2');
    assert.throws(() => rec.run('r2', 0, 1, 'G1C1R2'), /CHECK/, 'queue status is 0, 2, 3 or 8');
    const cols = (db.prepare("SELECT name FROM pragma_table_info('guest_cards')").all() as { name: string }[]).map((c) => c.name);
    assert.ok(!cols.some((c) => /pan$|card_number|track/.test(c) && c !== 'masked_pan'), `no card number column: ${cols.join(',')}`);
    assert.throws(() => db.prepare("DELETE FROM purser_records WHERE id = 'r1'").run(), /never deleted/);
    assert.throws(() => db.prepare("DELETE FROM guests WHERE id = 'g1'").run(), /never deleted/);
  } finally {
    journal.close();
  }
});
