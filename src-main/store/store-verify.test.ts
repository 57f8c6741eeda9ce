import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { tempDir } from '../journal/journal-test-rig.ts';
import { openRegisterJournal } from './register-journal-test-rig.ts';
import { parseStoreUrl } from './store-config.ts';
import { StoreRelay } from './store-relay.ts';
import { startStoreTestCluster, type StoreTestCluster } from './store-test-rig.ts';
import { verifyStore } from './store-verify.ts';

let cluster: StoreTestCluster;
const tmp = tempDir('cashier-store-verify-');
before(async () => {
  cluster = await startStoreTestCluster();
});
after(async () => {
  await cluster?.stop();
  tmp.cleanup();
});

/** A store with two registers' histories relayed into it. */
async function storeWithTwoRegisters(): Promise<string> {
  const url = await cluster.createStoreDatabase();
  for (const id of ['ra', 'rb']) {
    const reg = openRegisterJournal(tmp.dir, `${id}-${url.slice(-3)}`.replace(/[^A-Za-z0-9_-]/g, ''));
    for (let i = 0; i < 30; i++) reg.sell();
    const relay = new StoreRelay({ journal: reg.journal, registerId: id, config: parseStoreUrl(url), log: () => undefined });
    relay.start();
    await relay.whenCaughtUp();
    await relay.stop();
    reg.close();
  }
  return url;
}

async function exec(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(sql).finally(() => c.end());
}

test('store verify passes on relayed histories and finds a payload edited in the store, on that register only', async () => {
  const url = await storeWithTwoRegisters();
  const clean = await verifyStore(parseStoreUrl(url).client);
  assert.equal(clean.ok, true, JSON.stringify(clean.breaks));
  assert.deepEqual(clean.registers.map((r) => [r.registerId, r.ok, r.events === r.headSeq]), [['ra', true, true], ['rb', true, true]]);
  // Someone with write access lowers an amount in the store.
  await exec(url, "UPDATE journal_events SET payload = replace(payload, '\"applied\":', '\"applied\":1') WHERE register_id = 'rb' AND seq = (SELECT min(seq) FROM journal_events WHERE register_id = 'rb' AND type = 'cash_tendered')");
  const report = await verifyStore(parseStoreUrl(url).client);
  assert.equal(report.ok, false);
  assert.equal(report.breaks.length, 1);
  assert.equal(report.breaks[0].registerId, 'rb');
  assert.equal(report.breaks[0].kind, 'hash');
  assert.deepEqual(report.registers.map((r) => r.ok), [true, false]);
});

test('store verify finds a deleted event (gap) and a re-hashed edit (its successor no longer links)', async () => {
  const url = await storeWithTwoRegisters();
  await exec(url, "DELETE FROM journal_events WHERE register_id = 'ra' AND seq = 10");
  // A careful forger recomputes the edited event's own hash: the next event's prev_hash still names the old one.
  await exec(url, "UPDATE journal_events SET hash = repeat('f', 64) WHERE register_id = 'rb' AND seq = 20");
  const report = await verifyStore(parseStoreUrl(url).client);
  assert.equal(report.ok, false);
  const kinds = report.breaks.map((b) => `${b.registerId}:${b.seq}:${b.kind}`);
  assert.ok(kinds.includes('ra:11:gap'), kinds.join());
  assert.ok(kinds.includes('rb:21:prev_hash'), kinds.join());
  assert.ok(kinds.includes('rb:20:hash'), kinds.join());
});
