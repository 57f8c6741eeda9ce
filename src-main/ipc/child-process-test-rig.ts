// Test support: runs a CLI as a real child process and waits for its output
// lines and exit, each with a timeout. Not used by the app.

import { spawn, type ChildProcess } from 'node:child_process';

/** A spawned child with line-level helpers. */
export interface RunningChild {
  child: ChildProcess;
  /** Resolves with the first stdout line matching re (rejects after timeoutMs or on exit). */
  waitForLine(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Every stdout line so far. */
  lines(): string[];
  /** Everything on stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (or signal name) once the child exits; kills it after timeoutMs. */
  exited(timeoutMs?: number): Promise<number | string>;
}

/** Spawns `node --import tsx <args>` from cwd with env. */
export function runTsx(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): RunningChild {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  let partial = '';
  let err = '';
  const waiters = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    out.push(...parts);
    for (const w of waiters) w();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exit = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  let exitedNow = false;
  void exit.then(() => {
    exitedNow = true;
    for (const w of waiters) w();
  });

  return {
    child,
    lines: () => [...out],
    stderr: () => err,
    waitForLine(re, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = out.find((l) => re.test(l));
          if (hit !== undefined) done(() => resolve(hit));
          else if (exitedNow) done(() => reject(new Error(`exited before printing ${re}; stderr: ${err}`)));
        };
        const timer = setTimeout(() => done(() => reject(new Error(`no line ${re} within ${timeoutMs} ms; stderr: ${err}`))), timeoutMs);
        const done = (fn: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          fn();
        };
        waiters.add(check);
        check();
      });
    },
    exited(timeoutMs = 10_000) {
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      return exit.finally(() => clearTimeout(timer));
    },
  };
}
