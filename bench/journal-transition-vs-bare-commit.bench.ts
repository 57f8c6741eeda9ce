// The cost of one journaled payment-attempt transition (read the row, apply
// the state machine, update the changed columns, append a hash-chained event,
// move the chain head: one transaction) against one bare single-row commit
// with the same pragmas (WAL, synchronous=FULL), on real files in one temp
// folder. The two are interleaved so disk and CPU noise hits both alike.
//
// Fairness: both sides must really write. SQLite does not dirty a page when an
// UPDATE stores identical bytes, so a commit that rewrites the same value is
// free (no WAL frame, no fsync). Both sides therefore take their timestamp
// from one clock that advances 1 ms per reading: every bare commit changes its
// row, and every transition changes updated_at (as in production, where
// transitions are seconds apart).
// Result: median(journaled) / median(bare); target at most 1.5.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { AttemptRepository } from '../src-main/journal/attempt-repository.ts';
import { applyJournalPragmas } from '../src-main/journal/journal-connection.ts';
import { openJournal } from '../src-main/journal/journal.ts';
import { journalTestTicket } from '../src-main/journal/journal-test-rig.ts';
import { quantile } from './bench-stats.ts';

const WARMUP = 200;
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 3000);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-bench-journal-'));
try {
  let tick = Date.UTC(2026, 0, 1);
  const clock = () => new Date((tick += 1));
  const journal = openJournal({ path: path.join(dir, 'journal.sqlite'), clock });
  // Register, ticket and their events, so the verify at the end finds the state rows whole.
  journalTestTicket(journal, 't1', 1250);
  const attempts = new AttemptRepository(journal);
  const a = attempts.create({ ticketId: 't1', slot: 1, ecrRef: 'RR1T1P1', invoice: 'RR1T1P1', terminalId: 'pax-1', kind: 'sale', amountRequested: 1250, currency: 'USD' });
  attempts.transition(a.id, { type: 'send' });
  attempts.transition(a.id, { type: 'doubt', reason: 'timeout' });

  const bare = new BetterSqlite3(path.join(dir, 'bare.sqlite'));
  applyJournalPragmas(bare);
  bare.exec('CREATE TABLE state (id TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at TEXT NOT NULL)');
  bare.prepare("INSERT INTO state VALUES ('a', 'in_doubt', '')").run();
  const bareUpdate = bare.prepare("UPDATE state SET state = 'in_doubt', updated_at = ? WHERE id = 'a'");

  // in_doubt --doubt--> in_doubt is a real, repeatable transition (a lookup that learnt nothing).
  const journaled = () => attempts.transition(a.id, { type: 'doubt', reason: 'timeout' });
  const bareCommit = () => bareUpdate.run(clock().toISOString());

  const tj: number[] = [];
  const tb: number[] = [];
  const time = (fn: () => unknown): number => {
    const t0 = process.hrtime.bigint();
    fn();
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  for (let i = 0; i < WARMUP; i++) {
    journaled();
    bareCommit();
  }
  for (let i = 0; i < ITERATIONS; i++) {
    // Alternate which goes first so neither always follows the other's fsync.
    if (i % 2 === 0) {
      tj.push(time(journaled));
      tb.push(time(bareCommit));
    } else {
      tb.push(time(bareCommit));
      tj.push(time(journaled));
    }
  }
  // Breakdown: the same transition inside an already open transaction that is
  // then rolled back, i.e. everything but BEGIN/COMMIT and the fsync.
  const tw: number[] = [];
  for (let i = 0; i < 1000; i++) {
    journal.db.exec('BEGIN IMMEDIATE');
    try {
      tw.push(time(journaled));
    } finally {
      journal.db.exec('ROLLBACK');
    }
  }
  const report = journal.verify();
  if (!report.ok) throw new Error(`journal broken after the bench: ${JSON.stringify(report.breaks.slice(0, 3))}`);
  journal.close();
  bare.close();

  console.log(`iterations ${ITERATIONS} each (after ${WARMUP} warm-up), ${report.events} events chained and verified`);
  console.log(`journaled transition  p50 ${quantile(tj, 0.5).toFixed(3)} ms  p99 ${quantile(tj, 0.99).toFixed(3)} ms`);
  console.log(`bare single-row commit  p50 ${quantile(tb, 0.5).toFixed(3)} ms  p99 ${quantile(tb, 0.99).toFixed(3)} ms`);
  const work = quantile(tw, 0.5);
  console.log(`  of which: read + state machine + update + event + head (no commit)  p50 ${work.toFixed(3)} ms`);
  console.log(`  of which: BEGIN/COMMIT with fsync of its WAL frames  ~${(quantile(tj, 0.5) - work).toFixed(3)} ms (p50 difference)`);
  console.log(`p99 ratio ${(quantile(tj, 0.99) / quantile(tb, 0.99)).toFixed(2)}`);
  console.log(`bench journal-transition-vs-bare-commit: ${(quantile(tj, 0.5) / quantile(tb, 0.5)).toFixed(2)}`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
