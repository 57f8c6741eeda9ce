// Batches and their variance lines in the journal (migration 0120). Every
// write journals its event (entity 'batch') in the same transaction; rows are
// never deleted. Returns data, never sentences for the screen.

import type { BatchLine, BatchSummary, BatchTotals, VarianceType } from '../../src-shared/batch-types.ts';
import { AppError } from '../../src-shared/errors.ts';
import type { Journal } from '../journal/journal.ts';
import type { Variance } from './batch-reconciler.ts';

/** A batch row, camelCased. */
export interface BatchRow {
  id: string;
  terminalId: string;
  status: 'open' | 'closed';
  openedAt: string;
  closedAt: string | null;
  closedBy: string | null;
  currency: string;
  expectedCount: number | null;
  expectedAmount: number | null;
  hostCount: number | null;
  hostAmount: number | null;
  hostBatchNumber: string | null;
  reconciledAt: string | null;
}

const BATCH_COLS =
  'id, terminal_id AS terminalId, status, opened_at AS openedAt, closed_at AS closedAt, closed_by AS closedBy, currency, expected_count AS expectedCount, ' +
  'expected_amount AS expectedAmount, host_count AS hostCount, host_amount AS hostAmount, host_batch_number AS hostBatchNumber, reconciled_at AS reconciledAt';
const LINE_COLS =
  'id, batch_id AS batchId, variance_type AS type, cause, action, invoice, ref_num AS refNum, attempt_id AS attemptId, journal_amount AS journalAmount, ' +
  'pad_amount AS padAmount, gateway_amount AS gatewayAmount, amount, status, resolution, resolved_by AS resolvedBy, resolved_at AS resolvedAt, created_at AS createdAt';

/** Reads and writes batches and batch lines. */
export class BatchRepository {
  constructor(private readonly journal: Journal) {}

  private get db() {
    return this.journal.db;
  }

  /** The open batch of a PIN pad, made (from its last close) when it has none. */
  openBatch(terminalId: string, currency: string, firstOpenedAt: () => string): BatchRow {
    const open = this.db.prepare(`SELECT ${BATCH_COLS} FROM batches WHERE terminal_id = ? AND status = 'open'`).get(terminalId) as BatchRow | undefined;
    if (open) return open;
    return this.journal.transact(() => {
      const last = this.db.prepare("SELECT max(closed_at) FROM batches WHERE terminal_id = ? AND status = 'closed'").pluck().get(terminalId) as string | null;
      const id = this.journal.newId();
      const now = this.journal.nowIso();
      const openedAt = last ?? firstOpenedAt();
      this.db
        .prepare("INSERT INTO batches (id, terminal_id, status, opened_at, currency, created_at, updated_at) VALUES (?, ?, 'open', ?, ?, ?, ?)")
        .run(id, terminalId, openedAt, currency, now, now);
      this.journal.appendEvent({ entity: 'batch', entityId: id, type: 'opened', payload: { terminalId, openedAt, currency } });
      return this.get(id);
    });
  }

  get(id: string): BatchRow {
    const row = this.db.prepare(`SELECT ${BATCH_COLS} FROM batches WHERE id = ?`).get(id) as BatchRow | undefined;
    if (!row) throw new AppError('not_found', 'There is no such batch. Refresh the batch screen.', { batchId: id });
    return row;
  }

  lines(batchId: string): BatchLine[] {
    return this.db.prepare(`SELECT ${LINE_COLS} FROM batch_lines WHERE batch_id = ? ORDER BY created_at, rowid`).all(batchId) as BatchLine[];
  }

  line(id: string): BatchLine {
    const row = this.db.prepare(`SELECT ${LINE_COLS} FROM batch_lines WHERE id = ?`).get(id) as BatchLine | undefined;
    if (!row) throw new AppError('not_found', 'There is no such batch line. Refresh the batch screen.', { lineId: id });
    return row;
  }

  /**
   * Records a re-check: new differences become open lines; open lines the
   * check no longer finds are resolved by 'system' (the sources now agree).
   * Lines already resolved or signed off stay as they are.
   */
  recordCheck(batchId: string, variances: readonly Variance[]): BatchLine[] {
    return this.journal.transact(() => {
      const now = this.journal.nowIso();
      const existing = new Map((this.db.prepare('SELECT line_key AS key, id, status FROM batch_lines WHERE batch_id = ?').all(batchId) as { key: string; id: string; status: string }[]).map((r) => [r.key, r]));
      const found = new Set<string>();
      const insert = this.db.prepare(
        `INSERT INTO batch_lines (id, batch_id, line_key, variance_type, cause, action, invoice, ref_num, attempt_id, journal_amount, pad_amount, gateway_amount, amount, status, created_at, updated_at)
         VALUES (@id, @batchId, @key, @type, @cause, @action, @invoice, @refNum, @attemptId, @journalAmount, @padAmount, @gatewayAmount, @amount, 'open', @now, @now)`,
      );
      for (const v of variances) {
        found.add(v.key);
        if (existing.has(v.key)) continue;
        const id = this.journal.newId();
        const { orphanCharges: _o, ...fields } = v;
        insert.run({ ...fields, id, batchId, now });
        this.journal.appendEvent({
          entity: 'batch', entityId: batchId, type: 'line_found',
          payload: { lineId: id, type: v.type, invoice: v.invoice, refNum: v.refNum, amount: v.amount, journalAmount: v.journalAmount, padAmount: v.padAmount, gatewayAmount: v.gatewayAmount },
        });
      }
      for (const [key, r] of existing) {
        if (found.has(key) || r.status !== 'open' || key.startsWith('totals_mismatch')) continue;
        this.settle(r.id, 'resolved', 'Explained on re-check: the journal, the PIN pad and the card processor now agree.', 'system');
      }
      this.db.prepare('UPDATE batches SET reconciled_at = ?, updated_at = ? WHERE id = ?').run(now, now, batchId);
      return this.lines(batchId);
    });
  }

  /** A manager's resolution or sign-off (or the system's, on re-check); refused when the line is not open. */
  settle(lineId: string, status: 'resolved' | 'signed_off', text: string, actor: string): BatchLine {
    return this.journal.transact(() => {
      const before = this.line(lineId);
      if (before.status !== 'open') throw new AppError('conflict', `This line was already ${before.status === 'resolved' ? 'resolved' : 'signed off'}: ${before.resolution}`, { lineId });
      const now = this.journal.nowIso();
      this.db.prepare('UPDATE batch_lines SET status = ?, resolution = ?, resolved_by = ?, resolved_at = ?, updated_at = ? WHERE id = ?').run(status, text, actor, now, now, lineId);
      this.journal.appendEvent({ entity: 'batch', entityId: before.batchId, type: status === 'resolved' ? 'line_resolved' : 'line_signed_off', payload: { lineId, type: before.type, resolution: text, actor } });
      return this.line(lineId);
    });
  }

  /** Marks the batch closed with the expected and host totals; a totals mismatch becomes an open line on the closed batch. */
  close(batchId: string, expected: BatchTotals, host: BatchTotals & { batchNumber: string | null }, actor: string, mismatch?: Omit<Variance, 'orphanCharges'>): BatchRow {
    return this.journal.transact(() => {
      const now = this.journal.nowIso();
      const done = this.db
        .prepare(
          `UPDATE batches SET status = 'closed', closed_at = ?, closed_by = ?, expected_count = ?, expected_amount = ?, host_count = ?, host_amount = ?, host_batch_number = ?, updated_at = ?
           WHERE id = ? AND status = 'open'`,
        )
        .run(now, actor, expected.count, expected.amount, host.count, host.amount, host.batchNumber, now, batchId);
      if (done.changes !== 1) throw new AppError('conflict', 'This batch was already closed. Refresh the batch screen.', { batchId });
      this.journal.appendEvent({ entity: 'batch', entityId: batchId, type: 'closed', payload: { actor, expected, host } });
      if (mismatch) this.recordLine(batchId, mismatch);
      return this.get(batchId);
    });
  }

  private recordLine(batchId: string, v: Omit<Variance, 'orphanCharges'>): void {
    const id = this.journal.newId();
    const now = this.journal.nowIso();
    this.db
      .prepare(
        `INSERT INTO batch_lines (id, batch_id, line_key, variance_type, cause, action, invoice, ref_num, attempt_id, journal_amount, pad_amount, gateway_amount, amount, status, created_at, updated_at)
         VALUES (@id, @batchId, @key, @type, @cause, @action, @invoice, @refNum, @attemptId, @journalAmount, @padAmount, @gatewayAmount, @amount, 'open', @now, @now)`,
      )
      .run({ ...v, id, batchId, now });
    this.journal.appendEvent({ entity: 'batch', entityId: batchId, type: 'line_found', payload: { lineId: id, type: v.type, amount: v.amount } });
  }

  /** Closed batches, newest first. */
  history(terminalId: string | undefined, limit: number): BatchSummary[] {
    const rows = this.db
      .prepare(
        `SELECT b.id, b.terminal_id AS terminalId, b.opened_at AS openedAt, b.closed_at AS closedAt, b.expected_count AS ec, b.expected_amount AS ea, b.host_count AS hc, b.host_amount AS ha,
                (SELECT count(*) FROM batch_lines l WHERE l.batch_id = b.id) AS lines
         FROM batches b WHERE b.status = 'closed' AND (@t IS NULL OR b.terminal_id = @t) ORDER BY b.closed_at DESC, b.rowid DESC LIMIT @limit`,
      )
      .all({ t: terminalId ?? null, limit }) as { id: string; terminalId: string; openedAt: string; closedAt: string; ec: number | null; ea: number | null; hc: number | null; ha: number | null; lines: number }[];
    return rows.map((r) => ({
      id: r.id, terminalId: r.terminalId, openedAt: r.openedAt, closedAt: r.closedAt, lines: r.lines,
      expected: r.ec === null ? null : { count: r.ec, amount: r.ea ?? 0 },
      host: r.hc === null ? null : { count: r.hc, amount: r.ha ?? 0 },
    }));
  }

  /** Lines of batches closed or checked in a time window, for the end-of-day report. */
  linesCreatedIn(from: string, to: string): { type: VarianceType; status: string; amount: number }[] {
    return this.db.prepare('SELECT variance_type AS type, status, amount FROM batch_lines WHERE created_at >= ? AND created_at < ?').all(from, to) as { type: VarianceType; status: string; amount: number }[];
  }
}
