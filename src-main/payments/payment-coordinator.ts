// The sale path: runs a card sale against the PIN pad the cashier chose and
// keeps the promise of DESIGN §1. Every transition is journaled (and committed)
// before the next byte goes out; no second card payment starts on a ticket
// while an earlier one is unresolved, whichever PIN pad is asked. An unknown
// outcome is handed to the resolution engine (attempt-resolution.ts); every
// attempt change is recorded, emitted and printed by attempt-outcome.ts.

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
import { isUnresolved, type DoubtReason } from '../../src-shared/payment-state-machine.ts';
import { AttemptRepository, type AttemptRow } from '../journal/attempt-repository.ts';
import type { Journal } from '../journal/journal.ts';
import { APPROVED_OUTCOMES, AttemptOutcome, terminalFacts } from './attempt-outcome.ts';
import { AttemptResolution, writeFaultOf, type PaymentLink } from './attempt-resolution.ts';
import type { lookUpAttempt } from './attempt-resolver.ts';
import { ANOTHER_PAYMENT_WAITING, stateMessage, TERMINAL_NOT_REACHED, TERMINAL_REFUSED_REQUEST, unresolvedRefusal } from './payment-messages.ts';
import { REAL_TIMERS, type GatewayReportPort, type TicketPort, type Timers } from './payment-ports.ts';

/** Find Missing Payments, as the coordinator runs it after an error. */
export interface MissingPaymentsPort {
  findMissing(opts: { ticketId?: string }): Promise<{ attached: AttemptRow[] } & MissingPaymentsCounts>;
}

/** What else a Find Missing run may report (MissingPaymentFinder does), passed through by findMissing(). */
export interface MissingPaymentsCounts {
  /** Processor charges compared with the journal. */
  rowsChecked?: number;
  /** Charges newly queued for a manager (reconcile's rows: payments never import reconcile). */
  orphaned?: readonly unknown[];
}

export type { ReceiptPort } from './attempt-outcome.ts';

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
  receipts?: import('./attempt-outcome.ts').ReceiptPort;
  attempts?: AttemptRepository;
  timers?: Timers;
  /** How long the PIN pad may take for a sale (the customer is at it), ms. Default: the driver's own. */
  saleTimeoutMs?: number;
  /** How long one lookup on the PIN pad may take, ms. Default 15 000. */
  lookupTimeoutMs?: number;
  /** Backoff between resolution passes, ms. Default 1 000 doubling to 30 000. */
  backoff?: { initialMs: number; maxMs: number };
  /** Probe a link seen failing this often while attempts wait on it, ms (see AttemptResolutionOptions.linkProbeMs). Default: no probing. */
  linkProbeMs?: number;
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

/** A sale the coordinator is about to send, as a sale hook sees it. */
export interface SaleStarted {
  attemptId: string;
  ticketId: string;
  terminalId: string;
}

/** Runs card payments exactly once (see file comment). */
export class PaymentCoordinator {
  readonly attempts: AttemptRepository;
  /** Records, emits and prints every attempt change. */
  readonly outcome: AttemptOutcome;
  /** Resolves attempts in doubt; the only place that knows backoff. */
  readonly resolution: AttemptResolution;
  private readonly o: PaymentCoordinatorOptions;
  private readonly fixedTerminals = new Map<string, PaymentTerminal>();
  private readonly timers: Timers;
  /** Sale calls out on a PIN pad right now, by attempt id. */
  private readonly inflight = new Map<string, Promise<AttemptSnapshot>>();
  private readonly saleHooks = new Set<(sale: SaleStarted) => void>();
  private readonly background = new Set<Promise<unknown>>();
  private closed = false;

  constructor(opts: PaymentCoordinatorOptions) {
    if (Array.isArray(opts.terminals) && opts.terminals.length === 0) throw new RangeError('The payment coordinator needs at least one PIN pad');
    this.o = opts;
    this.attempts = opts.attempts ?? new AttemptRepository(opts.journal);
    this.timers = opts.timers ?? REAL_TIMERS;
    if (Array.isArray(opts.terminals)) for (const t of opts.terminals) this.fixedTerminals.set(t.id, t);
    const track = (p: Promise<unknown>) => this.track(p);
    this.outcome = new AttemptOutcome({
      journal: opts.journal,
      attempts: this.attempts,
      tickets: opts.tickets,
      receipts: opts.receipts,
      track,
      log: (event, attemptId, detail) => this.log({ event, attemptId, detail }),
    });
    this.resolution = new AttemptResolution({
      attempts: this.attempts,
      outcome: this.outcome,
      terminals: () => this.terminals(),
      gateway: opts.gateway,
      timers: this.timers,
      now: () => this.now(),
      inflight: (id) => this.inflight.get(id),
      lookupTimeoutMs: opts.lookupTimeoutMs ?? 15_000,
      gatewayWindowMs: opts.gatewayWindowMs ?? 15 * 60_000,
      hostSettleMs: opts.hostSettleMs ?? 90_000,
      ...(opts.backoff ? { backoff: opts.backoff } : {}),
      ...(opts.linkProbeMs !== undefined ? { linkProbeMs: opts.linkProbeMs } : {}),
      ...(opts.testSeams?.resolver ? { resolver: opts.testSeams.resolver } : {}),
      track,
      log: (event, attemptId, ecrRef) => this.log({ event, attemptId, ecrRef }),
    });
    this.outcome.setOverlay((row, s) => this.resolution.overlay(row, s));
    opts.journal.onWriteHealthChange?.((fault) => {
      if (!fault) this.resolution.journalWritable();
    });
  }

  /** Subscribes to attempt snapshots (every transition and every resolution step); returns the unsubscribe function. */
  onAttemptChanged(cb: (s: AttemptSnapshot) => void): () => void {
    return this.outcome.onChanged(cb);
  }

  /**
   * Runs `hook` for every sale once its attempt is journaled and before the PIN
   * pad hears a byte (the training scenarios arm their fault here); returns the uninstall.
   */
  onSaleStarted(hook: (sale: SaleStarted) => void): () => void {
    this.saleHooks.add(hook);
    return () => void this.saleHooks.delete(hook);
  }

  /** The attempt as the payment screen shows it. */
  snapshot(attemptId: string): AttemptSnapshot {
    return this.outcome.snapshot(this.attempts.get(attemptId));
  }

  /** Every attempt of a ticket, oldest first. */
  attemptsOf(ticketId: string): AttemptSnapshot[] {
    return this.attempts.findByTicket(ticketId).map((r) => this.outcome.snapshot(r));
  }

  /**
   * Starts a card sale for `amount` (minor units) on a ticket, on the named PIN
   * pad (default: the configured default, else the first in use), and resolves
   * with the attempt once the PIN pad answered (approved, declined, aborted) or
   * the outcome became unknown (in_doubt; resolution then continues in the
   * background). AppError: invalid_request, not_found, ticket_closed,
   * amount_exceeds_due, attempt_unresolved, terminal_not_configured (also for
   * a PIN pad id that is not in use here).
   */
  async start(ticketId: string, amount: number, terminalId?: string): Promise<AttemptSnapshot> {
    this.assertOpen();
    if (!isValidAmount(amount) || amount === 0) {
      throw new AppError('invalid_request', `The card amount must be a positive whole number of minor units, got ${String(amount)}.`);
    }
    const terminal = this.terminal(terminalId ?? this.o.defaultTerminalId ?? [...this.terminals().keys()][0]);
    type Begun = { kind: 'blocked'; blocking: AttemptRow; ticketNumber: number } | { kind: 'sent'; row: AttemptRow };
    const begun = this.beginSale((): Begun => {
      const ticket = this.o.tickets.get(ticketId);
      if (ticket.status !== 'open') {
        throw new AppError('ticket_closed', `Ticket #${ticket.number} is already ${ticket.status}; nothing more can be charged on it.`, { ticketId });
      }
      // A move to another register in flight: the store may already hold the ticket elsewhere.
      this.o.tickets.assertNotMoving?.(ticketId);
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
      this.resolution.kick(b.id);
      throw new AppError('attempt_unresolved', unresolvedRefusal(begun.ticketNumber, b.ecrRef, b.terminalId), {
        ticketId,
        attemptId: b.id,
        ecrRef: b.ecrRef,
        state: b.state,
        checking: this.resolution.progressOf(b.id) ?? stateMessage(b.state, b),
      });
    }
    const row = begun.row;
    this.o.testSeams?.atPoint?.('after_commit', row.id);
    this.log({ event: 'sale_sent', attemptId: row.id, ticketId, ecrRef: row.ecrRef });
    for (const hook of this.saleHooks) {
      try {
        hook({ attemptId: row.id, ticketId, terminalId: terminal.id });
      } catch (err) {
        this.log({ event: 'sale_hook_failed', attemptId: row.id, detail: err instanceof Error ? err.message : String(err) });
      }
    }
    const run = this.runSale(row, terminal);
    // Registered before anyone hears of the attempt, so a listener's retry never mistakes it for a crash leftover.
    this.inflight.set(row.id, run);
    this.outcome.emit(row);
    try {
      return await run;
    } finally {
      this.inflight.delete(row.id);
    }
  }

  /** Runs the start transaction; the journal's refusal of a second unresolved attempt (a race) becomes the cashier's words. */
  private beginSale<T>(fn: () => T): T {
    try {
      return this.o.journal.transact(fn);
    } catch (err) {
      if (err instanceof AppError && err.code === 'attempt_unresolved' && err.details?.checking === undefined) {
        throw new AppError('attempt_unresolved', ANOTHER_PAYMENT_WAITING, err.details);
      }
      throw err;
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
    if (row.state !== 'sent' || !sale) return this.outcome.snapshot(row);
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
      this.resolution.doubt(now, 'unanswered_cancel');
      this.resolution.kick(attemptId);
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
    for (const r of left) if (!this.resolution.isWorking(r.id)) this.resolution.doubt(r, 'crash');
    for (const r of left) this.o.testSeams?.atPoint?.('startup_recovery', r.id);
    this.log({ event: 'recovery', detail: `${left.length} unresolved attempt(s)` });
    return Promise.all(left.map((r) => this.resolution.resolve(r.id)));
  }

  /** Runs one resolution pass now (joining one already running) and resolves with the attempt after it. */
  resolve(attemptId: string): Promise<AttemptSnapshot> {
    return this.resolution.resolve(attemptId);
  }

  /**
   * A PIN pad or the gateway answered (ok) or failed a request or a status
   * probe; one that answers after failing checks every attempt waiting on it at once.
   */
  linkSeen(link: PaymentLink, ok: boolean): void {
    this.resolution.linkSeen(link, ok);
  }

  /**
   * Resolves when the attempt is no longer sent or in_doubt; AppError 'attempt_unresolved' after timeoutMs.
   * Running out of patience is not a fault of the register (the engine keeps resolving; a bank that may still
   * charge late keeps it in doubt for minutes), so it is not 'internal', the code that means a bug.
   */
  waitForResolution(attemptId: string, timeoutMs: number): Promise<AttemptSnapshot> {
    const now = this.snapshot(attemptId);
    if (!isUnresolved(now.state)) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      // The last state heard, so the timer reads nothing (a journal closing meanwhile cannot make it throw).
      let state = now.state;
      const stop = this.onAttemptChanged((s) => {
        if (s.id !== attemptId) return;
        state = s.state;
        if (isUnresolved(s.state)) return;
        stop();
        this.timers.clear(timer);
        resolve(s);
      });
      const timer = this.timers.set(() => {
        stop();
        reject(new AppError('attempt_unresolved', `Payment ${now.ecrRef} was still unresolved after ${timeoutMs} ms.`, { attemptId, state, waitedMs: timeoutMs }));
      }, timeoutMs);
    });
  }

  /** Runs Find Missing Payments (when configured); every attempt it completed is announced by the outcome owner. */
  async findMissing(opts: { ticketId?: string } = {}): Promise<{ attached: AttemptSnapshot[] } & MissingPaymentsCounts> {
    if (!this.o.missingPayments) return { attached: [] };
    const result = await this.o.missingPayments.findMissing(opts);
    this.announceFound(result.attached);
    return { ...result, attached: result.attached.map((r) => this.snapshot(r.id)) };
  }

  /** Attempts Find Missing Payments completed: their resolution stops; each is emitted and its receipt printed. */
  announceFound(rows: readonly Pick<AttemptRow, 'id'>[]): void {
    for (const row of rows) {
      this.resolution.clear(row.id);
      this.outcome.announceApproval(this.attempts.get(row.id), 'find_missing');
    }
  }

  /** Stops retrying and waits for work in progress; PIN pads and the journal stay open (the host owns them). */
  async close(): Promise<void> {
    this.closed = true;
    const resolving = this.resolution.close();
    await Promise.allSettled([...this.inflight.values(), resolving, ...this.background]);
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
      if (err instanceof TerminalUnavailableError) this.resolution.linkSeen({ terminalId: terminal.id }, false);
      return this.unlessUnjournaled(row, () => this.onSaleFailure(row, err));
    }
    // A PIN pad that answers is back: attempts waiting on it are checked now.
    this.resolution.linkSeen({ terminalId: terminal.id }, true);
    return this.unlessUnjournaled(row, () => this.onSaleAnswer(row, result));
  }

  /** Runs the recording of a device's answer; a journal that cannot be written leaves the attempt in doubt in memory. */
  private async unlessUnjournaled(row: AttemptRow, record: () => AttemptSnapshot | Promise<AttemptSnapshot>): Promise<AttemptSnapshot> {
    try {
      return await record();
    } catch (err) {
      const cause = writeFaultOf(err);
      if (!cause) throw err;
      this.resolution.markUnjournaled(row.id, cause);
      this.log({ event: 'journal_write_failed', attemptId: row.id, ecrRef: row.ecrRef, detail: cause });
      const current = this.attempts.get(row.id);
      this.outcome.emit(current);
      return this.outcome.snapshot(current);
    }
  }

  private onSaleFailure(row: AttemptRow, err: unknown): AttemptSnapshot {
    const current = this.attempts.get(row.id);
    const message = err instanceof Error ? err.message : String(err);
    this.log({ event: 'sale_failed', attemptId: row.id, ecrRef: row.ecrRef, detail: err instanceof Error ? err.name : 'unknown' });
    if ((err instanceof TerminalUnavailableError || err instanceof TerminalRequestError) && current.state === 'sent') {
      // The driver's word that no byte left: nothing can have been charged.
      const text = err instanceof TerminalUnavailableError ? TERMINAL_NOT_REACHED : `${TERMINAL_REFUSED_REQUEST} ${message}`;
      const next = this.outcome.transition(row.id, { type: 'abort' }, { resultCode: 'NOT_SENT', resultText: text.slice(0, 300) });
      return this.outcome.snapshot(next);
    }
    const reason: DoubtReason = err instanceof OutcomeUnknownError ? err.reason : 'bad_response';
    if (current.state === 'sent') this.resolution.doubt(current, reason);
    this.resolution.kick(row.id);
    this.reconcileSoon(row.ticketId);
    return this.snapshot(row.id);
  }

  private async onSaleAnswer(row: AttemptRow, r: TerminalResult): Promise<AttemptSnapshot> {
    const current = this.attempts.get(row.id);
    if (!isUnresolved(current.state)) return this.outcome.snapshot(current); // resolved meanwhile (lookup, Find Missing)
    this.log({ event: `sale_${r.outcome}`, attemptId: row.id, ecrRef: row.ecrRef, detail: r.resultCode });
    const facts = { resultCode: r.resultCode, resultText: r.resultText };
    if (APPROVED_OUTCOMES.includes(r.outcome)) {
      this.o.testSeams?.atPoint?.('pad_charged', row.id);
      this.resolution.clear(row.id);
      this.outcome.approve(row.id, 'terminal', terminalFacts(r, row.amountRequested));
      return this.snapshot(row.id);
    }
    if (r.outcome === 'duplicate') {
      const s = await this.resolution.duplicate(row, facts);
      if (isUnresolved(s.state)) this.reconcileSoon(row.ticketId);
      return s;
    }
    if (r.declinedByFault) this.reconcileSoon(row.ticketId);
    if (r.outcome === 'declined' || r.outcome === 'aborted') {
      // A definite "not charged" from the PIN pad; after an unanswered cancel it settles the doubt the same way.
      const event = current.state === 'in_doubt' ? ({ type: 'confirm_absent' } as const) : ({ type: r.outcome === 'declined' ? 'decline' : 'abort' } as const);
      this.resolution.clear(row.id);
      const next = this.outcome.transition(row.id, event, facts);
      return this.outcome.snapshot(next);
    }
    // 'error' or an unknown result code: the host may have approved; ask.
    if (current.state === 'sent') this.resolution.doubt(current, 'bad_response', facts);
    this.resolution.kick(row.id);
    this.reconcileSoon(row.ticketId);
    return this.snapshot(row.id);
  }

  // ── helpers ─────────────────────────────────────────────────────────────

  private reconcileSoon(ticketId: string): void {
    if (!this.o.missingPayments || this.o.autoFindMissing === false || this.closed) return;
    this.track(this.findMissing({ ticketId }));
  }

  private track(p: Promise<unknown>): void {
    const q = p.catch((err) => this.log({ event: 'background_failed', detail: err instanceof Error ? err.message : String(err) }));
    this.background.add(q);
    void q.finally(() => this.background.delete(q));
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
      // Plain words for the cashier; the id asked for travels in the details, for the log.
      throw new AppError('terminal_not_configured', 'That PIN pad is not in use on this register, so nothing was sent. Use the PIN pad shown on the payment screen, or ask a manager to assign it in Settings.', {
        terminalId: id,
        inUse: [...this.terminals().keys()],
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

  private log(e: PaymentLogEntry): void {
    this.o.log?.(e);
  }
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
