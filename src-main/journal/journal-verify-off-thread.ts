// `journal verify` off the host's thread. On a 400,000-event journal the walk
// takes seconds, and the host's one thread also carries every PIN-pad frame:
// run there, each press stalled every client. So the two halves run elsewhere,
// in parallel, each on its own read-only connection to the same file:
// - the chain walk and the state rebuild in a worker thread
//   (journal-verify-worker.ts), one read snapshot while the register writes;
// - PRAGMA integrity_check in a child process (journal-integrity.ts): a single
//   SQLite call that a worker could not be stopped in (terminate() waits for
//   it to return), which would hold up closing the app for up to a minute.
//
// The worker is TypeScript under tsx (tests, `npm start`) and JavaScript in
// the tsc build (dist-main, Electron): the file beside this module with this
// module's own extension (verifyWorkerEntry).

import { Worker } from 'node:worker_threads';
import type { JournalVerifyReport } from '../../src-shared/domain.ts';
import { AppError } from '../../src-shared/errors.ts';
import { startBackgroundCheck } from './journal-integrity.ts';
import type { VerifyWorkerData, VerifyWorkerMessage } from './journal-verify-worker.ts';

/** The combined verdict: the report, and the integrity_check rows that were not "ok". */
export interface OffThreadVerdict {
  report: JournalVerifyReport;
  integrityProblems: string[];
}

/** A running off-thread verify. */
export interface OffThreadVerify {
  /** Settles with the verdict; rejects with an AppError when the journal could not be read or the run was stopped. */
  result: Promise<OffThreadVerdict>;
  /** Stops both halves at once (the app is closing). */
  stop(): void;
}

/**
 * How to start the worker: the compiled .js file as is; under tsx, a tiny
 * eval bootstrap that registers tsx's loader in the worker and then imports
 * the .ts file. (On Node 20 a worker given `--import tsx` in execArgv, or
 * inheriting it, still refuses a .ts entry: "Unknown file extension".)
 */
export function verifyWorkerEntry(moduleUrl: string = import.meta.url): { script: URL | string; eval: boolean } {
  const ts = new URL(moduleUrl).pathname.endsWith('.ts');
  const url = new URL(`./journal-verify-worker.${ts ? 'ts' : 'js'}`, moduleUrl);
  if (!ts) return { script: url, eval: false };
  const tsxApi = import.meta.resolve('tsx/esm/api');
  return {
    script: `import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); });`,
    eval: true,
  };
}

/** Starts verify of the journal file at `path` off the calling thread. */
export function startOffThreadVerify(path: string): OffThreadVerify {
  const check = startBackgroundCheck(path);
  const entry = verifyWorkerEntry();
  let worker: Worker | undefined;
  let stopped = false;
  const walked = new Promise<VerifyWorkerMessage>((resolve) => {
    try {
      worker = new Worker(entry.script, { eval: entry.eval, workerData: { path } satisfies VerifyWorkerData });
    } catch (err) {
      resolve({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
      return;
    }
    let answered = false;
    worker.once('message', (m: VerifyWorkerMessage) => {
      answered = true;
      resolve(m);
    });
    worker.once('error', (err) => resolve({ kind: 'error', message: err.message }));
    worker.once('exit', (code) => {
      if (!answered) resolve({ kind: 'error', message: stopped ? 'the check was stopped before it finished' : `the verify worker exited with code ${code}` });
    });
  });
  const result = (async (): Promise<OffThreadVerdict> => {
    const [m, integrity] = await Promise.all([walked, check.result]);
    if (m.kind === 'error') {
      throw new AppError('journal_unavailable', `The journal ${path} could not be verified (${m.message}). Try again; if it keeps failing, run "journal verify" and contact support.`, {
        path,
        code: m.code,
      });
    }
    if (integrity.state === 'error') {
      throw new AppError('journal_unavailable', integrity.message ?? `The integrity check of the journal ${path} could not run. Try again.`, { path });
    }
    // Damage the walk ran into (a page it could not read) and what integrity_check lists both count.
    const problems = [...integrity.problems, ...m.problems];
    const report = { ...m.report, integrityOk: m.report.integrityOk && problems.length === 0 };
    report.ok = report.ok && report.integrityOk;
    return { report, integrityProblems: problems };
  })();
  return {
    result,
    stop() {
      stopped = true;
      check.stop();
      void worker?.terminate();
    },
  };
}
