import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { startStoreTestCluster, type StoreTestCluster } from '../store-test-rig.ts';
import journalEvents from './0001-journal-events.ts';
import { migrateStore } from './store-schema.ts';
import { REGISTER_GROUP_ROLE } from './store-migration.ts';

let cluster: StoreTestCluster;
before(async () => {
  cluster = await startStoreTestCluster();
});
after(async () => {
  await cluster?.stop();
});

const row = (seq: number) => ['r1', seq, '2026-01-01T00:00:00.000Z', 'ticket', 't1', 'created', '{}', '0'.repeat(64), 'a'.repeat(64)];
const INSERT = 'INSERT INTO journal_events (register_id, seq, at, entity, entity_id, type, payload, prev_hash, hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)';

test('0001: one event per (register, seq), resent ones ignored; the register role may insert and read but not change or create', async () => {
  assert.equal(journalEvents.version, 1);
  const url = await cluster.createDatabase();
  await migrateStore({ connectionString: url }, [journalEvents]);
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(INSERT, row(1));
    await assert.rejects(c.query(INSERT, row(1)), /duplicate key/);
    const again = await c.query(INSERT + ' ON CONFLICT (register_id, seq) DO NOTHING', row(1));
    assert.equal(again.rowCount, 0);
    await assert.rejects(c.query(INSERT, row(0)), /check constraint/);
    await assert.rejects(c.query(INSERT, ['bad id!', ...row(2).slice(1)]), /check constraint/);
    // The payload stays the exact text the hash covered (jsonb would reorder it).
    await c.query(INSERT, ['r1', 2, 'x', 'e', 'i', 't', '{"b":1,"a":2}', '0'.repeat(64), 'b'.repeat(64)]);
    assert.equal((await c.query('SELECT payload FROM journal_events WHERE seq = 2')).rows[0].payload, '{"b":1,"a":2}');

    await c.query(`CREATE ROLE reg_0001_${process.pid} LOGIN IN ROLE ${REGISTER_GROUP_ROLE}`);
    await c.query(`SET ROLE reg_0001_${process.pid}`);
    await c.query(INSERT, row(3));
    assert.equal((await c.query('SELECT count(*)::int AS n FROM journal_events')).rows[0].n, 3);
    await assert.rejects(c.query("UPDATE journal_events SET payload = '{}' WHERE seq = 2"), /permission denied/);
    await assert.rejects(c.query('DELETE FROM journal_events'), /permission denied/);
    await assert.rejects(c.query('CREATE TABLE mine (x int)'), /permission denied/);
  } finally {
    await c.end();
  }
});
