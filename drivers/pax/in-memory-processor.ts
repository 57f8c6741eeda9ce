// An in-process processor ledger implementing ProcessorLink: the ground truth
// of who was charged when a PAX simulator runs alone (unit tests, training
// mode). Several simulator processes share one ledger through the gateway
// simulator's HTTP link instead; this class keeps the same behaviour so both
// can be swapped.

import type { CardBrand, EntryMode } from '../../src-shared/card.ts';
import type { ProcessorCommand, ProcessorLink, ProcessorRequest, ProcessorResponse } from '../../src-shared/processor-link.ts';
import { issuerDecision } from './pax-simulator-rules.ts';

/** State of a ledger entry. */
export type LedgerStatus = 'approved' | 'partial' | 'declined' | 'duplicate' | 'error' | 'voided';

/** One request the processor answered, as it keeps it (no card number). */
export interface LedgerEntry {
  refNum: string;
  command: ProcessorCommand;
  invoice: string;
  /** Minor units asked for. */
  amountRequested: number;
  /** Minor units approved (0 unless approved or partial). */
  amountApproved: number;
  currency: string;
  maskedPan: string;
  cardBrand: CardBrand;
  entryMode: EntryMode;
  cardToken: string;
  deviceId: string;
  status: LedgerStatus;
  text: string;
  authCode?: string;
  batch: string;
  originalRefNum?: string;
  /** ISO 8601 time the processor answered. */
  createdAt: string;
}

/** Options of the in-memory processor. */
export interface InMemoryProcessorOptions {
  clock?: () => Date;
  /** Next processor reference number; a counter by default. */
  nextRefNum?: () => string;
  /** Batch number reported with approvals. */
  batch?: string;
}

const CHARGE_COMMANDS: readonly ProcessorCommand[] = ['sale', 'auth'];

/** In-process processor ledger (see file comment). */
export class InMemoryProcessor implements ProcessorLink {
  private readonly entries: LedgerEntry[] = [];
  // Lookups by invoice and by reference, as a real processor's are: a scan of
  // the whole ledger per request grew with every sale (tens of µs after a few
  // hundred, most of a simulated sale's time). Each keeps ledger order, so a
  // lookup finds the same entry the scan found: the first that matches.
  private readonly chargesByInvoice = new Map<string, LedgerEntry[]>();
  private readonly byRefNum = new Map<string, LedgerEntry>();
  private readonly clock: () => Date;
  private readonly nextRefNum: () => string;
  private readonly batch: string;
  private unavailable = false;
  private authCounter = 0;

  constructor(opts: InMemoryProcessorOptions = {}) {
    this.clock = opts.clock ?? (() => new Date());
    let counter = 0;
    this.nextRefNum = opts.nextRefNum ?? (() => String(++counter).padStart(10, '0'));
    this.batch = opts.batch ?? '1';
  }

  /** Makes submit() reject as if the processor could not be reached (nothing is recorded). */
  setUnavailable(on: boolean): void {
    this.unavailable = on;
  }

  /** Every entry, in the order answered. */
  ledger(): readonly LedgerEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  /** The entries that took money: approved or partially approved sales and auths, including ones voided later. */
  charges(): readonly LedgerEntry[] {
    return this.ledger().filter(
      (e) => CHARGE_COMMANDS.includes(e.command) && (e.status === 'approved' || e.status === 'partial' || e.status === 'voided'),
    );
  }

  /** Submits one request and answers it like a processor. */
  async submit(req: ProcessorRequest): Promise<ProcessorResponse> {
    if (this.unavailable) throw new Error('Processor unreachable (simulated outage); the request was not recorded');
    return this.answer(req);
  }

  private answer(req: ProcessorRequest): ProcessorResponse {
    if (!Number.isSafeInteger(req.amount) || req.amount < 0) {
      return this.record(req, 'error', 0, `Invalid amount: expected whole minor units, got ${String(req.amount)}`);
    }
    if (CHARGE_COMMANDS.includes(req.command) && !req.allowDuplicate) {
      const original = this.chargesByInvoice.get(req.invoice)?.find((e) => e.status === 'approved' || e.status === 'partial');
      if (original) {
        const res = this.record(req, 'duplicate', 0, 'Duplicate Transaction');
        return {
          ...res,
          original: {
            refNum: original.refNum,
            authCode: original.authCode,
            amountApproved: original.amountApproved,
            maskedPan: original.maskedPan,
            cardBrand: original.cardBrand,
          },
        };
      }
    }
    const needsOriginal = req.command === 'void' || req.command === 'capture' || req.command === 'incremental';
    const original = req.originalRefNum ? this.byRefNum.get(req.originalRefNum) : undefined;
    if (needsOriginal && !original) {
      return this.record(req, 'error', 0, 'Original transaction not found');
    }
    if (original && original.status === 'voided') {
      return this.record(req, 'error', 0, 'Original transaction already voided');
    }
    const decision = issuerDecision(req.command, req.amount, req.cardToken);
    if (decision.kind === 'decline') return this.record(req, 'declined', 0, decision.text);
    if (req.command === 'void' && original) {
      original.status = 'voided';
      return this.record(req, 'approved', original.amountApproved, 'Approved');
    }
    if (req.command === 'incremental' && original) original.amountApproved += req.amount;
    if (decision.kind === 'partial') return this.record(req, 'partial', decision.amountApproved, 'Partially Approved');
    return this.record(req, 'approved', req.amount, 'Approved');
  }

  private record(req: ProcessorRequest, status: LedgerStatus, amountApproved: number, text: string): ProcessorResponse {
    const approved = status === 'approved' || status === 'partial';
    const entry: LedgerEntry = {
      refNum: this.nextRefNum(),
      command: req.command,
      invoice: req.invoice,
      amountRequested: req.amount,
      amountApproved,
      currency: req.currency,
      maskedPan: req.maskedPan,
      cardBrand: req.cardBrand,
      entryMode: req.entryMode,
      cardToken: req.cardToken,
      deviceId: req.deviceId,
      status,
      text,
      authCode: approved ? String(++this.authCounter).padStart(6, '0') : undefined,
      batch: this.batch,
      originalRefNum: req.originalRefNum,
      createdAt: this.clock().toISOString(),
    };
    this.entries.push(entry);
    if (!this.byRefNum.has(entry.refNum)) this.byRefNum.set(entry.refNum, entry);
    if (CHARGE_COMMANDS.includes(entry.command)) {
      const same = this.chargesByInvoice.get(entry.invoice);
      if (same) same.push(entry);
      else this.chargesByInvoice.set(entry.invoice, [entry]);
    }
    const result: ProcessorResponse['result'] = status === 'voided' ? 'approved' : status;
    return {
      result,
      refNum: entry.refNum,
      authCode: entry.authCode,
      amountApproved,
      batch: this.batch,
      text,
    };
  }
}
