// The end-of-day report off the host's thread. Its SQL reads every card
// payment of the day: a few milliseconds on an ordinary day, but the bench
// measured well over 50 ms on a day of 100,000 (settlement-filter-100k-vs-10k),
// and the host's one thread also carries every PIN-pad frame. So the report
// runs in a worker thread on its own read-only connection (one read snapshot
// while the register writes), the pattern of journal-verify-off-thread.ts,
// whose verifyWorkerEntry explains the tsx bootstrap. A date that does not
// exist is refused on this thread, before any worker starts.

import { Worker } from 'node:worker_threads';
import type { EndOfDayReport } from '../../src-shared/settlement-types.ts';
import { AppError } from '../../src-shared/errors.ts';
import { dayHours } from './end-of-day-report.ts';
import type { ReportWorkerData, ReportWorkerMessage } from './end-of-day-report-worker.ts';

/** How to start the worker: the compiled .js as is; under tsx, a bootstrap that registers tsx in the worker first. */
function workerEntry(): { script: URL | string; eval: boolean } {
  const ts = new URL(import.meta.url).pathname.endsWith('.ts');
  const url = new URL(`./end-of-day-report-worker.${ts ? 'ts' : 'js'}`, import.meta.url);
  if (!ts) return { script: url, eval: false };
  const tsxApi = import.meta.resolve('tsx/esm/api');
  return {
    script: `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); });`,
    eval: true,
  };
}

/** Builds the report of `data.date` from the journal file in a worker thread. */
export function endOfDayReportOffThread(data: ReportWorkerData): Promise<EndOfDayReport> {
  if (data.date !== undefined) dayHours(data.date); // throws the plain-words refusal at once
  const entry = workerEntry();
  return new Promise((resolve, reject) => {
    const fail = (message: string) =>
      reject(new AppError('journal_unavailable', 'The end-of-day report could not be built. Try again; if it keeps failing, verify the journal.', { detail: message }));
    let worker: Worker;
    try {
      worker = new Worker(entry.script, { eval: entry.eval, workerData: data });
    } catch (err) {
      fail(err instanceof Error ? err.message : String(err));
      return;
    }
    let answered = false;
    worker.once('message', (m: ReportWorkerMessage) => {
      answered = true;
      if (m.kind === 'done') resolve(m.report);
      else fail(m.message);
    });
    worker.once('error', (err) => fail(err.message));
    worker.once('exit', (code) => {
      if (!answered) fail(`the report worker exited with code ${code}`);
    });
  });
}
