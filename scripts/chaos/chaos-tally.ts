// The verdict of a chaos run, from the processor ledger (ground truth of who
// was charged) and the journal (what the register recorded). Definitions:
//
// - standing charge: a ledger sale/auth that was approved and not voided.
// - charges: the number of standing charges.
// - double_charges: tickets (or ticket-less invoices) where money was taken
//   twice: two standing charges on one invoice (one ECR reference), or
//   standing charges on the ticket's invoices adding up to more than its total.
// - lost_approvals: standing charges on an invoice the journal sent (a
//   ticket's payment slot) that no approved attempt holds (by processor
//   reference, or by amount when the attempt has none) and that are not in
//   the orphan queue.
// - unresolved: attempts still sent or in_doubt.
// - orphans_unflagged: standing charges on an invoice no attempt used that are
//   not in the orphan queue.
// Also reported (detail): phantom approvals (attempts approved with no
// standing charge behind them) and tickets tried but left unpaid.

import type { LedgerEntry } from '../../src-main/gateways/processor-ledger.ts';
import type { AttemptRow } from '../../src-main/journal/attempt-repository.ts';
import type { JournalDump } from './chaos-host-protocol.ts';

/** The counts of the final line, plus detail for the report. */
export interface ChaosTally {
  charges: number;
  doubleCharges: number;
  lostApprovals: number;
  unresolved: number;
  orphansUnflagged: number;
  phantomApprovals: number;
  unpaidTickets: number;
  /** Human-readable findings (references only, no card data), at most a few dozen. */
  findings: string[];
}

/** True for a ledger row holding a customer's money for a sale. */
export function isStanding(e: LedgerEntry): boolean {
  return (e.kind === 'sale' || e.kind === 'auth') && (e.status === 'approved' || e.status === 'refunded');
}

/** Computes the verdict (see the file comment for the definitions). */
export function tallyChaos(ledger: readonly LedgerEntry[], journal: JournalDump): ChaosTally {
  const findings: string[] = [];
  const note = (s: string): void => void (findings.length < 40 && findings.push(s));
  const standing = ledger.filter(isStanding);
  const orphanRefs = new Set(journal.orphans.map((o) => o.refNum));
  const ticketOfInvoice = new Map<string, string>();
  for (const a of journal.attempts) ticketOfInvoice.set(a.invoice, a.ticketId);
  const byInvoice = groupBy(standing, (e) => e.invoice);
  const approvedByInvoice = groupBy(
    journal.attempts.filter((a) => a.state === 'approved' || a.state === 'reversed'),
    (a) => a.invoice,
  );

  let doubleCharges = 0;
  let lostApprovals = 0;
  let orphansUnflagged = 0;
  let phantomApprovals = 0;
  const ticketTotals = new Map(journal.tickets.map((t) => [t.id, t.total]));
  const chargedPerTicket = new Map<string, number>();
  const doubledTickets = new Set<string>();

  for (const [invoice, entries] of byInvoice) {
    const ticketId = ticketOfInvoice.get(invoice);
    if (entries.length > 1) {
      note(`invoice ${invoice}: ${entries.length} standing charges (${entries.map((e) => `${e.refNum}@${e.deviceId}`).join(', ')})`);
      if (ticketId) doubledTickets.add(ticketId);
      else doubleCharges++;
    }
    if (!ticketId) {
      for (const e of entries) {
        if (!orphanRefs.has(e.refNum)) {
          orphansUnflagged++;
          note(`charge ${e.refNum} (invoice ${invoice}) has no ticket and is not in the orphan queue`);
        }
      }
      continue;
    }
    chargedPerTicket.set(ticketId, (chargedPerTicket.get(ticketId) ?? 0) + entries.reduce((s, e) => s + e.amount, 0));
    const unmatched = matchAttempts(entries, approvedByInvoice.get(invoice) ?? []);
    for (const e of unmatched.charges) {
      if (orphanRefs.has(e.refNum)) continue;
      lostApprovals++;
      note(`charge ${e.refNum} (invoice ${invoice}, ${e.amount}, ${e.deviceId}) is held by no approved attempt`);
    }
    phantomApprovals += unmatched.attempts.length;
    for (const a of unmatched.attempts) note(`attempt ${a.id} (${a.ecrRef}) approved but its charge is not in the ledger`);
  }
  for (const [invoice, attempts] of approvedByInvoice) {
    if (byInvoice.has(invoice)) continue;
    phantomApprovals += attempts.length;
    for (const a of attempts) note(`attempt ${a.id} (${a.ecrRef}) approved but the ledger holds no charge for ${invoice}`);
  }
  for (const [ticketId, charged] of chargedPerTicket) {
    const total = ticketTotals.get(ticketId) ?? 0;
    if (charged > total) {
      note(`ticket ${ticketId}: charged ${charged} for a total of ${total}`);
      doubledTickets.add(ticketId);
    }
  }
  doubleCharges += doubledTickets.size;

  const unresolved = journal.attempts.filter((a) => a.state === 'sent' || a.state === 'in_doubt');
  for (const a of unresolved) note(`attempt ${a.id} (${a.ecrRef}) still ${a.state}`);
  // Tickets rung but never tried (a kill ate the driver's answer, so it rang another) do not count.
  const tried = new Set(journal.attempts.map((a) => a.ticketId));
  const unpaidTickets = journal.tickets.filter((t) => tried.has(t.id) && t.status === 'open' && t.due > 0).length;
  return {
    charges: standing.length,
    doubleCharges,
    lostApprovals,
    unresolved: unresolved.length,
    orphansUnflagged,
    phantomApprovals,
    unpaidTickets,
    findings,
  };
}

/** Pairs charges with approved attempts: by processor reference first, then by amount. */
function matchAttempts(charges: readonly LedgerEntry[], attempts: readonly AttemptRow[]): { charges: LedgerEntry[]; attempts: AttemptRow[] } {
  const leftCharges = [...charges];
  const leftAttempts: AttemptRow[] = [];
  for (const a of attempts) {
    const i = leftCharges.findIndex((e) => a.hostRef !== null && e.refNum === a.hostRef);
    if (i >= 0) leftCharges.splice(i, 1);
    else leftAttempts.push(a);
  }
  const stillAttempts: AttemptRow[] = [];
  for (const a of leftAttempts) {
    const i = leftCharges.findIndex((e) => e.amount === a.amountApproved);
    if (i >= 0) leftCharges.splice(i, 1);
    else stillAttempts.push(a);
  }
  return { charges: leftCharges, attempts: stillAttempts };
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

/** The one line the run ends with. */
export function chaosLine(payments: number, t: ChaosTally, kills: number): string {
  return `chaos: payments=${payments} charges=${t.charges} double_charges=${t.doubleCharges} lost_approvals=${t.lostApprovals} unresolved=${t.unresolved} orphans_unflagged=${t.orphansUnflagged} kills=${kills}`;
}

/** True when the four invariant counts are zero. */
export function chaosPassed(t: ChaosTally): boolean {
  return t.doubleCharges === 0 && t.lostApprovals === 0 && t.unresolved === 0 && t.orphansUnflagged === 0;
}
