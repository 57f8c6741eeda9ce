// What batching buys the relay: one event's cost when the relay sends a
// backlog in batches (its real path: read from the journal, one INSERT ... ON
// CONFLICT DO NOTHING statement per batch of 500, marks recorded) against one
// event sent by a single INSERT round trip of its own (the same statement
// shape, one event per statement, autocommit). Same store (a throw-away
// PostgreSQL on 127.0.0.1, fsync on), same events, rounds alternating so
// disk and CPU noise hit both. The batched side also carries the state rows
// the sales changed, as the relay does; the single side only the events. Result: median(batched per event) /
// median(single per event): below 1 is what batching saves.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { JournalOutboxReader } from '../src-main/store/journal-outbox-reader.ts';
import { openRegisterJournal } from '../src-main/store/register-journal-test-rig.ts';
import { parseStoreUrl } from '../src-main/store/store-config.ts';
import { StoreRelay } from '../src-main/store/store-relay.ts';
import { startStoreTestCluster } from '../src-main/store/store-test-rig.ts';
import { median } from './bench-stats.ts';

const SALES = Number(process.env.BENCH_ITERATIONS ?? 500);
const ROUNDS = 5;
const SINGLE_EVENTS = 400;

const cluster = await startStoreTestCluster({ durable: true });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-bench-relay-batch-'));
try {
  const url = await cluster.createStoreDatabase();
  const reg = openRegisterJournal(dir, 'bench-batch');
  for (let i = 0; i < SALES; i++) reg.sell();
  const reader = new JournalOutboxReader(reg.journal);
  const events = reader.events(0, 1e9);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const single = `INSERT INTO journal_events (register_id, seq, at, entity, entity_id, type, payload, prev_hash, hash)
                  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (register_id, seq) DO NOTHING`;
  const batchedPerEvent: number[] = [];
  const singlePerEvent: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Batched: the relay drains the whole backlog into a register id not yet in the store.
    const registerId = `bench-batch-${round}`;
    const relay = new StoreRelay({ journal: reg.journal, registerId, config: parseStoreUrl(url), log: () => undefined, batchSize: 500 });
    // The journal's own acknowledgement marks belong to one store register: start each round from zero.
    reg.journal.transact(() => reg.journal.db.prepare('UPDATE store_relay_state SET events_acked = 0, rows_acked = 0').run());
    // Every round carries the same row changes too (the first joins the store and queues them; later rounds queue them again).
    if (round > 0) reader.requeueEveryRow();
    const t0 = performance.now();
    relay.start();
    await relay.whenCaughtUp(60_000);
    const batched = performance.now() - t0;
    await relay.stop();
    const stored = (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM journal_events WHERE register_id = $1', [registerId])).rows[0].n;
    if (stored !== events.length) throw new Error(`relay stored ${stored} of ${events.length} events`);
    batchedPerEvent.push(batched / events.length);

    // Single: one round trip per event.
    const t1 = performance.now();
    for (const e of events.slice(0, SINGLE_EVENTS)) {
      await client.query(single, [`bench-single-${round}`, e.seq, e.at, e.entity, e.entity_id, e.type, e.payload, e.prev_hash, e.hash]);
    }
    singlePerEvent.push((performance.now() - t1) / SINGLE_EVENTS);
  }
  await client.end();
  reg.close();
  const b = median(batchedPerEvent);
  const s = median(singlePerEvent);
  console.log(`events=${events.length} (each batched round also carries every state row: conservative for batching) rounds=${ROUNDS} single_events=${SINGLE_EVENTS}`);
  console.log(`per event: batched (relay, 500/statement) ${(b * 1000).toFixed(1)} µs, single INSERT round trip ${(s * 1000).toFixed(1)} µs`);
  console.log(`bench relay-batch-vs-single-insert: ${(b / s).toFixed(3)}`);
} finally {
  await cluster.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
