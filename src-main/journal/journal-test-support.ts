// Helpers for tests that need a real journal file: a temp folder, a stepping
// clock and sequential ids, so results are deterministic.

import fs from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
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

/**
 * Damages one leaf page from the middle of `table` in a closed journal file:
 * its cell pointers are overwritten, while the header, the schema and the
 * b-tree's ends (what opening reads) stay intact. Returns the page number.
 */
export function corruptMiddleLeafPage(file: string, table: string): number {
  const db = new BetterSqlite3(file, { readonly: true });
  const pages = db.prepare("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno").pluck().all(table) as number[];
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  if (pages.length < 5) throw new Error(`${table} has only ${pages.length} leaf pages; write more rows first`);
  const page = pages[Math.floor(pages.length / 2)];
  const bytes = fs.readFileSync(file);
  const at = (page - 1) * pageSize;
  const cells = bytes.readUInt16BE(at + 3);
  // Every cell pointer now points past the end of the page.
  for (let i = 0; i < cells; i++) bytes.writeUInt16BE(0xfff0, at + 8 + 2 * i);
  fs.writeFileSync(file, bytes);
  return page;
}
