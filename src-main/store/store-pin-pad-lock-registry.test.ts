// The PIN pad lock across machines on a throw-away PostgreSQL: workstations
// on their own connections race for one PIN pad and exactly one wins; the
// others are refused naming the holder; a release or a lapsed lease (the
// holder crashed) lets the next one in; re-entrant within one app.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { AppError } from '../../src-shared/errors.ts';
import { FilePinPadLockRegistry } from '../devices/pin-pad-lock.ts';
import { StorePinPadLockRegistry } from './store-pin-pad-lock-registry.ts';
import { startStoreTestCluster, type StoreTestCluster } from './store-test-rig.ts';

let cluster: StoreTestCluster;
let url: string;
const pools: pg.Pool[] = [];
before(async () => {
  cluster = await startStoreTestCluster();
  url = await cluster.createStoreDatabase();
});
after(async () => {
  for (const p of pools) await p.end();
  await cluster?.stop();
});

function workstation(name: string, leaseMs = 30_000): StorePinPadLockRegistry {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => undefined);
  pools.push(pool);
  return new StorePinPadLockRegistry({ pool, application: 'Cashier Desk purser desk', workstation: name, leaseMs });
}

test('ten workstations ask for one PIN pad at once: exactly one gets it, the rest are told who holds it', async () => {
  const desks = Array.from({ length: 10 }, (_, i) => workstation(`DESK-${i}`));
  const results = await Promise.allSettled(desks.map((d) => d.acquire('10.0.0.5:10009')));
  const won = results.filter((r) => r.status === 'fulfilled');
  assert.equal(won.length, 1);
  const winner = desks[results.findIndex((r) => r.status === 'fulfilled')];
  for (const r of results) {
    if (r.status === 'rejected') {
      assert.ok(r.reason instanceof AppError && r.reason.code === 'pin_pad_in_use');
      assert.match(r.reason.message, /is in use by Cashier Desk purser desk on workstation DESK-\d/);
    }
  }
  assert.equal(winner.heldHere('10.0.0.5:10009'), true);
  await (won[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
  const next = await desks.find((d) => d !== winner)!.acquire('10.0.0.5:10009');
  await next.release();
});

test('re-entrant in one app; released only by the last release; a crashed holder\'s lease lapses', async () => {
  const a = workstation('DESK-A', 400);
  const b = workstation('DESK-B', 400);
  const first = await a.acquire('pad-7');
  const second = await a.acquire('pad-7');
  await first.release();
  await assert.rejects(b.acquire('pad-7'), /in use by .* on workstation DESK-A/);
  await second.release();
  const taken = await b.acquire('pad-7');
  // The holder renews its lease while it holds the pad: still refused well after one lease time.
  await new Promise((r) => setTimeout(r, 900));
  await assert.rejects(a.acquire('pad-7'), /workstation DESK-B/);
  assert.equal((await a.holder('pad-7'))?.workstation, 'DESK-B');
  // DESK-B crashes (stops renewing, never releases): once the lease lapses DESK-A takes the pad.
  b.abandonAll();
  await new Promise((r) => setTimeout(r, 600));
  assert.equal(await a.holder('pad-7'), undefined);
  const back = await a.acquire('pad-7');
  await back.release();
  void taken;
});

test('the store unreachable: without a fallback the PIN pad is not taken, in plain words; with the machine\'s registry the register keeps its PIN pad', async () => {
  const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 300 });
  pool.on('error', () => undefined);
  pools.push(pool);
  const r = new StorePinPadLockRegistry({ pool, application: 'Cashier Desk', workstation: 'DESK-X' });
  await assert.rejects(r.acquire('pad-1'), (e: unknown) => e instanceof AppError && /store cannot be reached/.test(e.message) && !/127\.0\.0\.1/.test(e.message));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pin-pad-locks-'));
  try {
    const local = new FilePinPadLockRegistry({ application: 'Cashier Desk', dir, workstation: 'DESK-X' });
    const withFallback = new StorePinPadLockRegistry({ pool, application: 'Cashier Desk', workstation: 'DESK-X', fallback: local });
    const lock = await withFallback.acquire('pad-1');
    assert.equal(withFallback.heldHere('pad-1'), true);
    assert.equal(local.heldHere('pad-1'), true);
    await lock.release();
    assert.equal(local.heldHere('pad-1'), false);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
