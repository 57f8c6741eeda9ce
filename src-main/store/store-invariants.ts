// The store's invariants (issue 13 §5), as pure counts over ground truth: the
// registers' journals (what was committed), the store's rows (what arrived,
// in arrival order), and the processor's ledger (who was charged). The chaos
// run and the store tests read those three and call these; each count must be
// 0 (replicatedOnce must equal events). Pure so a deliberately broken variant
// (a relay that skips an event, a register that ignores the store's warning)
// can be shown to fail each one.

import type { LedgerEntry } from '../../drivers/pax/simulator/processor-ledger.ts';
import { parseEcrReference } from '../../src-shared/ecr-reference.ts';
import { duplicatePairs, DEFAULT_DUPLICATE_WINDOW_MS, type StoreCharge } from './cross-register-duplicate-rule.ts';

/** A journal event as committed on its register (seq is the journal's, hash its chain hash). */
export interface JournalEventRef {
  seq: number;
  hash: string;
}

/** An event as it arrived in the store. */
export interface StoreEventRef extends JournalEventRef {
  registerId: string;
}

/** Replication counts. */
export interface ReplicationCounts {
  /** Events committed on every register. */
  events: number;
  /** Of those, in the store exactly once, with the same hash. */
  replicatedOnce: number;
  /** Committed but absent from the store. */
  missing: number;
  /** Store copies beyond the first of an event. */
  duplicated: number;
  /** Events the store holds with another hash than the register's, or that no register committed. */
  altered: number;
  /** Places where a register's events arrived in the store out of sequence order. */
  outOfOrder: number;
}

/**
 * Every journal event reaches the store exactly once and in order: `journals`
 * by register id, `store` in the store's arrival order (all registers mixed).
 */
export function replicationCounts(journals: ReadonlyMap<string, readonly JournalEventRef[]>, store: readonly StoreEventRef[]): ReplicationCounts {
  const arrived = new Map<string, StoreEventRef[]>();
  for (const e of store) {
    let list = arrived.get(e.registerId);
    if (!list) arrived.set(e.registerId, (list = []));
    list.push(e);
  }
  const c: ReplicationCounts = { events: 0, replicatedOnce: 0, missing: 0, duplicated: 0, altered: 0, outOfOrder: 0 };
  for (const [registerId, events] of journals) {
    const copies = new Map<number, StoreEventRef[]>();
    const list = arrived.get(registerId) ?? [];
    for (let i = 0; i < list.length; i++) {
      const e = list[i];
      const same = copies.get(e.seq);
      if (same) same.push(e);
      else copies.set(e.seq, [e]);
      if (i > 0 && e.seq <= list[i - 1].seq) c.outOfOrder++;
    }
    const committed = new Set<number>();
    for (const ev of events) {
      committed.add(ev.seq);
      c.events++;
      const got = copies.get(ev.seq) ?? [];
      if (got.length === 0) c.missing++;
      c.duplicated += Math.max(0, got.length - 1);
      const altered = got.filter((g) => g.hash !== ev.hash).length;
      c.altered += altered;
      if (got.length === 1 && altered === 0) c.replicatedOnce++;
    }
    for (const seq of copies.keys()) if (!committed.has(seq)) c.altered += copies.get(seq)!.length;
  }
  for (const [registerId, list] of arrived) if (!journals.has(registerId)) c.altered += list.length;
  return c;
}

/** A ledger sale or auth that was approved and not voided: money the customer paid. */
export function isStandingCharge(e: LedgerEntry): boolean {
  return (e.kind === 'sale' || e.kind === 'auth') && (e.status === 'approved' || e.status === 'refunded');
}

/** Slots (invoices of the R<code>T<n>P<slot> form) holding more than one standing charge: the extra charges. */
export function slotsChargedTwice(ledger: readonly LedgerEntry[]): number {
  const per = new Map<string, number>();
  for (const e of ledger) if (isStandingCharge(e) && parseEcrReference(e.invoice)) per.set(e.invoice, (per.get(e.invoice) ?? 0) + 1);
  let extra = 0;
  for (const n of per.values()) extra += Math.max(0, n - 1);
  return extra;
}

/** What the store holds that accounts for a charge. */
export interface StoreAccounts {
  /** Invoices of approved attempts in the store's replicated journals, with how many approved attempts each. */
  approvedInvoices: ReadonlyMap<string, number>;
  /** Processor references in any register's orphan queue, as replicated to the store. */
  orphanRefNums: ReadonlySet<string>;
}

/** Standing charges neither an approved attempt in the store nor an orphan-queue entry there accounts for. */
export function unaccountedCharges(ledger: readonly LedgerEntry[], store: StoreAccounts): LedgerEntry[] {
  const budget = new Map(store.approvedInvoices);
  const left: LedgerEntry[] = [];
  for (const e of [...ledger].sort((a, b) => a.enteredAt - b.enteredAt)) {
    if (!isStandingCharge(e) || store.orphanRefNums.has(e.refNum)) continue;
    const n = budget.get(e.invoice) ?? 0;
    if (n > 0) budget.set(e.invoice, n - 1);
    else left.push(e);
  }
  return left;
}

/** The ledger's standing charges as the duplicate rule sees them (register and ticket from the invoice; masked card only). */
export function ledgerCharges(ledger: readonly LedgerEntry[]): StoreCharge[] {
  const out: StoreCharge[] = [];
  for (const e of ledger) {
    const ref = isStandingCharge(e) ? parseEcrReference(e.invoice) : null;
    if (!ref) continue;
    out.push({
      registerId: ref.registerCode,
      ticketId: String(ref.ticketNumber),
      attemptId: e.invoice,
      amount: e.amountRequested ?? e.amount,
      currency: e.currency,
      card: { maskedPan: e.maskedPan, brand: e.cardBrand },
      at: e.enteredAt,
    });
  }
  return out;
}

/** How the harness knows a second charge came about. */
export interface SecondChargeFacts {
  /** Pairs (earlier invoice → later invoice) the store flagged for the manager. */
  flagged: ReadonlySet<string>;
  /** Invoices whose cashier saw the store's warning and confirmed the charge. */
  confirmed: ReadonlySet<string>;
  /**
   * Whether the store could have warned the later charge's cashier: its
   * register reached the store when the payment started, and the earlier
   * charge was in the store by then (ground truth: the harness's cut and kill
   * times, the store's recorded_at).
   */
  storeCouldWarn(earlierInvoice: string, laterInvoice: string): boolean;
}

/** Key of a flagged pair by invoices (see SecondChargeFacts.flagged). */
export function invoicePairKey(earlierInvoice: string, laterInvoice: string): string {
  return `${earlierInvoice}>${laterInvoice}`;
}

/**
 * Cross-register double charges: pairs in the processor's ledger (same card,
 * same amount, other ticket, within the window) that the store never flagged
 * for the manager, or whose later charge went through while the store could
 * have warned its cashier (see storeCouldWarn) and the cashier never confirmed.
 */
export function crossRegisterDoubleCharges(ledger: readonly LedgerEntry[], facts: SecondChargeFacts, windowMs = DEFAULT_DUPLICATE_WINDOW_MS): string[] {
  const bad: string[] = [];
  for (const p of duplicatePairs(ledgerCharges(ledger), windowMs)) {
    const key = invoicePairKey(p.earlier.attemptId, p.later.attemptId);
    const unwarned = facts.storeCouldWarn(p.earlier.attemptId, p.later.attemptId) && !facts.confirmed.has(p.later.attemptId);
    if (!facts.flagged.has(key) || unwarned) bad.push(key);
  }
  return bad;
}

/** A time the harness kept a register's store link cut, and the card payments it started meanwhile. */
export interface CutWindow {
  registerCode: string;
  from: number;
  to: number;
  /** Card payments the harness started on that register during the cut. */
  started: number;
}

/** Cut windows in which a register was asked to sell and the processor charged nothing on its own slots: it stopped selling offline. */
export function offlineStalls(ledger: readonly LedgerEntry[], cuts: readonly CutWindow[]): CutWindow[] {
  return cuts.filter(
    (w) =>
      w.started > 0 &&
      !ledger.some((e) => isStandingCharge(e) && e.enteredAt >= w.from && e.enteredAt <= w.to + 5_000 && parseEcrReference(e.invoice)?.registerCode === w.registerCode),
  );
}
