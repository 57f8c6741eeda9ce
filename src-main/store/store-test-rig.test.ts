import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { startStoreTestCluster, type StoreTestCluster } from './store-test-rig.ts';

let cluster: StoreTestCluster;
before(async () => {
  cluster = await startStoreTestCluster();
});
after(async () => {
  await cluster?.stop();
});

test('the rig starts a cluster on 127.0.0.1; SIGKILL of the postmaster takes it down, restart brings back committed rows', async () => {
  assert.match(cluster.url, /^postgres:\/\/postgres@127\.0\.0\.1:\d+\/postgres$/);
  const url = await cluster.createDatabase();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query('CREATE TABLE t (n int)');
  await c.query('INSERT INTO t VALUES (1), (2)');
  const gone = new Promise<Error>((resolve) => c.on('error', resolve));
  await cluster.kill();
  assert.equal(cluster.running(), false);
  assert.ok((await gone) instanceof Error, 'the open connection sees the server die');
  await c.end().catch(() => undefined);
  const refused = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
  await assert.rejects(refused.connect());
  await refused.end().catch(() => undefined);
  await cluster.restart();
  assert.equal(cluster.running(), true);
  const d = new pg.Client({ connectionString: url });
  await d.connect();
  const r = await d.query<{ n: number }>('SELECT n FROM t ORDER BY n');
  await d.end();
  assert.deepEqual(r.rows.map((x) => x.n), [1, 2]);
});
