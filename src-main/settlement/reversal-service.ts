// Voids and refunds (issue 11 §3). Each is a payment attempt of its own (kind
// 'void' or 'refund') on the original's ticket, with a reference derived from
// the original's (src-shared/reversal-reference.ts), created, linked and marked
// sent in ONE journal transaction before anything leaves (invariant 1), in
// which the amount is also checked against what is left of the original (never
// more than was charged, across all its refunds). An answer that never comes
// makes it in doubt and the resolution engine looks it up by its own
// reference; nothing here ever sends it again. Its approval goes through the
// attempt-outcome owner, which reverses the original in the same transaction
// (journal/reversal-repository.ts finishReversalWithin) and prints the receipt.

import { OutcomeUnknownError, TerminalUnavailableError, type PaymentTerminal, type TerminalResult } from '../../drivers/terminal.ts';
import { AppError } from '../../src-shared/errors.ts';
import { formatMoney } from '../../src-shared/money.ts';
import { reversalReference, type ReversalKind } from '../../src-shared/reversal-reference.ts';
import type { GatewayResult } from '../gateways/cardknox-client.ts';
import type { AttemptRepository, AttemptRow } from '../journal/attempt-repository.ts';
import type { Journal } from '../journal/journal.ts';
import { committedRefunds, ReversalRepository } from '../journal/reversal-repository.ts';
import { APPROVED_OUTCOMES, terminalFacts, type AttemptOutcome } from '../payments/attempt-outcome.ts';
import { writeFaultOf, type AttemptResolution } from '../payments/attempt-resolution.ts';
import { GATEWAY_ONLY_TERMINAL_ID } from '../payments/attempt-resolver.ts';
import { NOT_SETTLED_CODE } from '../payments/payment-messages.ts';
import type { Money } from '../../src-shared/money.ts';

/** The gateway calls a reversal makes (GatewaySwitch and CardknoxClient implement them). */
export interface GatewayReversalPort {
  void(req: { refNum: string }): Promise<GatewayResult>;
  refund(req: { refNum: string; amount: Money; invoice?: string }): Promise<GatewayResult>;
}

/** Whether the original's batch is still open, as far as anyone can tell now. */
export type BatchState = 'open' | 'closed' | 'unknown';

/** Where a reversal goes and what it is. */
export interface ReversalPlan {
  kind: ReversalKind;
  route: 'terminal' | 'gateway';
}

/** The decision, or why there is none: the batch cannot be read, or a part is asked of an unsettled charge. */
export type ReversalChoice = { plan: ReversalPlan } | { refused: 'batch_unknown' | 'not_settled' };

/**
 * THE decision between void and refund (the one place batch close replaces):
 * an open batch is voided, a closed one refunded. A void goes where the
 * original was approved (its PIN pad by HRef, or the gateway by xRefNum when
 * the original was found there); a refund goes to the gateway by xRefNum.
 * A void gives back the whole charge, and processors refund only what is
 * settled (cardknox-protocol.ts NOT_SETTLED_TEXT): a part of a charge whose
 * batch is still open cannot be given back yet, so it is refused here, before
 * anything is sent.
 */
export function chooseReversal(original: Pick<AttemptRow, 'approvalSource' | 'amountApproved'>, batch: BatchState, amount: number): ReversalChoice {
  if (batch === 'unknown') return { refused: 'batch_unknown' };
  if (batch === 'open') {
    if (amount !== original.amountApproved) return { refused: 'not_settled' };
    const atGateway = original.approvalSource === 'gateway' || original.approvalSource === 'gateway_duplicate' || original.approvalSource === 'gateway_lookup' || original.approvalSource === 'find_missing';
    return { plan: { kind: 'void', route: atGateway ? 'gateway' : 'terminal' } };
  }
  return { plan: { kind: 'refund', route: 'gateway' } };
}

/** The refusal of more than is left of a payment. */
function overRefund(original: AttemptRow, left: number, amount: number): AppError {
  return new AppError(
    'over_refund',
    `Only ${formatMoney(left, original.currency)} of this ${formatMoney(original.amountApproved, original.currency)} payment can still be given back; ${formatMoney(amount, original.currency)} is more than was charged.`,
    { attemptId: original.id, left, amount },
  );
}

/** The refusal of a part of a payment asked back before the processor settled it (up front, or on the processor's refusal). */
function notSettled(original: AttemptRow, amount: number, details: Record<string, unknown> = {}): AppError {
  const money = (n: number) => formatMoney(n, original.currency);
  return new AppError(
    'not_settled',
    `${money(amount)} of this ${money(original.amountApproved)} payment cannot be given back yet: the card processor has not settled it (it settles when the batch is closed). ` +
      'Void the whole payment and take the right amount again, or refund the part once the batch is closed. Nothing was given back.',
    { attemptId: original.id, amount, ...details },
  );
}

/**
 * Until batch close keeps its own table: the original's batch is open while
 * the PIN pad's local report (which holds only the open batch) still holds it,
 * approved and not voided; closed when the PIN pad answers without it. The
 * PIN pad cannot be asked: unknown (nothing is guessed).
 */
export async function batchStateFromTerminal(original: AttemptRow, terminal: PaymentTerminal | undefined, timeoutMs: number): Promise<BatchState> {
  if (!terminal) return original.terminalId === GATEWAY_ONLY_TERMINAL_ID ? 'closed' : 'unknown';
  try {
    const records = await terminal.lookup(original.ecrRef, { timeoutMs });
    const held = records.some((r) => r.kind === 'sale' && APPROVED_OUTCOMES.includes(r.result.outcome) && r.voided !== true && (!original.batchNumber || !r.result.batchNumber || r.result.batchNumber === original.batchNumber));
    return held ? 'open' : 'closed';
  } catch {
    return 'unknown';
  }
}

/** How the service is built. */
export interface ReversalServiceOptions {
  journal: Journal;
  attempts: AttemptRepository;
  outcome: AttemptOutcome;
  resolution: AttemptResolution;
  terminals: () => Map<string, PaymentTerminal>;
  gateway: () => GatewayReversalPort | undefined;
  /** How long to wait for a PIN pad's answer (void, batch check), ms. */
  timeoutMs?: number;
  /** Replaces batchStateFromTerminal (batch close's own table, once it exists). */
  batchState?: (original: AttemptRow) => Promise<BatchState>;
  track?: (p: Promise<unknown>) => void;
  log?: (event: string, attemptId: string, detail?: string) => void;
}

/** A reversal as the manager asks for it. */
export interface ReversalRequest {
  attemptId: string;
  /** Minor units; default: all that is left of the original. */
  amount?: number;
  reason: string;
}

/** Voids and refunds (see file comment). */
export class ReversalService {
  readonly links: ReversalRepository;

  constructor(private readonly o: ReversalServiceOptions) {
    this.links = new ReversalRepository(o.journal);
  }

  /** Minor units of the original that can still be given back (approved refunds and those in flight counted). */
  remaining(originalId: string): number {
    const original = this.o.attempts.get(originalId);
    if (original.state !== 'approved') return 0;
    return original.amountApproved - committedRefunds(this.links.reversalsOf(originalId));
  }

  /**
   * Voids or refunds an approved sale for the manager `actor`. Resolves with
   * the reversal attempt after its answer (approved, declined, or in doubt and
   * handed to the resolution engine).
   */
  async reverse(req: ReversalRequest, actor: string, opts: { refundOnly?: boolean } = {}): Promise<AttemptRow> {
    const original = this.o.attempts.get(req.attemptId);
    if (original.kind !== 'sale' && original.kind !== 'capture') throw new AppError('conflict', 'Only a card sale can be voided or refunded.', { attemptId: original.id });
    const left = this.remaining(original.id);
    const amount = req.amount ?? left;
    if (original.state !== 'approved' || left <= 0) {
      throw new AppError('over_refund', 'This payment has already been given back in full. Nothing more can be refunded.', { attemptId: original.id });
    }
    // More than is left is refused first, whatever the batch (checked again inside the journal transaction).
    if (Number.isSafeInteger(amount) && amount > left) throw overRefund(original, left, amount);
    const terminal = this.o.terminals().get(original.terminalId);
    // An orphan's charge (adopted by orphan-actions.ts) was never on our PIN pad's batch: it is refunded at the gateway.
    const batch = opts.refundOnly ? 'closed' : await (this.o.batchState ?? ((a) => batchStateFromTerminal(a, terminal, this.o.timeoutMs ?? 5000)))(original);
    const choice = chooseReversal(original, batch, amount);
    if ('refused' in choice) {
      if (choice.refused === 'not_settled') throw notSettled(original, amount);
      throw new AppError('terminal_unavailable', 'The PIN pad cannot be reached to tell whether its batch is still open, so it is not known whether to void or refund. Try again when it is back.', { attemptId: original.id });
    }
    const row = this.journalAndSend(original, choice.plan, amount, actor, req.reason);
    const sent = await this.send(row, original, choice.plan, terminal);
    if (sent.state !== 'declined' || sent.resultCode !== NOT_SETTLED_CODE) return sent;
    // The processor has not settled the charge (our batch knowledge said it had,
    // or the charge was never on our PIN pad: an orphan). The whole of it is
    // voided instead, as its own reversal (V1 beside the declined F1), so the
    // journal says what the processor did; a part waits for settlement.
    const whole = amount === original.amountApproved && this.remaining(original.id) === original.amountApproved;
    if (!whole) throw notSettled(original, amount, { declined: row.id });
    this.o.log?.('reversal_void_instead', row.id, 'refund refused before settlement; voiding the whole charge at the gateway');
    const voidPlan: ReversalPlan = { kind: 'void', route: 'gateway' };
    const voidRow = this.journalAndSend(original, voidPlan, amount, actor, req.reason);
    return this.send(voidRow, original, voidPlan, terminal);
  }

  /** Create, link and mark sent in one transaction, with the amount checked inside it. */
  private journalAndSend(original: AttemptRow, plan: ReversalPlan, amount: number, actor: string, reason: string): AttemptRow {
    return this.o.journal.transact(() => {
      const now = this.o.attempts.get(original.id);
      const prior = this.links.reversalsOf(original.id);
      const left = now.state === 'approved' ? now.amountApproved - committedRefunds(prior) : 0;
      if (!Number.isSafeInteger(amount) || amount <= 0) throw new AppError('invalid_request', 'The amount to give back must be more than zero.');
      if (amount > left) throw overRefund(now, left, amount);
      if (plan.kind === 'void' && prior.some((r) => r.state !== 'declined' && r.state !== 'aborted' && r.state !== 'not_charged' && r.state !== 'abandoned')) {
        throw new AppError('conflict', 'Part of this payment was already given back; refund the rest instead of voiding it.', { attemptId: original.id });
      }
      const n = prior.filter((r) => r.kind === plan.kind).length + 1;
      const ecrRef = reversalReference(original.ecrRef, plan.kind, n);
      if (!ecrRef) throw new AppError('conflict', 'This payment has been reversed too many times to send another from here; refund it from the processor’s own portal.', { attemptId: original.id });
      const created = this.o.attempts.create({
        ticketId: original.ticketId,
        slot: original.slot,
        ecrRef,
        invoice: ecrRef,
        terminalId: plan.route === 'gateway' ? GATEWAY_ONLY_TERMINAL_ID : original.terminalId,
        kind: plan.kind,
        amountRequested: plan.kind === 'void' ? now.amountApproved : amount,
        currency: original.currency,
      });
      this.links.linkWithin({ reversalAttemptId: created.id, originalAttemptId: original.id, kind: plan.kind, actor, reason }, this.o.journal.nowIso());
      return this.o.attempts.transition(created.id, { type: 'send' });
    });
  }

  private async send(row: AttemptRow, original: AttemptRow, plan: ReversalPlan, terminal: PaymentTerminal | undefined): Promise<AttemptRow> {
    this.o.outcome.emit(row);
    this.o.log?.('reversal_sent', row.id, `${plan.kind} via ${plan.route}`);
    const gateway = plan.route === 'gateway' ? this.o.gateway() : undefined;
    const refused =
      plan.route === 'terminal'
        ? !terminal && 'The PIN pad is not in use on this register. Nothing was given back; try again when it is.'
        : !gateway
          ? 'No payment gateway is configured, so this payment cannot be refunded from here. Nothing was given back.'
          : !original.hostRef && 'The processor’s reference of this payment is not known, so it cannot be reversed from here. Nothing was given back.';
    if (refused) {
      // Nothing left the register: not sent, nothing given back.
      this.o.outcome.transition(row.id, { type: 'abort' }, { resultText: refused.slice(0, 200) });
      throw new AppError(plan.route === 'terminal' ? 'terminal_unavailable' : 'gateway_unavailable', refused, { attemptId: original.id });
    }
    let answer: { route: 'terminal'; r: TerminalResult } | { route: 'gateway'; g: GatewayResult };
    try {
      if (plan.route === 'terminal') {
        const r = await terminal!.void({ ecrRef: row.ecrRef, invoice: row.invoice, amount: row.amountRequested, originalHostRef: original.hostRef ?? undefined, originalTerminalRef: original.hostRef ? undefined : (original.terminalRef ?? undefined), timeoutMs: this.o.timeoutMs });
        answer = { route: 'terminal', r };
      } else {
        const money = { amount: row.amountRequested, currency: row.currency };
        const g = plan.kind === 'void' ? await gateway!.void({ refNum: original.hostRef! }) : await gateway!.refund({ refNum: original.hostRef!, amount: money, invoice: row.invoice });
        answer = { route: 'gateway', g };
      }
    } catch (err) {
      if (err instanceof TerminalUnavailableError) {
        // The PIN pad could not be reached and nothing was written to it: not sent.
        return this.unlessUnjournaled(row, () => {
          this.o.outcome.transition(row.id, { type: 'abort' }, { resultText: 'PIN pad unreachable' });
          throw new AppError('terminal_unavailable', 'The PIN pad cannot be reached. Nothing was given back; try again when it is back.', { attemptId: original.id });
        });
      }
      const reason = err instanceof OutcomeUnknownError ? err.reason : 'timeout';
      this.o.log?.('reversal_in_doubt', row.id, err instanceof Error ? err.message : String(err));
      // No answer (a dropped connection included): it may have gone through. Looked up by its own reference, never sent again.
      return this.unlessUnjournaled(row, () => {
        this.o.resolution.doubt(this.o.attempts.get(row.id), reason === 'unanswered_cancel' ? 'timeout' : reason);
        this.o.resolution.kick(row.id);
        return this.o.attempts.get(row.id);
      });
    }
    const a = answer;
    return this.unlessUnjournaled(row, () => (a.route === 'terminal' ? this.fromTerminal(row, a.r) : this.fromGateway(row, a.g)));
  }

  /**
   * Records a device's or the gateway's answer. If the journal cannot be
   * written (disk full, read-only), the money may have moved while the journal
   * says "sent": the reversal is in doubt in memory at once, with the cause in
   * its message, and the resolution engine looks it up as soon as the journal
   * takes writes again (issue 10 §1; the same as for a sale).
   */
  private unlessUnjournaled(row: AttemptRow, record: () => AttemptRow): AttemptRow {
    try {
      return record();
    } catch (err) {
      const cause = writeFaultOf(err);
      if (!cause) throw err;
      this.o.resolution.markUnjournaled(row.id, cause);
      this.o.log?.('reversal_unjournaled', row.id, cause);
      const current = this.o.attempts.get(row.id);
      this.o.outcome.emit(current);
      return current;
    }
  }

  private fromTerminal(row: AttemptRow, r: TerminalResult): AttemptRow {
    if (APPROVED_OUTCOMES.includes(r.outcome)) return this.o.outcome.approve(row.id, 'terminal', terminalFacts(r, row.amountRequested)).row;
    if (r.outcome === 'duplicate') {
      // "Already done": fetch it by lookup, as for a sale.
      this.o.track?.(this.o.resolution.duplicate(row, { resultCode: r.resultCode, resultText: r.resultText }));
      return this.o.attempts.get(row.id);
    }
    const facts = { resultCode: r.resultCode, resultText: r.resultText };
    return this.o.outcome.transition(row.id, r.outcome === 'aborted' ? { type: 'abort' } : { type: 'decline' }, facts);
  }

  private fromGateway(row: AttemptRow, g: GatewayResult): AttemptRow {
    if (g.outcome === 'approved') {
      return this.o.outcome.approve(row.id, 'gateway', { amountApproved: g.amountApproved || row.amountRequested, authCode: g.authCode || undefined, hostRef: g.refNum, resultText: g.text.slice(0, 200) }).row;
    }
    // The processor's typed "not settled yet" is kept as the attempt's result code: reverse() voids instead, the words say why.
    const code = (g.outcome === 'declined' || g.outcome === 'error') && g.refusal === 'not_settled' ? { resultCode: NOT_SETTLED_CODE } : {};
    return this.o.outcome.transition(row.id, { type: 'decline' }, { resultText: g.text.slice(0, 200), ...code, ...(g.refNum ? { hostRef: g.refNum } : {}) });
  }
}
