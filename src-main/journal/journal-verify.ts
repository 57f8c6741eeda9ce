// Walks the whole event chain and reports every break: an edited event
// (hash_mismatch), a removed or reordered one (sequence_gap,
// prev_hash_mismatch), and a cut-off tail (the head row ahead of the last
// event: truncated; head and last event disagreeing otherwise: head_mismatch),
// history lost behind the high-water mark kept outside the WAL
// (history_lost), and state rows that differ from what their events rebuild
// (state_mismatch, journal-state-rebuild.ts): the chain protects the events,
// and this makes it protect what the app actually reads.
//
// It reads every row, so on a large journal it takes seconds: the host runs
// it on its own read-only connection in a worker (journal-verify-off-thread.ts);
// the CLI and tests call it directly.

import type BetterSqlite3 from 'better-sqlite3';
import type { JournalBreak, JournalVerifyReport } from '../../src-shared/domain.ts';
import { GENESIS_HASH, STORED_EVENT_COLUMNS, eventHash, type StoredEvent } from './event-log.ts';
import { integrityProblems, isCorruptionError } from './journal-connection.ts';
import { compareWithMark, readMark, type ChainMark } from './journal-high-water-mark.ts';
import { StateRebuild } from './journal-state-rebuild.ts';

/** Most breaks listed; a badly damaged chain would otherwise produce one per event. */
const MAX_BREAKS = 100;

/** Verifies integrity_check and the whole hash chain of an open journal. */
export function verifyJournal(db: BetterSqlite3.Database): JournalVerifyReport {
  return verifyJournalDetailed(db).report;
}

/** How verifyJournalDetailed runs. */
export interface VerifyOptions {
  /** Run PRAGMA integrity_check here (default true); false when the caller runs it elsewhere (a child process). */
  integrityCheck?: boolean;
  /**
   * Read everything in one read transaction (default false). Needed on a
   * connection other than the writer's: the events, the head and the state
   * rows must all be one snapshot while the register keeps writing.
   */
  snapshot?: boolean;
}

/** verifyJournal, plus the integrity_check rows that were not "ok". journalPath enables the high-water-mark check. */
export function verifyJournalDetailed(
  db: BetterSqlite3.Database,
  journalPath?: string,
  opts: VerifyOptions = {},
): { report: JournalVerifyReport; integrityProblems: string[] } {
  // The mark is written after each commit, so read before the snapshot it can only lag it: a commit landing
  // while verify runs never looks like lost history.
  const mark = journalPath ? readMark(journalPath) : undefined;
  const problems = opts.integrityCheck === false ? [] : integrityProblems(db);
  if (!opts.snapshot) return walk(db, journalPath, mark, problems);
  db.exec('BEGIN');
  try {
    return walk(db, journalPath, mark, problems);
  } finally {
    endReadSnapshot(db);
  }
}

/** Ends the read transaction. Nothing was written, so a failing COMMIT (SQLite repeats a corruption error there) only needs a ROLLBACK. */
function endReadSnapshot(db: BetterSqlite3.Database): void {
  if (!db.inTransaction) return;
  try {
    db.exec('COMMIT');
  } catch {
    if (db.inTransaction) db.exec('ROLLBACK');
  }
}

function walk(
  db: BetterSqlite3.Database,
  journalPath: string | undefined,
  mark: ChainMark | undefined,
  problems: string[],
): { report: JournalVerifyReport; integrityProblems: string[] } {
  const integrityOk = problems.length === 0;
  const breaks: JournalBreak[] = [];
  const add = (b: JournalBreak) => {
    if (breaks.length < MAX_BREAKS) breaks.push(b);
  };
  let events = 0;
  let prevSeq = 0;
  let prevHash = GENESIS_HASH;
  const state = new StateRebuild();
  const rows = db.prepare(`SELECT ${STORED_EVENT_COLUMNS} FROM events ORDER BY seq`).iterate() as IterableIterator<StoredEvent>;
  try {
    for (const r of rows) {
      events++;
      if (r.seq !== prevSeq + 1) add({ seq: r.seq, kind: 'sequence_gap', detail: `event ${r.seq} follows event ${prevSeq}; ${r.seq - prevSeq - 1} event(s) missing` });
      if (r.prev_hash !== prevHash) add({ seq: r.seq, kind: 'prev_hash_mismatch', detail: `event ${r.seq} does not point at the hash of the event before it` });
      if (eventHash(r.prev_hash, r) !== r.hash) {
        add({ seq: r.seq, kind: 'hash_mismatch', detail: `event ${r.seq} (${r.entity}.${r.type}) was changed after it was written` });
      }
      state.feed(r);
      prevSeq = r.seq;
      prevHash = r.hash;
    }
  } catch (err) {
    // A damaged page ends the walk; integrity_check has already said so (integrityOk false), and no head comparison is meaningful.
    if (!isCorruptionError(err)) throw err;
    return { report: { ok: false, events, lastSeq: prevSeq, integrityOk: false, breaks }, integrityProblems: problems.length > 0 ? problems : [(err as Error).message] };
  }
  const head = db.prepare('SELECT seq, hash FROM chain_head WHERE id = 1').get() as { seq: number; hash: string } | undefined;
  if (!head) {
    add({ seq: prevSeq, kind: 'head_mismatch', detail: 'the chain head row is missing' });
  } else if (head.seq > prevSeq) {
    add({ seq: head.seq, kind: 'truncated', detail: `the journal recorded ${head.seq} events but only ${prevSeq} remain: the tail was cut off` });
  } else if (head.seq !== prevSeq || head.hash !== prevHash) {
    add({ seq: prevSeq, kind: 'head_mismatch', detail: `the chain head (event ${head.seq}) does not match the last event (${prevSeq})` });
  }
  if (journalPath && head) {
    const hashAt = db.prepare('SELECT hash FROM events WHERE seq = ?').pluck();
    const lost = compareWithMark(journalPath, mark, head, (seq) => hashAt.get(seq) as string | undefined);
    if (lost) add({ seq: lost.expected.seq, kind: 'history_lost', detail: lost.message });
  }
  try {
    state.compare(db, add);
  } catch (err) {
    // A damaged page of a state table: the rows past it cannot be compared, and the file is damaged.
    if (!isCorruptionError(err)) throw err;
    return { report: { ok: false, events, lastSeq: prevSeq, integrityOk: false, breaks }, integrityProblems: problems.length > 0 ? problems : [(err as Error).message] };
  }
  return { report: { ok: integrityOk && breaks.length === 0, events, lastSeq: prevSeq, integrityOk, breaks }, integrityProblems: problems };
}

