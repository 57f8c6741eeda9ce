// Opening the journal file safely. The rules (DESIGN §4):
// - a missing file is created complete (schema and all) under a temporary name
//   and linked into place, so a crash during creation never leaves a
//   half-made journal behind and an existing file is never replaced;
// - an existing file is first inspected read-only: not ours, visibly corrupt,
//   or written by newer code → refused, and the file is not touched. Only
//   checks whose cost does not grow with history run here (header, stamps, a
//   short read of the chain's ends); the full integrity_check reads every page
//   and runs in the background (journal-integrity.ts);
// - only then is it opened for writing, with the durability pragmas, and any
//   pending migrations run in one transaction.

import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { AppError } from '../../src-shared/errors.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations/index.ts';
import { watchedFault, writeFaultCause } from './journal-write-health.ts';

/** PRAGMA application_id stamped on every journal ("CDjl"), so a foreign SQLite file is recognised. */
export const JOURNAL_APPLICATION_ID = 0x43446a6c;

/** How long a writer waits for another connection's lock before giving up. */
export const BUSY_TIMEOUT_MS = 5000;

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

type Db = BetterSqlite3.Database;

/** Applies the pragmas every journal connection runs with. */
export function applyJournalPragmas(db: Db): void {
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('journal_mode = WAL');
  // FULL: a commit is on disk before the call returns (invariant 1).
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // FAST: a deleted row's bytes are zeroed where that costs no extra write (the store outbox deletes a row for every
  // change it sent), so fragments of deleted rows do not linger in the file: nothing deleted can be read back, and
  // the card-data scan does not meet an auth code and a reference run together in a freed cell.
  db.pragma('secure_delete = FAST');
}

/** Runs every migration newer than the file's user_version, all in one transaction. */
export function migrate(db: Db, filePath: string): number {
  const run = db.transaction(() => {
    // Re-read under the write lock: a newer app may have migrated since we looked.
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > LATEST_SCHEMA_VERSION) throw newerThanCode(filePath, current);
    for (const m of MIGRATIONS) if (m.version > current) m.up(db);
    if (current < LATEST_SCHEMA_VERSION) {
      // Enforcement is off while migrations run, so every reference is checked here, before the commit.
      const broken = db.pragma('foreign_key_check') as { table: string }[];
      if (broken.length > 0) throw new Error(`the migration left ${broken.length} broken references (first in ${broken[0].table})`);
      db.pragma(`user_version = ${LATEST_SCHEMA_VERSION}`);
    }
    return LATEST_SCHEMA_VERSION;
  });
  // A migration that rebuilds a table (SQLite's only way to change a CHECK, 0150) drops it while other tables
  // reference it: the documented procedure turns enforcement off for that, which only takes effect outside a
  // transaction (https://www.sqlite.org/lang_altertable.html, "Making Other Kinds Of Table Schema Changes").
  const enforced = db.pragma('foreign_keys', { simple: true }) === 1;
  if (enforced) db.pragma('foreign_keys = OFF');
  try {
    return run.immediate();
  } finally {
    if (enforced) db.pragma('foreign_keys = ON');
  }
}

/** Opens (creating if missing) the journal file for writing, or throws an AppError saying what to do. */
export function openJournalDatabase(filePath: string): { db: Db; schemaVersion: number } {
  const abs = path.resolve(filePath);
  if (!fs.existsSync(abs)) createJournalFile(abs);
  inspectExisting(abs);
  let db: Db | undefined;
  try {
    db = new BetterSqlite3(abs, { fileMustExist: true });
    applyJournalPragmas(db);
    const schemaVersion = migrate(db, abs);
    return { db, schemaVersion };
  } catch (err) {
    db?.close();
    throw toJournalError(err, abs);
  }
}

/** Builds a complete, migrated journal beside the target and links it into place without clobbering. */
function createJournalFile(abs: string): void {
  const tmp = `${abs}.creating-${process.pid}-${Date.now()}`;
  try {
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    const db = new BetterSqlite3(tmp);
    try {
      applyJournalPragmas(db);
      db.pragma(`application_id = ${JOURNAL_APPLICATION_ID}`);
      migrate(db, abs);
    } finally {
      db.close(); // checkpoints the WAL into the main file and removes it
    }
    fsyncPath(tmp);
    try {
      fs.linkSync(tmp, abs); // fails with EEXIST instead of replacing a file that appeared meanwhile
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    fsyncPath(path.dirname(abs));
  } catch (err) {
    throw toJournalError(err, abs);
  } finally {
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) {
      try {
        fs.rmSync(f, { force: true });
      } catch {
        // Nothing was created there (e.g. the folder could not be made); the real error is already on its way.
      }
    }
  }
}

/** Read-only look at an existing file: must be a SQLite journal of ours, intact, not newer than this code. */
function inspectExisting(abs: string): void {
  let header: Buffer;
  try {
    const fd = fs.openSync(abs, 'r');
    try {
      header = Buffer.alloc(100);
      const n = fs.readSync(fd, header, 0, 100, 0);
      header = header.subarray(0, n);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    throw toJournalError(err, abs);
  }
  if (header.length < 100 || !header.subarray(0, 16).equals(SQLITE_MAGIC)) throw notAJournal(abs);

  let ro: Db | undefined;
  try {
    ro = new BetterSqlite3(abs, { readonly: true, fileMustExist: true });
    ro.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const appId = ro.pragma('application_id', { simple: true }) as number;
    if (appId !== JOURNAL_APPLICATION_ID) throw notAJournal(abs);
    const version = ro.pragma('user_version', { simple: true }) as number;
    if (version > LATEST_SCHEMA_VERSION) throw newerThanCode(abs, version);
    if (version > 0) probeChainEnds(ro);
    if (!walPending(abs) && shorterThanHeaderSays(header, abs)) throw corrupt(abs, ['the file is shorter than its header says: it was cut off']);
  } catch (err) {
    throw toJournalError(err, abs);
  } finally {
    ro?.close();
  }
}

/**
 * Reads the chain head and the newest event: a root-to-leaf walk of two
 * b-trees, O(log n). A file whose pages were overwritten usually fails here
 * (SQLITE_CORRUPT), before anything is written; subtler damage is the
 * background check's to find.
 */
function probeChainEnds(ro: Db): void {
  ro.prepare('SELECT seq, hash FROM chain_head WHERE id = 1').get();
  ro.prepare('SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1').get();
}

/** True when a WAL with content sits beside the file: the main file may then legitimately lag its header. */
function walPending(abs: string): boolean {
  try {
    return fs.statSync(`${abs}-wal`).size > 0;
  } catch {
    return false;
  }
}

/** The header's page count (when SQLite marks it valid) times the page size exceeds the file's size. */
function shorterThanHeaderSays(header: Buffer, abs: string): boolean {
  const raw = header.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  const pages = header.readUInt32BE(28);
  // Offset 92 ("version-valid-for") equals the change counter (24) only when the page count is current.
  if (pages === 0 || header.readUInt32BE(92) !== header.readUInt32BE(24)) return false;
  return fs.statSync(abs).size < pages * pageSize;
}

/** Rows of PRAGMA integrity_check other than "ok" (empty when the file is intact). */
export function integrityProblems(db: Db): string[] {
  try {
    const rows = db.pragma('integrity_check') as { integrity_check: string }[];
    return rows.map((r) => r.integrity_check).filter((s) => s !== 'ok');
  } catch (err) {
    // Some damage stops the check itself: that is its verdict.
    if (isCorruptionError(err)) return [(err as Error).message];
    throw err;
  }
}

/** True for SQLite's "this is not (or no longer) a readable database" errors. */
export function isCorruptionError(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT');
}

function fsyncPath(p: string): void {
  const fd = fs.openSync(p, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function notAJournal(abs: string): AppError {
  return new AppError(
    'journal_corrupt',
    `The file ${abs} is not a Cashier Desk journal, so it was not opened and was left untouched. ` +
      'Move it aside or set a different journal path, then start the app again.',
    { path: abs, reason: 'not_a_journal' },
  );
}

function newerThanCode(abs: string, version: number): AppError {
  return new AppError(
    'journal_newer_than_code',
    `The journal ${abs} was written by a newer version of Cashier Desk (schema ${version}; this version knows up to ${LATEST_SCHEMA_VERSION}). ` +
      'It was not opened and was not changed. Install the newer version of the app, or point this one at another journal file.',
    { path: abs, fileVersion: version, codeVersion: LATEST_SCHEMA_VERSION },
  );
}

function corrupt(abs: string, problems: string[]): AppError {
  return new AppError(
    'journal_corrupt',
    `The journal ${abs} failed its integrity check (${problems[0]}), so it was not opened and was left untouched. ` +
      'Do not delete it: it holds payment records. Restore it from a backup or contact support.',
    { path: abs, reason: 'integrity_check', problems: problems.slice(0, 10) },
  );
}

/** Maps anything thrown while opening to a journal AppError; AppErrors pass through. */
function toJournalError(err: unknown, abs: string): AppError {
  if (err instanceof AppError) return err;
  const code = (err as { code?: string }).code ?? '';
  const message = err instanceof Error ? err.message : String(err);
  if (isCorruptionError(err)) return corrupt(abs, [message]);
  // SQLite says only "unable to open database file": name the cause when the disk shows it.
  const cause = writeFaultCause(err) === 'disk full' ? 'disk full' : watchedFault(abs);
  if (cause === 'read-only' || cause === 'disk full') {
    return new AppError(
      'journal_unavailable',
      `The journal ${abs} cannot be opened for writing (${cause}): ${cause === 'disk full' ? 'free space on the disk that holds it' : 'make the journal file and its folder writable again (a manager or support can do this)'}, then start the app again. Nothing in it was changed.`,
      { path: abs, cause },
      { cause: err },
    );
  }
  return new AppError(
    'journal_unavailable',
    `The journal ${abs} cannot be opened (${message}). Check that the folder exists and is writable and that no other copy of the app holds it, then start again.`,
    { path: abs, cause: code || undefined },
    { cause: err },
  );
}
