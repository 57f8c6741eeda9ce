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
import { type LedgerEntry, ProcessorLedger } from '../../../drivers/pax/simulator/processor-ledger.ts';

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

  readonly #ledgerFile: string | undefined;

  constructor(opts: SimulatedProcessorOptions = {}) {
    let seq = 100_000_000;
    this.#clock = opts.clock ?? Date.now;
    this.#duplicateWindowMs = opts.duplicateWindowMs ?? 24 * 60 * 60 * 1000;
    this.#declineRule = opts.declineRule ?? defaultDeclineRule;
    this.#ledgerFile = opts.ledgerFile;
    if (opts.ledgerFile) {
      for (const e of loadLedgerFile(opts.ledgerFile)) {
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

  /** Closes the current batch; later transactions go into the next. */
  closeBatch(): { batch: string; count: number; amount: number } {
    const batch = this.batch;
    const entries = this.ledger.all().filter((e) => e.batch === batch && (e.status === 'approved' || e.status === 'refunded'));
    this.#batch++;
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
      const touched = new Set([outcome.entry.refNum, ...(req.originalRefNum ? [req.originalRefNum] : [])]);
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
        return this.#followUp(req, (o) => {
          if (o.kind !== 'auth' || o.status !== 'approved' || o.captured) return 'Transaction cannot be captured';
          const amount = req.amount > 0 ? req.amount : o.amount;
          if (amount > o.amount) return 'Capture amount exceeds authorization';
          o.captured = true;
          o.amount = amount;
          return null;
        });
      case 'incremental':
        return this.#followUp(req, (o) => {
          if (o.kind !== 'auth' || o.status !== 'approved' || o.captured) return 'Authorization cannot be increased';
          if (req.amount <= 0) return 'Invalid amount';
          o.amount += req.amount;
          return null;
        });
      case 'void':
        return this.#followUp(req, (o) => {
          if (o.status !== 'approved' || o.refundedAmount > 0 || o.batch !== this.batch) return 'Transaction cannot be voided';
          o.status = 'voided';
          // A void is a transaction of its own with its own reference, as on the real
          // gateway (dlehren/omnipay-cardknox tests/Mock/VoidSuccess.txt); the original keeps its own.
          o.voidRefNum = this.#nextRefNum();
          return null;
        });
      case 'refund':
        return this.#refund(req);
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
        return {
          response: {
            result: 'duplicate',
            refNum: this.#nextRefNum(),
            amountApproved: 0,
            text: DUPLICATE_TEXT,
            original: {
              refNum: original.refNum,
              ...(original.authCode ? { authCode: original.authCode } : {}),
              amountApproved: original.amount,
              maskedPan: original.maskedPan,
              cardBrand: original.cardBrand,
            },
          },
          entry: { ...original },
        };
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
    const o = req.originalRefNum ? this.ledger.get(req.originalRefNum) : undefined;
    if (!o || (o.kind !== 'sale' && o.kind !== 'auth')) return this.#error('Original transaction not found');
    if (o.status !== 'approved' || (o.kind === 'auth' && !o.captured)) return this.#error('Transaction cannot be refunded');
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

  #followUp(req: ProcessorRequest, apply: (original: LedgerEntry) => string | null): ProcessorOutcome {
    const o = req.originalRefNum ? this.ledger.get(req.originalRefNum) : undefined;
    if (!o) return this.#error('Original transaction not found');
    const refusal = apply(o);
    if (refusal) return this.#error(refusal);
    return {
      response: { result: 'approved', refNum: this.#followUpRef(req.command, o), ...(o.authCode ? { authCode: o.authCode } : {}), amountApproved: o.amount, batch: o.batch, text: 'Approved' },
      entry: { ...o },
    };
  }

  /**
   * The reference a follow-up answers with: every transaction has its own
   * xRefNum, a void (dlehren/omnipay-cardknox tests/Mock/VoidSuccess.txt) and a
   * capture (tests/Mock/CaptureSuccess.txt) included; the original keeps its own.
   */
  #followUpRef(command: ProcessorRequest['command'], o: LedgerEntry): string {
    if (command === 'void' && o.voidRefNum) return o.voidRefNum;
    if (command === 'capture' || command === 'incremental') {
      const ref = this.#nextRefNum();
      this.ledger.addFollowUpRef(o, ref);
      return ref;
    }
    return o.refNum;
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
function loadLedgerFile(file: string): LedgerEntry[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: LedgerEntry[] = [];
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
