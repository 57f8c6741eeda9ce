// The verdict of a chaos run, from the processor's truth (its ledger of
// charges and its log of every sale request that reached it, duplicates
// refused included) and the journal (what the register recorded). Nothing in
// the orphan queue is forgiven: a charge on one of the register's own slots is
// lost unless that slot's approved attempt holds it (issue 14 §2).
//
// - standing charge: a ledger sale/auth that was approved and not voided.
// - own slot: an invoice of this register's form (R<code>T<n>P<slot>) or one
//   a journal attempt used.
// - double_charges: per own slot, the approved charges beyond one plus every
//   sale request that reached the processor while an earlier request on that
//   slot was approved or still undecided, whatever the processor answered
//   (counted once per request); plus tickets (not already counted) whose
//   standing charges add up to more than their total; plus foreign invoices
//   charged twice.
// - lost_approvals: standing charges on an own slot that no approved attempt
//   of that slot holds (by processor reference, else by amount).
// - unresolved: attempts still sent or in_doubt.
// - orphans_unflagged: standing charges on foreign invoices (no register sent
//   them) that are not in the orphan queue.
// - phantom_approvals: approved attempts no standing charge on their slot
//   stands behind.
// - over_approved: approved attempts recording more than they asked for, or
//   held by a charge larger than they asked for.
// - register_orphans: orphan-queue entries for charges on an own slot.
// - over_refunds / double_refunds: from the processor ledger (refundFaults),
//   fed by the manager's voids and refunds the run makes.
// - batches: closed batches.
// - unexplained_variance: batch lines whose type disagrees with the processor
//   ledger for their invoice (lineAgreesWithLedger), plus, per closed batch,
//   each sale invoice of it on which the ledger's standing charges and the
//   journal's approved amount differ with no line of that batch saying so.
// Voids and refunds: an attempt a void reversed expects no standing charge
// (its charge is voided at the processor); reversal attempts (kind void or
// refund) are not sales and are checked by the refund counts only.
// Also reported (detail): tickets tried but left unpaid.

import type { LedgerEntry, SaleRequestRecord } from '../../drivers/pax/simulator/processor-ledger.ts';
import type { AttemptRow } from '../../src-main/journal/attempt-repository.ts';
import { parseEcrReference } from '../../src-shared/ecr-reference.ts';
import type { BatchLine } from '../../src-shared/batch-types.ts';
import type { JournalDump } from './chaos-host-protocol.ts';

/** The counts of the final line, plus detail for the report. */
export interface ChaosTally {
  charges: number;
  doubleCharges: number;
  lostApprovals: number;
  unresolved: number;
  orphansUnflagged: number;
  phantomApprovals: number;
  overApproved: number;
  registerOrphans: number;
  /** Charges given back more than they were charged (refunds above the amount, or a refund of a voided charge): processor ledger. */
  overRefunds: number;
  /** Refund references (a reversal's own invoice) the processor refunded more than once: the extra ones. */
  doubleRefunds: number;
  /** Closed batches. */
  batches: number;
  /** Batch lines the processor ledger contradicts, and ledger/journal disagreements a closed batch has no line for. */
  unexplainedVariance: number;
  unpaidTickets: number;
  /** Human-readable findings (references only, no card data), at most a few dozen. */
  findings: string[];
}

/** The counts that fail a run when not zero. */
export const FAILING_COUNTS = ['doubleCharges', 'lostApprovals', 'unresolved', 'orphansUnflagged', 'phantomApprovals', 'overApproved', 'registerOrphans', 'overRefunds', 'doubleRefunds', 'unexplainedVariance'] as const;

/**
 * Refund faults read from the processor ledger alone (issue 11 §6): a charge
 * whose approved refunds add up to more than it charged, or that was refunded
 * after being voided, is an over-refund; a refund invoice (the reversal's own
 * reference, one per refund the register meant) holding more than one
 * approved refund is a double refund, each extra one counted.
 */
export function refundFaults(ledger: readonly LedgerEntry[], note: (s: string) => void = () => undefined): { overRefunds: number; doubleRefunds: number } {
  const refunds = ledger.filter((e) => e.kind === 'refund' && e.status !== 'declined');
  const byOriginal = groupBy(refunds.filter((e) => e.originalRefNum !== undefined), (e) => e.originalRefNum!);
  let overRefunds = 0;
  for (const charge of ledger) {
    if (charge.kind === 'refund') continue;
    const given = (byOriginal.get(charge.refNum) ?? []).reduce((s, e) => s + e.amount, 0);
    if (given > charge.amount || (given > 0 && charge.status === 'voided')) {
      overRefunds++;
      note(`charge ${charge.refNum} (${charge.invoice}) charged ${charge.amount}, given back ${given}${charge.status === 'voided' ? ' and voided' : ''}`);
    }
  }
  let doubleRefunds = 0;
  for (const [invoice, list] of groupBy(refunds, (e) => e.invoice)) {
    if (list.length > 1) {
      doubleRefunds += list.length - 1;
      note(`refund ${invoice} reached the processor ${list.length} times`);
    }
  }
  return { overRefunds, doubleRefunds };
}

/** What the processor knows. */
export interface ProcessorTruth {
  ledger: readonly LedgerEntry[];
  requests: readonly SaleRequestRecord[];
}

/** True for a ledger row holding a customer's money for a sale. */
export function isStanding(e: LedgerEntry): boolean {
  return (e.kind === 'sale' || e.kind === 'auth') && (e.status === 'approved' || e.status === 'refunded');
}

const APPROVED_REQUEST = new Set<SaleRequestRecord['result']>(['approved', 'partial']);

/** Computes the verdict (see the file comment for the definitions). */
export function tallyChaos(truth: ProcessorTruth, journal: JournalDump, registerCode: string): ChaosTally {
  const findings: string[] = [];
  const note = (s: string): void => void (findings.length < 40 && findings.push(s));
  const standing = truth.ledger.filter(isStanding);
  const slotsOfJournal = new Map<string, string>();
  for (const a of journal.attempts) slotsOfJournal.set(a.invoice, a.ticketId);
  const code = registerCode.toUpperCase();
  const isOwn = (invoice: string): boolean => slotsOfJournal.has(invoice) || parseEcrReference(invoice)?.registerCode === code;
  const orphanRefs = new Set(journal.orphans.map((o) => o.refNum));
  const byInvoice = groupBy(standing, (e) => e.invoice);
  const voided = new Set(journal.voided ?? []);
  // Sales the journal says hold money: approved, or reversed by refunds (a refunded charge still stands at the processor).
  const approvedByInvoice = groupBy(
    journal.attempts.filter((a) => (a.kind === 'sale' || a.kind === 'capture') && (a.state === 'approved' || (a.state === 'reversed' && !voided.has(a.id)))),
    (a) => a.invoice,
  );

  // double charges, from the request log and the standing charges
  let doubleCharges = 0;
  const doubledTickets = new Set<string>();
  const requestsBySlot = groupBy(
    truth.requests.filter((r) => isOwn(r.invoice)),
    (r) => r.invoice,
  );
  const slots = new Set([...requestsBySlot.keys(), ...[...byInvoice.keys()].filter(isOwn)]);
  for (const slot of slots) {
    const requests = [...(requestsBySlot.get(slot) ?? [])].sort((a, b) => arrival(a) - arrival(b) || a.seq - b.seq);
    const bad = new Set<number>();
    for (let i = 0; i < requests.length; i++) {
      const r = requests[i];
      const blocker = requests.slice(0, i).find((e) => e.at > arrival(r) || APPROVED_REQUEST.has(e.result) || e.result === 'duplicate');
      if (blocker) {
        bad.add(r.seq);
        note(`slot ${slot}: a sale of ${r.amount} on ${r.deviceId} reached the processor (${r.result}) while an earlier one was ${blocker.at > arrival(r) ? 'undecided' : 'approved'}`);
      }
    }
    const charges = byInvoice.get(slot) ?? [];
    const beyondOne = charges.slice(1);
    // A second standing charge whose request was not already counted counts on its own.
    let extra = 0;
    for (const e of beyondOne) {
      const req = requests.find((r) => r.refNum === e.refNum && APPROVED_REQUEST.has(r.result));
      if (!req || !bad.has(req.seq)) extra++;
    }
    if (charges.length > 1) note(`slot ${slot}: ${charges.length} standing charges (${charges.map((e) => `${e.refNum}@${e.deviceId}`).join(', ')})`);
    doubleCharges += bad.size + extra;
    const ticketId = slotsOfJournal.get(slot);
    if (ticketId && bad.size + extra > 0) doubledTickets.add(ticketId);
  }
  for (const [invoice, entries] of byInvoice) {
    if (isOwn(invoice) || entries.length < 2) continue;
    doubleCharges += entries.length - 1;
    note(`foreign invoice ${invoice}: ${entries.length} standing charges`);
  }
  const chargedPerTicket = new Map<string, number>();
  for (const e of standing) {
    const t = slotsOfJournal.get(e.invoice);
    if (t) chargedPerTicket.set(t, (chargedPerTicket.get(t) ?? 0) + e.amount);
  }
  const totals = new Map(journal.tickets.map((t) => [t.id, t.total]));
  for (const [ticketId, charged] of chargedPerTicket) {
    const total = totals.get(ticketId) ?? 0;
    // Counted once: a ticket already counted for a doubled slot is not counted again for its total.
    if (charged > total && !doubledTickets.has(ticketId)) {
      doubleCharges++;
      note(`ticket ${ticketId}: charged ${charged} for a total of ${total}`);
    }
  }

  // charges against the attempts that should hold them
  let lostApprovals = 0;
  let orphansUnflagged = 0;
  let phantomApprovals = 0;
  let overApproved = 0;
  for (const [invoice, entries] of byInvoice) {
    if (!isOwn(invoice)) {
      for (const e of entries) {
        if (orphanRefs.has(e.refNum)) continue;
        orphansUnflagged++;
        note(`charge ${e.refNum} (invoice ${invoice}) was sent by no register and is not in the orphan queue`);
      }
      continue;
    }
    const m = matchAttempts(entries, approvedByInvoice.get(invoice) ?? []);
    for (const e of m.charges) {
      lostApprovals++;
      note(`charge ${e.refNum} (slot ${invoice}, ${e.amount}, ${e.deviceId}) is held by no approved attempt of its slot${orphanRefs.has(e.refNum) ? ' (it sits in the orphan queue)' : ''}`);
    }
    for (const [a, e] of m.pairs) {
      if (e.amount > a.amountRequested) {
        overApproved++;
        note(`attempt ${a.id} (${a.ecrRef}) asked ${a.amountRequested} and is held by a charge of ${e.amount}`);
      }
    }
    phantomApprovals += m.attempts.length;
    for (const a of m.attempts) note(`attempt ${a.id} (${a.ecrRef}) approved but no charge on its slot stands behind it`);
  }
  for (const [invoice, attempts] of approvedByInvoice) {
    if (byInvoice.has(invoice)) continue;
    phantomApprovals += attempts.length;
    for (const a of attempts) note(`attempt ${a.id} (${a.ecrRef}) approved but the processor holds no charge for ${invoice}`);
  }
  for (const a of journal.attempts) {
    if ((a.state === 'approved' || a.state === 'reversed') && a.amountApproved > a.amountRequested) {
      overApproved++;
      note(`attempt ${a.id} (${a.ecrRef}) recorded ${a.amountApproved} approved for ${a.amountRequested} asked`);
    }
  }
  const registerOrphans = journal.orphans.filter((o) => isOwn(o.invoice));
  for (const o of registerOrphans) note(`orphan ${o.refNum} is a charge on the register's own slot ${o.invoice}`);

  const unresolved = journal.attempts.filter((a) => a.state === 'sent' || a.state === 'in_doubt');
  for (const a of unresolved) note(`attempt ${a.id} (${a.ecrRef}) still ${a.state}`);
  // Tickets rung but never tried (a kill ate the driver's answer, so it rang another) do not count.
  const tried = new Set(journal.attempts.map((a) => a.ticketId));
  const unpaidTickets = journal.tickets.filter((t) => tried.has(t.id) && t.status === 'open' && t.due > 0).length;
  const { overRefunds, doubleRefunds } = refundFaults(truth.ledger, note);
  const variance = batchVariance(truth.ledger, journal, approvedByInvoice, note);
  return {
    overRefunds,
    doubleRefunds,
    batches: variance.batches,
    unexplainedVariance: variance.unexplained,
    charges: standing.length,
    doubleCharges,
    lostApprovals,
    unresolved: unresolved.length,
    orphansUnflagged,
    phantomApprovals,
    overApproved,
    registerOrphans: registerOrphans.length,
    unpaidTickets,
    findings,
  };
}

/** The ledger's standing charges on an invoice, and whether any of them was voided or declined there. */
function ledgerOf(ledger: readonly LedgerEntry[], invoice: string): { standing: LedgerEntry[]; voided: boolean; declined: boolean } {
  const all = ledger.filter((e) => e.invoice === invoice && e.kind !== 'refund');
  return { standing: all.filter(isStanding), voided: all.some((e) => e.status === 'voided'), declined: all.some((e) => e.status === 'declined') };
}

/**
 * True when a batch line's type is what the processor ledger shows for its
 * invoice: the harness's manager resolves or signs off a line only after
 * this check, and the tally counts every line failing it. A still-in-doubt
 * line says nothing about the ledger; a totals mismatch is never explained
 * by the ledger (the simulators' host totals are the PIN pad's).
 */
export function lineAgreesWithLedger(line: Pick<BatchLine, 'type' | 'invoice' | 'journalAmount'>, ledger: readonly LedgerEntry[], attempts: readonly AttemptRow[]): boolean {
  if (line.type === 'in_doubt') return true;
  if (line.type === 'totals_mismatch' || line.invoice === null) return false;
  const l = ledgerOf(ledger, line.invoice);
  const charged = l.standing.reduce((s, e) => s + e.amount, 0);
  // Charges some attempt of the journal holds (on any PIN pad: a retry may cross to another one).
  const held = new Set(attempts.filter((a) => a.invoice === line.invoice && (a.state === 'approved' || a.state === 'reversed') && a.hostRef).map((a) => a.hostRef));
  switch (line.type) {
    case 'charged_not_recorded':
      return l.standing.some((e) => !held.has(e.refNum));
    case 'duplicate_charge':
      return l.standing.length > 1;
    case 'recorded_not_charged':
      return l.standing.length === 0;
    case 'amount_differs':
      return l.standing.length > 0 && charged !== line.journalAmount;
    case 'voided_on_pad_only':
      return l.voided;
    case 'declined_after_upload':
      return l.declined;
  }
}

/** batches and unexplained_variance (see the file comment). */
function batchVariance(
  ledger: readonly LedgerEntry[],
  journal: JournalDump,
  approvedByInvoice: Map<string, AttemptRow[]>,
  note: (s: string) => void,
): { batches: number; unexplained: number } {
  let unexplained = 0;
  let closed = 0;
  for (const b of journal.batches ?? []) {
    for (const line of b.lines) {
      if (lineAgreesWithLedger(line, ledger, journal.attempts)) continue;
      unexplained++;
      note(`batch ${b.id} (${b.terminalId}): line ${line.type} on ${line.invoice ?? 'the batch totals'} (${line.amount}) is not what the processor ledger shows`);
    }
    if (b.status !== 'closed') continue;
    closed++;
    const said = new Set(b.lines.map((l) => l.invoice));
    for (const invoice of b.invoices) {
      const charged = ledgerOf(ledger, invoice).standing.reduce((s, e) => s + e.amount, 0);
      const recorded = (approvedByInvoice.get(invoice) ?? []).reduce((s, a) => s + a.amountApproved, 0);
      if (charged === recorded || said.has(invoice)) continue;
      unexplained++;
      note(`batch ${b.id} (${b.terminalId}) closed with ${invoice} charged ${charged} at the processor and ${recorded} in the journal, and no line said so`);
    }
  }
  return { batches: closed, unexplained };
}

function arrival(r: SaleRequestRecord): number {
  return r.arrivedAt ?? r.at;
}

/** Pairs charges with approved attempts: by processor reference first, then by amount. */
function matchAttempts(
  charges: readonly LedgerEntry[],
  attempts: readonly AttemptRow[],
): { charges: LedgerEntry[]; attempts: AttemptRow[]; pairs: [AttemptRow, LedgerEntry][] } {
  const leftCharges = [...charges];
  const leftAttempts: AttemptRow[] = [];
  const pairs: [AttemptRow, LedgerEntry][] = [];
  for (const a of attempts) {
    const i = leftCharges.findIndex((e) => a.hostRef !== null && e.refNum === a.hostRef);
    if (i >= 0) pairs.push([a, ...leftCharges.splice(i, 1)] as [AttemptRow, LedgerEntry]);
    else leftAttempts.push(a);
  }
  const stillAttempts: AttemptRow[] = [];
  for (const a of leftAttempts) {
    const i = leftCharges.findIndex((e) => e.amount === a.amountApproved);
    if (i >= 0) pairs.push([a, ...leftCharges.splice(i, 1)] as [AttemptRow, LedgerEntry]);
    else stillAttempts.push(a);
  }
  return { charges: leftCharges, attempts: stillAttempts, pairs };
}

/** Items by key, each list in the order given (the tallies group ledger entries by invoice, refunds by original…). */
export function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

/** The counts as `name=value` pairs, in line order. */
export function tallyCounts(t: ChaosTally): string {
  return (
    `charges=${t.charges} double_charges=${t.doubleCharges} lost_approvals=${t.lostApprovals} unresolved=${t.unresolved} ` +
    `orphans_unflagged=${t.orphansUnflagged} phantom_approvals=${t.phantomApprovals} over_approved=${t.overApproved} register_orphans=${t.registerOrphans} ` +
    `over_refunds=${t.overRefunds} double_refunds=${t.doubleRefunds} batches=${t.batches} unexplained_variance=${t.unexplainedVariance}`
  );
}

/** The one line the run ends with: the counts after the harness's Find Missing run, the kills, and kills per point. */
export function chaosLine(payments: number, t: ChaosTally, kills: number, killsByPoint: Readonly<Record<string, number>> = {}): string {
  const points = Object.entries(killsByPoint)
    .map(([p, n]) => ` kills_${p}=${n}`)
    .join('');
  return `chaos: payments=${payments} ${tallyCounts(t)} kills=${kills}${points}`;
}

/** True when every failing count is zero. */
export function chaosPassed(t: ChaosTally): boolean {
  return FAILING_COUNTS.every((k) => t[k] === 0);
}
