import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { startStoreTestCluster, type StoreTestCluster } from '../store-test-rig.ts';
import { LATEST_STORE_SCHEMA_VERSION, STORE_MIGRATIONS } from './index.ts';
import { assertStoreSchema, migrateStore, StoreSchemaError, storeSchemaVersion } from './store-schema.ts';

let cluster: StoreTestCluster;
before(async () => {
  cluster = await startStoreTestCluster();
});
after(async () => {
  await cluster?.stop();
});

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

test('store migrations are numbered in increasing order, the replication ones within 1-9', () => {
  for (let i = 1; i < STORE_MIGRATIONS.length; i++) assert.ok(STORE_MIGRATIONS[i].version > STORE_MIGRATIONS[i - 1].version);
  for (const m of STORE_MIGRATIONS.slice(0, 2)) assert.ok(m.version >= 1 && m.version <= 9);
});

test('an empty database is migrated to the latest version, each step recorded once; a second run changes nothing', async () => {
  const url = await cluster.createDatabase();
  assert.deepEqual(await migrateStore({ connectionString: url }), { from: 0, to: LATEST_STORE_SCHEMA_VERSION });
  assert.deepEqual(await migrateStore({ connectionString: url }), { from: LATEST_STORE_SCHEMA_VERSION, to: LATEST_STORE_SCHEMA_VERSION });
  await withClient(url, async (c) => {
    const rows = (await c.query<{ version: number }>('SELECT version FROM schema_version ORDER BY version')).rows;
    assert.deepEqual(rows.map((r) => r.version), STORE_MIGRATIONS.map((m) => m.version));
    assert.equal(await assertStoreSchema(c), LATEST_STORE_SCHEMA_VERSION);
  });
});

test('a store whose schema is newer than the app knows is refused with a clear message, and left untouched', async () => {
  const url = await cluster.createStoreDatabase();
  await withClient(url, (c) => c.query("INSERT INTO schema_version (version, name) VALUES (999, 'from-the-future')"));
  await assert.rejects(migrateStore({ connectionString: url }), (err: unknown) => {
    assert.ok(err instanceof StoreSchemaError);
    assert.equal(err.kind, 'newer');
    assert.match(err.message, /schema version 999, newer than this release knows/);
    return true;
  });
  await withClient(url, async (c) => {
    await assert.rejects(assertStoreSchema(c), /newer than this release knows/);
    assert.equal(await storeSchemaVersion(c), 999);
  });
});

test('a store behind the app is reported as needing "store migrate", and a failing step leaves no half schema', async () => {
  const url = await cluster.createDatabase();
  await migrateStore({ connectionString: url }, STORE_MIGRATIONS.slice(0, 1));
  await withClient(url, async (c) => {
    await assert.rejects(assertStoreSchema(c), (err: unknown) => err instanceof StoreSchemaError && err.kind === 'older' && /store -- migrate/.test(err.message));
  });
  const broken = [...STORE_MIGRATIONS, { version: 9999, name: 'broken', up: async (c: pg.ClientBase) => void (await c.query('SELECT * FROM no_such_table')) }];
  await assert.rejects(migrateStore({ connectionString: url }, broken), /no_such_table/);
  await withClient(url, async (c) => {
    assert.equal(await storeSchemaVersion(c), 1, 'the run rolled back as a whole');
    assert.equal((await c.query("SELECT to_regclass('journal_rows')::text AS t")).rows[0].t, null);
  });
});

test('two migrators at once: the advisory lock serialises them, every step applied once', async () => {
  const url = await cluster.createDatabase();
  const results = await Promise.all([migrateStore({ connectionString: url }), migrateStore({ connectionString: url })]);
  assert.deepEqual(results.map((r) => r.from).sort(), [0, LATEST_STORE_SCHEMA_VERSION]);
});
