// Find Missing Payments (seed 000): compares what the processor charged (the
// gateway's report of approved charges) with what the journal recorded, and
// makes every charge end up attached to exactly one ticket or in the orphan
// queue (DESIGN §1, invariant 4).
//
// - a charge whose invoice is the slot of an attempt still unresolved (sent /
//   in_doubt) and whose amount fits → attached to it (find_missing), the
//   ticket settles;
// - a charge already recorded on an approved attempt (same processor
//   reference) → nothing;
// - anything else (unknown invoice, amount larger than asked, a second charge
//   on a slot already paid, a charge on a slot the journal says was not
//   charged) → the orphan queue, with words for a manager.
//
// Linear: the journal side is looked up once per distinct invoice (indexed by
// ECR reference) and kept in a Map, then the report is walked once.

import { formatMoney } from '../../src-shared/money.ts';
import { parseEcrReference } from '../../src-shared/ecr-reference.ts';
import { isUnresolved } from '../../src-shared/payment-state-machine.ts';
import { isStandingCharge } from '../gateways/cardknox-client.ts';
import type { GatewayReportRow } from '../gateways/gateway-report-row.ts';
import type { AttemptRepository, AttemptRow } from '../journal/attempt-repository.ts';
import type { Journal } from '../journal/journal.ts';
import { gatewayRowFacts, recordApproval } from '../payments/attempt-outcome.ts';
import { type GatewayReportPort, type TicketPort } from '../payments/payment-ports.ts';
import type { OrphanReason, OrphanRepository, OrphanRow } from './orphan-repository.ts';

/** What Find Missing looks at. */
export interface FindMissingOptions {
  /** Register whose invoices are compared (default: the finder's). */
  registerCode?: string;
  /** Inclusive window of epoch ms (default: around the ticket, or the last 24 h). */
  window?: { begin: number; end: number };
  /** Only charges for this ticket's payment slots. */
  ticketId?: string;
}

/** What Find Missing did. */
export interface FindMissingResult {
  window: { begin: number; end: number };
  /** Standing charges of this register (or ticket) in the window. */
  rowsChecked: number;
  /** Attempts completed from a charge found at the processor. */
  attached: AttemptRow[];
  /** Charges newly queued for a manager. */
  orphaned: OrphanRow[];
  /** Charges the journal already holds. */
  alreadyRecorded: number;
  /** Charges already in the orphan queue. */
  alreadyQueued: number;
}

/** How a finder is built. */
export interface MissingPaymentFinderOptions {
  journal: Journal;
  attempts: AttemptRepository;
  tickets: TicketPort;
  orphans: OrphanRepository;
  gateway: GatewayReportPort;
  registerCode: string;
  /** Default window without a ticket, ms back from now (default 24 h). */
  defaultWindowMs?: number;
  /** How far before a ticket was opened its window starts, ms (default 15 min). */
  ticketMarginMs?: number;
  /** Test code only (the chaos run SIGKILLs the host here): called just before a charge is attached to an attempt. */
  beforeAttach?: (attemptId: string) => void;
}

/** Runs Find Missing Payments (see file comment). */
export class MissingPaymentFinder {
  constructor(private readonly o: MissingPaymentFinderOptions) {}

  /** Asks the gateway, compares, attaches and queues. Rejects (GatewayUnavailableError) when the gateway cannot be asked. */
  async findMissing(opts: FindMissingOptions = {}): Promise<FindMissingResult> {
    const registerCode = (opts.registerCode ?? this.o.registerCode).toUpperCase();
    const now = this.o.journal.now().getTime();
    let ticketNumber: number | undefined;
    let window = opts.window;
    if (opts.ticketId) {
      const ticket = this.o.tickets.get(opts.ticketId);
      ticketNumber = ticket.number;
      window ??= { begin: Date.parse(ticket.createdAt) - (this.o.ticketMarginMs ?? 15 * 60_000), end: now + 60_000 };
    }
    window ??= { begin: now - (this.o.defaultWindowMs ?? 24 * 3600_000), end: now };
    const report = await this.o.gateway.report({ kind: 'approved', begin: window.begin, end: window.end });
    const rows = report.filter((r) => isStandingCharge(r) && belongsHere(r.invoice, registerCode, ticketNumber));
    return this.compare(rows, window);
  }

  /** The comparison itself, once the report is in: one pass over the rows. */
  compare(rows: GatewayReportRow[], window: { begin: number; end: number }): FindMissingResult {
    const result: FindMissingResult = { window, rowsChecked: rows.length, attached: [], orphaned: [], alreadyRecorded: 0, alreadyQueued: 0 };
    const slots = new Map<string, SlotState>();
    const sorted = [...rows].sort((a, b) => a.enteredAt - b.enteredAt);
    for (const row of sorted) {
      let slot = slots.get(row.invoice);
      if (!slot) {
        slot = slotState(this.o.attempts.findByEcrRef(row.invoice));
        slots.set(row.invoice, slot);
      }
      this.place(row, slot, result);
    }
    return result;
  }

  private place(row: GatewayReportRow, slot: SlotState, result: FindMissingResult): void {
    if (slot.approvedRefs.has(row.refNum)) {
      result.alreadyRecorded++;
      return;
    }
    if (this.o.orphans.byRefNum(row.refNum)) {
      result.alreadyQueued++;
      return;
    }
    if (slot.approvedWithoutRef > 0) {
      // An approval recorded without the processor's reference: count this charge as it.
      slot.approvedWithoutRef--;
      result.alreadyRecorded++;
      return;
    }
    const open = slot.unresolved;
    if (open && row.amount > 0 && row.amount <= open.amountRequested && row.currency === open.currency) {
      this.o.beforeAttach?.(open.id);
      const { row: attempt, changed } = recordApproval(
        { journal: this.o.journal, attempts: this.o.attempts, tickets: this.o.tickets },
        open.id,
        'find_missing',
        gatewayRowFacts(row),
      );
      slot.unresolved = undefined;
      slot.approvedRefs.add(row.refNum);
      if (changed) result.attached.push(attempt);
      else result.alreadyRecorded++;
      return;
    }
    const reason: OrphanReason = slot.attempts.length === 0 ? 'unknown_invoice' : open ? 'amount_mismatch' : slot.approved ? 'second_charge' : 'late_charge';
    const anchor = open ?? slot.approved ?? slot.attempts[slot.attempts.length - 1];
    const { row: orphan, created } = this.o.orphans.add({
      refNum: row.refNum,
      invoice: row.invoice,
      amount: row.amount,
      currency: row.currency,
      maskedPan: row.maskedPan || null,
      cardBrand: row.cardBrand,
      authCode: row.authCode ?? null,
      enteredAt: new Date(row.enteredAt).toISOString(),
      reason,
      ticketId: anchor?.ticketId ?? null,
      attemptId: anchor?.id ?? null,
      message: orphanMessage(reason, row, anchor),
    });
    if (created) result.orphaned.push(orphan);
    else result.alreadyQueued++;
  }
}

interface SlotState {
  attempts: AttemptRow[];
  approvedRefs: Set<string>;
  approvedWithoutRef: number;
  approved: AttemptRow | undefined;
  unresolved: AttemptRow | undefined;
}

function slotState(attempts: AttemptRow[]): SlotState {
  const approved = attempts.filter((a) => a.state === 'approved' || a.state === 'reversed');
  return {
    attempts,
    approvedRefs: new Set(approved.flatMap((a) => (a.hostRef ? [a.hostRef] : []))),
    approvedWithoutRef: approved.filter((a) => !a.hostRef).length,
    approved: approved[0],
    unresolved: attempts.find((a) => isUnresolved(a.state)),
  };
}

/** True when an invoice is this register's (and this ticket's, when given); invoices that are not ours at all count as this register's unknowns. */
function belongsHere(invoice: string, registerCode: string, ticketNumber: number | undefined): boolean {
  const ref = parseEcrReference(invoice);
  if (ticketNumber !== undefined) return ref !== null && ref.registerCode === registerCode && ref.ticketNumber === ticketNumber;
  return ref === null || ref.registerCode === registerCode;
}

/** Words for the manager: what the charge is, why it is here, what to do. */
export function orphanMessage(reason: OrphanReason, row: GatewayReportRow, anchor: AttemptRow | undefined): string {
  const amount = formatMoney(row.amount, row.currency);
  // The processor's reference and the time have columns of their own on the orphan screen; the words name the card as people do.
  const lastFour = /(\d{4})$/.exec(row.maskedPan ?? '')?.[1];
  const card = lastFour ? ` on the card ending ${lastFour}` : '';
  const what = `A charge of ${amount}${card}`;
  const ticket = parseEcrReference(row.invoice);
  const tn = ticket ? `ticket #${ticket.ticketNumber}` : 'a ticket';
  switch (reason) {
    case 'unknown_invoice':
      return `${what} has invoice "${row.invoice.slice(0, 40)}", which matches no payment on this register. Find the customer's ticket and record it there, or refund it.`;
    case 'amount_mismatch':
      return `${what} is for ${tn}, but that payment asked for ${formatMoney(anchor?.amountRequested ?? 0, anchor?.currency ?? row.currency)}. Check the ticket with the customer, then record it or refund it.`;
    case 'second_charge':
      return `${what} is a second charge for ${tn}, which was already paid (gateway ref ${anchor?.hostRef ?? 'recorded'}). The customer was charged twice: refund this one.`;
    case 'late_charge':
      return `${what} is for ${tn}, but the register recorded that payment as not charged. Record it on the ticket or refund it.`;
  }
}
