// The simulated PAX device itself, independent of wire and transport: its batch
// with terminal transaction numbers, the local duplicate check, card time with
// cancel, offline store-and-forward and batch close. The simulator front
// (pax-simulator.ts) turns decoded frames into calls here.
//
// Behaviour choices (protocols.md leaves them open; changed here only):
// - Duplicate check: like real devices it compares the request only with the
//   MOST RECENT transaction on this device: same transaction type, same ECR
//   ref and same amount, and that transaction approved (online, offline or
//   partially). The card is not compared: the simulated card is consumed by
//   each transaction, while a real retry is the same customer's card. Refused
//   requests (format error, duplicate) do not become "the most recent".
//   A reboot forgets it. The duplicate-override flag bypasses it.
// - The batch (local detail report) holds every transaction that read a card:
//   approved, declined, aborted. Batch close keeps nothing: the report then
//   starts empty, as on a real device. The offline queue survives both.
// - Offline: sales and auths are approved locally (000001) and queued; other
//   transaction types answer 100001 (host unreachable). uploadOffline() sends
//   the queue to the processor in order.
// - Processor unreachable while online: 100001, recorded, nothing charged by
//   this device (an HTTP processor may still have charged: the app must look
//   it up, which is what 100001 asks for).
// - Token request while offline ("host link down"): the answer carries a
//   temporary token made up by the device (the host never saw the card); the
//   upload replaces it by the card's real token (seed 002 table 4-22, CCA_QSTATUS 8).
// - Signature capture (SIGN=1): after an approval the customer signs or
//   cancels (setSignatureAction); a cancelled signature makes the device void
//   its own authorisation before it answers (voidForCancelledSignature).
// - A card marked declined (markCardDeclined) is declined by the issuer from
//   then on, online or at upload: the store-and-forward risk of table 4-18.

import { createHash } from 'node:crypto';
import { isValidAmount } from '../../../src-shared/money.ts';
import type { CardBrand, EntryMode } from '../../../src-shared/card.ts';
import type { ProcessorCommand, ProcessorLink, ProcessorResponse } from '../../../src-shared/processor-link.ts';
import type { TerminalPrompt } from '../../terminal.ts';
import { PAX_RESULT, type PaxTransType } from '../pax-messages.ts';
import { PAX_SIGNATURE_STATUS } from '../pax-protocol-choices.ts';
import { DECLINE_TOKEN_PREFIX, DEFAULT_CARD_PAN, readCard, type SimulatedCard } from './pax-simulator-rules.ts';

/**
 * Device result codes and texts the simulator answers with: real terminals say
 * `OK` and `DECLINE` (host message `APPROVAL` / the reason), see
 * pax-protocol-choices.ts item 18.
 */
export const SIM_RESULT = {
  approved: { code: PAX_RESULT.approved, text: 'OK' },
  approvedOffline: { code: PAX_RESULT.approvedOffline, text: 'OK' },
  partial: { code: PAX_RESULT.partiallyApproved, text: 'PARTIAL APPROVAL' },
  declined: { code: PAX_RESULT.declined, text: 'DECLINE' },
  alreadyVoided: { code: PAX_RESULT.alreadyVoided, text: 'ALREADY VOIDED' },
  notFound: { code: PAX_RESULT.notFound, text: 'NOT FOUND' },
  timeout: { code: PAX_RESULT.terminalTimeout, text: 'HOST TIMEOUT' },
  aborted: { code: PAX_RESULT.aborted, text: 'ABORTED' },
  formatError: { code: PAX_RESULT.formatError, text: 'FORMAT ERROR' },
  duplicate: { code: PAX_RESULT.duplicate, text: 'DUP TRANSACTION' },
} as const;

/** Transaction types the simulated device runs (the wire's names). */
export type SimTransactionType = PaxTransType;

/** A transaction request as the device sees it, after decoding. */
export interface SimTransactionInput {
  type: SimTransactionType;
  /** Minor units (0 for verify / tokenize). */
  amount: number;
  ecrRef: string;
  /** Invoice for the host; the ECR ref when absent. */
  invoice?: string;
  /** Duplicate-override flag: skip the local duplicate check and let the host accept a repeat. */
  allowDuplicate?: boolean;
  originalTerminalRef?: string;
  originalHostRef?: string;
  originalEcrRef?: string;
  /** Answer the card's token too (TOKENREQUEST=1), and its expiry. */
  tokenRequest?: boolean;
  /** Capture the customer's signature after an approval (SIGN=1). */
  signatureRequest?: boolean;
  /** Amount subfields besides the base amount, minor units (item 19); `amount` already includes tip, cash back and fee. */
  tipAmount?: number;
  cashBackAmount?: number;
  feeAmount?: number;
  taxAmount?: number;
}

/** Whether an offline-approved record has reached the processor. */
export type OfflineState = 'none' | 'pending' | 'uploaded' | 'upload_failed';

/** One transaction in the device's batch (its local detail report). No card number. */
export interface SimRecord {
  /** Terminal transaction number, unique on this device. */
  terminalRef: string;
  batchNumber: string;
  type: SimTransactionType;
  ecrRef: string;
  invoice: string;
  amountRequested: number;
  amountApproved: number;
  amountDue: number;
  resultCode: string;
  resultText: string;
  /** Host message subfield (APPROVAL, or the host's reason). */
  hostMessage?: string;
  /** The gateway's reference: sent as additional info HRef, used by follow-ups (item 1). */
  hostRef?: string;
  tipAmount?: number;
  cashBackAmount?: number;
  feeAmount?: number;
  taxAmount?: number;
  authCode?: string;
  maskedPan?: string;
  cardBrand?: CardBrand;
  entryMode?: EntryMode;
  /** Card token, answered for tokenize requests and token requests; a temporary one while pending offline. */
  token?: string;
  /** Card expiry MMYY, answered with a token request. */
  expiry?: string;
  /** SIGNSTATUS answered after a signature prompt (pax-protocol-choices.ts item 26). */
  signatureStatus?: string;
  /** Device time, YYYYMMDDhhmmss. */
  timestamp: string;
  offline: OfflineState;
  voided: boolean;
}

/** What the device answers to a transaction: a record (also for refusals, which are not kept). */
export interface SimTransactionOutcome {
  record: SimRecord;
  /** False for refusals (format error, duplicate) that never entered the batch. */
  kept: boolean;
}

/** What a store-and-forward upload did (the B09 counts). */
export interface SimUploadSummary {
  totalCount: number;
  totalAmount: number;
  uploadedCount: number;
  uploadedAmount: number;
  failedCount: number;
  failedAmount: number;
}

/** What the customer does at the signature prompt. */
export type SignatureAction = 'sign' | 'cancel';

/** Totals answered by batch close. */
export interface SimBatchTotals {
  batchNumber: string;
  totalCount: number;
  /** Minor units: sales and post-auths minus returns, voided ones excluded. */
  totalAmount: number;
  timestamp: string;
}

/** What the device is doing now. */
export type SimDeviceStatus = { state: 'idle' } | { state: 'busy'; command: string; prompt: TerminalPrompt };

/** Options of the device. */
export interface SimDeviceOptions {
  deviceId: string;
  processor: ProcessorLink;
  clock: () => Date;
  cardTimeMs: number;
  duplicateCheck: boolean;
  currency?: string;
}

/** Thrown into a transaction when the device reboots under it. */
export class DeviceRebootedError extends Error {
  override readonly name = 'DeviceRebootedError';
  constructor() {
    super('The simulated device rebooted while the request was in flight; no answer will be sent');
  }
}

const APPROVED_CODES = new Set<string>([SIM_RESULT.approved.code, SIM_RESULT.approvedOffline.code, SIM_RESULT.partial.code]);
const CHARGING_TYPES = new Set<SimTransactionType>(['sale', 'auth']);
const NO_AMOUNT_TYPES = new Set<SimTransactionType>(['verify', 'tokenize', 'void', 'void_sale', 'void_return', 'reversal', 'balance']);
/** Types that cancel an original: 16 void, 17 V/SALE, 18 V/RETURN, 99 reversal (item 17). */
const VOID_TYPES = new Set<SimTransactionType>(['void', 'void_sale', 'void_return', 'reversal']);
// forced = a voice-authorised sale posted after the fact; reversal = void of the original.
const PROCESSOR_COMMAND: Partial<Record<SimTransactionType, ProcessorCommand>> = {
  sale: 'sale', forced: 'sale', return: 'refund', auth: 'auth', post_auth: 'capture', adjust: 'incremental',
  void: 'void', void_sale: 'void', void_return: 'void', reversal: 'void',
};

/** The card read when none was presented: read once (its token is a SHA-256), not at every sale. Never changed. */
const DEFAULT_CARD: SimulatedCard = Object.freeze(readCard(DEFAULT_CARD_PAN));

/** "ans..16": what a terminal accepts as ECR reference (item 16), e.g. `00001-001-0001`. */
const ANS16 = /^[\x21-\x7e][\x20-\x7e]{0,15}$/;

/** Formats a device timestamp (UTC) as YYYYMMDDhhmmss. */
export function paxTimestamp(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** True for result codes that mean money was approved. */
export function isApprovedCode(code: string): boolean {
  return APPROVED_CODES.has(code);
}

/** The simulated device (see file comment). */
export class SimDevice {
  private readonly opts: SimDeviceOptions;
  private batch: SimRecord[] = [];
  private readonly offlineQueue: { record: SimRecord; card: SimulatedCard }[] = [];
  private batchNumber = 1;
  private txnCounter = 0;
  private lastTxn: SimRecord | null = null;
  private duplicateCheck: boolean;
  private offline = false;
  private nextCard: SimulatedCard | null = null;
  private signatureAction: SignatureAction = 'sign';
  /** Tokens of the cards the issuer now declines (markCardDeclined). */
  private readonly declinedCards = new Set<string>();
  private current: { command: string; prompt: TerminalPrompt; abort: AbortController; cancellable: boolean } | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private generation = 0;
  private readonly rebootListeners = new Set<() => void>();

  constructor(opts: SimDeviceOptions) {
    this.opts = opts;
    this.duplicateCheck = opts.duplicateCheck;
  }

  /** Incremented by every reboot; a request started under an older generation gets no answer. */
  get bootGeneration(): number {
    return this.generation;
  }

  /** Card read by the next transaction; throws RangeError for a non-card number. */
  presentCard(pan: string, entryMode: EntryMode = 'chip', expiry?: string): void {
    this.nextCard = readCard(pan, entryMode, expiry);
  }

  /** What the customer does at every later signature prompt (default: signs). */
  setSignatureAction(action: SignatureAction): void {
    this.signatureAction = action;
  }

  /**
   * From now on the issuer declines this card (e.g. reported lost while the
   * ship was offline): its stored offline approvals fail at upload and new
   * online requests are declined. Throws RangeError for a non-card number.
   */
  markCardDeclined(pan: string): void {
    this.declinedCards.add(readCard(pan).token);
  }

  /** Turns the local duplicate check on or off. */
  setDuplicateCheck(on: boolean): void {
    this.duplicateCheck = on;
  }

  /** Turns offline (store-and-forward) mode on or off. */
  setOffline(on: boolean): void {
    this.offline = on;
  }

  /** Whether offline mode is on. */
  isOffline(): boolean {
    return this.offline;
  }

  /** Current status, for A00-style status answers and the UI. */
  status(): SimDeviceStatus {
    return this.current ? { state: 'busy', command: this.current.command, prompt: this.current.prompt } : { state: 'idle' };
  }

  /**
   * The local detail report as the device answers it: after any transaction
   * in progress, as on a real single-threaded terminal. A report answered in
   * the middle of a sale would say "no such transaction" while the sale may
   * still be approved a moment later.
   */
  reportRecords(): Promise<readonly SimRecord[]> {
    return this.serialise(async () => this.records());
  }

  /** Copies of the records in the open batch. */
  records(): readonly SimRecord[] {
    return this.batch.map((r) => ({ ...r }));
  }

  /** Records of the open batch with this ECR ref (the R02 local detail report). */
  findByEcrRef(ecrRef: string): SimRecord[] {
    return this.batch.filter((r) => r.ecrRef === ecrRef).map((r) => ({ ...r }));
  }

  /** Records still waiting for upload. */
  pendingOffline(): readonly SimRecord[] {
    return this.offlineQueue.filter((q) => q.record.offline === 'pending').map((q) => ({ ...q.record }));
  }

  /** Called on every reboot (the front drops its connections). */
  onReboot(listener: () => void): () => void {
    this.rebootListeners.add(listener);
    return () => this.rebootListeners.delete(listener);
  }

  /**
   * Reboots: the transaction waiting for a card is dropped without a charge,
   * the duplicate window is forgotten, answers in flight are never sent. The
   * batch and the offline queue are kept (they are on the device's storage).
   */
  reboot(): void {
    this.generation++;
    this.lastTxn = null;
    this.nextCard = null;
    if (this.current?.cancellable) this.current.abort.abort(new DeviceRebootedError());
    for (const l of this.rebootListeners) l();
  }

  /**
   * Cancel (A14): aborts the transaction while it waits for the card. Returns
   * true when something was aborted, false when idle or already authorising.
   */
  cancel(): boolean {
    if (!this.current || !this.current.cancellable) return false;
    this.current.abort.abort();
    return true;
  }

  /**
   * Runs one transaction; one at a time, in arrival order. Rejects with
   * DeviceRebootedError when dropped by a reboot. `onPrompt` hears each prompt
   * the customer sees while it runs (present card, PIN, authorising).
   */
  transact(input: SimTransactionInput, onPrompt?: (prompt: TerminalPrompt) => void): Promise<SimTransactionOutcome> {
    return this.serialise(() => this.run(input, onPrompt ?? (() => undefined)));
  }

  /**
   * Closes the open batch: the host is asked to settle what this device sent,
   * then totals and a new empty batch with the next number. Without the host
   * (offline, unreachable, refused) nothing is closed: null, as a real
   * terminal's batch close fails when its host cannot settle it.
   */
  closeBatch(): Promise<SimBatchTotals | null> {
    return this.serialise(async () => {
      if (this.offline) return null;
      try {
        const settled = await this.opts.processor.submit({
          command: 'settle', invoice: `B${this.batchNumber}`, amount: 0, currency: this.opts.currency ?? 'USD',
          cardToken: '', maskedPan: '', cardBrand: 'other', entryMode: 'unknown', deviceId: this.opts.deviceId,
        });
        if (settled.result !== 'approved') return null;
      } catch {
        return null;
      }
      let totalCount = 0;
      let totalAmount = 0;
      for (const r of this.batch) {
        if (r.voided || !isApprovedCode(r.resultCode)) continue;
        if (r.type === 'sale' || r.type === 'forced' || r.type === 'post_auth') totalAmount += r.amountApproved;
        else if (r.type === 'return') totalAmount -= r.amountApproved;
        else continue;
        totalCount++;
      }
      const totals = { batchNumber: String(this.batchNumber), totalCount, totalAmount, timestamp: this.now() };
      this.batch = [];
      this.batchNumber++;
      return totals;
    });
  }

  /** Sends queued offline approvals to the processor; resolves how many it accepted (0 while the host link is down). */
  async uploadOffline(): Promise<number> {
    return (await this.uploadStored())?.uploadedCount ?? 0;
  }

  /**
   * The B08 upload: sends the pending offline approvals to the processor in
   * the order taken. Resolves null when the host link is still down (nothing
   * sent). A record the processor did not answer stays pending for the next
   * upload; one it declined becomes upload_failed (keeping its temporary
   * token); an accepted one gets the host's reference and the card's real token.
   */
  uploadStored(): Promise<SimUploadSummary | null> {
    return this.serialise(async () => {
      if (this.offline) return null;
      const sum: SimUploadSummary = { totalCount: 0, totalAmount: 0, uploadedCount: 0, uploadedAmount: 0, failedCount: 0, failedAmount: 0 };
      for (const { record: r, card } of this.offlineQueue) {
        if (r.offline !== 'pending') continue;
        sum.totalCount++;
        sum.totalAmount += r.amountApproved;
        let res: ProcessorResponse;
        try {
          res = await this.submit(r, PROCESSOR_COMMAND[r.type] ?? 'sale', undefined, card);
        } catch {
          continue; // still pending; a later upload retries it
        }
        if (res.result === 'approved' || res.result === 'partial' || res.result === 'duplicate') {
          r.offline = 'uploaded';
          r.hostRef = res.original?.refNum ?? res.refNum;
          r.authCode = res.original?.authCode ?? res.authCode;
          // The temporary token gives way to the card's real one (table 4-22).
          if (r.token !== undefined) r.token = card.token;
          sum.uploadedCount++;
          sum.uploadedAmount += r.amountApproved;
        } else {
          // The store-and-forward risk: approved at the counter, refused later.
          r.offline = 'upload_failed';
          r.resultText = `APPROVED OFFLINE, UPLOAD ${res.text.toUpperCase()}`;
          sum.failedCount++;
          sum.failedAmount += r.amountApproved;
        }
      }
      return sum;
    });
  }

  private serialise<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private now(): string {
    return paxTimestamp(this.opts.clock());
  }

  private refusal(input: SimTransactionInput, result: { code: string; text: string }): SimTransactionOutcome {
    return {
      kept: false,
      record: {
        terminalRef: '', batchNumber: String(this.batchNumber), type: input.type, ecrRef: input.ecrRef,
        invoice: input.invoice ?? input.ecrRef, amountRequested: input.amount, amountApproved: 0, amountDue: input.amount,
        resultCode: result.code, resultText: result.text, timestamp: this.now(), offline: 'none', voided: false,
      },
    };
  }

  private async run(input: SimTransactionInput, onPrompt: (prompt: TerminalPrompt) => void): Promise<SimTransactionOutcome> {
    const generation = this.generation;
    const amountOk = isValidAmount(input.amount) && (NO_AMOUNT_TYPES.has(input.type) || input.amount > 0);
    if (!amountOk || !ANS16.test(input.ecrRef) || (input.invoice !== undefined && input.invoice !== '' && !/^[A-Za-z0-9]{1,20}$/.test(input.invoice))) {
      return this.refusal(input, SIM_RESULT.formatError);
    }
    const last = this.lastTxn;
    if (
      this.duplicateCheck && !input.allowDuplicate && last && isApprovedCode(last.resultCode) && !last.voided &&
      last.type === input.type && last.ecrRef === input.ecrRef && last.amountRequested === input.amount
    ) {
      return this.refusal(input, SIM_RESULT.duplicate);
    }

    const abort = new AbortController();
    const current = { command: input.type, prompt: 'present_card' as TerminalPrompt, abort, cancellable: true };
    this.current = current;
    const prompt = (p: TerminalPrompt): void => {
      current.prompt = p;
      onPrompt(p);
    };
    try {
      onPrompt('present_card');
      const card = this.nextCard ?? DEFAULT_CARD;
      this.nextCard = null;
      const aborted = await this.cardTime(abort.signal, prompt);
      if (generation !== this.generation) throw new DeviceRebootedError();
      const record = this.newRecord(input, card);
      if (input.tokenRequest) {
        record.token = card.token;
        record.expiry = card.expiry;
      }
      if (aborted) {
        this.setResult(record, SIM_RESULT.aborted, 0);
        return this.keep(record);
      }
      current.cancellable = false;
      prompt('authorising');
      await this.authorise(record, input, card);
      if (input.signatureRequest && isApprovedCode(record.resultCode) && generation === this.generation) {
        prompt('signature');
        await this.captureSignature(record, card);
      }
      if (generation !== this.generation) {
        // The host answered but the device rebooted before replying: the record
        // is on the device's storage, the ECR never hears of it.
        this.keep(record);
        throw new DeviceRebootedError();
      }
      return this.keep(record);
    } finally {
      this.current = null;
    }
  }

  /**
   * The signature prompt after an approval: the customer signs (SIGNSTATUS 0)
   * or cancels (1), as setSignatureAction says. On a cancel the device voids
   * its own authorisation here, before it answers, so no hold remains.
   */
  private async captureSignature(record: SimRecord, card: SimulatedCard): Promise<void> {
    if (this.signatureAction === 'sign') {
      record.signatureStatus = PAX_SIGNATURE_STATUS.localCaptured;
      return;
    }
    record.signatureStatus = PAX_SIGNATURE_STATUS.aborted;
    await this.voidForCancelledSignature(record, card);
  }

  /**
   * Where a cancelled signature's void happens (seed 002 table 4-7 #5): an
   * offline approval never reached the host and is dropped from the queue;
   * an online one is voided at the processor by its reference. When the
   * processor cannot be reached the record stays unvoided (its R02 record
   * then has no VOIDED=1: the register sees the hold and voids it itself).
   */
  private async voidForCancelledSignature(record: SimRecord, card: SimulatedCard): Promise<void> {
    if (record.offline === 'pending') {
      record.offline = 'none';
      record.voided = true;
      return;
    }
    if (record.hostRef === undefined) return;
    try {
      const res = await this.submit(record, 'void', record.hostRef, card);
      if (res.result === 'approved') record.voided = true;
    } catch {
      // Left unvoided: see above.
    }
  }

  private cardTime(signal: AbortSignal, prompt: (p: TerminalPrompt) => void): Promise<boolean> {
    const ms = this.opts.cardTimeMs;
    return new Promise((resolve) => {
      if (signal.aborted) return resolve(true);
      if (ms === 0) {
        // The card is already there: no wait at all. A 0 ms timer would still
        // cost a timer turn (Node clamps it to 1 ms), a millisecond no real
        // card costs; the PIN prompt is still reported, as with a wait.
        prompt('enter_pin');
        return resolve(false);
      }
      const pin = setTimeout(() => prompt('enter_pin'), Math.floor(ms / 2));
      const done = setTimeout(() => finish(false), ms);
      const onAbort = (): void => finish(true);
      const finish = (aborted: boolean): void => {
        clearTimeout(pin);
        clearTimeout(done);
        signal.removeEventListener('abort', onAbort);
        resolve(aborted);
      };
      signal.addEventListener('abort', onAbort);
    });
  }

  private newRecord(input: SimTransactionInput, card: SimulatedCard): SimRecord {
    return {
      terminalRef: String(++this.txnCounter),
      batchNumber: String(this.batchNumber),
      type: input.type,
      ecrRef: input.ecrRef,
      invoice: input.invoice || input.ecrRef,
      amountRequested: input.amount,
      amountApproved: 0,
      amountDue: input.amount,
      tipAmount: input.tipAmount,
      cashBackAmount: input.cashBackAmount,
      feeAmount: input.feeAmount,
      taxAmount: input.taxAmount,
      resultCode: '',
      resultText: '',
      maskedPan: card.maskedPan,
      cardBrand: card.brand,
      entryMode: card.entryMode,
      timestamp: this.now(),
      offline: 'none',
      voided: false,
    };
  }

  private setResult(r: SimRecord, result: { code: string; text: string }, approved: number, text?: string): void {
    r.resultCode = result.code;
    // The result text is the terminal's own word; a host's reason goes in the host message.
    r.resultText = result.text;
    r.hostMessage = text ?? (APPROVED_CODES.has(result.code) ? 'APPROVAL' : result.text);
    r.amountApproved = approved;
    r.amountDue = Math.max(0, r.amountRequested - approved);
  }

  private keep(r: SimRecord): SimTransactionOutcome {
    this.batch.push(r);
    this.lastTxn = r;
    return { record: { ...r }, kept: true };
  }

  private findOriginal(input: SimTransactionInput): SimRecord | undefined {
    const ok = (r: SimRecord): boolean => isApprovedCode(r.resultCode);
    if (input.originalTerminalRef) return this.batch.find((r) => ok(r) && r.terminalRef === input.originalTerminalRef);
    // HREF of a follow-up names the original's HRef (item 1).
    if (input.originalHostRef) return this.batch.find((r) => ok(r) && r.hostRef === input.originalHostRef);
    const ref = input.originalEcrRef;
    return ref ? [...this.batch].reverse().find((r) => ok(r) && r.ecrRef === ref && !VOID_TYPES.has(r.type)) : undefined;
  }

  private async authorise(record: SimRecord, input: SimTransactionInput, card: SimulatedCard): Promise<void> {
    if (input.type === 'tokenize' || input.type === 'verify') {
      record.token = card.token;
      this.setResult(record, SIM_RESULT.approved, 0);
      return;
    }
    const command = PROCESSOR_COMMAND[input.type];
    if (command === undefined) return this.setResult(record, SIM_RESULT.declined, 0, 'NOT SUPPORTED');
    const reversing = VOID_TYPES.has(input.type);
    const needsOriginal = reversing || input.type === 'post_auth' || input.type === 'adjust';
    const original = needsOriginal || input.originalTerminalRef || input.originalHostRef || input.originalEcrRef ? this.findOriginal(input) : undefined;
    if (needsOriginal && !original) {
      // Void codes of real terminals (item 18): original not found 100023.
      this.setResult(record, SIM_RESULT.notFound, 0);
      return;
    }
    if (reversing && original) {
      record.amountRequested = original.amountApproved;
      if (original.voided) return this.setResult(record, SIM_RESULT.alreadyVoided, 0);
      if (original.offline === 'pending') {
        // Never reached the host: voiding it is a local matter.
        original.voided = true;
        original.offline = 'none';
        return this.setResult(record, SIM_RESULT.approved, original.amountApproved);
      }
    }
    if (this.offline) {
      if (!CHARGING_TYPES.has(input.type)) return this.setResult(record, SIM_RESULT.timeout, 0, 'HOST UNAVAILABLE (OFFLINE)');
      this.setResult(record, SIM_RESULT.approvedOffline, input.amount);
      record.offline = 'pending';
      // The host never saw the card: the answer's token is a stand-in, unique to
      // this transaction (seed 002 table 4-7 #8: the same card swiped offline is
      // not recognised as the one registered online).
      if (record.token !== undefined) record.token = this.temporaryToken(record);
      this.offlineQueue.push({ record, card });
      return;
    }
    let res: ProcessorResponse;
    try {
      res = await this.submit(record, command, original?.hostRef, card, input.allowDuplicate);
    } catch {
      return this.setResult(record, SIM_RESULT.timeout, 0);
    }
    record.hostRef = res.refNum;
    record.authCode = res.authCode;
    switch (res.result) {
      case 'approved':
        this.setResult(record, SIM_RESULT.approved, reversing ? record.amountRequested : res.amountApproved);
        if (reversing && original) original.voided = true;
        if (input.type === 'adjust' && original) original.amountApproved += res.amountApproved;
        return;
      case 'partial':
        return this.setResult(record, SIM_RESULT.partial, res.amountApproved);
      case 'duplicate':
        // The host already holds an approval for this invoice: answer with the original's references.
        record.hostRef = res.original?.refNum ?? res.refNum;
        record.authCode = res.original?.authCode;
        return this.setResult(record, SIM_RESULT.duplicate, 0);
      case 'declined':
        return this.setResult(record, SIM_RESULT.declined, 0, res.text.toUpperCase() || SIM_RESULT.declined.text);
      default:
        return this.setResult(record, SIM_RESULT.declined, 0, `HOST ERROR: ${res.text.toUpperCase()}`);
    }
  }

  private temporaryToken(record: SimRecord): string {
    const digest = createHash('sha256').update(`${this.opts.deviceId}:${record.batchNumber}:${record.terminalRef}:${record.timestamp}`).digest('base64url');
    return `tmp_${digest.slice(0, 20)}`;
  }

  private submit(
    record: SimRecord,
    command: ProcessorCommand,
    originalRefNum: string | undefined,
    card: SimulatedCard,
    allowDuplicate?: boolean,
  ): Promise<ProcessorResponse> {
    return this.opts.processor.submit({
      command,
      invoice: record.invoice,
      amount: record.amountRequested,
      currency: this.opts.currency ?? 'USD',
      // A card the issuer now declines reaches it under the decline prefix (the
      // processor decides on the token: pax-simulator-rules.ts).
      cardToken: this.declinedCards.has(card.token) ? `${DECLINE_TOKEN_PREFIX}_${card.token}` : card.token,
      maskedPan: card.maskedPan,
      cardBrand: card.brand,
      entryMode: card.entryMode,
      deviceId: this.opts.deviceId,
      allowDuplicate,
      originalRefNum,
    });
  }
}
