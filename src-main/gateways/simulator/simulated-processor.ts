// The simulated processor's rules: approve, approve in part or decline (the
// issuer rules of drivers/pax/simulator/pax-simulator-rules.ts, shared with the PAX
// simulator's in-memory processor), the duplicate check by invoice, follow-ups
// on an original. Both doors of the gateway simulator (the
// form-encoded gateway endpoint and the ProcessorLink of the PAX simulators)
// come through here, so every charge lands in one ledger.

import fs from 'node:fs';
import type { ProcessorRequest, ProcessorResponse } from '../../../src-shared/processor-link.ts';
import { assertAmount } from '../../../src-shared/money.ts';
import { halfOf, issuerDecision } from '../../../drivers/pax/simulator/pax-simulator-rules.ts';
import { DUPLICATE_TEXT } from '../cardknox-protocol.ts';
import { FOLLOW_UP_KINDS, type LedgerEntry, ProcessorLedger } from '../../../drivers/pax/simulator/processor-ledger.ts';
import { type AuthorisationRules, checkAuthorisationRules, DEFAULT_AUTHORISATION_RULES, NOT_SETTLED_TEXT } from './authorisation-rules.ts';

/** Decides a decline: a reason, or null to approve. */
export type DeclineRule = (req: ProcessorRequest) => string | null;

/** Simulated cards whose token begins with this are declined. */
export const DECLINED_TOKEN_PREFIX = 'tok_decline';

/** Masked number of the PAX simulator's decline card (4000000000000002): its token is an opaque hash, so the rule keys on this. */
export const DECLINED_MASKED_PAN = '400000******0002';

/** Default decline rule: by card token or the decline card's masked number, so every door and device agrees. */
export const defaultDeclineRule: DeclineRule = (req) =>
  req.cardToken.startsWith(DECLINED_TOKEN_PREFIX) || req.maskedPan === DECLINED_MASKED_PAN ? 'Insufficient Funds' : null;

/** Options of the processor. */
export interface SimulatedProcessorOptions {
  /** Epoch ms (inject a fake in tests). */
  clock?: () => number;
  /** Processor reference generator (inject a fake in tests). */
  nextRefNum?: () => string;
  /** How long an approved invoice blocks a repeat, in ms (default 24 h). */
  duplicateWindowMs?: number;
  declineRule?: DeclineRule;
  /**
   * File the ledger is kept in (JSON lines, appended synchronously before the
   * answer leaves): loaded on start, so a processor restarted with the app
   * (training mode) still holds every charge, as a real processor would.
   */
  ledgerFile?: string;
  /** What real processors enforce on authorisations and refunds (authorisation-rules.ts); each may be changed at run time. */
  authorisationRules?: Partial<AuthorisationRules>;
}

/** The answer plus the ledger entry it made or touched. */
export interface ProcessorOutcome {
  response: ProcessorResponse;
  entry?: LedgerEntry;
}

/** Rules engine over one ProcessorLedger. */
export class SimulatedProcessor {
  /** Ground truth of every transaction. */
  readonly ledger = new ProcessorLedger();
  readonly #clock: () => number;
  readonly #nextRefNum: () => string;
  readonly #declineRule: DeclineRule;
  #duplicateWindowMs: number;
  #duplicateCheck = true;
  #partialNext = false;
  #batch = 1;
  #authSeq = 0;
  #rules: AuthorisationRules;

  readonly #ledgerFile: string | undefined;

  constructor(opts: SimulatedProcessorOptions = {}) {
    let seq = 100_000_000;
    this.#clock = opts.clock ?? Date.now;
    this.#duplicateWindowMs = opts.duplicateWindowMs ?? 24 * 60 * 60 * 1000;
    this.#declineRule = opts.declineRule ?? defaultDeclineRule;
    this.#ledgerFile = opts.ledgerFile;
    this.#rules = checkAuthorisationRules({ ...DEFAULT_AUTHORISATION_RULES, ...opts.authorisationRules });
    if (opts.ledgerFile) {
      for (const e of loadLedgerFile(opts.ledgerFile)) {
        // A settlement line: that batch is closed, so what it held stays settled after a restart.
        if (isBatchClosedLine(e)) {
          this.#batch = Math.max(this.#batch, Number(e.batchClosed) + 1 || 1);
          continue;
        }
        const live = this.ledger.get(e.refNum);
        if (live) Object.assign(live, e);
        else this.ledger.add(e);
        if (/^\d+$/.test(e.refNum)) seq = Math.max(seq, Number(e.refNum));
        this.#batch = Math.max(this.#batch, Number(e.batch) || 1);
        if (e.authCode) this.#authSeq++;
      }
    }
    this.#nextRefNum = opts.nextRefNum ?? (() => String(++seq));
  }

  /** Current batch number. */
  get batch(): string {
    return String(this.#batch);
  }

  /** Changes the duplicate window at run time. */
  setDuplicateWindow(ms: number): void {
    this.#duplicateWindowMs = ms;
  }

  /** Arms (or disarms) a partial approval of the next approved sale or auth: half its amount, whatever the amount (training). */
  partiallyApproveNext(on = true): void {
    this.#partialNext = on;
  }

  /** The rules in force. */
  get authorisationRules(): AuthorisationRules {
    return { ...this.#rules };
  }

  /** Changes some rules at run time (a control door, a test); throws a RangeError for a bad value and changes nothing then. */
  setAuthorisationRules(rules: Partial<AuthorisationRules>): AuthorisationRules {
    this.#rules = checkAuthorisationRules({ ...this.#rules, ...rules });
    return this.authorisationRules;
  }

  /**
   * Closes (settles) the current batch; later transactions go into the next.
   * What it held is settled: it can no longer be voided, only refunded.
   */
  closeBatch(): { batch: string; count: number; amount: number } {
    const batch = this.batch;
    const entries = this.ledger
      .all()
      .filter((e) => !FOLLOW_UP_KINDS.has(e.kind) && e.batch === batch && (e.status === 'approved' || e.status === 'refunded'));
    this.#batch++;
    if (this.#ledgerFile) fs.appendFileSync(this.#ledgerFile, `${JSON.stringify({ batchClosed: batch })}\n`);
    return { batch, count: entries.length, amount: entries.reduce((s, e) => s + (e.kind === 'refund' ? -e.amount : e.amount), 0) };
  }

  /**
   * Runs one request. Never throws for bad requests: answers `error`.
   * `arrivedAt`: when it reached the processor's door, if a simulated network delay came between.
   */
  submit(req: ProcessorRequest, arrivedAt?: number): ProcessorOutcome {
    const outcome = this.#submit(req, arrivedAt);
    if (this.#ledgerFile && outcome.entry && outcome.response.result !== 'duplicate') {
      // The touched entries as they stand now; a follow-up also changed its original.
      const touched = new Set([outcome.entry.refNum, ...[req.originalRefNum, outcome.entry.originalRefNum].filter((r): r is string => !!r)]);
      const lines = [...touched].flatMap((ref) => {
        const e = this.ledger.find(ref);
        return e ? [`${JSON.stringify(e)}\n`] : [];
      });
      fs.appendFileSync(this.#ledgerFile, lines.join(''));
    }
    return outcome;
  }

  #submit(req: ProcessorRequest, arrivedAt?: number): ProcessorOutcome {
    try {
      assertAmount(req.amount);
    } catch {
      return this.#error('Invalid amount');
    }
    switch (req.command) {
      case 'sale':
      case 'auth':
        return this.#charge(req, arrivedAt);
      case 'capture':
        return this.#capture(req);
      case 'incremental':
        return this.#increment(req);
      case 'void':
        return this.#void(req);
      case 'refund':
        return this.#refund(req);
      case 'settle':
        return this.#settleDevice(req.deviceId);
      default:
        return this.#error(`Unknown command ${String(req.command)}`);
    }
  }

  /** Whether a repeat sale on an approved invoice within the window is refused. */
  get duplicateCheck(): boolean {
    return this.#duplicateCheck;
  }

  /** Turns the processor's duplicate check off (every repeat is charged: a real processor's window is no guarantee) or on. */
  setDuplicateCheck(on: boolean): void {
    this.#duplicateCheck = on;
  }

  /** Epoch ms on the processor's clock (the door stamps arrivals with it). */
  now(): number {
    return this.#clock();
  }

  #charge(req: ProcessorRequest, arrived: number | undefined): ProcessorOutcome {
    const outcome = this.#decideCharge(req);
    const r = outcome.response;
    this.ledger.noteRequest({
      command: req.command === 'auth' ? 'auth' : 'sale',
      invoice: req.invoice,
      amount: req.amount,
      deviceId: req.deviceId,
      at: this.#clock(),
      ...(arrived !== undefined ? { arrivedAt: arrived } : {}),
      result: r.result,
      amountApproved: r.result === 'approved' || r.result === 'partial' ? r.amountApproved : 0,
      ...(r.result === 'duplicate' ? (r.original ? { refNum: r.original.refNum } : {}) : outcome.entry ? { refNum: outcome.entry.refNum } : {}),
    });
    return outcome;
  }

  #decideCharge(req: ProcessorRequest): ProcessorOutcome {
    if (req.amount <= 0) return this.#error('Invalid amount');
    const now = this.#clock();
    if (this.#duplicateCheck && !req.allowDuplicate && req.invoice) {
      const original = this.ledger
        .liveByInvoice(req.invoice)
        .find((e) => (e.kind === 'sale' || e.kind === 'auth') && e.status === 'approved' && now - e.enteredAt <= this.#duplicateWindowMs);
      if (original) {
        // No ledger entry: a duplicate is refused before anything is charged.
        return this.#duplicateOf(original);
      }
    }
    const issuer = issuerDecision(req.command, req.amount, req.cardToken);
    const decline = this.#declineRule(req) ?? (issuer.kind === 'decline' ? issuer.text : null);
    let approved = req.amount;
    if (!decline && this.#partialNext && halfOf(req.amount) > 0) {
      this.#partialNext = false;
      approved = halfOf(req.amount);
    } else if (!decline && issuer.kind === 'partial') approved = issuer.amountApproved;
    const entry = this.#record({ ...req, amount: approved }, req.command === 'auth' ? 'auth' : 'sale', decline, now);
    if (approved < req.amount) {
      entry.amountRequested = req.amount;
      entry.text = 'Partially Approved';
    }
    return { response: this.#answer(entry), entry: { ...entry } };
  }

  #refund(req: ProcessorRequest): ProcessorOutcome {
    // A return with no original: the card presented on the PIN pad is credited (Cardknox cc:credit, a PAX
    // RETURN without an original reference; seed 002 table 4-12's refund with the card swiped).
    if (!req.originalRefNum) {
      if (req.amount <= 0) return this.#error('Invalid amount');
      const credit = this.#record(req, 'refund', null, this.#clock());
      return { response: this.#answer(credit), entry: { ...credit } };
    }
    const o = this.#chargeOf(req.originalRefNum);
    if (!o) return this.#error('Original transaction not found');
    const dup = this.#followUpDuplicate(req, 'refund', o);
    if (dup) return dup;
    if (o.status !== 'approved' || (o.kind === 'auth' && !o.captured)) return this.#error('Transaction cannot be refunded');
    // Seed 002 table 4-11: a refund before settlement is refused; void it instead.
    if (this.#rules.refundNeedsSettlement && !this.#isSettled(o)) return this.#error(NOT_SETTLED_TEXT);
    const amount = req.amount > 0 ? req.amount : o.amount - o.refundedAmount;
    if (amount > o.amount - o.refundedAmount) return this.#error('Refund amount exceeds the amount charged');
    o.refundedAmount += amount;
    if (o.refundedAmount === o.amount) o.status = 'refunded';
    const entry = this.#record(
      { ...req, amount, invoice: req.invoice || o.invoice, maskedPan: o.maskedPan, cardBrand: o.cardBrand, entryMode: o.entryMode },
      'refund',
      null,
      this.#clock(),
      o.refNum,
    );
    return { response: this.#answer(entry), entry: { ...entry } };
  }

  /**
   * The sale or authorisation a reference names: its own, or the reference of
   * one of its follow-ups (a capture or an incremental authorisation), since
   * a later void or refund may name either.
   */
  #chargeOf(refNum: string | undefined): LedgerEntry | undefined {
    const e = refNum ? this.ledger.get(refNum) : undefined;
    if (!e) return undefined;
    if (e.kind === 'sale' || e.kind === 'auth') return e;
    if ((e.kind === 'capture' || e.kind === 'incremental') && e.originalRefNum) return this.#chargeOf(e.originalRefNum);
    return undefined;
  }

  /**
   * Settled: by its terminal's batch close (settleDevice), or by the close of
   * the processor's batch it went into. An authorisation not captured never is.
   */
  #isSettled(o: LedgerEntry): boolean {
    if (o.settled) return true;
    const batch = this.#settledBatchOf(o);
    return batch !== undefined && batch !== this.batch;
  }

  /**
   * A terminal's batch close (command `settle`): the host settles the sales
   * and refunds that device sent and that are not settled yet; other devices'
   * and the gateway's own stay open until their close. Answered like any
   * transaction, with how many it settled in its text.
   */
  #settleDevice(deviceId: string): ProcessorOutcome {
    if (!deviceId) return this.#error('A batch close must name its device');
    const settled = this.ledger
      .all()
      .filter((e) => e.deviceId === deviceId && (e.kind === 'sale' || e.kind === 'refund') && e.status !== 'declined' && !this.#isSettled(e))
      .map((e) => this.ledger.get(e.refNum)!);
    for (const e of settled) e.settled = true;
    if (this.#ledgerFile && settled.length > 0) fs.appendFileSync(this.#ledgerFile, settled.map((e) => `${JSON.stringify(e)}\n`).join(''));
    return { response: { result: 'approved', refNum: this.#nextRefNum(), amountApproved: 0, batch: this.batch, text: `Batch settled: ${settled.length} transactions` } };
  }

  /** The batch whose close settles this charge; undefined for an authorisation not captured (nothing to settle yet). */
  #settledBatchOf(o: LedgerEntry): string | undefined {
    if (o.kind !== 'auth') return o.batch;
    return o.captured ? (o.capturedBatch ?? o.batch) : undefined;
  }

  /**
   * A follow-up resent under its own invoice (the purser's queue record after
   * an unanswered request): refused as a duplicate naming the one already
   * done, as the charge doors do, so nothing is done twice. A follow-up under
   * its original's invoice (a PIN pad's) is not checked: the original refuses
   * a second capture or void itself.
   */
  #followUpDuplicate(req: ProcessorRequest, kind: LedgerEntry['kind'], o: LedgerEntry): ProcessorOutcome | undefined {
    if (!this.#duplicateCheck || req.allowDuplicate || !req.invoice || req.invoice === o.invoice) return undefined;
    const now = this.#clock();
    const done = this.ledger
      .liveByInvoice(req.invoice)
      .find((e) => e.kind === kind && e.status !== 'declined' && now - e.enteredAt <= this.#duplicateWindowMs);
    return done ? this.#duplicateOf(done) : undefined;
  }

  /** The duplicate answer: a reference of its own, nothing charged, and the original's approval. */
  #duplicateOf(o: LedgerEntry): ProcessorOutcome {
    return {
      response: {
        result: 'duplicate',
        refNum: this.#nextRefNum(),
        amountApproved: 0,
        text: DUPLICATE_TEXT,
        original: { refNum: o.refNum, ...(o.authCode ? { authCode: o.authCode } : {}), amountApproved: o.amount, maskedPan: o.maskedPan, cardBrand: o.cardBrand },
      },
      entry: { ...o },
    };
  }

  /** Why an open authorisation cannot take a follow-up now (captured, voided, declined, expired), or null. */
  #authState(o: LedgerEntry): { error: string } | { decline: string } | null {
    if (o.kind !== 'auth' || o.status !== 'approved') return { error: 'Only an approved authorization can be increased or captured' };
    if (o.captured) return { error: 'The authorization has already been captured' };
    // Visa does not extend the validity with an increment (developer.revolut.com
    // .../incremental-authorisation: "Visa: Clearing window does NOT extend with
    // increments"), so the window runs from the initial authorisation.
    if (this.#clock() - o.enteredAt > this.#rules.authValidityMs) return { decline: 'Authorization expired' };
    return null;
  }

  #increment(req: ProcessorRequest): ProcessorOutcome {
    const o = this.ledger.get(req.originalRefNum ?? '');
    if (!o) return this.#error('Original transaction not found');
    const dup = this.#followUpDuplicate(req, 'incremental', o);
    if (dup) return dup;
    if (req.amount <= 0) return this.#error('Invalid amount');
    const state = this.#authState(o);
    if (state && 'error' in state) return this.#error(state.error);
    let decline = state?.decline ?? null;
    // Stripe Terminal incremental authorizations: "a maximum of 10 attempts per payment".
    if (!decline && (o.incrementCount ?? 0) >= this.#rules.maxIncrements) decline = `Maximum of ${this.#rules.maxIncrements} incremental authorizations reached`;
    if (!decline) {
      // The issuer may refuse an increment like any authorisation (same rules as the PIN pad's issuer).
      decline = this.#declineRule({ ...req, maskedPan: o.maskedPan, cardBrand: o.cardBrand });
      const issuer = issuerDecision('incremental', req.amount, '');
      if (!decline && issuer.kind === 'decline') decline = issuer.text;
    }
    const entry = this.#recordFollowUp(req, 'incremental', o, req.amount, decline);
    if (decline) return { response: this.#answer(entry), entry: { ...entry } };
    o.amount += req.amount;
    o.incrementCount = (o.incrementCount ?? 0) + 1;
    // The PIN pad's link reads the new authorised total; the gateway door answers the increment (its own entry).
    return { response: { ...this.#answer(entry), amountApproved: o.amount }, entry: { ...entry } };
  }

  #capture(req: ProcessorRequest): ProcessorOutcome {
    const o = this.ledger.get(req.originalRefNum ?? '');
    if (!o) return this.#error('Original transaction not found');
    const dup = this.#followUpDuplicate(req, 'capture', o);
    if (dup) return dup;
    const state = this.#authState(o);
    if (state && 'error' in state) return this.#error(o.captured ? 'Transaction cannot be captured' : state.error);
    const total = o.amount;
    const amount = req.amount > 0 ? req.amount : total;
    // Lodging: the final amount may exceed the authorised total by a tolerance
    // (15% by default; Stripe "capture more than the authorized amount",
    // card-scheme lodging rules), never more.
    const ceiling = Math.floor((total * (100 + this.#rules.captureTolerancePercent)) / 100);
    const decline = state?.decline ?? (amount > ceiling ? `Capture amount exceeds the authorized amount plus ${this.#rules.captureTolerancePercent}% tolerance` : null);
    const entry = this.#recordFollowUp(req, 'capture', o, amount, decline);
    if (decline) return { response: this.#answer(entry), entry: { ...entry } };
    o.captured = true;
    o.authorisedTotal = total;
    o.amount = amount;
    o.capturedBatch = this.batch;
    return { response: this.#answer(entry), entry: { ...entry } };
  }

  #void(req: ProcessorRequest): ProcessorOutcome {
    const o = this.#chargeOf(req.originalRefNum);
    if (!o) return this.#error('Original transaction not found');
    const dup = this.#followUpDuplicate(req, 'void', o);
    if (dup) return dup;
    if (o.status !== 'approved' || o.refundedAmount > 0 || this.#isSettled(o)) return this.#error('Transaction cannot be voided');
    // A void is a transaction of its own with its own reference, as on the real
    // gateway (dlehren/omnipay-cardknox tests/Mock/VoidSuccess.txt); the original keeps its own.
    const entry = this.#recordFollowUp(req, 'void', o, o.amount, null);
    o.status = 'voided';
    o.voidRefNum = entry.refNum;
    return { response: { ...this.#answer(entry), amountApproved: o.amount }, entry: { ...entry } };
  }

  /** A follow-up's own ledger entry: its reference, its invoice (the original's when it names none), the original's card. */
  #recordFollowUp(req: ProcessorRequest, kind: LedgerEntry['kind'], o: LedgerEntry, amount: number, decline: string | null): LedgerEntry {
    const entry = this.#record(
      { ...req, amount, invoice: req.invoice || o.invoice, currency: o.currency, maskedPan: o.maskedPan, cardBrand: o.cardBrand, entryMode: o.entryMode },
      kind,
      decline,
      this.#clock(),
      o.refNum,
    );
    // A follow-up carries the original's approval code, as a real answer does.
    if (!decline && o.authCode) entry.authCode = o.authCode;
    return entry;
  }

  #record(req: ProcessorRequest, kind: LedgerEntry['kind'], decline: string | null, now: number, originalRefNum?: string): LedgerEntry {
    const entry: LedgerEntry = {
      refNum: this.#nextRefNum(),
      kind,
      invoice: req.invoice,
      amount: req.amount,
      currency: req.currency,
      maskedPan: req.maskedPan,
      cardBrand: req.cardBrand,
      entryMode: req.entryMode,
      deviceId: req.deviceId,
      ...(decline ? {} : { authCode: this.#authCode() }),
      status: decline ? 'declined' : 'approved',
      text: decline ?? 'Approved',
      batch: this.batch,
      enteredAt: now,
      captured: false,
      refundedAmount: 0,
      ...(originalRefNum ? { originalRefNum } : {}),
    };
    this.ledger.add(entry);
    return entry;
  }

  #answer(e: LedgerEntry): ProcessorResponse {
    const partial = e.amountRequested !== undefined && e.amount < e.amountRequested;
    return e.status === 'declined'
      ? { result: 'declined', refNum: e.refNum, amountApproved: 0, text: e.text }
      : { result: partial ? 'partial' : 'approved', refNum: e.refNum, ...(e.authCode ? { authCode: e.authCode } : {}), amountApproved: e.amount, batch: e.batch, text: e.text };
  }

  #authCode(): string {
    // Deterministic but not sequential-looking, like a real issuer's code.
    this.#authSeq++;
    return String((this.#authSeq * 7919 + 104729) % 1_000_000).padStart(6, '0');
  }

  #error(text: string): ProcessorOutcome {
    return { response: { result: 'error', refNum: this.#nextRefNum(), amountApproved: 0, text } };
  }
}

/** The entries of a ledger file in the order written (later lines update earlier ones); none when it does not exist. */
/** A line of the ledger file saying a batch was closed (settled). */
function isBatchClosedLine(e: LedgerEntry | { batchClosed: string }): e is { batchClosed: string } {
  return typeof (e as { batchClosed?: unknown }).batchClosed === 'string';
}

function loadLedgerFile(file: string): (LedgerEntry | { batchClosed: string })[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: (LedgerEntry | { batchClosed: string })[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as LedgerEntry);
    } catch {
      // A line cut short by a force-close mid-write: the answer never left, so the charge never happened for anyone.
    }
  }
  return out;
}
