// npm run chaos -- --payments N --seed S [--lanes L] [--verbose]
// npm run chaos -- --folios N --seed S [--verbose]   (the purser's folio chaos run, folio-chaos-run.ts:
//   its last line is `folio: guests=… records=… sent_twice=0 lost=0 settled_over_authorised=0 stuck=0`,
//   the kills per point on the line before; non-zero exit unless all four are 0, no record the journal
//   approved lacks its processor entry, nothing hung and, in runs of 40+ guests, every named point was hit)
// npm run chaos -- --registers 4 --store --payments N --seed S: the store's run
// (scripts/chaos/chaos-store-run.ts), ending with its `store: registers=…` line.
// Drives N payments through the real register against simulators with random
// faults, random host kills and kills at named points, the duplicate checks
// on and off in turns; then scans the run's folder (journal, WAL, logs) for
// card data and prints one line (its last on stdout) with every count. Exits
// non-zero unless double_charges, lost_approvals, unresolved,
// orphans_unflagged, phantom_approvals, over_approved, register_orphans,
// over_refunds and double_refunds (the last two from the processor ledger,
// fed by the manager's voids and refunds during the run) and
// unexplained_variance (batch lines and closed batches against the ledger;
// `batches` counts the batches the manager closed) are all 0 (before and after the harness's own Find Missing run), every
// named kill point was hit (runs of 300+), and no card data was found.

import { parseArgs } from 'node:util';
import { scanPaths, scanSummary } from '../card-data-scan.ts';
import { runChaos } from './chaos-run.ts';
import { runFolioChaos } from './folio-chaos-run.ts';
import { runStoreChaos } from './chaos-store-run.ts';

function wholeNumber(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!/^\d{1,9}$/.test(v)) {
    process.stderr.write(`--${name} must be a whole number, got ${v}\n`);
    process.exit(2);
  }
  return Number(v);
}

const { values } = parseArgs({
  options: {
    payments: { type: 'string' },
    folios: { type: 'string' },
    seed: { type: 'string' },
    lanes: { type: 'string' },
    verbose: { type: 'boolean' },
    registers: { type: 'string' },
    store: { type: 'boolean' },
  },
  strict: true,
});
if (values.folios !== undefined) runFolios();
else if (values.store) runStore();
else if (values.registers !== undefined) {
  process.stderr.write('--registers needs --store (registers share a store)\n');
  process.exit(2);
} else runPayments();

/** The purser's folio chaos run (issue 12 §6). */
function runFolios(): void {
  if (values.payments !== undefined || values.lanes !== undefined) {
    process.stderr.write('--folios runs the folio chaos run alone: leave out --payments and --lanes\n');
    process.exit(2);
  }
  const folios = wholeNumber('folios', values.folios, 200);
  const seed = wholeNumber('seed', values.seed, 1);
  if (folios < 1) {
    process.stderr.write('--folios must be at least 1\n');
    process.exit(2);
  }
  // Every line goes out (the findings are capped at a few dozen); --verbose changes nothing here.
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  finishRun('folio chaos', seed, 'journal and logs', runFolioChaos({ folios, seed, log }), (r) => `${r.killsLine}\n${r.line}`);
}

function runPayments(): void {
  const payments = wholeNumber('payments', values.payments, 300);
  const seed = wholeNumber('seed', values.seed, 1);
  const lanes = wholeNumber('lanes', values.lanes, 3);
  if (payments < 1 || lanes < 1) {
    process.stderr.write('--payments and --lanes must be at least 1\n');
    process.exit(2);
  }
  const verbose = values.verbose ?? false;
  const log = (line: string): void => {
    if (verbose || !line.startsWith('chaos: ticket ')) process.stderr.write(`${line}\n`);
  };

  finishRun('chaos', seed, 'journal and logs', runChaos({ payments, seed, lanes, log }), (r) => r.line);
}

/** The store's run (issue 13 §5): registers sharing one PostgreSQL store. */
function runStore(): void {
  const payments = wholeNumber('payments', values.payments, 300);
  const seed = wholeNumber('seed', values.seed, 1);
  const registers = wholeNumber('registers', values.registers, 4);
  if (registers < 2) {
    process.stderr.write('--registers must be at least 2 for a store run\n');
    process.exit(2);
  }
  finishRun('chaos-store', seed, 'journals and logs', runStoreChaos({ registers, payments, seed, log: (line) => process.stderr.write(`${line}\n`) }), (r) => r.line);
}

/**
 * Ends the process with a run's verdict: scans the run's folder for card data at rest (issue 14 §6: the
 * journal, its WAL and every log), prints the run's last lines on stdout, and exits 0 only when the run
 * passed and no card data was found (1 otherwise; 2 when the run itself failed).
 */
function finishRun<R extends { ms: number; dir: string; passed: boolean }>(label: string, seed: number, kept: string, run: Promise<R>, lastLines: (r: R) => string): void {
  run.then(
    (r) => {
      process.stderr.write(`${label}: seed=${seed} took ${(r.ms / 1000).toFixed(1)} s; ${kept} in ${r.dir}\n`);
      const scan = scanPaths([r.dir]);
      for (const f of scan.findings) process.stderr.write(`card-data-scan: ${f.kind} at ${f.file}:${f.offset} (${f.sample})\n`);
      process.stderr.write(`${scanSummary(scan)}\n`);
      process.stdout.write(`${lastLines(r)}\n`);
      process.exit(r.passed && scan.findings.length === 0 ? 0 : 1);
    },
    (err: unknown) => {
      process.stderr.write(`${label}: run failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(2);
    },
  );
}
