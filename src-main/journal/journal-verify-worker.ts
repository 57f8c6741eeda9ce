// The worker side of an off-thread `journal verify` (journal-verify-off-thread.ts):
// opens its own read-only connection to the journal file, walks the chain and
// rebuilds the state rows in one read snapshot, and posts the report. The
// integrity_check part runs in a child process instead (see the runner).

import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { BUSY_TIMEOUT_MS } from './journal-connection.ts';
import { verifyJournalDetailed } from './journal-verify.ts';

/** What the worker is given. */
export interface VerifyWorkerData {
  path: string;
}

/** What the worker answers. */
export type VerifyWorkerMessage =
  | { kind: 'done'; report: ReturnType<typeof verifyJournalDetailed>['report']; problems: string[] }
  | { kind: 'error'; message: string; code?: string };

const { path } = workerData as VerifyWorkerData;
let answer: VerifyWorkerMessage;
let db: BetterSqlite3.Database | undefined;
try {
  db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  const { report, integrityProblems } = verifyJournalDetailed(db, path, { integrityCheck: false, snapshot: true });
  answer = { kind: 'done', report, problems: integrityProblems };
} catch (err) {
  answer = { kind: 'error', message: err instanceof Error ? err.message : String(err), code: (err as { code?: string }).code };
} finally {
  db?.close();
}
parentPort?.postMessage(answer);
