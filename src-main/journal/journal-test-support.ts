// Helpers for tests that need a real journal file: a temp folder, a stepping
// clock and sequential ids, so results are deterministic.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openJournal, type Journal } from './journal.ts';

/** A fresh temp folder; remove it with cleanup(). */
export function tempDir(prefix = 'cashier-journal-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A clock that advances one second per reading from 2026-01-01T00:00:00Z. */
export function steppingClock(start = Date.UTC(2026, 0, 1)): () => Date {
  let t = start;
  return () => new Date((t += 1000));
}

/** Ids "id-1", "id-2", … */
export function sequentialIds(prefix = 'id-'): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}

/** Opens a journal at file with the deterministic clock and ids (give each reopen its own id prefix). */
export function openTestJournal(file: string, idPrefix = 'id-'): Journal {
  return openJournal({ path: file, clock: steppingClock(), newId: sequentialIds(idPrefix) });
}
