// The relay's process killed with SIGKILL in the middle of a batch: the
// store commits the batch the register never heard confirmed. The restarted
// register asks the store where it stands and goes on: no gap, no duplicate.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { tempDir } from '../journal/journal-test-rig.ts';
import { parseStoreUrl } from './store-config.ts';
import { startStoreTestCluster, type StoreTestCluster } from './store-test-rig.ts';
import { verifyStore } from './store-verify.ts';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'store-relay-child.ts');
let cluster: StoreTestCluster;
const tmp = tempDir('cashier-relay-crash-');
before(async () => {
  cluster = await startStoreTestCluster();
});
after(async () => {
  await cluster?.stop();
  tmp.cleanup();
});

function startChild(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitFor(cond: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('SIGKILL of the register process mid-batch: the batch lands without its answer, the restart resumes with no gap and no duplicate', async () => {
  const url = await cluster.createStoreDatabase();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  // pg_stat_activity is read once per transaction: the watcher needs its own connection, outside the lock holder's.
  const watcher = new pg.Client({ connectionString: url });
  await watcher.connect();
  try {
    // Hold the table so the relay's first INSERT is on the wire and waiting inside the server when the process dies.
    await admin.query('BEGIN');
    await admin.query('LOCK TABLE journal_events IN SHARE ROW EXCLUSIVE MODE');
    const first = startChild([tmp.dir, 'r-crash', url, '60', '50']);
    await waitFor(
      async () => (await watcher.query("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO journal_events%'")).rowCount === 1,
      20_000,
      'the relay INSERT waiting on the lock',
    ).catch(async (err) => {
      const seen = await watcher.query('SELECT state, wait_event_type, left(query, 60) AS q FROM pg_stat_activity WHERE datname = current_database()');
      throw new Error(`${err.message}: ${JSON.stringify(seen.rows)} child: ${first.output()}`);
    });
    first.child.kill('SIGKILL');
    assert.equal(await first.exited, null);
    await admin.query('COMMIT');
    // The server finishes the orphaned statement: one batch is in the store, its answer went nowhere.
    await waitFor(async () => (await admin.query('SELECT 1 FROM journal_events')).rowCount! > 0, 5000, 'the orphaned batch to commit');
    assert.equal((await admin.query('SELECT count(*)::int AS n FROM journal_events')).rows[0].n, 50);

    const second = startChild([tmp.dir, 'r-crash', url, '5', '50']);
    assert.equal(await second.exited, 0, second.output());
    assert.match(second.output(), /caught-up/);

    const db = new BetterSqlite3(path.join(tmp.dir, 'r-crash.sqlite'), { readonly: true });
    const local = db.prepare('SELECT seq, hash FROM events ORDER BY seq').all() as { seq: number; hash: string }[];
    db.close();
    const stored = (await admin.query<{ seq: number; hash: string }>("SELECT seq::int AS seq, hash FROM journal_events WHERE register_id = 'r-crash' ORDER BY seq")).rows;
    assert.deepEqual(stored, local, 'every event exactly once');
    assert.ok(local.length > 60 * 4);
    const report = await verifyStore(parseStoreUrl(url).client);
    assert.equal(report.ok, true, JSON.stringify(report.breaks));
  } finally {
    await admin.query('ROLLBACK').catch(() => undefined);
    await admin.end();
    await watcher.end();
  }
});
