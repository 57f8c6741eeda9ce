// The store.queue.* commands on a throw-away PostgreSQL, as two managers at
// two registers see them: one takes an item, the other sees who holds it and
// is refused in plain words; done items leave every manager's list; a
// register not in a store says so; an unreachable store is refused in plain words.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { AppError } from '../../src-shared/errors.ts';
import type { HandlerContext } from '../../src-shared/ipc-contract.ts';
import { ManagerQueueRepository, TAKEN_BY_ANOTHER } from './manager-queue-repository.ts';
import { storeQueueHandlers } from './store-queue-handlers.ts';
import { startStoreTestPool, type StoreTestPool } from './store-test-rig.ts';

let store: StoreTestPool | undefined;
let pool: pg.Pool;
before(async () => {
  store = await startStoreTestPool();
  pool = store.pool;
});
after(() => store?.stop());

const ctx = (staffId: string, name: string): HandlerContext => ({ actor: { staffId, name, role: 'manager' } }) as HandlerContext;

test('two managers at two registers: one takes the item, the other sees who and is refused; done leaves both lists', async () => {
  const queue = new ManagerQueueRepository(pool, { now: () => Date.now() });
  await queue.add({ kind: 'orphan', registerId: 'reg2', registerName: 'Till 2', itemKey: 'o1', summary: 'A charge of $12.00 on the card ending 4242 is on no ticket. Attach it to the customer\'s ticket or refund it.', amount: 1200, currency: 'USD' });
  const atTill1 = storeQueueHandlers({ queue: () => queue, registerId: 'reg1' });
  const atTill3 = storeQueueHandlers({ queue: () => queue, registerId: 'reg3' });
  const ann = ctx('s-ann', 'Ann');
  const bob = ctx('s-bob', 'Bob');
  const list = await atTill1['store.queue.list']({}, ann);
  assert.equal(list.configured, true);
  assert.equal(list.items.length, 1);
  assert.equal(list.items[0].register, 'Till 2');
  const id = list.items[0].id;
  const taken = await atTill1['store.queue.claim']({ id }, ann);
  assert.deepEqual([taken.items[0].status, taken.items[0].claimedBy, taken.items[0].mine], ['claimed', 'Ann', true]);
  const seenByBob = await atTill3['store.queue.list']({}, bob);
  assert.deepEqual([seenByBob.items[0].claimedBy, seenByBob.items[0].mine], ['Ann', false]);
  await assert.rejects(Promise.resolve(atTill3['store.queue.claim']({ id }, bob)), (e: unknown) => e instanceof AppError && e.message === TAKEN_BY_ANOTHER);
  await assert.rejects(Promise.resolve(atTill3['store.queue.complete']({ id, note: 'refunded' }, bob)), (e: unknown) => e instanceof AppError && e.code === 'conflict');
  const done = await atTill1['store.queue.complete']({ id, note: 'Attached to ticket 12 with the customer' }, ann);
  assert.deepEqual(done.items, []);
  assert.deepEqual((await atTill3['store.queue.list']({}, bob)).items, []);
});

test('not in a store, or the store away: said plainly', async () => {
  const alone = storeQueueHandlers({ queue: () => undefined, registerId: 'reg1' });
  assert.deepEqual(await alone['store.queue.list']({}, ctx('s', 'Ann')), { configured: false, items: [] });
  const dead = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 300 });
  dead.on('error', () => undefined);
  try {
    const away = storeQueueHandlers({ queue: () => new ManagerQueueRepository(dead, { now: () => Date.now() }), registerId: 'reg1' });
    await assert.rejects(Promise.resolve(away['store.queue.list']({}, ctx('s', 'Ann'))), (e: unknown) => e instanceof AppError && e.code === 'store_unavailable' && /store cannot be reached/.test(e.message));
  } finally {
    await dead.end();
  }
});
