// A real serial line for tests: socat links two pseudo-terminals, so bytes
// written to one end are read at the other. Every test that needs a serial
// pair starts it here, so each one is killed and its links removed the same
// way, even when a test fails before its after() runs.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A linked pair of pseudo-terminals: bytes written to one end are read at the other. */
export interface PtyPair {
  a: string;
  b: string;
  /** Kills socat, waits for it to exit and removes the links. */
  stop(): Promise<void>;
}

// A socat left running keeps its ptys open and outlives the test run: kill
// every one still alive when the process exits, whatever the tests did.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Starts `socat pty,raw,echo=0,link=A pty,raw,echo=0,link=B` and waits until both links exist. */
export async function startPtyPair(timeoutMs = 5000): Promise<PtyPair> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'socat-pty-'));
  const a = path.join(dir, 'ttyA');
  const b = path.join(dir, 'ttyB');
  const child = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
  live.add(child);
  // spawn reports a missing socat as an 'error' without an 'exit'.
  const exited = new Promise<void>((resolve) => {
    const gone = (): void => {
      live.delete(child);
      resolve();
    };
    child.once('exit', gone);
    child.once('error', gone);
  });
  const stop = async (): Promise<void> => {
    if (live.has(child)) {
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 2000);
      force.unref();
      await exited;
      clearTimeout(force);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  while (!(fs.existsSync(a) && fs.existsSync(b))) {
    if (!live.has(child) || Date.now() > deadline) {
      await stop();
      throw new Error(`socat did not create the pty pair within ${timeoutMs} ms (is socat installed?)`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  return { a, b, stop };
}
