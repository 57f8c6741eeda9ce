// Three-way reconciliation of one PIN pad batch (issue 11 §2): the journal's
// attempts, the PIN pad's local detail report and the gateway's report, keyed
// by invoice (the register sends the invoice as the PIN pad's ECR reference's
// companion, and the gateway keys its duplicate check on it). Pure: the
// service gathers the three sources, this decides every difference, so the
// bench and the tally can run it on any input.
//
// Each invoice yields at most one line, the first rule that holds:
//  1. an attempt still sent / in doubt, or a PIN pad record approved offline
//     and not yet uploaded                                  → in_doubt
//  2. approved offline at the counter, declined at upload   → declined_after_upload
//  3. more than one standing charge at the gateway (or PIN
//     pad when the gateway cannot be read)                  → duplicate_charge
//  4. the journal counts it, the PIN pad voided it          → voided_on_pad_only
//  5. against the processor's word (gateway, else PIN pad):
//     nothing recorded, money taken                         → charged_not_recorded
//     recorded, no money taken                              → recorded_not_charged
//     both, different net amounts                           → amount_differs
// Voids (reversed originals, void attempts) and refunds (negative) of the
// journal net against the gateway's voided rows and refunds, by kind and state.

import type { TerminalRecord } from '../../drivers/terminal.ts';
import type { BatchTotals, VarianceType } from '../../src-shared/batch-types.ts';
import { formatMoney } from '../../src-shared/money.ts';
import { gatewayRowKind } from '../gateways/cardknox-client.ts';
import type { GatewayReportRow } from '../gateways/gateway-report-row.ts';

/** A journal attempt of the batch, as the reconciler needs it. */
export interface JournalBatchEntry {
  attemptId: string;
  invoice: string;
  ecrRef: string;
  kind: string;
  state: string;
  amountRequested: number;
  amountApproved: number;
  hostRef: string | null;
  /**
   * Reversed sales only: true when refunds (not a void) reversed it. A refunded
   * charge still stands on the PIN pad's batch and in the gateway's report (the
   * refunds are gateway transactions of their own), so it counts as charged here.
   */
  refunded?: boolean;
  /** Who found the approval (terminal, gateway_lookup, find_missing…): one found at the gateway may be unknown to the PIN pad. */
  approvalSource?: string | null;
}

/**
 * Approvals the register found at the gateway, not in the PIN pad's answer
 * (the bank approved after the PIN pad gave up, or the answer was lost between
 * them): the PIN pad's record of such a payment says "not approved", so only
 * the gateway can confirm it.
 */
const GATEWAY_FOUND = new Set(['gateway_lookup', 'gateway_duplicate', 'find_missing', 'gateway', 'manual']);

/** A difference found: what the repository keeps as a batch line. */
export interface Variance {
  /** Stable across re-checks of the same batch: type and invoice. */
  key: string;
  type: VarianceType;
  cause: string;
  action: string;
  invoice: string;
  refNum: string | null;
  attemptId: string | null;
  journalAmount: number;
  padAmount: number | null;
  gatewayAmount: number | null;
  amount: number;
  /** Gateway charges the register holds no record of (charged but not recorded, the extra ones of a duplicate): orphans to queue. */
  orphanCharges: GatewayReportRow[];
}

/** The three sources of one batch; null when a source could not be read. */
export interface BatchSources {
  currency: string;
  journal: readonly JournalBatchEntry[];
  pad: readonly TerminalRecord[] | null;
  gateway: readonly GatewayReportRow[] | null;
}

/** The comparison: each source's totals and the differences. */
export interface Reconciliation {
  journal: BatchTotals;
  pad: BatchTotals | null;
  gateway: BatchTotals | null;
  variances: Variance[];
}

const CHARGE_KINDS = new Set(['sale', 'capture']);
const APPROVED_OUTCOMES = new Set(['approved', 'approved_offline', 'partially_approved']);
const DOUBT_STATES = new Set(['sent', 'in_doubt']);

/** Signed amount a journal attempt leaves standing: sales and captures + (refunded in full too), refunds −, voided and voids 0. */
function journalNet(a: JournalBatchEntry): number {
  if (a.state === 'reversed' && a.refunded && CHARGE_KINDS.has(a.kind)) return a.amountApproved;
  if (a.state !== 'approved') return 0;
  if (CHARGE_KINDS.has(a.kind)) return a.amountApproved;
  if (a.kind === 'refund') return -a.amountApproved;
  return 0;
}

function padStanding(r: TerminalRecord): boolean {
  return APPROVED_OUTCOMES.has(r.result.outcome) && !r.voided && r.offline !== 'upload_failed';
}

function padNet(r: TerminalRecord): number {
  if (!padStanding(r)) return 0;
  if (CHARGE_KINDS.has(r.kind)) return r.result.amountApproved;
  if (r.kind === 'refund') return -r.result.amountApproved;
  return 0;
}

function gatewayCharge(row: GatewayReportRow): boolean {
  const k = gatewayRowKind(row);
  return row.result === 'approved' && !row.voided && (k === 'sale' || k === 'capture');
}

function gatewayNet(row: GatewayReportRow): number {
  if (gatewayCharge(row)) return row.amount;
  if (row.result === 'approved' && !row.voided && gatewayRowKind(row) === 'refund') return -row.amount;
  return 0;
}

/** Count and net of a list by a signed-amount function (a zero is not counted). */
function totalsOf<T>(items: readonly T[], net: (t: T) => number): BatchTotals {
  let count = 0;
  let amount = 0;
  for (const i of items) {
    const n = net(i);
    if (n === 0) continue;
    count++;
    amount += n;
  }
  return { count, amount };
}

/** The PIN pad's own totals as its batch close counts them, from its detail report. */
export function padTotals(records: readonly TerminalRecord[]): BatchTotals {
  return totalsOf(records, padNet);
}

interface Group {
  journal: JournalBatchEntry[];
  pad: TerminalRecord[];
  gateway: GatewayReportRow[];
}

/** Compares the three sources of one batch. */
export function reconcileBatch(src: BatchSources): Reconciliation {
  const money = (n: number) => (n < 0 ? '-' : '') + formatMoney(Math.abs(n), src.currency);
  const groups = new Map<string, Group>();
  const group = (invoice: string): Group => {
    let g = groups.get(invoice);
    if (!g) groups.set(invoice, (g = { journal: [], pad: [], gateway: [] }));
    return g;
  };
  const invoiceOfRef = new Map<string, string>();
  for (const a of src.journal) {
    invoiceOfRef.set(a.ecrRef, a.invoice);
    group(a.invoice).journal.push(a);
  }
  for (const r of src.pad ?? []) {
    if (r.kind === 'void' || r.kind === 'other') continue; // a void marks its original voided; the original carries it
    group(invoiceOfRef.get(r.result.ecrRef) ?? r.result.ecrRef).pad.push(r);
  }
  for (const row of src.gateway ?? []) {
    const k = gatewayRowKind(row);
    if (k === 'void' || k === 'other' || k === 'pre_auth') continue;
    group(row.invoice).gateway.push(row);
  }

  const variances: Variance[] = [];
  for (const [invoice, g] of groups) {
    const j = g.journal.reduce((s, a) => s + journalNet(a), 0);
    const p = src.pad === null ? null : g.pad.reduce((s, r) => s + padNet(r), 0);
    const gw = src.gateway === null ? null : g.gateway.reduce((s, r) => s + gatewayNet(r), 0);
    const attempt = g.journal.find((a) => a.state === 'approved' && CHARGE_KINDS.has(a.kind)) ?? g.journal.find((a) => DOUBT_STATES.has(a.state)) ?? g.journal[0];
    const line = (type: VarianceType, amount: number, cause: string, action: string, extra: Partial<Variance> = {}): void => {
      variances.push({
        key: `${type}:${invoice}`, type, cause, action, invoice, refNum: null, attemptId: attempt?.attemptId ?? null,
        journalAmount: j, padAmount: p, gatewayAmount: gw, amount, orphanCharges: [], ...extra,
      });
    };

    const doubt = g.journal.find((a) => DOUBT_STATES.has(a.state));
    if (doubt) {
      line('in_doubt', doubt.amountRequested, `A card payment of ${money(doubt.amountRequested)} is still being checked: the register does not yet know whether the card was charged.`,
        'Wait for the check to finish, or check it now from the in-doubt payments; this line clears itself once the payment is known.', { attemptId: doubt.attemptId });
      continue;
    }
    const pending = g.pad.find((r) => r.offline === 'pending' && !r.voided);
    if (pending) {
      line('in_doubt', pending.result.amountApproved, `The PIN pad approved ${money(pending.result.amountApproved)} offline and has not sent it to the card processor yet.`,
        'Bring the PIN pad back online so it sends its stored payments, then check the batch again.');
      continue;
    }
    const failed = g.pad.find((r) => r.offline === 'upload_failed');
    if (failed && j > 0) {
      line('declined_after_upload', j, `The PIN pad approved ${money(failed.result.amountApproved)} offline, but the card processor declined it when the PIN pad sent it on: the money was never taken.`,
        'Ask the customer for another payment for this ticket, or sign it off as a loss with the reason.');
      continue;
    }
    const gatewayCharges = g.gateway.filter(gatewayCharge);
    const padCharges = g.pad.filter((r) => padStanding(r) && CHARGE_KINDS.has(r.kind));
    const charges = src.gateway !== null ? gatewayCharges.length : padCharges.length;
    if (charges > 1) {
      const known = new Set(g.journal.map((a) => a.hostRef).filter((r): r is string => r !== null));
      // Keep the charge the journal knows (else the first); the others are the extra ones.
      const keep = gatewayCharges.find((r) => known.has(r.refNum)) ?? gatewayCharges[0];
      const extra = gatewayCharges.filter((r) => r !== keep);
      const extraAmount = src.gateway !== null ? extra.reduce((s, r) => s + r.amount, 0) : padCharges.slice(1).reduce((s, r) => s + r.result.amountApproved, 0);
      line('duplicate_charge', extraAmount, `The card was charged ${charges} times for this ticket; the register recorded ${money(j)}.`,
        'Refund the extra charge from the orphan payments (resolving this line queues it there), keeping one charge.',
        { refNum: extra[0]?.refNum ?? null, orphanCharges: extra });
      continue;
    }
    const padVoided = g.pad.some((r) => r.voided && APPROVED_OUTCOMES.has(r.result.outcome));
    if (j > 0 && padVoided && p === 0) {
      line('voided_on_pad_only', j, `The payment of ${money(j)} was voided on the PIN pad itself; the register still counts it as paid.`,
        'Take the payment again from the customer, or record the void on the ticket; then sign the line off with what was done.');
      continue;
    }
    const truth = gw ?? p;
    if (truth === null || truth === j) continue;
    // Without the gateway's report, the PIN pad's "no charge" says nothing about a payment the register found at
    // the gateway: calling it "recorded but not charged" would be false (the chaos run's 2,000-payment batches).
    if (gw === null && truth === 0 && g.journal.some((a) => a.approvalSource != null && GATEWAY_FOUND.has(a.approvalSource))) continue;
    if (j === 0 && truth > 0) {
      const row = gatewayCharges[0];
      line('charged_not_recorded', truth, `The card processor took ${money(truth)} that no payment in the register accounts for.`,
        'Resolve it to queue the charge in the orphan payments, where it is attached to a ticket or refunded.',
        { refNum: row?.refNum ?? null, orphanCharges: gatewayCharges });
    } else if (j > 0 && truth === 0) {
      line('recorded_not_charged', j, `The register recorded ${money(j)} as paid, but the card processor holds no charge for it.`,
        'Take the payment again from the customer, or sign it off as a loss with the reason.');
    } else {
      line('amount_differs', Math.abs(truth - j), `The register recorded ${money(j)}, the card processor holds ${money(truth)}.`,
        'Check the receipt and correct the ticket, or refund the difference; then sign the line off with what was done.',
        { refNum: gatewayCharges[0]?.refNum ?? null });
    }
  }
  return {
    journal: totalsOf(src.journal, journalNet),
    pad: src.pad === null ? null : padTotals(src.pad),
    gateway: src.gateway === null ? null : totalsOf(src.gateway, gatewayNet),
    variances,
  };
}
