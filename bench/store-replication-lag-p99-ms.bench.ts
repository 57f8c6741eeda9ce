// Replication lag under steady load: four registers (four real journals with
// the real ticket service, in this process) each ring a cash sale every
// SALE_EVERY_MS, and each register's relay sends to one PostgreSQL store
// (a throw-away cluster on 127.0.0.1 with fsync on). For every event: the time
// from its journal commit (Journal.onCommit) to the relay's INSERT having
// committed in the store (the batch's answer: from then on any reader of the
// store sees it). Result: the p99 of that lag over every event, in ms.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openRegisterJournal, type RegisterJournal } from '../src-main/store/register-journal-test-rig.ts';
import { parseStoreUrl } from '../src-main/store/store-config.ts';
import { StoreRelay } from '../src-main/store/store-relay.ts';
import { startStoreTestCluster } from '../src-main/store/store-test-rig.ts';
import { quantile } from './bench-stats.ts';

const REGISTERS = 4;
const SALE_EVERY_MS = Number(process.env.BENCH_SALE_EVERY_MS ?? 40);
const RUN_MS = Number(process.env.BENCH_RUN_MS ?? 8000);
const WARMUP_MS = 1000;

const cluster = await startStoreTestCluster({ durable: true });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-bench-store-lag-'));
try {
  const url = await cluster.createStoreDatabase();
  const lags: number[] = [];
  const started = performance.now();
  const regs: { reg: RegisterJournal; relay: StoreRelay; committedAt: Map<number, number> }[] = [];
  for (let i = 1; i <= REGISTERS; i++) {
    const reg = openRegisterJournal(dir, `bench-r${i}`);
    const committedAt = new Map<number, number>();
    const head = reg.journal.db.prepare('SELECT seq FROM chain_head WHERE id = 1').pluck();
    let recorded = head.get() as number;
    reg.journal.onCommit(() => {
      const t = performance.now();
      const seq = head.get() as number;
      // One commit may append several events: each gets the commit's time.
      for (let s = recorded + 1; s <= seq; s++) committedAt.set(s, t);
      recorded = Math.max(recorded, seq);
    });
    const relay = new StoreRelay({
      journal: reg.journal,
      registerId: reg.registerId,
      config: parseStoreUrl(url),
      log: () => undefined,
      onBatchSent: ({ lastSeq, at }) => {
        for (const [seq, t] of committedAt) {
          if (seq > lastSeq) continue;
          if (t - started > WARMUP_MS) lags.push(at - t);
          committedAt.delete(seq);
        }
      },
    });
    relay.start();
    regs.push({ reg, relay, committedAt });
  }
  await Promise.all(regs.map((r) => r.relay.whenCaughtUp()));

  // Steady load: the registers' sales are spread over the period, not in lockstep.
  const timers = regs.map((r, i) => {
    let timer: ReturnType<typeof setInterval> | undefined;
    const offset = setTimeout(() => {
      timer = setInterval(() => r.reg.sell(), SALE_EVERY_MS);
    }, (SALE_EVERY_MS / REGISTERS) * i);
    return () => {
      clearTimeout(offset);
      if (timer) clearInterval(timer);
    };
  });
  await new Promise((r) => setTimeout(r, RUN_MS));
  for (const stop of timers) stop();
  await Promise.all(regs.map((r) => r.relay.whenCaughtUp(30_000)));
  const events = regs.reduce((n, r) => n + (r.reg.journal.db.prepare('SELECT seq FROM chain_head').pluck().get() as number), 0);
  for (const r of regs) {
    await r.relay.stop();
    r.reg.close();
  }
  const p50 = quantile(lags, 0.5);
  const p99 = quantile(lags, 0.99);
  console.log(`registers=${REGISTERS} sale_every_ms=${SALE_EVERY_MS} run_ms=${RUN_MS} events=${events} measured=${lags.length} (after ${WARMUP_MS} ms warm-up)`);
  console.log(`lag commit->store: p50=${p50.toFixed(2)} ms p99=${p99.toFixed(2)} ms max=${quantile(lags, 1).toFixed(2)} ms`);
  console.log(`bench store-replication-lag-p99-ms: ${p99.toFixed(2)}`);
} finally {
  await cluster.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
