// Walks the whole event chain and reports every break: an edited event
// (hash_mismatch), a removed or reordered one (sequence_gap,
// prev_hash_mismatch), and a cut-off tail (the head row ahead of the last
// event: truncated; head and last event disagreeing otherwise: head_mismatch),
// history lost behind the high-water mark kept outside the WAL
// (history_lost), and state rows that differ from what their events rebuild
// (state_mismatch): the chain protects the events, and this makes it protect
// what the app actually reads, the payment_attempts rows.

import type BetterSqlite3 from 'better-sqlite3';
import type { JournalBreak, JournalVerifyReport } from '../../src-shared/domain.ts';
import { GENESIS_HASH, eventHash } from './event-log.ts';
import { integrityProblems, isCorruptionError } from './journal-connection.ts';
import { compareWithMark, readMark } from './journal-high-water-mark.ts';

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

/** Columns of payment_attempts rebuilt from the attempt events' payloads, by payload key. */
const ATTEMPT_FIELDS: ReadonlyArray<[payloadKey: string, column: string]> = [
  ['ticketId', 'ticket_id'],
  ['slot', 'slot'],
  ['ecrRef', 'ecr_ref'],
  ['invoice', 'invoice'],
  ['terminalId', 'terminal_id'],
  ['kind', 'kind'],
  ['amountRequested', 'amount_requested'],
  ['amountApproved', 'amount_approved'],
  ['currency', 'currency'],
  ['state', 'state'],
  ['resultCode', 'result_code'],
  ['authCode', 'auth_code'],
  ['hostRef', 'host_ref'],
  ['terminalRef', 'terminal_ref'],
  ['maskedPan', 'masked_pan'],
  ['cardBrand', 'card_brand'],
  ['approvalSource', 'approval_source'],
  ['doubtReason', 'doubt_reason'],
];

/** An attempt as its events rebuild it: the last payload, and the times of its first and last event. */
interface RebuiltAttempt {
  payload: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  seq: number;
}

/** verifyJournal, plus the integrity_check rows that were not "ok". journalPath enables the high-water-mark check. */
export function verifyJournalDetailed(db: BetterSqlite3.Database, journalPath?: string): { report: JournalVerifyReport; integrityProblems: string[] } {
  const problems = integrityProblems(db);
  const integrityOk = problems.length === 0;
  const breaks: JournalBreak[] = [];
  const add = (b: JournalBreak) => {
    if (breaks.length < MAX_BREAKS) breaks.push(b);
  };
  let events = 0;
  let prevSeq = 0;
  let prevHash = GENESIS_HASH;
  const attempts = new Map<string, RebuiltAttempt>();
  const rows = db.prepare('SELECT seq, at, entity, entity_id, type, payload, prev_hash, hash FROM events ORDER BY seq').iterate() as IterableIterator<EventRow>;
  try {
    for (const r of rows) {
      events++;
      if (r.seq !== prevSeq + 1) add({ seq: r.seq, kind: 'sequence_gap', detail: `event ${r.seq} follows event ${prevSeq}; ${r.seq - prevSeq - 1} event(s) missing` });
      if (r.prev_hash !== prevHash) add({ seq: r.seq, kind: 'prev_hash_mismatch', detail: `event ${r.seq} does not point at the hash of the event before it` });
      if (eventHash(r.prev_hash, r) !== r.hash) {
        add({ seq: r.seq, kind: 'hash_mismatch', detail: `event ${r.seq} (${r.entity}.${r.type}) was changed after it was written` });
      }
      if (r.entity === 'attempt') rebuildAttempt(attempts, r);
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
    const lost = compareWithMark(journalPath, readMark(journalPath), head, (seq) => hashAt.get(seq) as string | undefined);
    if (lost) add({ seq: lost.expected.seq, kind: 'history_lost', detail: lost.message });
  }
  compareAttemptRows(db, attempts, add);
  return { report: { ok: integrityOk && breaks.length === 0, events, lastSeq: prevSeq, integrityOk, breaks }, integrityProblems: problems };
}

function rebuildAttempt(attempts: Map<string, RebuiltAttempt>, r: EventRow): void {
  let payload: Record<string, unknown>;
  try {
    payload = JSON.parse(r.payload) as Record<string, unknown>;
  } catch {
    return; // a payload that is not JSON is already a hash_mismatch (the writer only stores canonical JSON)
  }
  const known = attempts.get(r.entity_id);
  attempts.set(r.entity_id, { payload, createdAt: known?.createdAt ?? r.at, updatedAt: r.at, seq: r.seq });
}

/** Reports every payment_attempts row that differs from its rebuild, and rebuilds with no row. */
function compareAttemptRows(db: BetterSqlite3.Database, attempts: Map<string, RebuiltAttempt>, add: (b: JournalBreak) => void): void {
  const cols = ['id', 'created_at', 'updated_at', ...ATTEMPT_FIELDS.map(([, c]) => c)];
  const seen = new Set<string>();
  for (const row of db.prepare(`SELECT ${cols.join(', ')} FROM payment_attempts ORDER BY rowid`).iterate() as IterableIterator<Record<string, unknown>>) {
    const id = row.id as string;
    seen.add(id);
    const built = attempts.get(id);
    if (!built) {
      add({ seq: 0, kind: 'state_mismatch', detail: `payment attempt ${id} has no events: the row was added outside the app` });
      continue;
    }
    const differs: string[] = [];
    for (const [key, col] of ATTEMPT_FIELDS) {
      const want = built.payload[key] ?? null;
      if (row[col] !== want) differs.push(`${col} is ${JSON.stringify(row[col])}, its events say ${JSON.stringify(want)}`);
    }
    if (row.created_at !== built.createdAt) differs.push(`created_at is ${JSON.stringify(row.created_at)}, its events say ${JSON.stringify(built.createdAt)}`);
    if (row.updated_at !== built.updatedAt) differs.push(`updated_at is ${JSON.stringify(row.updated_at)}, its events say ${JSON.stringify(built.updatedAt)}`);
    if (differs.length > 0) add({ seq: built.seq, kind: 'state_mismatch', detail: `payment attempt ${id}: ${differs.join('; ')}` });
  }
  for (const [id, built] of attempts) {
    if (!seen.has(id)) add({ seq: built.seq, kind: 'state_mismatch', detail: `payment attempt ${id} is in the events but its row is missing` });
  }
}
