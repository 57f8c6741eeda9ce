import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { startStoreTestCluster, type StoreTestCluster } from '../store-test-rig.ts';
import journalRows from './0002-journal-rows.ts';
import { STORE_MIGRATIONS } from './index.ts';
import { migrateStore } from './store-schema.ts';

let cluster: StoreTestCluster;
before(async () => {
  cluster = await startStoreTestCluster();
});
after(async () => {
  await cluster?.stop();
});

const INSERT = 'INSERT INTO journal_rows (register_id, change_seq, table_name, row_key, op, row_data) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (register_id, change_seq) DO NOTHING';

test('0002: row versions per (register, change_seq); the current view shows the latest version of each row per register', async () => {
  assert.equal(journalRows.version, 2);
  assert.ok(STORE_MIGRATIONS.indexOf(journalRows) === 1);
  const url = await cluster.createStoreDatabase();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(INSERT, ['r1', 1, 'tickets', '["t1"]', 'upsert', { id: 't1', status: 'open' }]);
    await c.query(INSERT, ['r1', 2, 'tickets', '["t1"]', 'upsert', { id: 't1', status: 'paid' }]);
    await c.query(INSERT, ['r2', 1, 'tickets', '["t1"]', 'upsert', { id: 't1', status: 'open' }]);
    const resent = await c.query(INSERT, ['r1', 2, 'tickets', '["t1"]', 'upsert', { id: 't1', status: 'something else' }]);
    assert.equal(resent.rowCount, 0, 'a resent change is ignored');
    await assert.rejects(c.query(INSERT, ['r1', 3, 'tickets', '["t2"]', 'delete', { id: 't2' }]), /check constraint/);
    const cur = await c.query("SELECT register_id, row_data->>'status' AS status FROM journal_rows_current WHERE table_name = 'tickets' ORDER BY register_id");
    assert.deepEqual(cur.rows, [
      { register_id: 'r1', status: 'paid' },
      { register_id: 'r2', status: 'open' },
    ]);
  } finally {
    await c.end();
  }
});
