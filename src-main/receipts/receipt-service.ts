// Prints receipts from the journal and journals whether they came out. A
// receipt is a courtesy to the customer, the payment is the fact: a printer
// that is out of paper, open or dead must never undo, block or fail a payment,
// so printForAttempt never rejects. A receipt that did not print is recorded,
// and the cashier is told how to get it with Reprint.

import type { ReceiptResult } from '../../src-shared/domain.ts';
import { AppError } from '../../src-shared/errors.ts';
import type { PrintResult } from '../../drivers/printer/escpos-printer.ts';
import type { ReceiptData } from '../../drivers/printer/receipt-template.ts';
import { withTimeout } from '../../drivers/with-timeout.ts';
import { AttemptRepository, type AttemptRow } from '../journal/attempt-repository.ts';
import type { Journal } from '../journal/journal.ts';
import { TicketRepository } from '../journal/ticket-repository.ts';
import { buildReceiptData, localReceiptTime, type ReceiptStore } from './receipt-builder.ts';
import { notPrintedMessage, printedMessage } from './receipt-messages.ts';
import { ReceiptRepository, type ReceiptReason, type ReceiptRecord } from './receipt-repository.ts';

/** The printer calls receipts need (EscPosPrinter implements it). */
export interface ReceiptPrinter {
  print(receipt: ReceiptData): Promise<PrintResult>;
}

/** One structured log line (ids only, never card data). */
export interface ReceiptLogEntry {
  event: string;
  ticketId?: string;
  attemptId?: string;
  detail?: string;
}

/** How the service is built. */
export interface ReceiptServiceOptions {
  journal: Journal;
  /** The assigned printer, or a getter for it (devices can be reassigned at run time); null/undefined: none configured. */
  printer?: ReceiptPrinter | null | (() => ReceiptPrinter | null | undefined);
  store: ReceiptStore;
  /** Training mode (or a getter for it): every receipt carries the training banner. */
  training?: boolean | (() => boolean);
  /** Formats a journal timestamp for the receipt (default: local "YYYY-MM-DD HH:MM"). */
  formatTime?: (iso: string) => string;
  /** Longest a print may take end to end, ms (default 30 000); the driver has its own shorter waits. */
  printTimeoutMs?: number;
  log?: (entry: ReceiptLogEntry) => void;
}

/** A print outcome as the UI shows it, with the journaled row. */
export interface ReceiptOutcome extends ReceiptResult {
  /** The journaled row; absent when nothing was attempted or the journal could not be written. */
  record?: ReceiptRecord;
}

/** Prints receipts of journaled tickets and journals each outcome. */
export class ReceiptService {
  private readonly tickets: TicketRepository;
  private readonly attempts: AttemptRepository;
  private readonly receipts: ReceiptRepository;
  private readonly inflight = new Map<string, Promise<ReceiptOutcome>>();
  private readonly background = new Set<Promise<unknown>>();

  constructor(private readonly o: ReceiptServiceOptions) {
    this.tickets = new TicketRepository(o.journal);
    this.attempts = new AttemptRepository(o.journal);
    this.receipts = new ReceiptRepository(o.journal);
  }

  /** Prints the receipt after an approval; never rejects, and prints at most once per approval. */
  printForAttempt(attemptId: string): Promise<ReceiptOutcome> {
    // The coordinator may report one approval twice (answer, then reconciliation): one receipt only.
    const running = this.inflight.get(attemptId);
    if (running) return running;
    const run = this.saleReceipt(attemptId)
      .catch((err: unknown): ReceiptOutcome => {
        this.log({ event: 'receipt_failed', attemptId, detail: errorText(err) });
        return { printed: false, message: `The receipt did not print (${errorText(err)}). Press Reprint on the ticket to try again.` };
      })
      .finally(() => this.inflight.delete(attemptId));
    this.inflight.set(attemptId, run);
    return run;
  }

  /** Prints a ticket's receipt (e.g. after a cash sale). AppError 'not_found' for an unknown ticket. */
  printForTicket(ticketId: string): Promise<ReceiptOutcome> {
    return this.print(ticketId, null, 'sale');
  }

  /** Prints the receipt of a ticket a cash payment closed, without making the cashier wait; close() waits for it. */
  printInBackground(ticketId: string): void {
    const p = this.printForTicket(ticketId).catch((err: unknown) => this.log({ event: 'receipt_failed', ticketId, detail: errorText(err) }));
    this.background.add(p);
    void p.finally(() => this.background.delete(p));
  }

  /** Waits for receipts printing in the background and after approvals. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.background, ...this.inflight.values()]);
  }

  /** Prints a ticket's receipt again, marked as a copy. AppError 'not_found' for an unknown ticket. */
  reprint(ticketId: string): Promise<ReceiptOutcome> {
    return this.print(ticketId, null, 'reprint');
  }

  /** The newest receipt row of a ticket, so the UI can offer "Receipt not printed — Reprint". */
  lastReceipt(ticketId: string): ReceiptRecord | undefined {
    return this.receipts.last(ticketId);
  }

  /** Every receipt row of a ticket, oldest first. */
  receiptsOf(ticketId: string): ReceiptRecord[] {
    return this.receipts.list(ticketId);
  }

  private async saleReceipt(attemptId: string): Promise<ReceiptOutcome> {
    const attempt = this.attempts.get(attemptId);
    if (attempt.state !== 'approved') {
      return { printed: false, message: `No receipt was printed: this payment is ${attempt.state.replace('_', ' ')}, not approved.` };
    }
    if (this.receipts.printedForAttempt(attemptId)) return { printed: true, message: 'The receipt for this payment was already printed.' };
    return this.print(attempt.ticketId, attemptId, 'sale');
  }

  private async print(ticketId: string, attemptId: string | null, kind: 'sale' | 'reprint'): Promise<ReceiptOutcome> {
    const ticket = this.tickets.snapshot(ticketId);
    if (!ticket) throw new AppError('not_found', `There is no ticket ${ticketId}; nothing to print.`, { ticketId });
    const paid = ticket.tenders.length > 0;
    const outcome = (status: 'printed' | 'not_printed', reason: ReceiptReason | null, message: string): ReceiptOutcome =>
      this.record({ ticketId, attemptId, kind, status, reason, message });
    const printer = typeof this.o.printer === 'function' ? this.o.printer() : this.o.printer;
    if (!printer) return outcome('not_printed', 'no_printer', notPrintedMessage('no_printer', paid));
    const attempts = new Map<string, AttemptRow>();
    for (const t of ticket.tenders) if (t.attemptId) attempts.set(t.attemptId, this.attempts.get(t.attemptId));
    const data = buildReceiptData({
      ticket,
      registerCode: this.tickets.getRegister(ticket.registerId)?.code,
      attempts,
      store: this.o.store,
      training: typeof this.o.training === 'function' ? this.o.training() : (this.o.training ?? false),
      reprint: kind === 'reprint',
      formatTime: this.o.formatTime ?? localReceiptTime,
    });
    let result: PrintResult;
    try {
      const ms = this.o.printTimeoutMs ?? 30_000;
      result = await withTimeout(printer.print(data), ms, () => new PrintTimeout(`the printer did not finish within ${ms} ms`));
    } catch (err) {
      // The template refuses card data with invalid_request: a bug upstream, never something to retry.
      const reason: ReceiptReason = err instanceof AppError ? 'refused' : err instanceof PrintTimeout ? 'no_answer' : 'failed';
      this.log({ event: 'print_error', ticketId, attemptId: attemptId ?? undefined, detail: `${reason}: ${errorText(err)}` });
      return outcome('not_printed', reason, notPrintedMessage(reason, paid));
    }
    if (result.printed) return outcome('printed', null, printedMessage(result.paperNearEnd));
    this.log({ event: 'not_printed', ticketId, attemptId: attemptId ?? undefined, detail: result.message });
    return outcome('not_printed', result.reason, notPrintedMessage(result.reason, paid));
  }

  private record(r: Omit<ReceiptRecord, 'id' | 'createdAt'>): ReceiptOutcome {
    try {
      const record = this.receipts.record(r);
      return { printed: r.status === 'printed', message: r.message, record };
    } catch (err) {
      // The paper already came out (or did not); losing the note of it must not turn into a payment error.
      this.log({ event: 'receipt_not_journaled', ticketId: r.ticketId, attemptId: r.attemptId ?? undefined, detail: errorText(err) });
      return { printed: r.status === 'printed', message: r.message };
    }
  }

  private log(entry: ReceiptLogEntry): void {
    try {
      this.o.log?.(entry);
    } catch {
      // A broken logger must not break printing.
    }
  }
}

class PrintTimeout extends Error {}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
