// The shared queue on a throw-away PostgreSQL: two managers on two
// connections claiming at the same moment never get the same item; a claim is
// the holder's until done, released, or lapsed; registers' items come and go
// with their state; cross-register duplicate pairs are flagged once, also
// when two registers push matching charges at the same moment.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { AppError } from '../../src-shared/errors.ts';
import { recordCharges, findPossibleDuplicates, type ChargeRecord } from './card-charge-repository.ts';
import { ManagerQueueRepository, TAKEN_BY_ANOTHER, type NewQueueItem } from './manager-queue-repository.ts';
import { startStoreTestCluster, type StoreTestCluster } from './store-test-rig.ts';

let cluster: StoreTestCluster;
before(async () => {
  cluster = await startStoreTestCluster();
});
after(async () => {
  await cluster?.stop();
});

async function storePool(): Promise<pg.Pool> {
  const pool = new pg.Pool({ connectionString: await cluster.createStoreDatabase(), max: 6 });
  // The cluster's shutdown ends idle connections: not a test failure.
  pool.on('error', () => undefined);
  return pool;
}

const orphan = (registerId: string, n: number): NewQueueItem => ({
  kind: 'orphan', registerId, itemKey: `orph-${n}`, summary: `A charge of ${n} with no ticket`, amount: n, currency: 'USD',
});

test('two managers on two connections claim at once: SKIP LOCKED gives each a different item, never the same', async () => {
  const pool = await storePool();
  try {
    const queue = new ManagerQueueRepository(pool, { now: () => Date.now() });
    for (let i = 1; i <= 3; i++) await queue.add(orphan('R1', i));
    // Two transactions open at the same moment: the first holds its row lock until commit.
    const a = await pool.connect();
    const b = await pool.connect();
    try {
      await a.query('BEGIN');
      await b.query('BEGIN');
      const first = await queue.claim('manager-a', undefined, a);
      const second = await queue.claim('manager-b', undefined, b);
      assert.ok(first && second);
      assert.notEqual(first.id, second.id, 'the second manager skipped the locked row');
      // Naming the first manager's item while its transaction is still open: skipped, not waited for.
      const named = await queue.claim('manager-b', first.id, b).catch((e: unknown) => e);
      assert.ok(named instanceof AppError && named.code === 'conflict');
      await a.query('COMMIT');
      await b.query('COMMIT');
    } finally {
      a.release();
      b.release();
    }
    // Without SKIP LOCKED the check would be wrong in the other direction: show the race is real by
    // racing 2 x 20 claims over 20 items on separate connections; each item goes to exactly one manager.
    for (let i = 10; i < 30; i++) await queue.add(orphan('R2', i));
    const claimAll = async (who: string): Promise<number[]> => {
      const got: number[] = [];
      for (;;) {
        const item = await queue.claim(who);
        if (!item) return got;
        got.push(item.id);
      }
    };
    const [ma, mb] = await Promise.all([claimAll('manager-a'), claimAll('manager-b')]);
    const all = [...ma, ...mb];
    const holders = await pool.query<{ id: string; claimed_by: string }>("SELECT id, claimed_by FROM manager_queue WHERE status = 'claimed'");
    assert.equal(holders.rows.length, 23);
    assert.equal(all.length, 21, 'the 20 new items and the one left open, each claimed once');
    assert.equal(new Set(all).size, 21, 'no item went to both managers');
  } finally {
    await pool.end();
  }
});

test('a claim is its holder\'s: others are refused in plain words until it is done, released or lapsed', async () => {
  const pool = await storePool();
  let now = 1_000_000;
  try {
    const queue = new ManagerQueueRepository(pool, { now: () => now, claimTtlMs: 60_000 });
    await queue.add(orphan('R1', 1));
    assert.equal(await queue.add(orphan('R1', 1)), false, 'the same item is not queued twice');
    const [item] = await queue.listOpen();
    await queue.claim('ann', item.id);
    await assert.rejects(queue.claim('bob', item.id), (e: unknown) => e instanceof AppError && e.message === TAKEN_BY_ANOTHER);
    await assert.rejects(queue.complete('bob', item.id, 'refunded'), (e: unknown) => e instanceof AppError && e.code === 'conflict');
    now += 61_000; // Ann walked away: her claim lapsed.
    const taken = await queue.claim('bob', item.id);
    assert.equal(taken?.claimedBy, 'bob');
    const done = await queue.complete('bob', item.id, 'Refunded the customer');
    assert.equal(done.status, 'done');
    await assert.rejects(queue.claim('ann', item.id), /already been dealt with/);
    assert.deepEqual(await queue.listOpen(), []);
  } finally {
    await pool.end();
  }
});

test('a register\'s sync adds its open items and closes those it settled itself', async () => {
  const pool = await storePool();
  try {
    const queue = new ManagerQueueRepository(pool, { now: () => Date.now() });
    await queue.syncRegister('R1', ['orphan', 'in_doubt'], [orphan('R1', 1), orphan('R1', 2)]);
    await queue.syncRegister('R2', ['orphan'], [orphan('R2', 7)]);
    const r = await queue.syncRegister('R1', ['orphan', 'in_doubt'], [orphan('R1', 2)]);
    assert.deepEqual(r, { added: 0, closed: 1 });
    assert.deepEqual((await queue.listOpen()).map((i) => `${i.registerId}:${i.itemKey}`), ['R1:orph-2', 'R2:orph-7']);
  } finally {
    await pool.end();
  }
});

const MIN = 60_000;
function charge(registerId: string, ticketId: string, amount: number, at: number, maskedPan = '424242******4242'): ChargeRecord {
  return { registerId, ticketId, attemptId: `${registerId}-${ticketId}`, invoice: `R${registerId}T${ticketId}P1`, amount, currency: 'USD', card: { maskedPan, brand: 'visa' }, at };
}

test('duplicate pairs are flagged once, whichever register pushes first, also when two push at the same moment', async () => {
  const pool = await storePool();
  try {
    const t0 = Date.UTC(2026, 10, 30, 9);
    // Two registers push matching charges concurrently, many times over: each pair flagged exactly once.
    const pushes: Promise<unknown>[] = [];
    for (let i = 0; i < 10; i++) {
      const amount = 1000 + i;
      pushes.push(recordCharges(pool, [charge('1', `${i}`, amount, t0 + i)]), recordCharges(pool, [charge('2', `${i}`, amount, t0 + i + 2 * MIN)]));
    }
    await Promise.all(pushes);
    const flags = await pool.query("SELECT count(*)::int AS n FROM manager_queue WHERE kind = 'cross_register_duplicate'");
    assert.equal(flags.rows[0].n, 10);
    // Pushed again (a register resuming after a cut): nothing new.
    assert.deepEqual(await recordCharges(pool, [charge('1', '0', 1000, t0)]), { recorded: 0, flagged: 0 });
    // Another card, or out of the window: no flag.
    assert.equal((await recordCharges(pool, [charge('3', '1', 1000, t0 + MIN, '555555******4444')])).flagged, 0);
    assert.equal((await recordCharges(pool, [charge('3', '2', 1000, t0 + 30 * MIN)])).flagged, 0);
    // The warning before a charge: the same amount, another ticket, within the window.
    const before = await findPossibleDuplicates(pool, { registerId: '4', ticketId: '9', amount: 1005, currency: 'USD', at: t0 + 5 * MIN });
    assert.deepEqual(before.map((c) => c.registerId).sort(), ['1', '2']);
    const words = (await pool.query("SELECT summary FROM manager_queue WHERE kind = 'cross_register_duplicate' LIMIT 1")).rows[0].summary as string;
    assert.match(words, /card ending 4242 paid the same amount twice 2 minutes apart/);
  } finally {
    await pool.end();
  }
});
