// The orphan queue in the journal: processor charges that belong to no ticket
// (or to a ticket already paid). Each write journals its event in the same
// transaction; one row per processor reference, so a charge is queued once.

import type BetterSqlite3 from 'better-sqlite3';
import type { CardBrand } from '../../src-shared/card.ts';
import { AppError } from '../../src-shared/errors.ts';
import type { Journal } from '../journal/journal.ts';
import { safeMaskedPan } from '../../src-shared/card.ts';
import type { ORPHAN_REASONS } from '../journal/migrations/0020-orphans.ts';

/** Why a charge is an orphan. */
export type OrphanReason = (typeof ORPHAN_REASONS)[number];

/** An orphan charge, camelCased. */
export interface OrphanRow {
  id: string;
  refNum: string;
  invoice: string;
  /** Minor units. */
  amount: number;
  currency: string;
  maskedPan: string | null;
  cardBrand: CardBrand | null;
  authCode: string | null;
  /** When the processor took it (ISO 8601). */
  enteredAt: string;
  reason: OrphanReason;
  ticketId: string | null;
  attemptId: string | null;
  /** For the manager: what was found and what to do. */
  message: string;
  status: 'open' | 'resolved';
  resolution: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What a new orphan needs. */
export type NewOrphan = Omit<OrphanRow, 'id' | 'status' | 'resolution' | 'createdAt' | 'updatedAt'>;

const COLS =
  'id, ref_num AS refNum, invoice, amount, currency, masked_pan AS maskedPan, card_brand AS cardBrand, auth_code AS authCode, ' +
  'entered_at AS enteredAt, reason, ticket_id AS ticketId, attempt_id AS attemptId, message, status, resolution, created_at AS createdAt, updated_at AS updatedAt';

/** Reads and writes the orphan queue. */
export class OrphanRepository {
  private readonly s: {
    insert: BetterSqlite3.Statement<Record<string, unknown>>;
    byRef: BetterSqlite3.Statement<[string], OrphanRow>;
    byId: BetterSqlite3.Statement<[string], OrphanRow>;
    open: BetterSqlite3.Statement<[], OrphanRow>;
    resolve: BetterSqlite3.Statement<[string, string, string]>;
  };

  constructor(private readonly journal: Journal) {
    const db = journal.db;
    this.s = {
      insert: db.prepare(
        `INSERT INTO orphan_payments (id, ref_num, invoice, amount, currency, masked_pan, card_brand, auth_code, entered_at, reason, ticket_id, attempt_id, message, status, resolution, created_at, updated_at)
         VALUES (@id, @refNum, @invoice, @amount, @currency, @maskedPan, @cardBrand, @authCode, @enteredAt, @reason, @ticketId, @attemptId, @message, 'open', NULL, @createdAt, @createdAt)`,
      ),
      byRef: db.prepare(`SELECT ${COLS} FROM orphan_payments WHERE ref_num = ?`),
      byId: db.prepare(`SELECT ${COLS} FROM orphan_payments WHERE id = ?`),
      open: db.prepare(`SELECT ${COLS} FROM orphan_payments WHERE status = 'open' ORDER BY created_at, id`),
      resolve: db.prepare("UPDATE orphan_payments SET status = 'resolved', resolution = ?, updated_at = ? WHERE id = ? AND status = 'open'"),
    };
  }

  /** Queues a charge unless its processor reference is already queued; returns the row and whether it is new. */
  add(o: NewOrphan): { row: OrphanRow; created: boolean } {
    return this.journal.transact(() => {
      const existing = this.s.byRef.get(o.refNum);
      if (existing) return { row: existing, created: false };
      const id = this.journal.newId();
      const maskedPan = o.maskedPan ? safeMaskedPan(o.maskedPan) : null;
      this.s.insert.run({ ...o, maskedPan, id, createdAt: this.journal.nowIso() });
      const row = this.get(id);
      this.journal.appendEvent({
        entity: 'orphan',
        entityId: id,
        type: 'queued',
        payload: { refNum: row.refNum, invoice: row.invoice, amount: row.amount, currency: row.currency, maskedPan: row.maskedPan, reason: row.reason, ticketId: row.ticketId },
      });
      return { row, created: true };
    });
  }

  /** The orphan with this processor reference, if queued. */
  byRefNum(refNum: string): OrphanRow | undefined {
    return this.s.byRef.get(refNum);
  }

  /** One orphan; AppError 'not_found'. */
  get(id: string): OrphanRow {
    const row = this.s.byId.get(id);
    if (!row) throw new AppError('not_found', `There is no orphan payment ${id}. Refresh the orphan list.`, { orphanId: id });
    return row;
  }

  /** Orphans waiting for a manager, oldest first. */
  listOpen(): OrphanRow[] {
    return this.s.open.all();
  }

  /** Records the manager's decision (e.g. "refunded", "attached to ticket #12 by hand"). */
  resolve(id: string, resolution: string): OrphanRow {
    const text = resolution.trim();
    if (text.length === 0 || text.length > 500) {
      throw new AppError('invalid_request', 'Say in a few words (up to 500 characters) what was done with this payment.');
    }
    return this.journal.transact(() => {
      const before = this.get(id);
      if (before.status !== 'open') throw new AppError('conflict', `This orphan payment was already resolved: ${before.resolution}.`, { orphanId: id });
      this.s.resolve.run(text, this.journal.nowIso(), id);
      this.journal.appendEvent({ entity: 'orphan', entityId: id, type: 'resolved', payload: { refNum: before.refNum, resolution: text } });
      return this.get(id);
    });
  }
}
