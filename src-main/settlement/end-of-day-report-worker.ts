// The worker side of an off-thread end-of-day report
// (end-of-day-report-off-thread.ts): its own read-only connection to the
// journal file, the report's SQL, the report posted back.

import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import type { EndOfDayReport } from '../../src-shared/settlement-types.ts';
import { BUSY_TIMEOUT_MS } from '../journal/journal-connection.ts';
import { EndOfDayReporter } from './end-of-day-report.ts';

/** What the worker is given: the journal file, the currency, the register clock's time and the date asked for. */
export interface ReportWorkerData {
  path: string;
  currency: string;
  now: string;
  date?: string;
}

/** What the worker answers. */
export type ReportWorkerMessage = { kind: 'done'; report: EndOfDayReport } | { kind: 'error'; message: string; code?: string };

const data = workerData as ReportWorkerData;
let answer: ReportWorkerMessage;
let db: BetterSqlite3.Database | undefined;
try {
  db = new BetterSqlite3(data.path, { readonly: true, fileMustExist: true });
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  const report = new EndOfDayReporter(db, { currency: data.currency, clock: () => new Date(data.now) }).report(data.date);
  answer = { kind: 'done', report };
} catch (err) {
  answer = { kind: 'error', message: err instanceof Error ? err.message : String(err), code: (err as { code?: string }).code };
} finally {
  db?.close();
}
parentPort?.postMessage(answer);
