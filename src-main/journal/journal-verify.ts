// Walks the whole event chain and reports every break: an edited event
// (hash_mismatch), a removed or reordered one (sequence_gap,
// prev_hash_mismatch), and a cut-off tail (the head row ahead of the last
// event: truncated; head and last event disagreeing otherwise: head_mismatch).

import type BetterSqlite3 from 'better-sqlite3';
import type { JournalBreak, JournalVerifyReport } from '../../src-shared/domain.ts';
import { GENESIS_HASH, eventHash } from './event-log.ts';
import { integrityProblems, isCorruptionError } from './journal-connection.ts';

interface EventRow {
  seq: number;
  at: string;
  entity: string;
  entity_id: string;
  type: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

/** Most breaks listed; a badly damaged chain would otherwise produce one per event. */
const MAX_BREAKS = 100;

/** Verifies integrity_check and the whole hash chain of an open journal. */
export function verifyJournal(db: BetterSqlite3.Database): JournalVerifyReport {
  return verifyJournalDetailed(db).report;
}

/** verifyJournal, plus the integrity_check rows that were not "ok". */
export function verifyJournalDetailed(db: BetterSqlite3.Database): { report: JournalVerifyReport; integrityProblems: string[] } {
  const problems = integrityProblems(db);
  const integrityOk = problems.length === 0;
  const breaks: JournalBreak[] = [];
  const add = (b: JournalBreak) => {
    if (breaks.length < MAX_BREAKS) breaks.push(b);
  };
  let events = 0;
  let prevSeq = 0;
  let prevHash = GENESIS_HASH;
  const rows = db.prepare('SELECT seq, at, entity, entity_id, type, payload, prev_hash, hash FROM events ORDER BY seq').iterate() as IterableIterator<EventRow>;
  try {
    for (const r of rows) {
      events++;
      if (r.seq !== prevSeq + 1) add({ seq: r.seq, kind: 'sequence_gap', detail: `event ${r.seq} follows event ${prevSeq}; ${r.seq - prevSeq - 1} event(s) missing` });
      if (r.prev_hash !== prevHash) add({ seq: r.seq, kind: 'prev_hash_mismatch', detail: `event ${r.seq} does not point at the hash of the event before it` });
      if (eventHash(r.prev_hash, r) !== r.hash) {
        add({ seq: r.seq, kind: 'hash_mismatch', detail: `event ${r.seq} (${r.entity}.${r.type}) was changed after it was written` });
      }
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
  return { report: { ok: integrityOk && breaks.length === 0, events, lastSeq: prevSeq, integrityOk, breaks }, integrityProblems: problems };
}
