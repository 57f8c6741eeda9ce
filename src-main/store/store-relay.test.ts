import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { tempDir } from '../journal/journal-test-rig.ts';
import { openRegisterJournal, type RegisterJournal } from './register-journal-test-rig.ts';
import { parseStoreUrl } from './store-config.ts';
import { StoreRelay, type StoreRelayOptions } from './store-relay.ts';
import { startStoreTestCluster, type StoreTestCluster } from './store-test-rig.ts';
import { verifyStore } from './store-verify.ts';
import type { StoreLinkHealth } from '../../src-shared/domain.ts';

let cluster: StoreTestCluster;
const tmp = tempDir('cashier-relay-');
before(async () => {
  cluster = await startStoreTestCluster();
});
after(async () => {
  await cluster?.stop();
  tmp.cleanup();
});

const quiet = () => undefined;
function relayFor(reg: RegisterJournal, url: string, extra: Partial<StoreRelayOptions> = {}): StoreRelay {
  const relay = new StoreRelay({ journal: reg.journal, registerId: reg.registerId, config: parseStoreUrl(url), backoff: { initialMs: 20, maxMs: 200 }, log: quiet, ...extra });
  relay.start();
  return relay;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

/** Every journal event of reg is in the store exactly once, in seq order, with the same content. */
async function assertReplicated(url: string, reg: RegisterJournal): Promise<number> {
  const local = reg.journal.db.prepare('SELECT seq, hash FROM events ORDER BY seq').all() as { seq: number; hash: string }[];
  const stored = await query<{ seq: string; hash: string }>(url, 'SELECT e.seq::text AS seq, e.hash FROM journal_events e WHERE e.register_id = $1 ORDER BY e.received_at, e.seq', [reg.registerId]);
  assert.deepEqual(stored.map((r) => ({ seq: Number(r.seq), hash: r.hash })), local, 'the store holds each event once, received in seq order');
  return local.length;
}

async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('events and the rows they change reach the store exactly once and in order; a second relay adds nothing', async () => {
  const url = await cluster.createStoreDatabase();
  const reg = openRegisterJournal(tmp.dir, 'r-once');
  for (let i = 0; i < 40; i++) reg.sell();
  const relay = relayFor(reg, url, { batchSize: 25 });
  for (let i = 0; i < 10; i++) reg.sell();
  await relay.whenCaughtUp();
  assert.equal(relay.status().state, 'connected');
  assert.equal(relay.status().backlogEvents, 0);
  await relay.stop();
  const n = await assertReplicated(url, reg);
  assert.ok(n > 200);
  // The current rows in the store are the journal's rows (the PIN hash column never leaves the register).
  const tickets = reg.journal.db.prepare("SELECT id, status, total FROM tickets ORDER BY id").all();
  const stored = await query<{ id: string; status: string; total: number }>(url, "SELECT row_data->>'id' AS id, row_data->>'status' AS status, (row_data->>'total')::int AS total FROM journal_rows_current WHERE register_id = 'r-once' AND table_name = 'tickets' ORDER BY 1");
  assert.deepEqual(stored, tickets);
  assert.equal(reg.journal.db.prepare('SELECT count(*) FROM store_outbox').pluck().get(), 0, 'confirmed row changes are pruned');
  // A relay started again (a restart) resends nothing and the chain verifies in the store.
  const again = relayFor(reg, url);
  await again.whenCaughtUp();
  await again.stop();
  await assertReplicated(url, reg);
  const report = await verifyStore(parseStoreUrl(url).client);
  assert.equal(report.ok, true, JSON.stringify(report.breaks));
  assert.deepEqual(report.registers.map((r) => [r.registerId, r.events]), [['r-once', n]]);
  reg.close();
});

test('store down, sales continue, the backlog shows and drains when it is back; SIGKILL of the postmaster loses nothing', async () => {
  const url = await cluster.createStoreDatabase();
  const reg = openRegisterJournal(tmp.dir, 'r-down');
  const seen: StoreLinkHealth[] = [];
  const relay = relayFor(reg, url, { batchSize: 7, statusIntervalMs: 10 });
  relay.onChange((h) => seen.push(h));
  reg.sell();
  await relay.whenCaughtUp();
  // Kill the server while batches are being sent.
  for (let i = 0; i < 30; i++) reg.sell();
  await cluster.kill();
  for (let i = 0; i < 20; i++) reg.sell();
  await waitFor(() => relay.status().state === 'unreachable' && relay.status().backlogSales >= 20, 5000, 'unreachable with a backlog');
  const down = relay.status();
  assert.ok(down.backlogEvents >= 100, JSON.stringify(down));
  assert.ok(!Number.isNaN(Date.parse(down.since)));
  await cluster.restart();
  await relay.whenCaughtUp(15_000);
  await waitFor(() => relay.status().backlogEvents === 0, 5000, 'backlog 0');
  assert.equal(relay.status().state, 'connected');
  await relay.stop();
  await assertReplicated(url, reg);
  assert.ok(seen.some((h) => h.state === 'unreachable') && seen.at(-1)!.state === 'connected');
  reg.close();
});

test('a store whose schema is newer than this release is refused: nothing is sent, the status says why', async () => {
  const url = await cluster.createStoreDatabase();
  await query(url, "INSERT INTO schema_version (version, name) VALUES (999, 'future')");
  const reg = openRegisterJournal(tmp.dir, 'r-newer');
  reg.sell();
  const relay = relayFor(reg, url);
  await waitFor(() => relay.status().state === 'refused', 5000, 'refused');
  assert.match(relay.status().detail ?? '', /newer release/);
  assert.ok(relay.status().backlogEvents > 0);
  await relay.stop();
  assert.deepEqual(await query(url, 'SELECT 1 FROM journal_events'), []);
  reg.close();
});

test('a store holding another history under this register id is refused, never appended to', async () => {
  const url = await cluster.createStoreDatabase();
  const first = openRegisterJournal(tmp.dir, 'r-twin');
  first.sell();
  const r1 = relayFor(first, url);
  await r1.whenCaughtUp();
  await r1.stop();
  const firstEvents = first.journal.db.prepare('SELECT count(*) FROM events').pluck().get() as number;
  first.close();
  // Another machine configured with the same register id: same seqs, other hashes.
  const twinDir = tempDir('cashier-relay-twin-');
  const twin = openRegisterJournal(twinDir.dir, 'r-twin');
  twin.sell();
  twin.sell();
  const r2 = relayFor(twin, url);
  await waitFor(() => r2.status().state === 'refused', 5000, 'refused');
  assert.match(r2.status().detail ?? '', /another history/);
  await r2.stop();
  twin.close();
  twinDir.cleanup();
  assert.equal((await query<{ n: number }>(url, "SELECT count(*)::int AS n FROM journal_events WHERE register_id = 'r-twin'"))[0].n, firstEvents);
});
