// The simulated processor's ledger: the ground truth of who was charged, for
// tests and the chaos run. The ONE ledger of the project: the PAX simulator's
// in-memory processor and the gateway simulator's processor
// (src-main/gateways/simulator/simulated-processor.ts) both keep their
// transactions here, so a test reads the same entry whichever processor a
// PIN pad charged through. It lives in drivers so both may import it. Entries are kept sorted by entered time with an
// index by invoice and by reference, so a report window is a binary search
// plus a scan of the rows it returns, also with 50,000+ rows.

import type { CardBrand, EntryMode } from '../../../src-shared/card.ts';

/** What became of a transaction. */
export type LedgerStatus = 'approved' | 'declined' | 'voided' | 'refunded';

/**
 * Kind of ledger transaction. Follow-ups on an authorisation (an incremental
 * authorisation, a capture, a void or release) are transactions of their own
 * with their own reference and invoice (issue 12 §5), so a report lists them
 * and a lookup by invoice resolves an unanswered one; their originalRefNum
 * names the charge they act on, whose entry holds the running state.
 */
export type LedgerKind = 'sale' | 'auth' | 'refund' | 'incremental' | 'capture' | 'void';

/** Kinds that act on an earlier charge rather than take or give back money themselves. */
export const FOLLOW_UP_KINDS: ReadonlySet<LedgerKind> = new Set(['incremental', 'capture', 'void']);

/** One processor transaction (masked card data only). */
export interface LedgerEntry {
  refNum: string;
  kind: LedgerKind;
  invoice: string;
  /** Minor units: charged, authorised (captured amount once captured) or refunded. */
  amount: number;
  /** Sales and auths approved in part only: the amount asked for (amount holds what was approved). */
  amountRequested?: number;
  currency: string;
  maskedPan: string;
  cardBrand: CardBrand;
  entryMode: EntryMode;
  deviceId: string;
  authCode?: string;
  status: LedgerStatus;
  /** Processor's text for this transaction. */
  text: string;
  batch: string;
  /** Epoch ms from the injected clock. */
  enteredAt: number;
  /** Auths only: captured yet. */
  captured: boolean;
  /** Minor units refunded so far (charges only). */
  refundedAmount: number;
  /** For refunds: the charge refunded. */
  originalRefNum?: string;
  /** Voided charges: the void's own reference (a void is a transaction with its own xRefNum). */
  voidRefNum?: string;
  /** Authorisations: the own references of their captures and incremental authorisations, oldest first. */
  followUpRefNums?: string[];
  /** Authorisations: incremental authorisations approved so far. */
  incrementCount?: number;
  /** Captured authorisations: the authorised total (initial + approved increments) before capture. */
  authorisedTotal?: number;
  /** Captured authorisations: the batch the capture went into (what settles it). */
  capturedBatch?: string;
  /** Settled by its terminal's batch close before the processor's own batch closed: refunded from now on, never voided. */
  settled?: boolean;
}

/**
 * One sale or auth request as it reached the processor, whatever became of it
 * (issue 14 §1): approved, declined, refused as a duplicate or refused as
 * bad. A duplicate refusal leaves no ledger entry, so this log is the only
 * trace that the register sent a second charge.
 */
export interface SaleRequestRecord {
  /** Order of arrival (0, 1, 2…). */
  seq: number;
  command: 'sale' | 'auth';
  invoice: string;
  /** Minor units asked for. */
  amount: number;
  deviceId: string;
  /** Epoch ms (injected clock) the processor decided it. */
  at: number;
  /** Epoch ms it reached the processor's door, when the door noted it (before any simulated network delay). */
  arrivedAt?: number;
  result: 'approved' | 'partial' | 'declined' | 'duplicate' | 'error';
  /** Minor units approved (0 unless approved or partial). */
  amountApproved: number;
  /** The ledger entry it made; for a duplicate, the original it was refused against. */
  refNum?: string;
}

/** A report query over the ledger; begin and end inclusive. */
export interface LedgerQuery {
  begin: number;
  end: number;
  /** Only transactions that were approved (including those later voided or refunded). */
  approvedOnly?: boolean;
  invoice?: { exact?: string; contains?: string };
  limit: number;
}

/** Totals for checks. */
export interface LedgerSummary {
  entries: number;
  /** Sale/auth entries approved and not voided (refunds are counted apart, in refundedAmount). */
  approvedCount: number;
  approvedAmount: number;
  declinedCount: number;
  voidedCount: number;
  refundedAmount: number;
}

const isCharge = (e: LedgerEntry): boolean => e.kind === 'sale' || e.kind === 'auth';
const wasApproved = (e: LedgerEntry): boolean => e.status !== 'declined';

/** Ordered, indexed store of processor transactions. */
export class ProcessorLedger {
  readonly #ordered: LedgerEntry[] = [];
  readonly #byRef = new Map<string, LedgerEntry>();
  readonly #byInvoice = new Map<string, LedgerEntry[]>();
  readonly #requests: SaleRequestRecord[] = [];

  /** Notes a sale or auth request that reached the processor (the processor calls this for every one). */
  noteRequest(r: Omit<SaleRequestRecord, 'seq'>): void {
    this.#requests.push({ seq: this.#requests.length, ...r });
  }

  /** Copies of every sale/auth request that reached the processor, in arrival order. */
  requests(): SaleRequestRecord[] {
    return this.#requests.map((r) => ({ ...r }));
  }

  /** Number of entries. */
  get size(): number {
    return this.#ordered.length;
  }

  /** Adds an entry, keeping time order (ties keep insertion order). */
  add(entry: LedgerEntry): void {
    if (this.#byRef.has(entry.refNum)) throw new Error(`Ledger already holds refNum ${entry.refNum}`);
    const at = this.#upperBound(entry.enteredAt);
    if (at === this.#ordered.length) this.#ordered.push(entry);
    else this.#ordered.splice(at, 0, entry);
    this.#byRef.set(entry.refNum, entry);
    for (const ref of entry.followUpRefNums ?? []) this.#byRef.set(ref, entry);
    const list = this.#byInvoice.get(entry.invoice);
    if (list) list.push(entry);
    else this.#byInvoice.set(entry.invoice, [entry]);
  }

  /**
   * Gives a live entry another reference: a capture or an incremental
   * authorisation is a transaction of its own with its own xRefNum, and later
   * follow-ups (a refund of the captured amount) may name either.
   */
  addFollowUpRef(entry: LedgerEntry, refNum: string): void {
    if (this.#byRef.has(refNum)) throw new Error(`Ledger already holds refNum ${refNum}`);
    entry.followUpRefNums = [...(entry.followUpRefNums ?? []), refNum];
    this.#byRef.set(refNum, entry);
  }

  /** The live entry for updates by the processor (not a copy), by its own reference or a follow-up's. */
  get(refNum: string): LedgerEntry | undefined {
    return this.#byRef.get(refNum);
  }

  /** Copy of one entry. */
  find(refNum: string): LedgerEntry | undefined {
    const e = this.#byRef.get(refNum);
    return e && { ...e };
  }

  /** Live entries of an invoice, in insertion order (for the processor's duplicate check). */
  liveByInvoice(invoice: string): readonly LedgerEntry[] {
    return this.#byInvoice.get(invoice) ?? [];
  }

  /** Copies of every transaction of an invoice, in time order. */
  byInvoice(invoice: string): LedgerEntry[] {
    return this.liveByInvoice(invoice).map((e) => ({ ...e }));
  }

  /** Copies of all entries in time order. */
  all(): LedgerEntry[] {
    return this.#ordered.map((e) => ({ ...e }));
  }

  /** Rows of a report window, time order, at most `limit`. */
  query(q: LedgerQuery): LedgerEntry[] {
    const out: LedgerEntry[] = [];
    const keep = (e: LedgerEntry): boolean =>
      e.enteredAt >= q.begin &&
      e.enteredAt <= q.end &&
      (!q.approvedOnly || wasApproved(e)) &&
      (q.invoice?.exact === undefined || e.invoice === q.invoice.exact) &&
      (q.invoice?.contains === undefined || e.invoice.includes(q.invoice.contains));
    if (q.invoice?.exact !== undefined) {
      // Insertion order equals time order unless the clock went backwards.
      const list = [...this.liveByInvoice(q.invoice.exact)].sort((a, b) => a.enteredAt - b.enteredAt);
      for (const e of list) if (out.length < q.limit && keep(e)) out.push({ ...e });
      return out;
    }
    for (let i = this.#lowerBound(q.begin); i < this.#ordered.length && out.length < q.limit; i++) {
      const e = this.#ordered[i];
      if (e.enteredAt > q.end) break;
      if (keep(e)) out.push({ ...e });
    }
    return out;
  }

  /** Totals, optionally for one invoice or one device. */
  summary(filter: { invoice?: string; deviceId?: string } = {}): LedgerSummary {
    const s: LedgerSummary = { entries: 0, approvedCount: 0, approvedAmount: 0, declinedCount: 0, voidedCount: 0, refundedAmount: 0 };
    const source = filter.invoice !== undefined ? this.liveByInvoice(filter.invoice) : this.#ordered;
    for (const e of source) {
      if (filter.deviceId !== undefined && e.deviceId !== filter.deviceId) continue;
      s.entries++;
      if (e.status === 'declined') s.declinedCount++;
      else if (e.status === 'voided') s.voidedCount++;
      else if (isCharge(e)) {
        s.approvedCount++;
        s.approvedAmount += e.amount;
      } else if (e.kind === 'refund') s.refundedAmount += e.amount;
    }
    return s;
  }

  /** Invoices charged more than once (approved, not voided): the chaos run's double charges. */
  doubleCharges(): { invoice: string; refNums: string[] }[] {
    const out: { invoice: string; refNums: string[] }[] = [];
    for (const [invoice, list] of this.#byInvoice) {
      const standing = list.filter((e) => isCharge(e) && (e.status === 'approved' || e.status === 'refunded'));
      if (standing.length > 1) out.push({ invoice, refNums: standing.map((e) => e.refNum) });
    }
    return out;
  }

  #lowerBound(t: number): number {
    let lo = 0;
    let hi = this.#ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#ordered[mid].enteredAt < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #upperBound(t: number): number {
    let lo = 0;
    let hi = this.#ordered.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#ordered[mid].enteredAt <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
