// Child processes of the chaos run: each simulator runs in its own process so
// the processor ledger and the PIN pads outlive every SIGKILL of the host.
// A child announces itself with one JSON line on stdout; its stderr goes to a
// log file in the run folder (ids and references only: the simulators never
// log card data).

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Root of the repository (scripts run from anywhere). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A started child that printed its JSON line. */
export interface Child<T> {
  proc: ChildProcess;
  /** The JSON line it printed when ready. */
  info: T;
  /** Lines printed on stdout after the first one. */
  lines: readline.Interface;
  /** Resolves once the process exited. */
  exited: Promise<void>;
  /** Sends a signal (default SIGTERM) and waits for the exit, SIGKILL after graceMs. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

/** Starts `node --import tsx <script> ...args` from the repo root and waits for its first JSON line. */
export async function startTsChild<T>(script: string, args: string[], opts: { logFile: string; readyTimeoutMs?: number; isReady?: (line: unknown) => boolean; onSpawn?: (proc: ChildProcess) => void; env?: Record<string, string> }): Promise<Child<T>> {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, script), ...args], {
    cwd: REPO_ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}),
  });
  opts.onSpawn?.(proc);
  // A child that killed itself (a chaos kill point) makes a pending write fail with EPIPE: its exit says it all.
  proc.stdin!.on('error', () => undefined);
  const log = fs.createWriteStream(opts.logFile, { flags: 'a' });
  proc.stderr!.pipe(log);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const lines = readline.createInterface({ input: proc.stdout! });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM', graceMs = 3000): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return exited;
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  const timeoutMs = opts.readyTimeoutMs ?? 30_000;
  const info = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${script} did not start within ${timeoutMs} ms (see ${opts.logFile})`)), timeoutMs);
    const onExit = (): void => fail(new Error(`${script} exited before it was ready (code ${proc.exitCode}; see ${opts.logFile})`));
    const onLine = (line: string): void => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        return; // not the announcement
      }
      if (opts.isReady && !opts.isReady(parsed)) return;
      cleanup();
      resolve(parsed as T);
    };
    function cleanup(): void {
      clearTimeout(timer);
      lines.off('line', onLine);
      proc.off('exit', onExit);
    }
    function fail(err: Error): void {
      cleanup();
      void stop('SIGKILL').then(() => reject(err));
    }
    lines.on('line', onLine);
    proc.once('exit', onExit);
  });
  return { proc, info, lines, exited, stop };
}

/** POSTs or GETs JSON on loopback with a deadline; rejects on a non-2xx answer. */
export async function httpJson<T>(url: string, opts: { method?: string; body?: unknown; timeoutMs?: number } = {}): Promise<T> {
  const res = await fetch(url, {
    method: opts.method ?? (opts.body === undefined ? 'GET' : 'POST'),
    headers: opts.body === undefined ? {} : { 'content-type': 'application/json' },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 10_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${opts.method ?? 'GET'} ${url} answered ${res.status}: ${text.slice(0, 200)}`);
  return (text ? JSON.parse(text) : {}) as T;
}
