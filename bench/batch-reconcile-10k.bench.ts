// Reconciling a PIN pad batch of 10,000 records: the journal's attempts (read
// from a real SQLite file), the PIN pad's detail report and the gateway's
// report, all 10,000 long, with 1 % of them differing (a charge nobody
// recorded, an amount that differs, a void on the PIN pad only), and the lines
// recorded in the journal with their events. Measured from reading the
// journal's attempts to the lines committed; median of BENCH_RUNS runs.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TerminalRecord } from '../drivers/terminal.ts';
import type { GatewayReportRow } from '../src-main/gateways/gateway-report-row.ts';
import { openJournal } from '../src-main/journal/journal.ts';
import { BatchRepository } from '../src-main/settlement/batch-repository.ts';
import { reconcileBatch, type JournalBatchEntry } from '../src-main/settlement/batch-reconciler.ts';
import { journalSettlements } from '../src-main/settlement/settlement-test-rig.ts';
import { median } from './bench-stats.ts';

const N = 10_000;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-batch-'));
try {
  const journal = openJournal({ path: path.join(dir, 'journal.sqlite') });
  const start = Date.UTC(2026, 0, 5, 9);
  journalSettlements(journal, Array.from({ length: N }, (_, i) => ({ amount: 500 + (i % 97), at: new Date(start + i * 1000).toISOString(), hostRef: `H${i}` })));
  const entries = () =>
    journal.db
      .prepare(
        `SELECT id AS attemptId, invoice, ecr_ref AS ecrRef, kind, state, amount_requested AS amountRequested, amount_approved AS amountApproved, host_ref AS hostRef
         FROM payment_attempts WHERE terminal_id = 'pax-1' AND created_at >= ?`,
      )
      .all(new Date(start).toISOString()) as JournalBatchEntry[];
  const base = entries();
  const pad: TerminalRecord[] = base.map((a, i) => ({
    transactionType: 'sale', kind: 'sale', voided: i % 100 === 7,
    result: { outcome: 'approved', resultCode: '000000', resultText: 'OK', ecrRef: a.ecrRef, amountApproved: a.amountApproved, amountDue: 0 },
  }));
  const gateway: GatewayReportRow[] = base.map((a, i) => ({
    refNum: `H${i}`, amount: a.amountApproved + (i % 100 === 3 ? 100 : 0), currency: 'USD', enteredAt: start + i * 1000, invoice: a.invoice,
    maskedPan: '4xxxxxxxxxxx1111', cardBrand: 'visa', result: 'approved', responseError: '', voided: i % 100 === 7, command: 'cc:sale',
  }));
  for (let i = 0; i < N / 100; i++) {
    gateway.push({ refNum: `X${i}`, amount: 700, currency: 'USD', enteredAt: start + i, invoice: `R1T${900000 + i}P1`, maskedPan: '', cardBrand: 'visa', result: 'approved', responseError: '', voided: false, command: 'cc:sale' });
  }
  const times: number[] = [];
  let lines = 0;
  for (let run = 0; run < RUNS; run++) {
    const repo = new BatchRepository(journal);
    const batch = repo.openBatch(`pax-bench-${run}`, 'USD', () => new Date(start).toISOString());
    const t0 = performance.now();
    const result = reconcileBatch({ currency: 'USD', journal: entries(), pad, gateway });
    lines = repo.recordCheck(batch.id, result.variances).length;
    times.push(performance.now() - t0);
  }
  if (lines !== 3 * (N / 100)) throw new Error(`expected ${3 * (N / 100)} variance lines, got ${lines}`);
  journal.close();
  console.log(`${N} records per source, ${lines} variance lines, runs: ${times.map((t) => t.toFixed(1)).join(', ')} ms`);
  console.log(`bench batch-reconcile-10k: ${median(times).toFixed(1)}`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
