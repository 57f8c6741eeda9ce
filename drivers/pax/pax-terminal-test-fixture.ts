// Shared by the PAX contract test files: the waits their terminals use and a
// real serial pty pair made by socat.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PaxTimeouts } from './pax-terminal.ts';

/** Timeouts of the contract fixtures: short, so fault cases finish fast (admin matches the contract's default). */
export const CONTRACT_TIMEOUTS: Partial<PaxTimeouts> = { transactionMs: 5000, adminMs: 3000, cancelMs: 1000, batchMs: 3000, connectMs: 1000 };

/** A linked pair of pseudo-terminals: bytes written to one end are read at the other. */
export interface PtyPair {
  a: string;
  b: string;
  /** Kills socat and removes the links. */
  stop(): Promise<void>;
}

/** Starts `socat pty,raw,echo=0,link=A pty,raw,echo=0,link=B` and waits until both links exist. */
export async function startPtyPair(timeoutMs = 5000): Promise<PtyPair> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pax-pty-'));
  const a = path.join(dir, 'ttyA');
  const b = path.join(dir, 'ttyB');
  const child: ChildProcess = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.resume();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  while (!(fs.existsSync(a) && fs.existsSync(b))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`socat did not create the pty pair within ${timeoutMs} ms (is socat installed?)`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { a, b, stop };
}
