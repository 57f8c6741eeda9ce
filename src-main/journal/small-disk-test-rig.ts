// A small tmpfs a test mounts to fill up or remount read-only: a disk that
// really runs out, not a mocked write error. Needs root; without it the test
// is skipped saying why.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';

/** Small disks for one test file; call cleanup() in its after(). */
export function smallDisks(prefix: string): { mount(t: TestContext, size: string): string | undefined; base: string; cleanup(): void } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const mounts: string[] = [];
  return {
    base,
    /** Mounts a tmpfs of `size` (e.g. "2m"), or skips the test saying why. */
    mount(t, size) {
      const dir = fs.mkdtempSync(path.join(base, 'disk-'));
      try {
        execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
      } catch (err) {
        t.skip(`this machine does not let the test mount a tmpfs (${(err as Error).message.split('\n')[0]}); run as root to test a full or read-only disk`);
        return undefined;
      }
      mounts.push(dir);
      return dir;
    },
    cleanup() {
      for (const m of mounts) {
        try {
          execFileSync('umount', [m], { stdio: 'ignore' });
        } catch {
          // already unmounted
        }
      }
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}
