// The verdict of a folio chaos run (issue 12 §6), read from the processor's
// truth: its ledger (drivers/pax/simulator/processor-ledger.ts), its log of
// sale/auth requests, and the gateway simulator's log of every transaction
// request that reached the processor through either door (--log-requests).
// The journal is only what is checked against it.
//
// - sent_twice: per queue record reference, the ledger entries beyond one the
//   processor made under it (a resend the processor refused as a duplicate
//   makes no entry and is not a second charge; those are counted apart, as
//   requests_repeated: every logged request beyond one under a reference,
//   like the payments tally's request log per slot).
// - lost: a record whose reference the processor processed (an entry not
//   declined) but which the journal does not show completed (queue 8, or
//   declined) with that entry's processor reference; plus every processed
//   entry (not declined) whose invoice names no queue record; plus every card
//   payment the folio still counts for money the processor never took: a
//   settlement record of it finished declined (its capture declined at the
//   processor, or declined with its card's initial authorisation and never
//   sent) with no processed entry under its reference, while the payment's
//   standing amount (its amount less the counter lines taking it off) is
//   above what its other settlements could have captured. The guest then
//   owes money the folio says is paid: lost as surely as a charge the
//   journal forgot.
// - settled_over_authorised: an approved capture above its OWN authorisation's
//   total (the initial authorisation the processor approved plus its approved
//   incremental authorisations; a payment settles as one capture per
//   authorisation, purser-authorisation-plan.ts) plus the tolerance (15 %, the card schemes'
//   lodging rule the simulator also enforces by default); plus each guest the
//   processor charged more (captures and sales standing, less refunds) than
//   the folio's postings.
// - stuck: records neither completed (queue 8 and not outstanding) nor
//   declined after the final drain, voided ones aside.
// Also counted (detail, and a failing count of its own): phantoms, records the
// journal shows approved that no processed entry under their reference backs.

import type { LedgerEntry, SaleRequestRecord } from '../../drivers/pax/simulator/processor-ledger.ts';
import { groupBy } from './chaos-tally.ts';
import type { FolioDump } from './folio-chaos-protocol.ts';

/** A transaction request the gateway simulator logged (either door; reports left out). */
export interface DoorRequest {
  door: string;
  command: string;
  invoice: string;
  result: string;
}

/** What the processor knows. */
export interface FolioTruth {
  ledger: readonly LedgerEntry[];
  requests: readonly SaleRequestRecord[];
  doorLog: readonly DoorRequest[];
}

/** The counts of the final line, and detail. */
export interface FolioTally {
  guests: number;
  records: number;
  sentTwice: number;
  lost: number;
  settledOverAuthorised: number;
  stuck: number;
  phantoms: number;
  requestsRepeated: number;
  /** Entries in the processor's ledger, and transaction requests the gateway simulator logged (each entry came through one). */
  processorEntries: number;
  doorRequests: number;
  capturesDeclined: number;
  /** Card payments the folio still counts whose settlement was declined, nothing captured (each also counted lost). */
  paidButNotCaptured: number;
  /** Records the journal shows declined, by kind (the run's declines happened). */
  declined: Record<string, number>;
  /** Human-readable findings (references only, no card data), at most a few dozen. */
  findings: string[];
}

/** The lodging tolerance a capture may exceed the authorised total by (card-scheme lodging rules, the simulator's default). */
export const DEFAULT_CAPTURE_TOLERANCE_PERCENT = 15;

const processed = (e: LedgerEntry): boolean => e.status !== 'declined';

/** Computes the verdict (see the file comment). */
export function tallyFolio(truth: FolioTruth, dump: FolioDump, tolerancePercent = DEFAULT_CAPTURE_TOLERANCE_PERCENT): FolioTally {
  const findings: string[] = [];
  const note = (s: string): void => void (findings.length < 40 && findings.push(s));
  const byReference = new Map(dump.records.map((r) => [r.reference, r]));
  const entriesByInvoice = groupBy(truth.ledger, (e) => e.invoice);
  const byRef = new Map(truth.ledger.map((e) => [e.refNum, e]));

  let sentTwice = 0;
  let lost = 0;
  for (const [invoice, entries] of entriesByInvoice) {
    const record = byReference.get(invoice);
    if (!record) {
      for (const e of entries.filter(processed)) {
        lost++;
        note(`processor entry ${e.refNum} (${e.kind} ${e.amount}) under ${invoice}: no queue record has this reference`);
      }
      continue;
    }
    if (entries.length > 1) {
      sentTwice += entries.length - 1;
      note(`record ${invoice} (${record.kind}) reached the processor as ${entries.length} processed requests: ${entries.map((e) => `${e.refNum}:${e.kind}:${e.status}`).join(', ')}`);
    }
    const done = entries.filter(processed);
    if (done.length === 0) continue;
    const completed = record.queue_status === 8 && record.status !== 0;
    const known = done.some((e) => e.refNum === record.ref_num);
    if (!completed || !known) {
      lost++;
      note(`record ${invoice} (${record.kind}): the processor did it (${done.map((e) => e.refNum).join(', ')}) but the journal shows status ${record.status} queue ${record.queue_status} reference ${record.ref_num ?? 'none'}`);
    }
  }

  let phantoms = 0;
  for (const r of dump.records) {
    if (r.status !== 1 || r.voided === 1) continue;
    const backed = (entriesByInvoice.get(r.reference) ?? []).some(processed);
    if (!backed) {
      phantoms++;
      note(`record ${r.reference} (${r.kind}) approved in the journal; the processor processed nothing under it`);
    }
  }

  // Captures against their authorisation's total, from the processor's own entries.
  let settledOverAuthorised = 0;
  let capturesDeclined = 0;
  const initialApproved = new Map(truth.requests.filter((q) => q.command === 'auth' && q.refNum !== undefined && q.amountApproved > 0).map((q) => [q.refNum!, q.amountApproved]));
  for (const c of truth.ledger.filter((e) => e.kind === 'capture')) {
    if (!processed(c)) {
      capturesDeclined++;
      continue;
    }
    const auth = c.originalRefNum ? byRef.get(c.originalRefNum) : undefined;
    if (!auth) continue;
    const increments = truth.ledger.filter((e) => e.kind === 'incremental' && e.originalRefNum === auth.refNum && processed(e)).reduce((s, e) => s + e.amount, 0);
    const initial = initialApproved.get(auth.refNum) ?? (auth.authorisedTotal !== undefined ? auth.authorisedTotal - increments : auth.amount);
    const total = initial + increments;
    const ceiling = Math.floor((total * (100 + tolerancePercent)) / 100);
    if (c.amount > ceiling) {
      settledOverAuthorised++;
      note(`capture ${c.refNum} under ${c.invoice} took ${c.amount} on an authorisation of ${total} (${initial} + ${increments} in increments; at most ${ceiling})`);
    }
  }
  // Each guest's money at the processor against the folio.
  const guestOf = (e: LedgerEntry): string | undefined => byReference.get(e.invoice)?.guest_id;
  const charged = new Map<string, number>();
  const add = (guest: string | undefined, amount: number): void => {
    if (guest) charged.set(guest, (charged.get(guest) ?? 0) + amount);
  };
  for (const e of truth.ledger) {
    if (e.kind === 'capture' && processed(e)) {
      const auth = e.originalRefNum ? byRef.get(e.originalRefNum) : undefined;
      // A capture voided since (its authorisation voided) takes nothing.
      if (auth?.status !== 'voided') add(guestOf(e), e.amount);
    } else if (e.kind === 'sale' && (e.status === 'approved' || e.status === 'refunded')) add(guestOf(e), e.amount);
    else if (e.kind === 'refund' && processed(e)) add(guestOf(e), -e.amount);
  }
  for (const g of dump.guests) {
    const took = charged.get(g.id) ?? 0;
    if (took > g.posted) {
      settledOverAuthorised++;
      note(`guest ${g.number}: the processor took ${took} for a folio of ${g.posted}`);
    }
  }

  // Card payments the folio still counts whose settlement the processor never took (see the file comment).
  let paidButNotCaptured = 0;
  const takenOff = new Map<string, number>();
  for (const p of dump.payments) if (p.void_of) takenOff.set(p.void_of, (takenOff.get(p.void_of) ?? 0) + p.amount);
  for (const p of dump.payments) {
    if (p.method !== 'card' || p.amount <= 0 || p.void_of) continue;
    const notTaken = dump.records.filter(
      (r) => r.payment_id === p.id && r.kind === 'settlement' && r.voided === 0 && r.status === 2 && !(entriesByInvoice.get(r.reference) ?? []).some(processed),
    );
    const uncaptured = notTaken.reduce((sum, r) => sum + r.amount, 0);
    const standing = p.amount + (takenOff.get(p.id) ?? 0);
    if (uncaptured > 0 && standing > p.amount - uncaptured) {
      paidButNotCaptured++;
      lost++;
      note(`guest ${guestNumber(dump, p.guest_id)}: a card payment of ${p.amount} still counts ${standing} on the folio, but ${uncaptured} of it was never captured (${notTaken.map((r) => r.reference).join(', ')} declined)`);
    }
  }

  let stuck = 0;
  for (const r of dump.records) {
    if (r.voided === 1 || r.status === 2 || (r.queue_status === 8 && r.status !== 0)) continue;
    stuck++;
    note(`record ${r.reference} (${r.kind}) still status ${r.status} queue ${r.queue_status}${r.awaiting_batch ? ' (awaiting a batch send)' : ''}`);
  }

  let requestsRepeated = 0;
  for (const [invoice, list] of groupBy(truth.doorLog, (q) => q.invoice)) {
    if (byReference.has(invoice) && list.length > 1) requestsRepeated += list.length - 1;
  }

  return {
    guests: dump.guests.length,
    records: dump.records.length,
    sentTwice,
    lost,
    settledOverAuthorised,
    stuck,
    phantoms,
    requestsRepeated,
    processorEntries: truth.ledger.length,
    doorRequests: truth.doorLog.length,
    capturesDeclined,
    paidButNotCaptured,
    declined: countBy(dump.records.filter((r) => r.status === 2 && r.voided === 0), (r) => r.kind),
    findings,
  };
}

/** True when every failing count is zero. */
export function folioPassed(t: FolioTally): boolean {
  return t.sentTwice === 0 && t.lost === 0 && t.settledOverAuthorised === 0 && t.stuck === 0 && t.phantoms === 0;
}

/** The run's one result line. */
export function folioLine(t: FolioTally): string {
  return `folio: guests=${t.guests} records=${t.records} sent_twice=${t.sentTwice} lost=${t.lost} settled_over_authorised=${t.settledOverAuthorised} stuck=${t.stuck}`;
}

/** The gateway simulator's logged transaction requests, from its log file (JSON lines; other lines skipped). */
export function parseDoorLog(text: string): DoorRequest[] {
  const out: DoorRequest[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let v: Partial<DoorRequest>;
    try {
      v = JSON.parse(line) as Partial<DoorRequest>;
    } catch {
      continue;
    }
    if (typeof v.door !== 'string' || typeof v.command !== 'string' || typeof v.invoice !== 'string' || v.command.startsWith('report:')) continue;
    out.push({ door: v.door, command: v.command, invoice: v.invoice, result: String(v.result ?? '') });
  }
  return out;
}

function guestNumber(dump: FolioDump, guestId: string): number | string {
  return dump.guests.find((g) => g.id === guestId)?.number ?? guestId;
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const it of items) out[key(it)] = (out[key(it)] ?? 0) + 1;
  return out;
}
