// Receipt outcomes in the journal (migration 0040). Each print adds a row and
// its event in one transaction; nothing is updated, so the history of what the
// customer was (not) handed is kept for audit.

import type BetterSqlite3 from 'better-sqlite3';
import type { Journal } from '../journal/journal.ts';
import type { RECEIPT_REASONS } from '../journal/migrations/0040-receipts.ts';

/** Why a receipt did not print. */
export type ReceiptReason = (typeof RECEIPT_REASONS)[number];

/** One print of a receipt, as journaled. */
export interface ReceiptRecord {
  id: string;
  ticketId: string;
  /** The payment whose approval triggered the print; null for a reprint or a ticket print. */
  attemptId: string | null;
  kind: 'sale' | 'reprint';
  status: 'printed' | 'not_printed';
  reason: ReceiptReason | null;
  /** What the cashier was told. */
  message: string;
  createdAt: string;
}

const COLS = 'id, ticket_id AS ticketId, attempt_id AS attemptId, kind, status, reason, message, created_at AS createdAt';

/** Reads and appends receipt rows. */
export class ReceiptRepository {
  private readonly insert: BetterSqlite3.Statement<[ReceiptRecord]>;
  private readonly latest: BetterSqlite3.Statement<[string], ReceiptRecord>;
  private readonly byTicket: BetterSqlite3.Statement<[string], ReceiptRecord>;
  private readonly printedFor: BetterSqlite3.Statement<[string], { one: number }>;

  constructor(private readonly journal: Journal) {
    const db = journal.db;
    this.insert = db.prepare(
      'INSERT INTO receipts (id, ticket_id, attempt_id, kind, status, reason, message, created_at) VALUES (@id, @ticketId, @attemptId, @kind, @status, @reason, @message, @createdAt)',
    );
    // rowid breaks ties: two prints within one clock tick keep their order.
    this.latest = db.prepare(`SELECT ${COLS} FROM receipts WHERE ticket_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1`);
    this.byTicket = db.prepare(`SELECT ${COLS} FROM receipts WHERE ticket_id = ? ORDER BY created_at, rowid`);
    this.printedFor = db.prepare("SELECT 1 AS one FROM receipts WHERE attempt_id = ? AND status = 'printed' LIMIT 1");
  }

  /** Journals one outcome and its event; returns the row. */
  record(r: Omit<ReceiptRecord, 'id' | 'createdAt'>): ReceiptRecord {
    return this.journal.transact(() => {
      const row: ReceiptRecord = { ...r, id: this.journal.newId(), createdAt: this.journal.nowIso() };
      this.insert.run(row);
      this.journal.appendEvent({
        entity: 'receipt',
        entityId: row.id,
        type: row.status,
        payload: { ticketId: row.ticketId, attemptId: row.attemptId, kind: row.kind, status: row.status, reason: row.reason, message: row.message },
      });
      return row;
    });
  }

  /** The newest receipt row of a ticket, or undefined when none was attempted. */
  last(ticketId: string): ReceiptRecord | undefined {
    return this.latest.get(ticketId);
  }

  /** Every receipt row of a ticket, oldest first. */
  list(ticketId: string): ReceiptRecord[] {
    return this.byTicket.all(ticketId);
  }

  /** True once a receipt for this payment came out. */
  printedForAttempt(attemptId: string): boolean {
    return this.printedFor.get(attemptId) !== undefined;
  }
}
