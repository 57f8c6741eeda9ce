// The PaymentTerminal for PAX POSLink devices, over any PaxTransport.
//
// Every request is validated before a byte is written (TerminalRequestError),
// every wait has a timeout, and a request is never written twice after a
// timeout: an answer that did not come is an OutcomeUnknownError for the
// coordinator to resolve by lookup (DESIGN §1.5, protocols.md hazard).

import { isValidAmount } from '../../src-shared/money.ts';
import { isValidEcrRef } from '../../src-shared/ecr-reference.ts';
import { maskUnbrokenPans } from '../../src-shared/card.ts';
import {
  OutcomeUnknownError,
  TerminalRequestError,
  TerminalUnavailableError,
  type BatchCloseResult,
  type FollowUpRequest,
  type PaymentTerminal,
  type TerminalCapabilities,
  type TerminalIdentity,
  type TerminalPrompt,
  type TerminalRecord,
  type TerminalResult,
  type TerminalStatus,
  type TerminalStatusListener,
  type TransactionRequest,
} from '../terminal.ts';
import { PaxFrameError, encodeFrame } from './pax-frame.ts';
import {
  PAX_RESULT,
  PaxMessageError,
  decodeResponse,
  decodeStatusReport,
  encodeRequest,
  expiryFromMmyy,
  signatureOutcome,
  isStatusFrame,
  isDeclineByFault,
  outcomeForAnswer,
  transactionKindOf,
  type PaxCreditRequest,
  type PaxCreditResponse,
  type PaxReportRecord,
  type PaxRequest,
  type PaxResponse,
  type PaxTransactionBody,
  type PaxTransType,
} from './pax-messages.ts';
import { PAX_RESULT_NOT_FOUND, PAX_SIGNATURE_STATUS_KEY } from './pax-protocol-choices.ts';
import { PaxLineOwesAnswerError, PaxRefusedError, responseCommand, type PaxExchangeOptions, type PaxTransport } from './pax-transport.ts';

/** How long each kind of wait may last, in ms. */
export interface PaxTimeouts {
  /** A transaction (the customer must present a card): default 120 000. */
  transactionMs: number;
  /** Identify, lookup: default 10 000. */
  adminMs: number;
  /** Waiting for the A15 answer to a cancel: default 5 000. */
  cancelMs: number;
  /** Batch close (the terminal talks to its host): default 60 000. */
  batchMs: number;
  /** Connecting / opening the port: default 3 000. */
  connectMs: number;
}

/** Default waits. */
export const DEFAULT_PAX_TIMEOUTS: PaxTimeouts = {
  transactionMs: 120_000,
  adminMs: 10_000,
  cancelMs: 5_000,
  batchMs: 60_000,
  connectMs: 3_000,
};

/** Most records one lookup will page through; a device claiming more is answered in part. */
const MAX_LOOKUP_RECORDS = 50;

/** Most records a batch report reads (a busy day's batch is a few thousand). */
const MAX_BATCH_RECORDS = 100_000;

const RESPONSE_OF: Record<PaxRequest['command'], string> = { A00: 'A01', A14: 'A15', T00: 'T01', R02: 'R03', B00: 'B01', B08: 'B09' };

/** Options of a PaxTerminal. */
export interface PaxTerminalOptions {
  id: string;
  transport: PaxTransport;
  timeouts?: Partial<PaxTimeouts>;
  /** Injected clock for request timestamps. */
  clock?: () => Date;
}

function paxTimestamp(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getFullYear(), 4)}${p(d.getMonth() + 1)}${p(d.getDate())}${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** A PAX POSLink terminal. */
export class PaxTerminal implements PaymentTerminal {
  readonly id: string;
  readonly capabilities: TerminalCapabilities;
  private readonly transport: PaxTransport;
  private readonly timeouts: PaxTimeouts;
  private readonly clock: () => Date;
  private current: TerminalStatus = { state: 'disconnected', reason: 'not contacted yet' };
  private readonly listeners = new Set<TerminalStatusListener>();
  /** One promise per transaction in flight, true once it got a definite answer (cancel waits on them). */
  private readonly creditsInFlight = new Set<Promise<boolean>>();
  private inFlight = 0;

  constructor(opts: PaxTerminalOptions) {
    this.id = opts.id;
    this.transport = opts.transport;
    this.timeouts = { ...DEFAULT_PAX_TIMEOUTS, ...opts.timeouts };
    this.clock = opts.clock ?? (() => new Date());
    this.capabilities = {
      preAuth: true,
      incrementalAuth: true,
      capture: true,
      tokenize: true,
      cancel: typeof opts.transport.cancel === 'function',
      localDetailReport: true,
    };
  }

  /** Current status. */
  status(): TerminalStatus {
    return this.current;
  }

  /** Subscribe to status changes. */
  onStatus(listener: TerminalStatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A00 → A01. */
  async identify(): Promise<TerminalIdentity> {
    const res = await this.request({ command: 'A00' }, this.timeouts.adminMs, 'identify');
    if (res.command !== 'A01') throw this.unexpected(res, 'identify');
    return { vendor: 'pax', model: res.model, serialNumber: res.serialNumber, protocolVersion: res.version ?? '' };
  }

  /** T00 sale. */
  sale(req: TransactionRequest): Promise<TerminalResult> {
    return this.credit('sale', req);
  }

  /** T00 return. */
  refund(req: TransactionRequest): Promise<TerminalResult> {
    return this.credit('return', req);
  }

  /** T00 void of an earlier transaction. */
  void(req: FollowUpRequest): Promise<TerminalResult> {
    return this.credit('void', req, true);
  }

  /** T00 auth. */
  preAuth(req: TransactionRequest): Promise<TerminalResult> {
    return this.credit('auth', req);
  }

  /** T00 adjust of an earlier auth. */
  incrementalAuth(req: FollowUpRequest): Promise<TerminalResult> {
    return this.credit('adjust', req, true);
  }

  /** T00 post-auth of an earlier auth. */
  capture(req: FollowUpRequest): Promise<TerminalResult> {
    return this.credit('post_auth', req, true);
  }

  /** T00 tokenize: reads the card, charges nothing. */
  tokenize(req: Omit<TransactionRequest, 'amount'> & { amount?: number }): Promise<TerminalResult> {
    return this.credit('tokenize', req);
  }

  /**
   * A14. Real terminals answer it with EOT or with nothing, never an A15
   * (pax-protocol-choices.ts item 3): the word that counts is the transaction's
   * own T01 (100002 when aborted, or its result when too late). So: true when
   * every transaction in flight got its definite answer within cancelMs (the
   * caller reads that answer); false when one did not (it stays in doubt). With
   * nothing in flight, true only for a legacy A15 000000.
   */
  async cancel(): Promise<boolean> {
    if (!this.transport.cancel) return false;
    const inFlight = [...this.creditsInFlight];
    const frame = encodeFrame(encodeRequest({ command: 'A14' }));
    let stopWaiting: () => void = () => undefined;
    const gaveUp = new Promise<false>((resolve) => {
      const timer = setTimeout(() => resolve(false), this.timeouts.cancelMs);
      stopWaiting = () => clearTimeout(timer);
    });
    const a14 = this.transport
      .cancel(frame, { timeoutMs: this.timeouts.cancelMs, label: 'cancel', accept: (f) => responseCommand(f) === 'A15', eotAnswers: true })
      // A legacy A15 is still read; EOT (PaxRefusedError) or silence says nothing by itself.
      .then((fields) => decodeResponse(fields).resultCode === PAX_RESULT.approved, () => false);
    try {
      if (inFlight.length === 0) return await a14;
      return await Promise.race([Promise.all(inFlight).then((all) => all.every(Boolean)), gaveUp]);
    } finally {
      stopWaiting();
    }
  }

  /** R02 by ECR reference, paging through every matching record. */
  async lookup(ecrRef: string, opts?: { timeoutMs?: number }): Promise<TerminalRecord[]> {
    if (typeof ecrRef !== 'string' || !isValidEcrRef(ecrRef)) {
      throw new TerminalRequestError(`ECR reference "${maskUnbrokenPans(String(ecrRef).slice(0, 20))}" must be 1-16 letters and digits`);
    }
    const timeoutMs = opts?.timeoutMs ?? this.timeouts.adminMs;
    const records: TerminalRecord[] = [];
    let total = 1;
    for (let n = 0; n < total && n < MAX_LOOKUP_RECORDS; n++) {
      // Only an R03 that can be ours: one holding a record of another ECR ref
      // answers an earlier lookup whose answer came late (on a serial line
      // they queue behind a sale). Read as ours it said "no such transaction"
      // while this one was on the device: the chaos run's double charge on
      // R7T20P1. A record-less "not found" names no ref; the serial transport
      // keeps lookups off a line that still owes one (pax-serial-transport.ts).
      const res = await this.request({ command: 'R02', ecrRef, recordNumber: n }, timeoutMs, 'lookup', (f) => reportIsFor(f, ecrRef), undefined, {
        refuseWhileOwed: true,
      });
      if (res.command !== 'R03') throw this.unexpected(res, 'lookup');
      // Only "OK" or "not found" say anything about the record; any other code
      // (format error, busy…) must not read as "no such transaction".
      if (res.resultCode !== PAX_RESULT.approved && res.resultCode !== PAX_RESULT_NOT_FOUND) {
        throw new OutcomeUnknownError('bad_response', `The terminal could not report transaction ${ecrRef}: ${res.resultCode} ${res.resultText}`, {
          requestSent: true,
        });
      }
      total = res.totalRecords;
      const r = res.record;
      if (!r || (r.trace.ecrRef !== undefined && r.trace.ecrRef !== ecrRef)) continue;
      records.push(this.toRecord(r, ecrRef));
    }
    return records;
  }

  /**
   * R02 with no ECR reference, records 0..total-1: the whole open batch
   * (protocol choice 23). Global Payments' LocalDetailReport pages the same
   * way (globalpayments/dotnet-sdk PaxController BuildReportTransaction sends
   * the record number; LocalDetailReport.cs reads TotalRecord/RecordNumber).
   */
  async detailReport(opts?: { timeoutMs?: number; maxRecords?: number }): Promise<TerminalRecord[]> {
    const timeoutMs = opts?.timeoutMs ?? this.timeouts.adminMs;
    const max = opts?.maxRecords ?? MAX_BATCH_RECORDS;
    const records: TerminalRecord[] = [];
    let total = 1;
    for (let n = 0; n < total; n++) {
      if (n >= max) throw new OutcomeUnknownError('bad_response', `The terminal reports ${total} records in its batch, more than the ${max} read`, { requestSent: true });
      const res = await this.request({ command: 'R02', recordNumber: n }, timeoutMs, 'batch report');
      if (res.command !== 'R03') throw this.unexpected(res, 'batch report');
      if (res.resultCode === PAX_RESULT_NOT_FOUND) break; // an empty batch
      if (res.resultCode !== PAX_RESULT.approved) {
        throw new OutcomeUnknownError('bad_response', `The terminal could not report its batch: ${res.resultCode} ${res.resultText}`, { requestSent: true });
      }
      total = res.totalRecords;
      if (res.record) records.push(this.toRecord(res.record, res.record.trace.ecrRef ?? ''));
    }
    return records;
  }

  private toRecord(r: PaxReportRecord, ecrRef: string): TerminalRecord {
    const state = r.additional.OFFLINE?.toLowerCase();
    const offline = state === 'pending' || state === 'uploaded' || state === 'upload_failed' ? state : undefined;
    const result = this.toResult(r, r.resultCode, r.resultText, ecrRef);
    // A record keeps its 000001 after the upload: whether its token is still
    // the temporary one is the store-and-forward state's to say (item 25).
    if (offline !== undefined) {
      if (result.token !== undefined && offline !== 'uploaded') result.temporaryToken = true;
      else delete result.temporaryToken;
    }
    return {
      transactionType: r.transType ?? 'unknown',
      kind: transactionKindOf(r.transType),
      result,
      voided: r.additional.VOIDED === '1',
      ...(offline !== undefined ? { offline } : {}),
    };
  }

  /**
   * B08 → B09: the PIN pad uploads its store-and-forward queue (the newly
   * stored records: pax-protocol-choices.ts item 25). Resolves how many the
   * host accepted and how many it declined. Rejects with OutcomeUnknownError
   * when the pad could not upload (host still unreachable) or did not answer:
   * the queue stays on the pad, call again later; lookup() tells each
   * record's state either way.
   */
  async forwardStored(opts?: { timeoutMs?: number }): Promise<{ uploaded: number; failed: number }> {
    const res = await this.request({ command: 'B08', safIndicator: 'new' }, opts?.timeoutMs ?? this.timeouts.batchMs, 'store-and-forward upload');
    if (res.command !== 'B09') throw this.unexpected(res, 'store-and-forward upload');
    if (res.resultCode !== PAX_RESULT.approved) {
      throw new OutcomeUnknownError('bad_response', `The terminal could not upload its stored transactions: ${res.resultCode} ${res.resultText}`, {
        requestSent: true,
      });
    }
    return { uploaded: res.uploadedCount, failed: res.failedCount };
  }

  /** B00 → B01. */
  async batchClose(opts?: { timeoutMs?: number }): Promise<BatchCloseResult> {
    const res = await this.request({ command: 'B00', timestamp: paxTimestamp(this.clock()) }, opts?.timeoutMs ?? this.timeouts.batchMs, 'batch close');
    if (res.command !== 'B01') throw this.unexpected(res, 'batch close');
    return {
      resultCode: res.resultCode,
      resultText: res.resultText,
      batchNumber: res.host.batchNumber,
      totalCount: res.totalCount,
      totalAmount: res.totalAmount,
      terminalId: res.terminalId,
      merchantId: res.merchantId,
      timestamp: res.timestamp,
    };
  }

  /** Releases the transport. */
  async close(): Promise<void> {
    await this.transport.close();
    this.setStatus({ state: 'disconnected', reason: 'closed' });
  }

  private async credit(
    transType: PaxTransType,
    req: Partial<FollowUpRequest> & { ecrRef: string; invoice: string },
    followUp = false,
  ): Promise<TerminalResult> {
    const paxReq = this.buildCredit(transType, req, followUp);
    const timeoutMs = req.timeoutMs ?? this.timeouts.transactionMs;
    // Settles true when this transaction gets a definite answer (a T01 or an EOT), false otherwise: what cancel() waits for.
    let settle: (definite: boolean) => void = () => undefined;
    const definite = new Promise<boolean>((resolve) => (settle = resolve));
    this.creditsInFlight.add(definite);
    try {
      const res = await this.request(
        paxReq,
        timeoutMs,
        transType,
        (f) => {
          // A T01 echoing another ECR ref answers some earlier request: not ours.
          const echoed = f[9]?.[1] ?? '';
          return echoed === '' || echoed === req.ecrRef;
        },
        paxReq.reportStatus ? (f) => this.onStatusFrame(f, transType) : undefined,
      );
      if (res.command !== 'T01') throw this.unexpected(res, transType);
      settle(true);
      return this.creditResult(res, req.ecrRef);
    } catch (err) {
      if (err instanceof PaxRefusedError) {
        settle(true);
        // EOT: the terminal did not take the request (pax-protocol-choices.ts item 12).
        return { outcome: 'aborted', resultCode: 'EOT', resultText: 'Refused by the terminal', ecrRef: req.ecrRef, amountApproved: 0, amountDue: 0 };
      }
      throw err;
    } finally {
      settle(false);
      this.creditsInFlight.delete(definite);
    }
  }

  private buildCredit(transType: PaxTransType, req: Partial<FollowUpRequest> & { ecrRef: string; invoice: string }, followUp: boolean): PaxCreditRequest {
    if (typeof req.ecrRef !== 'string' || !isValidEcrRef(req.ecrRef)) {
      throw new TerminalRequestError(`ECR reference must be 1-16 letters and digits, got "${maskUnbrokenPans(String(req.ecrRef).slice(0, 20))}"`);
    }
    const amountOptional = transType === 'tokenize' || transType === 'void';
    if (req.amount !== undefined || !amountOptional) {
      if (!isValidAmount(req.amount) || req.amount <= 0) {
        throw new TerminalRequestError(`Amount must be a positive whole number of minor units (e.g. 1250 for 12.50), got ${String(req.amount)}`);
      }
    }
    if (req.timeoutMs !== undefined && (!Number.isSafeInteger(req.timeoutMs) || req.timeoutMs <= 0)) {
      throw new TerminalRequestError(`timeoutMs must be a positive whole number of milliseconds, got ${String(req.timeoutMs)}`);
    }
    if (followUp && !req.originalTerminalRef && !req.originalHostRef && !req.originalEcrRef) {
      throw new TerminalRequestError(`A ${transType} needs the original transaction: its terminal reference, host reference or ECR reference`);
    }
    if (req.originalEcrRef !== undefined && !isValidEcrRef(req.originalEcrRef)) {
      throw new TerminalRequestError('Original ECR reference must be 1-16 letters and digits');
    }
    const extras = [req.tipAmount, req.cashBackAmount, req.feeAmount, req.taxAmount];
    for (const x of extras) {
      if (x !== undefined && (!isValidAmount(x) || x < 0)) {
        throw new TerminalRequestError(`Tip, cash back, fee and tax must be whole non-negative minor units, got ${String(x)}`);
      }
    }
    const added = (req.tipAmount ?? 0) + (req.cashBackAmount ?? 0) + (req.feeAmount ?? 0);
    if (added > 0 && (req.amount === undefined || added >= req.amount)) {
      throw new TerminalRequestError('Tip, cash back and fee are parts of the amount and must leave a positive base amount');
    }
    return {
      command: 'T00',
      transType,
      // The amount subfield is the base: total minus tip, cash back and fee (item 19).
      amount: req.amount === undefined ? undefined : req.amount - added,
      tipAmount: req.tipAmount || undefined,
      cashBackAmount: req.cashBackAmount || undefined,
      feeAmount: req.feeAmount || undefined,
      taxAmount: req.taxAmount || undefined,
      ecrRef: req.ecrRef,
      invoice: req.invoice,
      origRef: req.originalTerminalRef,
      origEcrRef: req.originalEcrRef,
      hostRef: req.originalHostRef,
      clerkId: req.clerkId,
      allowDuplicate: req.allowDuplicate === true,
      timestamp: paxTimestamp(this.clock()),
      tokenRequest: transType === 'tokenize' || req.requestToken === true ? true : undefined,
      signatureRequest: req.requestSignature === true ? true : undefined,
      // HTTP has no channel for status frames (pax-protocol-choices.ts item 15).
      reportStatus: this.transport.kind !== 'http',
    };
  }

  /**
   * An intermediate status frame (pax-protocol-choices.ts item 15): shown as the
   * prompt, never taken as the answer. One whose content cannot be read is
   * still a status frame (acknowledged, ignored): it must not end the wait.
   */
  private onStatusFrame(fields: string[][], label: string): boolean {
    if (!isStatusFrame(fields)) return false;
    let prompt: TerminalPrompt;
    try {
      prompt = decodeStatusReport(fields).prompt;
    } catch {
      return true;
    }
    const now = this.current;
    if (now.state === 'busy' && now.command === label && now.prompt === prompt) return true;
    this.setStatus({ state: 'busy', command: label, prompt });
    return true;
  }

  private creditResult(res: PaxCreditResponse, ecrRef: string): TerminalResult {
    return this.toResult(res, res.resultCode, res.resultText, ecrRef);
  }

  private toResult(body: PaxTransactionBody, resultCode: string, resultText: string, ecrRef: string): TerminalResult {
    const outcome = outcomeForAnswer(resultCode, resultText);
    const expiry = expiryFromMmyy(body.account.expiry);
    const token = body.additional.TOKEN;
    const signature = signatureOutcome(body.additional[PAX_SIGNATURE_STATUS_KEY]);
    return {
      outcome,
      ...(isDeclineByFault(outcome, resultText) ? { declinedByFault: true } : {}),
      resultCode,
      resultText,
      ecrRef: body.trace.ecrRef ?? ecrRef,
      terminalRef: body.trace.terminalRef,
      // The follow-up reference is additional info HRef (read case-insensitively);
      // host subfield 4 is the host's own reference, kept apart (item 1).
      hostRef: body.additional.HREF ?? body.host.hostRef,
      hostReferenceNumber: body.host.hostRef,
      authCode: body.host.authCode,
      amountApproved: body.amountApproved,
      amountDue: body.amountDue,
      tipAmount: body.tipAmount,
      cashBackAmount: body.cashBackAmount,
      feeAmount: body.feeAmount,
      taxAmount: body.taxAmount,
      batchNumber: body.host.batchNumber,
      maskedPan: body.account.maskedPan,
      cardBrand: body.account.cardBrand,
      entryMode: body.account.entryMode,
      token,
      // An offline approval's token is the pad's stand-in: the host never saw the card (item 25).
      ...(token !== undefined && outcome === 'approved_offline' ? { temporaryToken: true } : {}),
      ...(expiry ? { expiryMonth: expiry.month, expiryYear: expiry.year } : {}),
      ...(signature ? { signature } : {}),
      timestamp: body.trace.timestamp,
    };
  }

  /**
   * Encodes, sends, decodes one request. Validation errors become
   * TerminalRequestError (nothing sent); an answer that cannot be decoded
   * becomes OutcomeUnknownError; status events follow the link.
   */
  private async request(
    req: PaxRequest,
    timeoutMs: number,
    label: string,
    acceptMore: (fields: string[][]) => boolean = () => true,
    progress?: (fields: string[][]) => boolean,
    more: Pick<PaxExchangeOptions, 'refuseWhileOwed'> = {},
  ): Promise<PaxResponse> {
    let frame: Buffer;
    try {
      frame = encodeFrame(encodeRequest(req));
    } catch (err) {
      if (err instanceof PaxMessageError || err instanceof PaxFrameError) throw new TerminalRequestError(`The ${label} request is invalid: ${err.message}`);
      throw err;
    }
    const expected = RESPONSE_OF[req.command];
    this.inFlight++;
    this.setStatus({ state: 'busy', command: label, ...(req.command === 'T00' ? { prompt: 'present_card' as const } : {}) });
    try {
      const fields = await this.transport.exchange(frame, {
        timeoutMs,
        label,
        accept: (f) => responseCommand(f) === expected && acceptMore(f),
        progress,
        expects: expected,
        ...more,
      });
      let res: PaxResponse;
      try {
        res = decodeResponse(fields);
      } catch (err) {
        throw new OutcomeUnknownError('bad_response', `The terminal's answer to the ${label} request could not be read: ${(err as Error).message}`, {
          requestSent: true,
          cause: err,
        });
      }
      this.settleStatus({ state: 'connected' });
      return res;
    } catch (err) {
      if (err instanceof PaxLineOwesAnswerError) this.settleStatus({ state: 'connected' });
      else if (err instanceof TerminalUnavailableError) this.settleStatus({ state: 'disconnected', reason: err.message });
      else if (err instanceof OutcomeUnknownError && err.reason === 'link_lost') this.settleStatus({ state: 'disconnected', reason: err.message });
      else this.settleStatus({ state: 'connected' });
      throw err;
    } finally {
      this.inFlight--;
    }
  }

  private unexpected(res: PaxResponse, label: string): OutcomeUnknownError {
    return new OutcomeUnknownError('bad_response', `The terminal answered the ${label} request with ${res.command}`, { requestSent: true });
  }

  /** Leaves 'busy' only when nothing else is in flight (a cancel may overlap a sale). */
  private settleStatus(next: TerminalStatus): void {
    if (this.inFlight > 1 && next.state !== 'disconnected') return;
    this.setStatus(next);
  }

  private setStatus(next: TerminalStatus): void {
    this.current = next;
    for (const l of [...this.listeners]) {
      try {
        l(next);
      } catch {
        // A faulty listener must not break a payment in flight.
      }
    }
  }
}

/**
 * False for an R03 holding a record of another ECR ref: the late answer to an
 * earlier lookup, never this one's. An undecodable answer is let through, so
 * the lookup reports it as unreadable (in doubt) rather than waiting it out.
 */
export function reportIsFor(fields: string[][], ecrRef: string): boolean {
  let res: PaxResponse;
  try {
    res = decodeResponse(fields);
  } catch {
    return true;
  }
  const ref = res.command === 'R03' ? res.record?.trace.ecrRef : undefined;
  return ref === undefined || ref === '' || ref === ecrRef;
}
