// Another app on this machine, for the PIN pad lock tests: a child process
// that takes a PIN pad's lock through the real FilePinPadLockRegistry and then
// does what its parent says on stdin. Run as a script:
//   node --import tsx pin-pad-lock-test-rig.ts <address> <application>
// It prints one JSON line per event: {"event":"locked"} or
// {"event":"refused","message":…}, then on stdin "release" → {"event":"released"},
// "exit" → exits normally without releasing (the exit hook must unlock).
// The lock directory and workstation come from CASHIER_DESK_LOCK_DIR and
// CASHIER_DESK_WORKSTATION, as in the app.

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../src-shared/errors.ts';
import { FilePinPadLockRegistry, type PinPadLock } from './pin-pad-lock.ts';

const SELF = fileURLToPath(import.meta.url);

/** A child process holding (or refused) a PIN pad lock. */
export interface LockHolderProcess {
  child: ChildProcess;
  /** The next JSON event line. */
  next(timeoutMs?: number): Promise<Record<string, unknown>>;
  send(line: 'release' | 'exit'): void;
  /** Resolves when the child has exited. */
  exited: Promise<number | null>;
}

/** Starts the child; env adds to this process's environment (lock dir, workstation). */
export function startLockHolder(address: string, application: string, env: Record<string, string>): LockHolderProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', SELF, address, application], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const waiters: ((line: string) => void)[] = [];
  readline.createInterface({ input: child.stdout! }).on('line', (line) => {
    const w = waiters.shift();
    if (w) w(line);
    else lines.push(line);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    send: (line) => void child.stdin!.write(`${line}\n`),
    next: (timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const queued = lines.shift();
        if (queued !== undefined) return resolve(JSON.parse(queued) as Record<string, unknown>);
        const timer = setTimeout(() => reject(new Error('the lock holder process said nothing in time')), timeoutMs);
        waiters.push((line) => {
          clearTimeout(timer);
          resolve(JSON.parse(line) as Record<string, unknown>);
        });
      }),
  };
}

async function main(): Promise<void> {
  const [address, application] = process.argv.slice(2);
  const registry = new FilePinPadLockRegistry({ application });
  const say = (o: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(o)}\n`);
  let lock: PinPadLock | undefined;
  try {
    lock = await registry.acquire(address);
    say({ event: 'locked', pid: process.pid });
  } catch (err) {
    say({ event: 'refused', code: err instanceof AppError ? err.code : 'other', message: (err as Error).message });
  }
  readline.createInterface({ input: process.stdin }).on('line', (line) => {
    if (line === 'release') void lock?.release().then(() => say({ event: 'released' }));
    if (line === 'exit') process.exit(0);
  });
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === SELF) void main();
