// The links between a void or refund attempt and the original it reverses
// (table reversals, migration 0100), and what an approved reversal does to its
// original: a void, or refunds reaching the whole amount charged, make the
// original 'reversed' (the state machine's `reverse`). A partial refund leaves
// it approved. Payments call finishReversalWithin from recordApproval, inside
// the approval's transaction, so the reversal and its original change together.

import type BetterSqlite3 from 'better-sqlite3';
import { AppError } from '../../src-shared/errors.ts';
import type { ReversalKind } from '../../src-shared/reversal-reference.ts';
import { attemptFromRaw, ATTEMPT_RAW_KEYS, type AttemptRepository, type AttemptRow } from './attempt-repository.ts';
import type { Journal } from './journal.ts';

/** One link row. */
export interface ReversalLink {
  reversalAttemptId: string;
  originalAttemptId: string;
  kind: ReversalKind;
  actor: string;
  reason: string;
  createdAt: string;
}

/** Kinds of attempts that reverse another. */
export const REVERSAL_KINDS: readonly string[] = ['void', 'refund'];

const COLS = ATTEMPT_RAW_KEYS.map((k) => `a.${k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`).join(', ');

interface Statements {
  insert: BetterSqlite3.Statement<[string, string, string, string, string, string]>;
  byReversal: BetterSqlite3.Statement<[string], Record<string, string>>;
  byOriginal: BetterSqlite3.Statement<[string], unknown[]>;
  links: BetterSqlite3.Statement<[string], Record<string, string>>;
}
const cache = new WeakMap<BetterSqlite3.Database, Statements>();

function statements(db: BetterSqlite3.Database): Statements {
  let s = cache.get(db);
  if (!s) {
    s = {
      insert: db.prepare('INSERT INTO reversals (reversal_attempt_id, original_attempt_id, kind, actor, reason, created_at) VALUES (?, ?, ?, ?, ?, ?)'),
      byReversal: db.prepare(
        'SELECT reversal_attempt_id AS reversalAttemptId, original_attempt_id AS originalAttemptId, kind, actor, reason, created_at AS createdAt FROM reversals WHERE reversal_attempt_id = ?',
      ),
      byOriginal: db
        .prepare(`SELECT ${COLS} FROM reversals r JOIN payment_attempts a ON a.id = r.reversal_attempt_id WHERE r.original_attempt_id = ? ORDER BY a.created_at, a.id`)
        .raw() as BetterSqlite3.Statement<[string], unknown[]>,
      links: db.prepare(
        'SELECT reversal_attempt_id AS reversalAttemptId, original_attempt_id AS originalAttemptId, kind, actor, reason, created_at AS createdAt FROM reversals WHERE original_attempt_id = ? ORDER BY created_at',
      ),
    };
    cache.set(db, s);
  }
  return s;
}

/** Reads and writes reversal links; every write journals a 'reversal' event in the same transaction. */
export class ReversalRepository {
  constructor(private readonly journal: Journal) {}

  /** Links a just-created reversal attempt to its original (inside the caller's transaction). */
  linkWithin(link: Omit<ReversalLink, 'createdAt'>, at: string): ReversalLink {
    if (!this.journal.db.inTransaction) throw new AppError('internal', 'linkWithin must run inside journal.transact().');
    const row: ReversalLink = { ...link, createdAt: at };
    statements(this.journal.db).insert.run(row.reversalAttemptId, row.originalAttemptId, row.kind, row.actor, row.reason, at);
    this.journal.appendEvent(
      { entity: 'reversal', entityId: row.reversalAttemptId, type: 'requested', payload: { actor: row.actor, kind: row.kind, originalAttemptId: row.originalAttemptId, reason: row.reason } },
      at,
    );
    return row;
  }

  /** The link of a reversal attempt, if it is one. */
  linkOf(reversalAttemptId: string): ReversalLink | undefined {
    return statements(this.journal.db).byReversal.get(reversalAttemptId) as ReversalLink | undefined;
  }

  /** Every link of an original, oldest first. */
  linksOf(originalAttemptId: string): ReversalLink[] {
    return statements(this.journal.db).links.all(originalAttemptId) as unknown as ReversalLink[];
  }

  /** Every reversal attempt of an original, oldest first. */
  reversalsOf(originalAttemptId: string): AttemptRow[] {
    return statements(this.journal.db).byOriginal.all(originalAttemptId).map(attemptFromRaw);
  }
}

/** Minor units of the original already given back or on their way (approved, or out with no answer yet). */
export function committedRefunds(reversals: readonly AttemptRow[]): number {
  let sum = 0;
  for (const r of reversals) {
    if (r.state === 'approved') sum += r.amountApproved;
    else if (r.state === 'created' || r.state === 'sent' || r.state === 'in_doubt') sum += r.amountRequested;
  }
  return sum;
}

/**
 * An approved void or refund: its original becomes 'reversed' when it was a
 * void or when the approved refunds now cover the whole amount charged. Runs
 * inside recordApproval's transaction. Not a reversal (no link): nothing.
 */
export function finishReversalWithin(journal: Journal, attempts: AttemptRepository, reversal: AttemptRow, at: string): void {
  const link = statements(journal.db).byReversal.get(reversal.id) as ReversalLink | undefined;
  if (!link) return;
  const original = attempts.get(link.originalAttemptId);
  if (original.state !== 'approved') return;
  const all = statements(journal.db).byOriginal.all(original.id).map(attemptFromRaw);
  const given = all.filter((r) => r.state === 'approved').reduce((s, r) => s + r.amountApproved, 0);
  if (link.kind === 'void' || given >= original.amountApproved) attempts.transitionWithin(original, { type: 'reverse' }, {}, at);
}
