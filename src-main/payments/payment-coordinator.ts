// The payment coordinator: runs the attempt state machine against the PIN pads
// and keeps the promise of DESIGN §1. Every transition is journaled (and
// committed) before the next byte goes out; an unknown outcome is resolved by
// asking the PIN pad and the gateway, never by resending or reversing; no
// second card payment starts on a ticket while an earlier one is unresolved,
// whichever PIN pad is asked.

import { isStandingCharge } from '../gateways/cardknox-client.ts';
import {
  OutcomeUnknownError,
  TerminalRequestError,
  TerminalUnavailableError,
  type PaymentTerminal,
  type TerminalResult,
} from '../../drivers/terminal.ts';
import type { AttemptSnapshot } from '../../src-shared/domain.ts';
import { ecrReference } from '../../src-shared/ecr-reference.ts';
import { AppError } from '../../src-shared/errors.ts';
import { isValidAmount } from '../../src-shared/money.ts';
import { isUnresolved, type ApprovalSource, type DoubtReason } from '../../src-shared/payment-state-machine.ts';
import { AttemptRepository, toAttemptSnapshot, type AttemptRow } from '../journal/attempt-repository.ts';
import type { Journal } from '../journal/journal.ts';
import { unjournaledPaymentMessage, type WriteFaultCause } from '../journal/journal-write-health.ts';
import type { OrphanRow } from '../reconcile/orphan-repository.ts';
import { APPROVED_OUTCOMES, gatewayRowFacts, recordApproval, terminalFacts } from './approval-recorder.ts';
import { approvedRecord, lookUpAttempt } from './attempt-resolver.ts';
import {
  RESOLVING,
  stateMessage,
  TERMINAL_NOT_REACHED,
  TERMINAL_REFUSED_REQUEST,
  unresolvedRefusal,
} from './payment-messages.ts';
import { REAL_TIMERS, type GatewayReportPort, type TicketPort, type Timers } from './payment-ports.ts';

/** Find Missing Payments, as the coordinator runs it after an error. */
export interface MissingPaymentsPort {
  findMissing(opts: { ticketId?: string }): Promise<{ attached: AttemptRow[] } & MissingPaymentsCounts>;
}

/** What else a Find Missing run may report (MissingPaymentFinder does), passed through by findMissing(). */
export interface MissingPaymentsCounts {
  /** Processor charges compared with the journal. */
  rowsChecked?: number;
  /** Charges newly queued for a manager. */
  orphaned?: OrphanRow[];
}

/** Receipt printing, as the coordinator triggers it after an approval. */
export interface ReceiptPort {
  printForAttempt(attemptId: string): Promise<unknown>;
}

/** One structured log line (ids and references only, never card data). */
export interface PaymentLogEntry {
  event: string;
  attemptId?: string;
  ticketId?: string;
  ecrRef?: string;
  detail?: string;
}

/** Named moments a test harness may act on (the chaos run SIGKILLs the host there). */
export type PaymentTestPoint = 'after_commit' | 'pad_charged' | 'startup_recovery';

/**
 * Test seams (issue 14 §4): the chaos harness builds deliberately broken
 * registers and kills the host at named points through these. Only test code
 * sets them; the host, the IPC layer and every configuration path leave them
 * undefined, so production runs the real resolver and the slot's own invoice.
 */
export interface PaymentTestSeams {
  /** Replaces the resolution pass's lookup (default: lookUpAttempt). */
  resolver?: typeof lookUpAttempt;
  /** The invoice the PIN pad is sent for an attempt (default: the journaled one). */
  saleInvoice?: (row: AttemptRow) => string;
  /** Called at each named point, synchronously, before the coordinator goes on. */
  atPoint?: (point: PaymentTestPoint, attemptId: string) => void;
}

/** How the coordinator is built. */
export interface PaymentCoordinatorOptions {
  journal: Journal;
  tickets: TicketPort;
  /** This register's code, the first part of every ECR reference. */
  registerCode: string;
  /** The PIN pads, or a getter for the ones in use now (devices can be swapped at run time; looked up per use). */
  terminals: PaymentTerminal[] | (() => PaymentTerminal[]);
  /** PIN pad used when start() names none (default: the first). */
  defaultTerminalId?: string;
  gateway?: GatewayReportPort;
  missingPayments?: MissingPaymentsPort;
  /** Run Find Missing Payments by itself after every payment error (default true when missingPayments is set). */
  autoFindMissing?: boolean;
  receipts?: ReceiptPort;
  attempts?: AttemptRepository;
  timers?: Timers;
  /** How long the PIN pad may take for a sale (the customer is at it), ms. Default: the driver's own. */
  saleTimeoutMs?: number;
  /** How long one lookup on the PIN pad may take, ms. Default 15 000. */
  lookupTimeoutMs?: number;
  /** Backoff between resolution passes, ms. Default 1 000 doubling to 30 000. */
  backoff?: { initialMs: number; maxMs: number };
  /** Gateway window opens this long before the attempt was created, ms. Default 15 min. */
  gatewayWindowMs?: number;
  /**
   * When the PIN pad's own record says it gave up on the bank, how long after
   * sending the gateway's "no such charge" is not yet final, ms. Default 90 000.
   */
  hostSettleMs?: number;
  log?: (entry: PaymentLogEntry) => void;
  /** Test code only (see PaymentTestSeams). */
  testSeams?: PaymentTestSeams;
}

type Listener = (s: AttemptSnapshot) => void;

/** Runs card payments exactly once (see file comment). */
export class PaymentCoordinator {
  readonly attempts: AttemptRepository;
  private readonly o: PaymentCoordinatorOptions;
  private readonly fixedTerminals = new Map<string, PaymentTerminal>();
  private readonly timers: Timers;
  private readonly listeners = new Set<Listener>();
  /** Sale calls out on a PIN pad right now, by attempt id. */
  private readonly inflight = new Map<string, Promise<AttemptSnapshot>>();
  private readonly resolving = new Map<string, Promise<AttemptSnapshot>>();
  private readonly retryTimers = new Map<string, unknown>();
  private readonly retryCount = new Map<string, number>();
  /** What the cashier sees while an attempt is being resolved. */
  private readonly progress = new Map<string, string>();
  /** Attempts a PIN pad called duplicates: never "not charged" on a lookup that finds nothing. */
  private readonly claimedCharged = new Set<string>();
  private readonly background = new Set<Promise<unknown>>();
  private closed = false;
  /**
   * Attempts whose outcome reached us but could not be journaled (disk full,
   * read-only): in doubt in memory at once, resolved by lookups as soon as the
   * journal can be written again.
   */
  private readonly unjournaled = new Map<string, WriteFaultCause>();

  constructor(opts: PaymentCoordinatorOptions) {
    if (Array.isArray(opts.terminals) && opts.terminals.length === 0) throw new RangeError('The payment coordinator needs at least one PIN pad');
    this.o = opts;
    this.attempts = opts.attempts ?? new AttemptRepository(opts.journal);
    this.timers = opts.timers ?? REAL_TIMERS;
    if (Array.isArray(opts.terminals)) for (const t of opts.terminals) this.fixedTerminals.set(t.id, t);
    opts.journal.onWriteHealthChange?.((fault) => {
      if (fault) return;
      for (const id of [...this.unjournaled.keys()]) {
        this.unjournaled.delete(id);
        this.kickResolution(id);
      }
    });
  }

  /** Subscribes to attempt snapshots (every transition and every resolution step); returns the unsubscribe function. */
  onAttemptChanged(cb: Listener): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** The attempt as the payment screen shows it. */
  snapshot(attemptId: string): AttemptSnapshot {
    return this.toSnapshot(this.attempts.get(attemptId));
  }

  /** Every attempt of a ticket, oldest first. */
  attemptsOf(ticketId: string): AttemptSnapshot[] {
    return this.attempts.findByTicket(ticketId).map((r) => this.toSnapshot(r));
  }

  /**
   * Starts a card sale for `amount` (minor units) on a ticket and resolves with
   * the attempt once the PIN pad answered (approved, declined, aborted) or the
   * outcome became unknown (in_doubt; resolution then continues in the background).
   * AppError: invalid_request, not_found, ticket_closed, amount_exceeds_due,
   * attempt_unresolved, terminal_not_configured.
   */
  async start(ticketId: string, amount: number, terminalId?: string): Promise<AttemptSnapshot> {
    this.assertOpen();
    if (!isValidAmount(amount) || amount === 0) {
      throw new AppError('invalid_request', `The card amount must be a positive whole number of minor units, got ${String(amount)}.`);
    }
    const terminal = this.terminal(terminalId ?? this.o.defaultTerminalId ?? [...this.terminals().keys()][0]);
    type Begun = { kind: 'blocked'; blocking: AttemptRow; ticketNumber: number } | { kind: 'sent'; row: AttemptRow };
    const begun = this.o.journal.transact((): Begun => {
      const ticket = this.o.tickets.get(ticketId);
      if (ticket.status !== 'open') {
        throw new AppError('ticket_closed', `Ticket #${ticket.number} is already ${ticket.status}; nothing more can be charged on it.`, { ticketId });
      }
      const all = this.attempts.findByTicket(ticketId);
      const blocking = all.find((a) => isUnresolved(a.state));
      if (blocking) return { kind: 'blocked', blocking, ticketNumber: ticket.number };
      if (amount > ticket.due) {
        throw new AppError('amount_exceeds_due', `Only ${ticket.due} (minor units) is due on ticket #${ticket.number}; charge that or less.`, {
          ticketId,
          due: ticket.due,
          amount,
        });
      }
      const slot = nextSlot(all);
      let ecrRef: string;
      try {
        ecrRef = ecrReference(this.o.registerCode, ticket.number, slot);
      } catch (err) {
        // Only a misconfigured register code or a 100th card tender on one ticket gets here.
        throw new AppError('invalid_request', `No card payment reference can be made for ticket #${ticket.number}: ${(err as Error).message}. Check the register code, or take the rest another way.`, {
          ticketId,
          slot,
        });
      }
      const created = this.attempts.create({
        ticketId,
        slot,
        ecrRef,
        invoice: ecrRef,
        terminalId: terminal.id,
        kind: 'sale',
        amountRequested: amount,
        currency: ticket.currency,
      });
      // Committed with the row before the PIN pad hears a byte (invariant 1).
      return { kind: 'sent', row: this.attempts.transition(created.id, { type: 'send' }) };
    });
    if (begun.kind === 'blocked') {
      const b = begun.blocking;
      this.kickResolution(b.id);
      throw new AppError('attempt_unresolved', unresolvedRefusal(begun.ticketNumber, b.ecrRef, b.terminalId), {
        ticketId,
        attemptId: b.id,
        ecrRef: b.ecrRef,
        state: b.state,
        checking: this.progress.get(b.id) ?? stateMessage(b.state, b),
      });
    }
    const row = begun.row;
    this.o.testSeams?.atPoint?.('after_commit', row.id);
    this.log({ event: 'sale_sent', attemptId: row.id, ticketId, ecrRef: row.ecrRef });
    const run = this.runSale(row, terminal);
    // Registered before anyone hears of the attempt, so a listener's retry never mistakes it for a crash leftover.
    this.inflight.set(row.id, run);
    this.emit(row);
    try {
      return await run;
    } finally {
      this.inflight.delete(row.id);
    }
  }

  /**
   * Asks the PIN pad to abort the attempt. Confirmed → the sale's own answer
   * records it (aborted, or approved if the approval won the race); unanswered
   * → in_doubt (unanswered_cancel), then resolved by lookups. Never aborted
   * without the PIN pad's word.
   */
  async cancel(attemptId: string): Promise<AttemptSnapshot> {
    this.assertOpen();
    const row = this.attempts.get(attemptId);
    const sale = this.inflight.get(attemptId);
    if (row.state !== 'sent' || !sale) return this.toSnapshot(row);
    const terminal = this.terminals().get(row.terminalId);
    let confirmed = false;
    try {
      confirmed = terminal ? await terminal.cancel() : false;
    } catch {
      confirmed = false;
    }
    this.log({ event: confirmed ? 'cancel_confirmed' : 'cancel_unanswered', attemptId, ecrRef: row.ecrRef });
    if (confirmed) return sale;
    const now = this.attempts.get(attemptId);
    if (now.state === 'sent') {
      this.doubt(now, 'unanswered_cancel');
      this.kickResolution(attemptId);
    }
    return this.snapshot(attemptId);
  }

  /**
   * Start-up: every attempt left sent or in_doubt (indexed query) becomes
   * in_doubt (crash) and gets one resolution pass now; those still unknown
   * keep retrying with backoff. Resolves with their snapshots after that pass.
   */
  async recoverOnStartup(): Promise<AttemptSnapshot[]> {
    this.assertOpen();
    const left = this.attempts.findUnresolved().filter((r) => !this.inflight.has(r.id));
    // Ones a refused retry already started resolving were marked then; the rest are marked now.
    for (const r of left) if (!this.resolving.has(r.id) && !this.retryTimers.has(r.id)) this.doubt(r, 'crash');
    for (const r of left) this.o.testSeams?.atPoint?.('startup_recovery', r.id);
    this.log({ event: 'recovery', detail: `${left.length} unresolved attempt(s)` });
    return Promise.all(left.map((r) => this.resolve(r.id)));
  }

  /** Runs one resolution pass now (joining one already running) and resolves with the attempt after it. */
  resolve(attemptId: string): Promise<AttemptSnapshot> {
    const running = this.resolving.get(attemptId);
    if (running) return running;
    const pending = this.retryTimers.get(attemptId);
    if (pending !== undefined) {
      this.timers.clear(pending);
      this.retryTimers.delete(attemptId);
    }
    const pass = this.resolvePass(attemptId).finally(() => this.resolving.delete(attemptId));
    this.resolving.set(attemptId, pass);
    return pass;
  }

  /** Resolves when the attempt is no longer sent or in_doubt; AppError 'internal' after timeoutMs. */
  waitForResolution(attemptId: string, timeoutMs: number): Promise<AttemptSnapshot> {
    const now = this.snapshot(attemptId);
    if (!isUnresolved(now.state)) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const stop = this.onAttemptChanged((s) => {
        if (s.id !== attemptId || isUnresolved(s.state)) return;
        stop();
        this.timers.clear(timer);
        resolve(s);
      });
      const timer = this.timers.set(() => {
        stop();
        reject(new AppError('internal', `Payment ${now.ecrRef} was still unresolved after ${timeoutMs} ms.`, { attemptId }));
      }, timeoutMs);
    });
  }

  /** Runs Find Missing Payments (when configured) and tells listeners about every attempt it completed. */
  async findMissing(opts: { ticketId?: string } = {}): Promise<{ attached: AttemptSnapshot[] } & MissingPaymentsCounts> {
    if (!this.o.missingPayments) return { attached: [] };
    const result = await this.o.missingPayments.findMissing(opts);
    for (const row of result.attached) {
      this.clearResolution(row.id);
      this.emit(this.attempts.get(row.id));
      this.printReceipt(row.id);
    }
    return { ...result, attached: result.attached.map((r) => this.snapshot(r.id)) };
  }

  /** Stops retrying and waits for work in progress; PIN pads and the journal stay open (the host owns them). */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.retryTimers.values()) this.timers.clear(t);
    this.retryTimers.clear();
    await Promise.allSettled([...this.inflight.values(), ...this.resolving.values(), ...this.background]);
  }

  // ── the sale ────────────────────────────────────────────────────────────

  private async runSale(row: AttemptRow, terminal: PaymentTerminal): Promise<AttemptSnapshot> {
    let result: TerminalResult;
    try {
      result = await terminal.sale({
        ecrRef: row.ecrRef,
        invoice: this.o.testSeams?.saleInvoice?.(row) ?? row.invoice,
        amount: row.amountRequested,
        ...(this.o.saleTimeoutMs !== undefined ? { timeoutMs: this.o.saleTimeoutMs } : {}),
      });
    } catch (err) {
      return this.unlessUnjournaled(row, () => this.onSaleFailure(row, err));
    }
    return this.unlessUnjournaled(row, () => this.onSaleAnswer(row, result));
  }

  /** Runs the recording of a device's answer; a journal that cannot be written leaves the attempt in doubt in memory. */
  private async unlessUnjournaled(row: AttemptRow, record: () => AttemptSnapshot | Promise<AttemptSnapshot>): Promise<AttemptSnapshot> {
    try {
      return await record();
    } catch (err) {
      const cause = journalWriteFaultOf(err);
      if (!cause) throw err;
      this.unjournaled.set(row.id, cause);
      this.log({ event: 'journal_write_failed', attemptId: row.id, ecrRef: row.ecrRef, detail: cause });
      const current = this.attempts.get(row.id);
      this.emit(current);
      return this.toSnapshot(current);
    }
  }

  private onSaleFailure(row: AttemptRow, err: unknown): AttemptSnapshot {
    const current = this.attempts.get(row.id);
    const message = err instanceof Error ? err.message : String(err);
    this.log({ event: 'sale_failed', attemptId: row.id, ecrRef: row.ecrRef, detail: err instanceof Error ? err.name : 'unknown' });
    if ((err instanceof TerminalUnavailableError || err instanceof TerminalRequestError) && current.state === 'sent') {
      // The driver's word that no byte left: nothing can have been charged.
      const text = err instanceof TerminalUnavailableError ? TERMINAL_NOT_REACHED : `${TERMINAL_REFUSED_REQUEST} ${message}`;
      const next = this.attempts.transition(row.id, { type: 'abort' }, { resultCode: 'NOT_SENT', resultText: text.slice(0, 300) });
      this.emit(next);
      return this.toSnapshot(next);
    }
    const reason: DoubtReason = err instanceof OutcomeUnknownError ? err.reason : 'bad_response';
    if (current.state === 'sent') this.doubt(current, reason);
    this.kickResolution(row.id);
    this.reconcileSoon(row.ticketId);
    return this.snapshot(row.id);
  }

  private async onSaleAnswer(row: AttemptRow, r: TerminalResult): Promise<AttemptSnapshot> {
    const current = this.attempts.get(row.id);
    if (!isUnresolved(current.state)) return this.toSnapshot(current); // resolved meanwhile (lookup, Find Missing)
    this.log({ event: `sale_${r.outcome}`, attemptId: row.id, ecrRef: row.ecrRef, detail: r.resultCode });
    if (APPROVED_OUTCOMES.includes(r.outcome)) {
      this.o.testSeams?.atPoint?.('pad_charged', row.id);
      return this.approve(row.id, 'terminal', terminalFacts(r, row.amountRequested));
    }
    if (r.outcome === 'duplicate') return this.onDuplicate(row, r);
    const facts = { resultCode: r.resultCode, resultText: r.resultText };
    if (r.declinedByFault) this.reconcileSoon(row.ticketId);
    if (r.outcome === 'declined' || r.outcome === 'aborted') {
      // A definite "not charged" from the PIN pad; after an unanswered cancel it settles the doubt the same way.
      const event = current.state === 'in_doubt' ? ({ type: 'confirm_absent' } as const) : ({ type: r.outcome === 'declined' ? 'decline' : 'abort' } as const);
      const next = this.attempts.transition(row.id, event, facts);
      this.clearResolution(row.id);
      this.emit(next);
      return this.toSnapshot(next);
    }
    // 'error' or an unknown result code: the host may have approved; ask.
    if (current.state === 'sent') this.doubt(current, 'bad_response', facts);
    this.kickResolution(row.id);
    this.reconcileSoon(row.ticketId);
    return this.snapshot(row.id);
  }

  /**
   * "Duplicate" means "already charged": pull in the original approval from
   * whoever holds it, without charging again. The source names who held it:
   * the PIN pad's own report (terminal_duplicate) or the gateway's (gateway_duplicate).
   */
  private async onDuplicate(row: AttemptRow, r: TerminalResult): Promise<AttemptSnapshot> {
    this.claimedCharged.add(row.id);
    this.setProgress(row.id, RESOLVING.duplicateFetching);
    const terminal = this.terminals().get(row.terminalId);
    try {
      const found = terminal ? approvedRecord(await terminal.lookup(row.ecrRef, { timeoutMs: this.lookupTimeout() }), row.ecrRef) : undefined;
      if (found) return this.approve(row.id, 'terminal_duplicate', terminalFacts(found.result, row.amountRequested));
    } catch {
      // fall through to the gateway
    }
    if (this.o.gateway) {
      try {
        const begin = Date.parse(row.createdAt) - this.gatewayWindow();
        const rows = await this.o.gateway.findByInvoice(row.invoice, begin, this.now() + 60_000);
        const found = rows.find((g) => g.invoice === row.invoice && isStandingCharge(g));
        if (found) return this.approve(row.id, 'gateway_duplicate', gatewayRowFacts(found));
      } catch {
        // keep it in doubt below
      }
    }
    const current = this.attempts.get(row.id);
    if (current.state === 'sent') this.doubt(current, 'bad_response', { resultCode: r.resultCode, resultText: r.resultText });
    this.setProgress(row.id, RESOLVING.duplicateNotFound);
    this.kickResolution(row.id, true);
    this.reconcileSoon(row.ticketId);
    return this.snapshot(row.id);
  }

  // ── resolution ──────────────────────────────────────────────────────────

  private async resolvePass(attemptId: string): Promise<AttemptSnapshot> {
    // Let a sale still out on the PIN pad answer (or time out) before asking about it.
    const sale = this.inflight.get(attemptId);
    if (sale) await sale.catch(() => undefined);
    let row = this.attempts.get(attemptId);
    if (row.state === 'sent' && !this.inflight.has(attemptId)) {
      // Sent by a process that is gone (the host skipped recoverOnStartup): its answer can never arrive here.
      this.doubt(row, 'crash');
      row = this.attempts.get(attemptId);
    }
    if (row.state !== 'in_doubt') return this.toSnapshot(row);
    const outcome = await (this.o.testSeams?.resolver ?? lookUpAttempt)(
      row,
      {
        terminal: this.terminals().get(row.terminalId),
        gateway: this.o.gateway,
        now: this.now(),
        lookupTimeoutMs: this.lookupTimeout(),
        gatewayWindowMs: this.gatewayWindow(),
        hostSettleMs: this.o.hostSettleMs ?? 90_000,
      },
      (message) => this.setProgress(attemptId, message),
    );
    const current = this.attempts.get(attemptId);
    if (current.state !== 'in_doubt') return this.toSnapshot(current);
    this.log({ event: `resolution_${outcome.kind}`, attemptId, ecrRef: row.ecrRef });
    if (outcome.kind === 'approved') return this.approve(attemptId, outcome.source, outcome.facts);
    if (outcome.kind === 'absent' && !this.claimedCharged.has(attemptId)) {
      const next = this.attempts.transition(attemptId, { type: 'confirm_absent' });
      this.clearResolution(attemptId);
      this.emit(next);
      return this.toSnapshot(next);
    }
    this.setProgress(attemptId, outcome.kind === 'unknown' ? outcome.message : RESOLVING.duplicateNotFound);
    this.scheduleRetry(attemptId);
    return this.snapshot(attemptId);
  }

  private scheduleRetry(attemptId: string): void {
    if (this.closed || this.retryTimers.has(attemptId)) return;
    const n = this.retryCount.get(attemptId) ?? 0;
    this.retryCount.set(attemptId, n + 1);
    const { initialMs, maxMs } = this.o.backoff ?? { initialMs: 1000, maxMs: 30_000 };
    const delay = Math.min(maxMs, initialMs * 2 ** Math.min(n, 20));
    const handle = this.timers.set(() => {
      this.retryTimers.delete(attemptId);
      if (!this.closed) this.track(this.resolve(attemptId));
    }, delay);
    this.retryTimers.set(attemptId, handle);
  }

  /** Starts a pass in the background unless one is running. */
  private kickResolution(attemptId: string, afterBackoff = false): void {
    if (this.closed) return;
    if (afterBackoff) this.scheduleRetry(attemptId);
    else if (!this.resolving.has(attemptId)) this.track(this.resolve(attemptId).catch((err) => this.rememberUnjournaled(attemptId, err)));
  }

  /** A resolution that could not journal its answer waits for the journal to be writable again, then runs once more. */
  private rememberUnjournaled(attemptId: string, err: unknown): never {
    const cause = journalWriteFaultOf(err);
    if (cause) this.unjournaled.set(attemptId, cause);
    throw err;
  }

  private clearResolution(attemptId: string): void {
    const t = this.retryTimers.get(attemptId);
    if (t !== undefined) this.timers.clear(t);
    this.retryTimers.delete(attemptId);
    this.retryCount.delete(attemptId);
    this.progress.delete(attemptId);
    this.claimedCharged.delete(attemptId);
  }

  // ── journaling helpers ──────────────────────────────────────────────────

  private approve(attemptId: string, source: ApprovalSource, facts: Parameters<typeof recordApproval>[3]): AttemptSnapshot {
    const { row, changed } = recordApproval({ journal: this.o.journal, attempts: this.attempts, tickets: this.o.tickets }, attemptId, source, facts);
    this.clearResolution(attemptId);
    if (changed) {
      this.log({ event: 'approved', attemptId, ecrRef: row.ecrRef, detail: source });
      this.emit(row);
      this.printReceipt(attemptId);
    }
    return this.toSnapshot(row);
  }

  private doubt(row: AttemptRow, reason: DoubtReason, facts: { resultCode?: string; resultText?: string } = {}): void {
    const next = this.attempts.transition(row.id, { type: 'doubt', reason }, facts);
    this.progress.set(row.id, RESOLVING.checkingTerminal);
    this.emit(next);
  }

  private setProgress(attemptId: string, message: string): void {
    if (this.progress.get(attemptId) === message) return;
    this.progress.set(attemptId, message);
    this.emit(this.attempts.get(attemptId));
  }

  private printReceipt(attemptId: string): void {
    if (this.o.receipts) this.track(this.o.receipts.printForAttempt(attemptId));
  }

  private reconcileSoon(ticketId: string): void {
    if (!this.o.missingPayments || this.o.autoFindMissing === false || this.closed) return;
    this.track(this.findMissing({ ticketId }));
  }

  private track(p: Promise<unknown>): void {
    const q = p.catch((err) => this.log({ event: 'background_failed', detail: err instanceof Error ? err.message : String(err) }));
    this.background.add(q);
    void q.finally(() => this.background.delete(q));
  }

  private emit(row: AttemptRow): void {
    const s = this.toSnapshot(row);
    for (const l of this.listeners) {
      try {
        l(s);
      } catch (err) {
        this.log({ event: 'listener_failed', detail: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  private toSnapshot(row: AttemptRow): AttemptSnapshot {
    const s = toAttemptSnapshot(row);
    const cause = isUnresolved(row.state) ? this.unjournaled.get(row.id) : undefined;
    if (cause) {
      // The journal still says "sent"; what we know is that the card may have been charged.
      s.state = 'in_doubt';
      s.message = unjournaledPaymentMessage(cause);
      return s;
    }
    const live = isUnresolved(row.state) ? this.progress.get(row.id) : undefined;
    s.message = live ?? stateMessage(row.state, row);
    return s;
  }

  /** The PIN pads in use now, by id. */
  private terminals(): Map<string, PaymentTerminal> {
    const t = this.o.terminals;
    return Array.isArray(t) ? this.fixedTerminals : new Map(t().map((x) => [x.id, x]));
  }

  private terminal(id: string | undefined): PaymentTerminal {
    const t = id === undefined ? undefined : this.terminals().get(id);
    if (!t) {
      if (this.terminals().size === 0) {
        throw new AppError('terminal_not_configured', 'No PIN pad is in use on this register. Take cash, or ask a manager to assign a PIN pad in Settings.');
      }
      throw new AppError('terminal_not_configured', `There is no PIN pad "${id}" configured on this register. Pick one of: ${[...this.terminals().keys()].join(', ')}.`, {
        terminalId: id,
      });
    }
    return t;
  }

  private assertOpen(): void {
    if (this.closed) throw new AppError('internal', 'The payment service is shutting down; start the app again to take payments.');
  }

  private now(): number {
    return this.o.journal.now().getTime();
  }

  private lookupTimeout(): number {
    return this.o.lookupTimeoutMs ?? 15_000;
  }

  private gatewayWindow(): number {
    return this.o.gatewayWindowMs ?? 15 * 60_000;
  }

  private log(e: PaymentLogEntry): void {
    this.o.log?.(e);
  }
}

/** The write fault named by a journal refusal (disk full, read-only, disk error), or undefined for any other error. */
function journalWriteFaultOf(err: unknown): WriteFaultCause | undefined {
  if (!(err instanceof AppError) || err.code !== 'journal_unavailable') return undefined;
  const cause = err.details?.cause;
  return cause === 'disk full' || cause === 'read-only' || cause === 'disk error' ? cause : undefined;
}

/**
 * The slot of the next card tender: the ticket's current slot is reused (so a
 * retry carries the same ECR reference and invoice) until it holds an
 * approval; after that the next tender takes slot + 1.
 */
export function nextSlot(attempts: readonly Pick<AttemptRow, 'slot' | 'state'>[]): number {
  if (attempts.length === 0) return 1;
  const top = Math.max(...attempts.map((a) => a.slot));
  const used = attempts.some((a) => a.slot === top && (a.state === 'approved' || a.state === 'reversed'));
  return used ? top + 1 : top;
}
