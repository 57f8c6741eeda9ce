import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import { openTestJournal, tempDir } from '../journal-test-rig.ts';
import storeOutbox, { NOT_REPLICATED, replicatedTables } from './0140-store-outbox.ts';
import { MIGRATIONS } from './index.ts';

const tmp = tempDir('cashier-outbox-mig-');
after(() => tmp.cleanup());

test('0140 is registered after 0120', () => {
  const i = MIGRATIONS.indexOf(storeOutbox);
  assert.ok(i > 0);
  assert.ok(MIGRATIONS[i - 1].version < 140);
  assert.equal(storeOutbox.version, 140);
});

test('0140: every state table of the latest schema records its changes in the outbox (or is listed as not replicated)', () => {
  const journal = openTestJournal(path.join(tmp.dir, 'all.sqlite'));
  try {
    const db = journal.db;
    const tables = replicatedTables(db);
    assert.ok(tables.includes('tickets') && tables.includes('payment_attempts'));
    for (const t of tables) {
      const triggers = db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? AND name LIKE 'store_outbox_%'").pluck().all(t);
      assert.equal(triggers.length, 3, `table ${t} has no outbox triggers: call outboxTriggersSql() in the migration that creates it, or add it to NOT_REPLICATED`);
    }
    for (const t of NOT_REPLICATED) assert.ok(!tables.includes(t));
  } finally {
    journal.close();
  }
});

test('0140: nothing is recorded until the register joins a store; then each change, in order, only if it commits', () => {
  const journal = openTestJournal(path.join(tmp.dir, 'order.sqlite'));
  try {
    const db = journal.db;
    const outbox = () => db.prepare('SELECT change_seq, table_name, row_key, op FROM store_outbox ORDER BY change_seq').all();
    db.prepare("INSERT INTO registers VALUES ('r1', 'R1', 'Front')").run();
    assert.deepEqual(outbox(), [], 'disabled: the embedded default writes nothing');
    db.prepare('UPDATE store_relay_state SET enabled = 1').run();
    db.prepare("INSERT INTO tickets VALUES ('t1', 'r1', 1, 'open', 'USD', 100, 'now', 'now')").run();
    db.prepare("UPDATE tickets SET status = 'paid' WHERE id = 't1'").run();
    assert.throws(() =>
      db.transaction(() => {
        db.prepare("INSERT INTO tickets VALUES ('t2', 'r1', 2, 'open', 'USD', 100, 'now', 'now')").run();
        throw new Error('rolled back');
      })(),
    );
    assert.deepEqual(outbox(), [
      { change_seq: 1, table_name: 'tickets', row_key: '["t1"]', op: 'upsert' },
      { change_seq: 2, table_name: 'tickets', row_key: '["t1"]', op: 'upsert' },
    ]);
    // Pruned numbers are never handed out again: the store keys row versions by them.
    db.prepare('DELETE FROM store_outbox').run();
    db.prepare("UPDATE tickets SET total = 200 WHERE id = 't1'").run();
    assert.deepEqual(outbox().map((r) => (r as { change_seq: number }).change_seq), [3]);
  } finally {
    journal.close();
  }
});
