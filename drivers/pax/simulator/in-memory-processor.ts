// An in-process processor implementing ProcessorLink: the ground truth of who
// was charged when a PAX simulator runs alone (unit tests). Several simulator
// processes share one processor through the gateway simulator's HTTP link
// instead; both keep their transactions in the same ProcessorLedger (one ledger
// type), so either can be swapped in.
//
// Differences from the gateway simulator's processor, kept on purpose: the
// duplicate check has no time window, and a void is accepted in any batch.

import type { ProcessorLink, ProcessorRequest, ProcessorResponse } from '../../../src-shared/processor-link.ts';
import { issuerDecision } from './pax-simulator-rules.ts';
import { type LedgerEntry, ProcessorLedger, type SaleRequestRecord } from './processor-ledger.ts';

/** Options of the in-memory processor. */
export interface InMemoryProcessorOptions {
  clock?: () => Date;
  /** Next processor reference number; a counter by default. */
  nextRefNum?: () => string;
  /** Batch number reported with approvals. */
  batch?: string;
}

const isCharge = (e: LedgerEntry): boolean => e.kind === 'sale' || e.kind === 'auth';
/** A charge that took money (approved, in full or in part), whatever became of it later. */
const tookMoney = (e: LedgerEntry): boolean => isCharge(e) && e.status !== 'declined';

/** In-process processor (see file comment). */
export class InMemoryProcessor implements ProcessorLink {
  readonly #ledger = new ProcessorLedger();
  readonly #clock: () => Date;
  readonly #nextRefNum: () => string;
  readonly #batch: string;
  #unavailable = false;
  #authCounter = 0;

  constructor(opts: InMemoryProcessorOptions = {}) {
    this.#clock = opts.clock ?? (() => new Date());
    let counter = 0;
    this.#nextRefNum = opts.nextRefNum ?? (() => String(++counter).padStart(10, '0'));
    this.#batch = opts.batch ?? '1';
  }

  /** Makes submit() reject as if the processor could not be reached (nothing is recorded). */
  setUnavailable(on: boolean): void {
    this.#unavailable = on;
  }

  /** Every transaction, in the order answered (refusals — duplicates, bad requests — are in requests()). */
  ledger(): readonly LedgerEntry[] {
    return this.#ledger.all();
  }

  /** The entries that took money: approved or partially approved sales and auths, including ones voided later. */
  charges(): readonly LedgerEntry[] {
    return this.ledger().filter(tookMoney);
  }

  /** Every sale or auth request that reached the processor, whatever became of it, in arrival order. */
  requests(): SaleRequestRecord[] {
    return this.#ledger.requests();
  }

  /** Submits one request and answers it like a processor. */
  async submit(req: ProcessorRequest): Promise<ProcessorResponse> {
    if (this.#unavailable) throw new Error('Processor unreachable (simulated outage); the request was not recorded');
    const res = this.#answer(req);
    if (req.command === 'sale' || req.command === 'auth') {
      this.#ledger.noteRequest({
        command: req.command,
        invoice: req.invoice,
        amount: req.amount,
        deviceId: req.deviceId,
        at: this.#clock().getTime(),
        result: res.result,
        amountApproved: res.result === 'approved' || res.result === 'partial' ? res.amountApproved : 0,
        refNum: res.original?.refNum ?? res.refNum,
      });
    }
    return res;
  }

  #answer(req: ProcessorRequest): ProcessorResponse {
    // No settlement here (a void is accepted in any batch): a batch close is simply answered.
    if (req.command === 'settle') return { result: 'approved', refNum: this.#nextRefNum(), amountApproved: 0, batch: this.#batch, text: 'Batch settled' };
    if (!Number.isSafeInteger(req.amount) || req.amount < 0) {
      return this.#refuse('error', `Invalid amount: expected whole minor units, got ${String(req.amount)}`);
    }
    const charge = req.command === 'sale' || req.command === 'auth';
    if (charge && !req.allowDuplicate) {
      const original = this.#ledger.liveByInvoice(req.invoice).find((e) => isCharge(e) && e.status === 'approved');
      if (original) {
        return {
          ...this.#refuse('duplicate', 'Duplicate Transaction'),
          original: {
            refNum: original.refNum,
            authCode: original.authCode,
            amountApproved: original.amount,
            maskedPan: original.maskedPan,
            cardBrand: original.cardBrand,
          },
        };
      }
    }
    const needsOriginal = req.command === 'void' || req.command === 'capture' || req.command === 'incremental';
    const original = req.originalRefNum ? this.#ledger.get(req.originalRefNum) : undefined;
    if (needsOriginal && !original) return this.#refuse('error', 'Original transaction not found');
    if (original && original.status === 'voided') return this.#refuse('error', 'Original transaction already voided');
    const decision = issuerDecision(req.command, req.amount, req.cardToken);
    if (decision.kind === 'decline') return this.#record(req, decision.text, req.amount);
    if (req.command === 'void' && original) {
      original.status = 'voided';
      // A void is a transaction of its own with its own reference; the original keeps its own.
      original.voidRefNum = this.#nextRefNum();
      return this.#approvedAnswer(original, original.voidRefNum);
    }
    if (req.command === 'capture' && original) {
      original.captured = true;
      return this.#approvedAnswer(original, this.#nextRefNum(), req.amount);
    }
    if (req.command === 'incremental' && original) {
      original.amount += req.amount;
      return this.#approvedAnswer(original, this.#nextRefNum(), req.amount);
    }
    const approved = decision.kind === 'partial' ? decision.amountApproved : req.amount;
    return this.#record(req, null, approved);
  }

  /** Records a sale, auth or refund (approved in full or in part, or declined) and answers it. */
  #record(req: ProcessorRequest, decline: string | null, amountApproved: number): ProcessorResponse {
    const partial = !decline && amountApproved < req.amount;
    const entry: LedgerEntry = {
      refNum: this.#nextRefNum(),
      kind: req.command === 'auth' ? 'auth' : req.command === 'refund' ? 'refund' : 'sale',
      invoice: req.invoice,
      amount: decline ? req.amount : amountApproved,
      ...(partial ? { amountRequested: req.amount } : {}),
      currency: req.currency,
      maskedPan: req.maskedPan,
      cardBrand: req.cardBrand,
      entryMode: req.entryMode,
      deviceId: req.deviceId,
      ...(decline ? {} : { authCode: String(++this.#authCounter).padStart(6, '0') }),
      status: decline ? 'declined' : 'approved',
      text: decline ?? (partial ? 'Partially Approved' : 'Approved'),
      batch: this.#batch,
      enteredAt: this.#clock().getTime(),
      captured: false,
      refundedAmount: 0,
      ...(req.originalRefNum ? { originalRefNum: req.originalRefNum } : {}),
    };
    this.#ledger.add(entry);
    if (decline) return { result: 'declined', refNum: entry.refNum, amountApproved: 0, batch: this.#batch, text: decline };
    return this.#approvedAnswer(entry, entry.refNum, amountApproved, partial);
  }

  /** The answer to an approved request: a new sale, auth or refund (its own text), or a follow-up on `e` ('Approved'). */
  #approvedAnswer(e: LedgerEntry, refNum: string, amountApproved = e.amount, partial = false): ProcessorResponse {
    const text = refNum === e.refNum ? e.text : 'Approved';
    return { result: partial ? 'partial' : 'approved', refNum, authCode: e.authCode, amountApproved, batch: this.#batch, text };
  }

  /** A refusal leaves no ledger entry (only the request log keeps it), as on the gateway simulator's processor. */
  #refuse(result: 'duplicate' | 'error', text: string): ProcessorResponse {
    return { result, refNum: this.#nextRefNum(), amountApproved: 0, batch: this.#batch, text };
  }
}
