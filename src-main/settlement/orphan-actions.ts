// The manager's orphan actions (issue 11 §4). An orphan is a processor charge
// no ticket holds. Every action first ADOPTS the charge as an approved card
// attempt (kind 'sale', approval source 'find_missing', the processor's
// reference as its hostRef) on a ticket, in ONE journal transaction that also
// closes the orphan with who and why (an 'orphan_action' event with the actor):
// - attach: on an open ticket (one already open, or a new one rung for the
//   customer), which it pays through the attempt-outcome owner's recordApproval;
// - refund: on the orphan's own ticket (or a fresh empty one when it has none),
//   then refunded at the gateway by the reversal service (its own attempt with
//   a stable reference, journaled before it is sent, never sent twice: the
//   orphan is closed in the adoption's transaction, so a second click finds it
//   resolved, and the reversal service refuses more than was charged);
// - keep one, refund the rest: one request, all orphans checked (open, same
//   amount and card) and adopted in one transaction, then each refund sent.
// A customer notice says in plain words what happened and what was done.

import { ecrReference } from '../../src-shared/ecr-reference.ts';
import { parseEcrReference } from '../../src-shared/ecr-reference.ts';
import { AppError } from '../../src-shared/errors.ts';
import { formatMoney } from '../../src-shared/money.ts';
import type { OrphanActionResult, OrphanSuggestions, OrphanTicketSuggestion } from '../../src-shared/orphan-action-types.ts';
import { isUnresolved } from '../../src-shared/payment-state-machine.ts';
import type { AttemptRepository, AttemptRow } from '../journal/attempt-repository.ts';
import type { Journal } from '../journal/journal.ts';
import { recordApproval, type AttemptOutcome } from '../payments/attempt-outcome.ts';
import { GATEWAY_ONLY_TERMINAL_ID } from '../payments/attempt-resolver.ts';
import { nextSlot } from '../payments/payment-coordinator.ts';
import type { OrphanRepository, OrphanRow } from '../reconcile/orphan-repository.ts';
import { toOrphanSnapshot } from '../reconcile/reconcile-messages.ts';
import type { TicketService } from '../tickets/ticket-service.ts';
import type { ReversalService } from './reversal-service.ts';

/** Suggestions look this far either side of the charge's time. */
export const SUGGESTION_WINDOW_MS = 30 * 60_000;

/** How the actions are built. */
export interface OrphanActionsOptions {
  journal: Journal;
  attempts: AttemptRepository;
  orphans: OrphanRepository;
  tickets: Pick<TicketService, 'get' | 'create' | 'listOpen' | 'closeWhenPaidWithin' | 'closeWhenPaid' | 'void'>;
  outcome: AttemptOutcome;
  reversals: ReversalService;
  registerCode: string;
}

function lastFour(o: Pick<OrphanRow, 'maskedPan'>): string | null {
  const m = o.maskedPan?.match(/(\d{4})$/);
  return m ? m[1] : null;
}

/** Orphan actions (see file comment). */
export class OrphanActions {
  constructor(private readonly o: OrphanActionsOptions) {}

  /** Open tickets of the charge's time window whose due fits, and open orphans that look like the same customer. */
  suggest(orphanId: string): OrphanSuggestions {
    const orphan = this.o.orphans.get(orphanId);
    const at = Date.parse(orphan.enteredAt);
    const ref = parseEcrReference(orphan.invoice);
    const tickets: OrphanTicketSuggestion[] = [];
    for (const t of this.o.tickets.listOpen()) {
      if (t.locked || t.due <= 0 || t.currency !== orphan.currency) continue;
      const apart = Math.abs(Date.parse(t.updatedAt) - at);
      const inWindow = apart <= SUGGESTION_WINDOW_MS;
      const exact = t.due === orphan.amount;
      const named = ref !== null && ref.registerCode === this.o.registerCode && ref.ticketNumber === t.number;
      if (!inWindow && !exact && !named) continue;
      if (orphan.amount > t.due) continue;
      const why = [
        named ? 'the charge carries this ticket’s number' : '',
        exact ? `${formatMoney(t.due, t.currency)} due, the amount charged` : `${formatMoney(t.due, t.currency)} due`,
        inWindow ? `open within ${Math.max(1, Math.round(apart / 60_000))} min of the charge` : '',
      ].filter(Boolean);
      tickets.push({ ticketId: t.id, ticketNumber: t.number, due: t.due, why: why.join('; '), score: (named ? 4 : 0) + (exact ? 2 : 0) + (inWindow ? 1 : 0) });
    }
    tickets.sort((a, b) => b.score - a.score || a.ticketNumber - b.ticketNumber);
    const four = lastFour(orphan);
    const siblings = this.o.orphans
      .listOpen()
      .filter((s) => s.id !== orphan.id && s.amount === orphan.amount && s.currency === orphan.currency && lastFour(s) === four && Math.abs(Date.parse(s.enteredAt) - at) <= SUGGESTION_WINDOW_MS)
      .map(toOrphanSnapshot);
    return { orphan: toOrphanSnapshot(orphan), registerCode: ref?.registerCode ?? null, tickets, siblings };
  }

  /** Attaches the charge to an open ticket, paying it (all or part). */
  attach(req: { orphanId: string; ticketId: string; reason: string }, actor: string): OrphanActionResult {
    const row = this.o.journal.transact(() => {
      const orphan = this.openOrphan(req.orphanId);
      return this.adoptWithin(orphan, req.ticketId, true, actor, 'attached', req.reason);
    });
    const orphan = this.o.orphans.get(req.orphanId);
    this.o.outcome.announceApproval(row, 'find_missing');
    const ticket = this.o.tickets.get(req.ticketId);
    return { attempts: [this.o.outcome.snapshot(row)], refunds: [], ticket, notice: customerNotice([orphan], { kept: orphan, ticketNumber: ticket.number }) };
  }

  /** Refunds the charge in full at the gateway. */
  async refund(req: { orphanId: string; reason: string }, actor: string): Promise<OrphanActionResult> {
    const adopted = this.o.journal.transact(() => {
      const orphan = this.openOrphan(req.orphanId);
      return [this.adoptWithin(orphan, this.holdingTicket(orphan), false, actor, 'refunded', req.reason)];
    });
    const orphans = [this.o.orphans.get(req.orphanId)];
    const refunds = await this.sendRefunds(adopted, actor, req.reason);
    return { attempts: adopted.map((a) => this.o.outcome.snapshot(this.o.attempts.get(a.id))), refunds, notice: customerNotice(orphans, { refunds }) };
  }

  /** Keeps one charge (attached to the ticket) and refunds every other one, as one action. */
  async keepOneRefundRest(req: { keepOrphanId: string; refundOrphanIds: string[]; ticketId: string; reason: string }, actor: string): Promise<OrphanActionResult> {
    const ids = [req.keepOrphanId, ...req.refundOrphanIds];
    if (new Set(ids).size !== ids.length) throw new AppError('invalid_request', 'Each charge can be kept or refunded, not both, and only once.');
    const { kept, refunded } = this.o.journal.transact(() => {
      const all = ids.map((id) => this.openOrphan(id));
      const [keep] = all;
      for (const o of all) {
        if (o.amount !== keep.amount || o.currency !== keep.currency || lastFour(o) !== lastFour(keep)) {
          throw new AppError('conflict', 'These charges are not all of the same amount and card, so they are not one customer’s repeats. Handle them one by one.', { orphanId: o.id });
        }
      }
      const keptRow = this.adoptWithin(keep, req.ticketId, true, actor, 'kept', req.reason);
      const refundedRows = all.slice(1).map((o) => this.adoptWithin(o, this.holdingTicket(o, req.ticketId), false, actor, 'refunded', req.reason));
      return { kept: keptRow, refunded: refundedRows };
    });
    this.o.outcome.announceApproval(kept, 'find_missing');
    const refunds = await this.sendRefunds(refunded, actor, req.reason);
    const ticket = this.o.tickets.get(req.ticketId);
    const orphans = ids.map((id) => this.o.orphans.get(id));
    return {
      attempts: [kept, ...refunded].map((a) => this.o.outcome.snapshot(this.o.attempts.get(a.id))),
      refunds,
      ticket,
      notice: customerNotice(orphans, { kept: orphans[0], ticketNumber: ticket.number, refunds }),
    };
  }

  private openOrphan(id: string): OrphanRow {
    const o = this.o.orphans.get(id);
    if (o.status !== 'open') throw new AppError('conflict', `This charge was already dealt with: ${o.resolution}.`, { orphanId: id });
    return o;
  }

  /** The orphan's own ticket when it names one of ours still on file, else a fresh (empty) ticket to carry the charge and its refund. */
  private holdingTicket(o: OrphanRow, fallback?: string): string {
    if (o.ticketId) return o.ticketId;
    if (fallback) return fallback;
    return this.o.tickets.create().id;
  }

  /** Inside the caller's transaction: the charge as an approved attempt on the ticket, and the orphan closed with who and why. */
  private adoptWithin(orphan: OrphanRow, ticketId: string, pays: boolean, actor: string, action: 'attached' | 'kept' | 'refunded', reason: string): AttemptRow {
    const { journal, attempts } = this.o;
    const ticket = this.o.tickets.get(ticketId);
    const onTicket = attempts.findByTicket(ticketId);
    if (pays) {
      if (ticket.status !== 'open') throw new AppError('ticket_closed', `Ticket #${ticket.number} is already ${ticket.status}; choose an open ticket or ring a new one.`, { ticketId });
      if (onTicket.some((a) => isUnresolved(a.state))) throw new AppError('attempt_unresolved', `A card payment on ticket #${ticket.number} is still being checked; wait for it, then attach.`, { ticketId });
      if (orphan.amount > ticket.due) {
        throw new AppError('amount_exceeds_due', `This charge of ${formatMoney(orphan.amount, orphan.currency)} is more than the ${formatMoney(ticket.due, ticket.currency)} due on ticket #${ticket.number}. Choose another ticket or refund the charge.`, { ticketId });
      }
    }
    const slot = nextSlot(onTicket);
    const ecrRef = ecrReference(this.o.registerCode, ticket.number, slot);
    const created = attempts.create({ ticketId, slot, ecrRef, invoice: orphan.invoice.slice(0, 16) || ecrRef, terminalId: GATEWAY_ONLY_TERMINAL_ID, kind: 'sale', amountRequested: orphan.amount, currency: orphan.currency });
    attempts.transition(created.id, { type: 'send' });
    const facts = { amountApproved: orphan.amount, hostRef: orphan.refNum, resultText: `Orphan charge ${action} by a manager`, ...(orphan.maskedPan ? { maskedPan: orphan.maskedPan } : {}), ...(orphan.cardBrand ? { cardBrand: orphan.cardBrand } : {}), ...(orphan.authCode ? { authCode: orphan.authCode } : {}) };
    const row = recordApproval({ journal, attempts, tickets: this.o.tickets }, created.id, 'find_missing', facts).row;
    journal.appendEvent({ entity: 'orphan_action', entityId: orphan.id, type: action, payload: { actor, reason, attemptId: row.id, ticketId, refNum: orphan.refNum } });
    const words = action === 'refunded' ? `refunded by a manager (${reason})` : `${action} to ticket #${ticket.number} by a manager (${reason})`;
    this.o.orphans.resolve(orphan.id, words.slice(0, 500));
    return row;
  }

  private async sendRefunds(rows: AttemptRow[], actor: string, reason: string) {
    const out = [];
    for (const row of rows) {
      try {
        const r = await this.o.reversals.reverse({ attemptId: row.id, reason }, actor, { refundOnly: true });
        out.push(this.o.outcome.snapshot(r));
        if (r.state === 'approved') this.tryVoidEmpty(row.ticketId);
      } catch (err) {
        // The charge stays on its ticket as an approved payment: refund it from the ticket's history.
        if (!(err instanceof AppError)) throw err;
        const links = this.o.reversals.links.reversalsOf(row.id);
        for (const l of links) out.push(this.o.outcome.snapshot(l));
      }
    }
    return out;
  }

  /** A holding ticket with no lines whose charge was refunded: voided, so no empty ticket stays open. */
  private tryVoidEmpty(ticketId: string): void {
    const t = this.o.tickets.get(ticketId);
    if (t.status === 'open' && t.lines.length === 0) {
      try {
        this.o.tickets.void(ticketId);
      } catch {
        // Left open: nothing is due on it and the manager sees it in the list.
      }
    }
  }
}

/** The notice a customer is given: what happened and what was done, in plain words, no references beyond the last four. */
export function customerNotice(orphans: OrphanRow[], done: { kept?: OrphanRow; ticketNumber?: number; refunds?: { state: string; amountRequested: number; currency: string }[] }): string {
  const first = orphans[0];
  const card = lastFour(first) ? `your card ending ${lastFour(first)}` : 'your card';
  const when = new Date(first.enteredAt).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });
  const total = orphans.reduce((s, o) => s + o.amount, 0);
  const lines = [
    'About your card payment',
    '',
    orphans.length > 1
      ? `On ${when}, ${card} was charged ${orphans.length} times ${formatMoney(first.amount, first.currency)} (${formatMoney(total, first.currency)} in all) for one purchase, because the payment did not confirm at the register.`
      : `On ${when}, ${card} was charged ${formatMoney(first.amount, first.currency)}, but the payment did not reach your receipt at the register.`,
  ];
  if (done.kept) lines.push(`We kept one charge of ${formatMoney(done.kept.amount, done.kept.currency)} as the payment for ticket #${done.ticketNumber}.`);
  const refunds = done.refunds ?? [];
  const given = refunds.filter((r) => r.state === 'approved').reduce((s, r) => s + r.amountRequested, 0);
  const pending = refunds.filter((r) => r.state !== 'approved' && r.state !== 'declined' && r.state !== 'aborted').reduce((s, r) => s + r.amountRequested, 0);
  if (given > 0) lines.push(`We refunded ${formatMoney(given, first.currency)} to ${card}. Your bank usually shows a refund within 3 to 10 business days.`);
  if (pending > 0) lines.push(`A refund of ${formatMoney(pending, first.currency)} has been sent and is being confirmed with the card processor.`);
  if (refunds.length > 0 && given + pending < refunds.reduce((s, r) => s + r.amountRequested, 0)) lines.push('Part of the refund could not be sent yet; the manager will complete it and tell you.');
  lines.push('', 'We are sorry for the trouble. Keep this notice with your receipt.');
  return lines.join('\n');
}
