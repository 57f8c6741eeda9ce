import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import { openTestJournal, tempDir } from '../journal-test-rig.ts';
import staff from './0080-staff.ts';
import { MIGRATIONS } from './index.ts';

const tmp = tempDir('cashier-staff-mig-');
after(() => tmp.cleanup());

const RECORD = 'scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA$BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';

test('0080 is registered after 0070', () => {
  const i = MIGRATIONS.indexOf(staff);
  assert.ok(i > 0);
  assert.equal(MIGRATIONS[i - 1].version, 70);
  assert.equal(staff.version, 80);
});

test('0080 staff: CHECKs on role, PIN record and card number; one active holder per card; rows never deleted', () => {
  const journal = openTestJournal(path.join(tmp.dir, 'staff.sqlite'));
  try {
    const insert = journal.db.prepare(
      "INSERT INTO staff (id, name, role, pin_hash, card_number, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, '2026-01-01', '2026-01-01')",
    );
    insert.run('s1', 'Ana', 'manager', RECORD, '123456', 1);
    insert.run('s2', 'Ben', 'cashier', null, null, 1);
    assert.throws(() => insert.run('s3', 'Cy', 'owner', null, null, 1), /CHECK/, 'only cashier and manager');
    assert.throws(() => insert.run('s3', 'Cy', 'cashier', '2468', null, 1), /CHECK/, 'a PIN in clear is refused: only scrypt records');
    assert.throws(() => insert.run('s3', 'Cy', 'cashier', null, '12ab', 1), /CHECK/, 'card numbers are digits');
    assert.throws(() => insert.run('s3', 'Cy', 'cashier', null, '123', 1), /CHECK/, 'card numbers are 4-10 digits');
    assert.throws(() => insert.run('s3', 'Cy', 'cashier', null, '123456', 1), /UNIQUE/, 'one active holder per staff card');
    insert.run('s4', 'Old', 'cashier', null, '654321', 0);
    insert.run('s5', 'New', 'cashier', null, '654321', 1); // an inactive holder frees the card
    assert.throws(() => journal.db.prepare("DELETE FROM staff WHERE id = 's2'").run(), /never deleted/);
    assert.equal((journal.db.prepare('SELECT count(*) AS n FROM staff').get() as { n: number }).n, 4);
  } finally {
    journal.close();
  }
});
