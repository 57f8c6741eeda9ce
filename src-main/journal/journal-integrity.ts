// The full PRAGMA integrity_check, off the start-up path. It reads every page,
// so it grows with history (about a minute at a million attempts); opening
// runs only the checks that stay constant (journal-connection.ts) and this
// runs on its own read-only connection in a child process while the register
// works. Its verdict feeds the journal health: a failure stops new payments.
//
// A child process, not a worker thread: a worker cannot be stopped while
// SQLite is inside the one long integrity_check call (terminate() and even
// process exit wait for the call to return), so closing the app would hang for
// up to a minute. A read-only child can be killed at once.

import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { AppError } from '../../src-shared/errors.ts';
import { BUSY_TIMEOUT_MS } from './journal-connection.ts';

/** Where the background check stands: not started, running, passed, found damage, or could not run. */
export type IntegrityState = 'not_run' | 'checking' | 'ok' | 'failed' | 'error';

/** The background check's verdict. */
export interface IntegrityStatus {
  state: IntegrityState;
  /** integrity_check rows other than "ok" (failed), at most MAX_PROBLEMS. */
  problems: string[];
  /** What to tell a person (failed, error). */
  message?: string;
  /** How long the check took (ok, failed). */
  ms?: number;
}

/** Most problems asked for and kept; one is enough to refuse payments. */
const MAX_PROBLEMS = 10;

// Plain CommonJS given to `node -e`, so the same code runs under tsx, the tsc
// build and Electron (as node), with no separate script file to locate. The
// driver comes by absolute path from this process's resolution.
const CHECK_SOURCE = `
const [path, driver, busyMs, maxProblems] = JSON.parse(process.env.CASHIER_DESK_CHECK);
const out = (m) => process.stdout.write(JSON.stringify(m) + '\\n');
const t0 = performance.now();
let db;
try {
  db = new (require(driver))(path, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = ' + busyMs);
  const rows = db.pragma('integrity_check(' + maxProblems + ')');
  out({ kind: 'done', problems: rows.map((r) => r.integrity_check).filter((s) => s !== 'ok'), ms: performance.now() - t0 });
} catch (err) {
  const code = String((err && err.code) || '');
  const message = String((err && err.message) || err);
  // SQLite refusing to read a page is itself the verdict, not a failure to check.
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) out({ kind: 'done', problems: [message], ms: performance.now() - t0 });
  else out({ kind: 'error', message });
} finally {
  if (db) db.close();
}
`;

type CheckMessage = { kind: 'done'; problems: string[]; ms: number } | { kind: 'error'; message: string };

/** A running background check. */
export interface BackgroundCheck {
  /** Settles with the verdict; never rejects. */
  result: Promise<IntegrityStatus>;
  /** Stops the check at once (the app is closing); result settles as 'error' if it had not finished. */
  stop(): void;
}

/**
 * A started checker process, whoever started it: a Node child process here and
 * in browser mode, Electron's utility process in the packaged app (its
 * runAsNode fuse is off, so `process.execPath -e` would start a second copy of
 * the app instead of Node).
 */
export interface CheckerProcess {
  stdout: NodeJS.ReadableStream | null;
  stderr: NodeJS.ReadableStream | null;
  /** Ends it at once; a no-op once it has exited. */
  kill(): void;
  /** Calls back once when it exits (signal set when it was killed). */
  onExit(cb: (code: number | null, signal: string | null) => void): void;
  /** Calls back if it could not be started or died abnormally. */
  onError(cb: (message: string) => void): void;
}

/** Starts `source` (plain CommonJS) as a separate process with `env` added to its environment. */
export type CheckerLauncher = (source: string, env: Record<string, string>) => CheckerProcess;

/** The default: a Node child process running the source with `-e`. */
export const nodeCheckerLauncher: CheckerLauncher = (source, env) => {
  const child: ChildProcess = spawn(process.execPath, ['-e', source], {
    // Electron's binary (development runs) acts as plain Node with this; plain Node ignores it.
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsHide: true,
  });
  return {
    stdout: child.stdout,
    stderr: child.stderr,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
    onExit: (cb) => void child.once('close', (code, signal) => cb(code, signal)),
    onError: (cb) => void child.once('error', (err) => cb(err.message)),
  };
};

let launcher: CheckerLauncher = nodeCheckerLauncher;

/** Replaces how checker processes start (the Electron shell installs its utility-process launcher before the host opens the journal). */
export function useCheckerLauncher(next: CheckerLauncher): void {
  launcher = next;
}

/** The plain CommonJS source of the checker, for launchers that must run it from a file. */
export const INTEGRITY_CHECK_SOURCE = CHECK_SOURCE;

/** Kill functions of the checks still running, for the process's exit. */
const running = new Set<() => void>();

function killAll(): void {
  for (const kill of running) kill();
}

/** Starts integrity_check of the file at `path` on a read-only connection in a separate process. */
export function startBackgroundCheck(path: string): BackgroundCheck {
  let child: CheckerProcess;
  try {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    child = launcher(CHECK_SOURCE, { CASHIER_DESK_CHECK: JSON.stringify([path, driver, BUSY_TIMEOUT_MS, MAX_PROBLEMS]) });
  } catch (err) {
    return { result: Promise.resolve(couldNotRun(path, err instanceof Error ? err.message : String(err))), stop: () => undefined };
  }
  const kill = () => child.kill();
  // Kept referenced so a caller awaiting the verdict gets it; Journal.close() kills it, and so does the exit of this process.
  running.add(kill);
  if (running.size === 1) process.once('exit', killAll);
  let stdout = '';
  let stderr = '';
  for (const [stream, add] of [
    [child.stdout, (c: string) => (stdout += c)],
    [child.stderr, (c: string) => (stderr = (stderr + c).slice(-500))],
  ] as const) {
    stream?.setEncoding('utf8');
    stream?.on('data', add);
  }
  const result = new Promise<IntegrityStatus>((resolve) => {
    const forget = () => {
      running.delete(kill);
      if (running.size === 0) process.removeListener('exit', killAll);
    };
    child.onError((message) => {
      forget();
      resolve(couldNotRun(path, message));
    });
    child.onExit((code, signal) => {
      forget();
      let m: CheckMessage | undefined;
      try {
        m = JSON.parse(stdout.trim().split('\n').pop() ?? '') as CheckMessage;
      } catch {
        const why = signal ? 'the check was stopped before it finished' : `the checker exited with code ${code}: ${stderr.trim().split('\n').pop() ?? ''}`;
        resolve(couldNotRun(path, why));
        return;
      }
      if (m.kind === 'error') resolve(couldNotRun(path, m.message));
      else if (m.problems.length === 0) resolve({ state: 'ok', problems: [], ms: m.ms });
      else resolve(failedStatus(path, m.problems, m.ms));
    });
  });
  return { result, stop: kill };
}

/** The verdict for a file whose integrity_check listed problems. */
export function failedStatus(path: string, problems: string[], ms?: number): IntegrityStatus {
  return {
    state: 'failed',
    problems: problems.slice(0, MAX_PROBLEMS),
    ms,
    message:
      `The journal ${path} failed its integrity check (${problems[0]}). Card and cash payments are stopped, and nothing more (tickets and settings neither) is written to a damaged file. ` +
      'Do not delete it: it holds payment records. A manager can still look up tickets and run "Verify journal"; restore the journal from a backup or contact support.',
  };
}

function couldNotRun(path: string, why: string): IntegrityStatus {
  return {
    state: 'error',
    problems: [],
    message: `The background check of the journal ${path} could not run (${why}). Run "journal verify" to check it.`,
  };
}

/** The AppError a payment gets while the journal is known to be damaged. */
export function journalDamagedError(status: IntegrityStatus): AppError {
  return new AppError('journal_corrupt', status.message ?? 'The journal failed its integrity check. Payments are stopped.', {
    reason: 'integrity_check',
    problems: status.problems,
  });
}
