// Batch close with three-way reconciliation (issue 11 §2), per PIN pad batch.
// The open batch of a PIN pad is everything since its last close. A check
// reads the three sources (journal attempts of that PIN pad in the window,
// the PIN pad's whole detail report, the gateway's report of the window),
// reconciles them (batch-reconciler.ts) and records the lines. Close (B00) is
// refused while a line is open; afterwards the host's B01 totals are compared
// with the expected ones (the PIN pad's own totals as checked just before the
// close), and a mismatch is kept as a line on the closed batch.

import type { PaymentTerminal, TerminalRecord } from '../../drivers/terminal.ts';
import type { BatchLine, BatchSnapshot, BatchSummary, BatchTotals } from '../../src-shared/batch-types.ts';
import { AppError } from '../../src-shared/errors.ts';
import { formatMoney } from '../../src-shared/money.ts';
import type { GatewayReportRow } from '../gateways/gateway-report-row.ts';
import type { Journal } from '../journal/journal.ts';
import type { OrphanRepository } from '../reconcile/orphan-repository.ts';
import { padTotals, reconcileBatch, type JournalBatchEntry, type Reconciliation } from './batch-reconciler.ts';
import { BatchRepository, type BatchRow } from './batch-repository.ts';

/** What the batch service needs from the host. */
export interface BatchServiceDeps {
  journal: Journal;
  /** The configured PIN pad with this id, if any. */
  terminal: (terminalId: string) => PaymentTerminal | undefined;
  /** The gateway's report of a window (epoch ms, inclusive); undefined when no gateway is configured. */
  gatewayReport?: (begin: number, end: number) => Promise<GatewayReportRow[]>;
  orphans: OrphanRepository;
  currency: string;
  /** Register code: gateway rows of this register's invoices (R<code>T…) with no device belong to the batch they fall in. */
  registerCode: string;
  log?: (line: string) => void;
}

/** Kept between checks so the snapshot shows each source's totals without reading the PIN pad again. */
interface LastCheck {
  result: Reconciliation;
  problems: string[];
}

export class BatchService {
  readonly repo: BatchRepository;
  private readonly checks = new Map<string, LastCheck>();

  constructor(private readonly deps: BatchServiceDeps) {
    this.repo = new BatchRepository(deps.journal);
  }

  /** The open batch of a PIN pad, re-checked against the three sources now. */
  async open(terminalId: string): Promise<BatchSnapshot> {
    const batch = this.openRow(terminalId);
    await this.check(batch);
    return this.snapshot(batch.id);
  }

  /** A batch as last checked (closed ones with their Z report figures). */
  snapshot(batchId: string): BatchSnapshot {
    const b = this.repo.get(batchId);
    const last = this.checks.get(batchId);
    const journal = last?.result.journal ?? journalTotals(this.journalEntries(b));
    return {
      id: b.id, terminalId: b.terminalId, status: b.status, openedAt: b.openedAt, closedAt: b.closedAt, closedBy: b.closedBy, currency: b.currency,
      journal, pad: last?.result.pad ?? null, gateway: last?.result.gateway ?? null, sourceProblems: last?.problems ?? [],
      expected: b.expectedCount === null ? null : { count: b.expectedCount, amount: b.expectedAmount ?? 0 },
      host: b.hostCount === null ? null : { count: b.hostCount, amount: b.hostAmount ?? 0, batchNumber: b.hostBatchNumber },
      reconciledAt: b.reconciledAt, lines: this.repo.lines(b.id),
    };
  }

  history(terminalId: string | undefined, limit: number): BatchSummary[] {
    return this.repo.history(terminalId, limit);
  }

  /**
   * A manager's resolution. For a charge the register holds no record of (and the extra
   * charges of a duplicate), resolving queues the charge in the orphan payments, where it
   * is attached or refunded; other lines record what the manager did.
   */
  resolve(lineId: string, resolution: string, actor: string): BatchLine {
    const line = this.repo.line(lineId);
    if (line.status !== 'open') return this.repo.settle(lineId, 'resolved', resolution, actor); // refuses with its own words
    if (line.type === 'in_doubt') {
      throw new AppError('conflict', 'A payment still in doubt resolves itself once the register knows the outcome: check it from the in-doubt payments, then check the batch again.', { lineId });
    }
    const text = resolution.trim();
    if (line.type === 'charged_not_recorded' || line.type === 'duplicate_charge') {
      return this.deps.journal.transact(() => {
        const queued = this.queueOrphans(line);
        return this.repo.settle(lineId, 'resolved', `${text} (${queued} charge${queued === 1 ? '' : 's'} queued in the orphan payments)`, actor);
      });
    }
    return this.repo.settle(lineId, 'resolved', text, actor);
  }

  /** A manager accepts the difference as it is, saying why. */
  signOff(lineId: string, reason: string, actor: string): BatchLine {
    return this.repo.settle(lineId, 'signed_off', reason.trim(), actor);
  }

  /** Closes the PIN pad's batch: re-checks, refuses while a line is open, sends B00, compares B01 with the expected totals. */
  async close(terminalId: string, actor: string): Promise<BatchSnapshot> {
    const batch = this.openRow(terminalId);
    const last = await this.check(batch);
    const open = this.repo.lines(batch.id).filter((l) => l.status === 'open');
    if (open.length > 0) {
      throw new AppError('conflict', `The batch cannot be closed while ${open.length} difference${open.length === 1 ? ' is' : 's are'} open: resolve or sign off each line first.`, { batchId: batch.id });
    }
    if (last.result.pad === null) {
      throw new AppError('device_error', 'The PIN pad could not report its batch, so it cannot be closed now. Check the PIN pad and try again.', { batchId: batch.id });
    }
    const terminal = this.requireTerminal(terminalId);
    const expected = last.result.pad;
    const b01 = await terminal.batchClose();
    if (b01.resultCode !== '000000') {
      throw new AppError('device_error', 'The PIN pad did not close its batch. Nothing was closed; try again in a moment.', { resultCode: b01.resultCode });
    }
    const host = { count: b01.totalCount, amount: b01.totalAmount, batchNumber: b01.batchNumber ?? null };
    const money = (n: number) => formatMoney(n, batch.currency);
    const mismatch =
      host.count === expected.count && host.amount === expected.amount
        ? undefined
        : {
            key: 'totals_mismatch:host', type: 'totals_mismatch' as const,
            cause: `The card host closed the batch with ${host.count} payments for ${money(host.amount)}; the batch checked before closing held ${expected.count} for ${money(expected.amount)}.`,
            action: 'Compare the host\'s settlement statement with this Z report, then sign the line off with what was found.',
            invoice: null, refNum: null, attemptId: null, journalAmount: last.result.journal.amount, padAmount: expected.amount, gatewayAmount: last.result.gateway?.amount ?? null,
            amount: Math.abs(host.amount - expected.amount),
          };
    this.repo.close(batch.id, expected, host, actor, mismatch as never);
    return this.snapshot(batch.id);
  }

  private openRow(terminalId: string): BatchRow {
    this.requireTerminal(terminalId);
    return this.repo.openBatch(terminalId, this.deps.currency, () => {
      const first = this.deps.journal.db.prepare('SELECT min(created_at) FROM payment_attempts WHERE terminal_id = ?').pluck().get(terminalId) as string | null;
      return first ?? this.deps.journal.nowIso();
    });
  }

  private requireTerminal(terminalId: string): PaymentTerminal {
    const t = this.deps.terminal(terminalId);
    if (!t) throw new AppError('not_found', 'There is no such PIN pad in the device settings.', { terminalId });
    return t;
  }

  private journalEntries(b: BatchRow): JournalBatchEntry[] {
    return this.deps.journal.db
      .prepare(
        `SELECT id AS attemptId, invoice, ecr_ref AS ecrRef, kind, state, amount_requested AS amountRequested, amount_approved AS amountApproved, host_ref AS hostRef, approval_source AS approvalSource,
           (state = 'reversed' AND NOT EXISTS (SELECT 1 FROM reversals r JOIN payment_attempts v ON v.id = r.reversal_attempt_id
             WHERE r.original_attempt_id = payment_attempts.id AND r.kind = 'void' AND v.state = 'approved')) AS refunded
         FROM payment_attempts WHERE terminal_id = ? AND created_at >= ? AND (? IS NULL OR created_at < ?) AND currency = ?`,
      )
      .all(b.terminalId, b.openedAt, b.closedAt, b.closedAt, b.currency)
      .map((e) => ({ ...(e as JournalBatchEntry), refunded: (e as { refunded: number }).refunded === 1 }));
  }

  private async check(b: BatchRow): Promise<LastCheck> {
    const problems: string[] = [];
    const entries = this.journalEntries(b);
    const terminal = this.requireTerminal(b.terminalId);
    let pad: TerminalRecord[] | null = null;
    if (!terminal.detailReport) problems.push('This PIN pad cannot report its batch record by record; it is compared by its totals at close only.');
    else {
      try {
        pad = await terminal.detailReport();
      } catch (err) {
        this.deps.log?.(`batch ${b.id}: detail report failed: ${(err as Error).message}`);
        problems.push('The PIN pad could not be asked for its batch. Check that it is on and connected, then check again.');
      }
    }
    let gateway: GatewayReportRow[] | null = null;
    if (!this.deps.gatewayReport) problems.push('No card gateway is set up, so the processor\'s report cannot be compared.');
    else {
      try {
        const rows = await this.deps.gatewayReport(Date.parse(b.openedAt), Date.now());
        gateway = this.gatewayRowsOf(b, rows, entries);
      } catch (err) {
        this.deps.log?.(`batch ${b.id}: gateway report failed: ${(err as Error).message}`);
        problems.push('The card gateway could not be reached for its report. Check the internet connection, then check again.');
      }
    }
    const result = reconcileBatch({ currency: b.currency, journal: entries, pad, gateway });
    // A source that could not be read says nothing; lines are recorded only from what was read.
    this.repo.recordCheck(b.id, result.variances);
    const last = { result, problems };
    this.checks.set(b.id, last);
    return last;
  }

  /** The gateway rows of this batch: this PIN pad's, those of its invoices, and deviceless ones of this register not another PIN pad's. */
  private gatewayRowsOf(b: BatchRow, rows: GatewayReportRow[], entries: JournalBatchEntry[]): GatewayReportRow[] {
    const mine = new Set(entries.map((e) => e.invoice));
    const prefix = `R${this.deps.registerCode}T`;
    const others = new Set(
      this.deps.journal.db.prepare('SELECT invoice FROM payment_attempts WHERE terminal_id <> ? AND created_at >= ?').pluck().all(b.terminalId, b.openedAt) as string[],
    );
    const pads = new Set(this.deps.journal.db.prepare('SELECT DISTINCT terminal_id FROM payment_attempts').pluck().all() as string[]);
    // A row from no PIN pad of this register (the gateway's own virtual terminal, say) belongs to the batch it falls in.
    const padless = (r: GatewayReportRow) => !r.deviceId || !pads.has(r.deviceId);
    // A slot retried on another PIN pad shares its invoice with this batch: that pad's charge belongs to that pad's batch.
    return rows.filter((r) => r.deviceId === b.terminalId || (padless(r) && (mine.has(r.invoice) || (r.invoice.startsWith(prefix) && !others.has(r.invoice)))));
  }

  private queueOrphans(line: BatchLine): number {
    const last = this.checks.get(line.batchId);
    const v = last?.result.variances.find((x) => x.type === line.type && x.invoice === line.invoice);
    let queued = 0;
    for (const c of v?.orphanCharges ?? []) {
      const { created } = this.deps.orphans.add({
        refNum: c.refNum, invoice: c.invoice, amount: c.amount, currency: c.currency, maskedPan: c.maskedPan || null, cardBrand: c.cardBrand ?? null,
        authCode: c.authCode ?? null, enteredAt: new Date(c.enteredAt).toISOString(), reason: line.type === 'duplicate_charge' ? 'second_charge' : 'unknown_invoice',
        ticketId: null, attemptId: line.attemptId, message: line.cause,
      });
      if (created) queued++;
    }
    if (queued === 0 && !v?.orphanCharges.some((c) => this.deps.orphans.byRefNum(c.refNum))) {
      throw new AppError('conflict', 'The charge could not be found at the card processor just now. Check the batch again, then resolve the line.', { lineId: line.id });
    }
    return queued;
  }
}

function journalTotals(entries: JournalBatchEntry[]): BatchTotals {
  return reconcileBatch({ currency: 'USD', journal: entries, pad: null, gateway: null }).journal;
}

export { padTotals };
