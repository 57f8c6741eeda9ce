// The PaymentTerminal interface every PIN-pad driver implements (PAX POSLink over
// TCP, serial and HTTP; the simulated cruise PIN-pad service later). The payment
// coordinator only ever talks to this interface, and one shared contract suite
// (terminal.contract.ts) runs against every implementation.
//
// Two rules shape it:
// - An answer that never came is an OutcomeUnknownError, never a decline or an
//   abort: the coordinator must then resolve it by asking (lookup), not by
//   resending or reversing.
// - Results never carry a full card number: only the masked number (first 6 /
//   last 4), brand and entry mode. Requests never carry card data at all: the
//   card is read by the PIN pad.

import type { CardBrand, EntryMode } from '../src-shared/card.ts';

/** What the PIN pad is doing right now, for the status bar and the payment screen. */
export type TerminalStatus =
  | { state: 'disconnected'; reason?: string }
  | { state: 'connected' }
  | { state: 'busy'; command: string; prompt?: TerminalPrompt };

/** The prompt the PIN pad shows the customer while a transaction runs. */
export type TerminalPrompt = 'present_card' | 'enter_pin' | 'authorising' | 'signature' | 'remove_card' | 'processing';

/** Who made the device and which one it is. */
export interface TerminalIdentity {
  /** Driver family, e.g. "pax". */
  vendor: string;
  /** Device model as reported, e.g. "A920". */
  model: string;
  /** Serial number as reported. */
  serialNumber: string;
  /** Protocol version spoken, e.g. "1.28". */
  protocolVersion: string;
}

/** Outcome class of a definite answer from the device. */
export type TerminalOutcome =
  | 'approved'
  | 'approved_offline'
  | 'partially_approved'
  | 'declined'
  | 'aborted'
  | 'duplicate'
  | 'error';

/**
 * What a device's transaction record was, in the payment kinds the register
 * resolves (the driver maps its own wire names to these; 'other' for balance
 * inquiries, tokenisation and the like, which move no money).
 */
export type TerminalTransactionKind = 'sale' | 'refund' | 'void' | 'pre_auth' | 'incremental' | 'capture' | 'adjust' | 'other';

/** A definite answer to a transaction request. */
export interface TerminalResult {
  /**
   * Outcome class derived from the result code and, where a device reports a
   * duplicate only in words, its text (one place: the driver).
   */
  outcome: TerminalOutcome;
  /**
   * A decline the device worded as an error (a host or link fault rather than
   * the issuer's no): the register runs Find Missing Payments to be sure.
   */
  declinedByFault?: boolean;
  /** Raw device result code, e.g. "000000". */
  resultCode: string;
  /** Device result text, e.g. "APPROVED". */
  resultText: string;
  /** ECR reference echoed by the device. */
  ecrRef: string;
  /** Device's own transaction number. */
  terminalRef?: string;
  /**
   * Reference for follow-ups (void, adjust, capture): PAX additional info HRef
   * when the device sent one, else the host reference subfield.
   */
  hostRef?: string;
  /** The host's own reference number (PAX host subfield 4), kept apart from hostRef. */
  hostReferenceNumber?: string;
  /** Authorisation code from the issuer. */
  authCode?: string;
  /** Approved amount in minor units (may be less than requested: partial approval). */
  amountApproved: number;
  /** Amount still due in minor units after a partial approval. */
  amountDue: number;
  /** Tip, cash back, fee and tax the device reports, minor units (absent when it reported none). */
  tipAmount?: number;
  cashBackAmount?: number;
  feeAmount?: number;
  taxAmount?: number;
  /** Batch the transaction landed in. */
  batchNumber?: string;
  /** Masked card number, first 6 / last 4 at most, e.g. "411111******1111". */
  maskedPan?: string;
  /** Card brand. */
  cardBrand?: CardBrand;
  /** How the card was read. */
  entryMode?: EntryMode;
  /** Reusable card token, when one was requested. */
  token?: string;
  /**
   * True when the host could not be reached and the PIN pad approved offline,
   * keeping the transaction in its store-and-forward queue: `token` is then a
   * temporary one (seed 002 table 4-22, CCA_STATUS 0 / CCA_QSTATUS 8), replaced
   * by the real token once the queue is uploaded (see forwardStored and lookup).
   */
  temporaryToken?: boolean;
  /**
   * Card expiry month (1-12) and 4-digit year: with token, masked number and
   * brand the only card data a purser may store.
   */
  expiryMonth?: number;
  expiryYear?: number;
  /**
   * Signature capture on the PIN pad after approval, when requested:
   * 'cancelled' means the customer cancelled it and the register must not
   * register the card (seed 002 table 4-7 #5). The PIN pad has then voided its
   * own authorisation, so no hold remains on the card.
   */
  signature?: 'captured' | 'cancelled';
  /** Device timestamp, YYYYMMDDhhmmss as sent. */
  timestamp?: string;
}

/** Common fields of every transaction request. */
export interface TransactionRequest {
  /** Stable ECR reference for this ticket payment slot (≤16 letters and digits). */
  ecrRef: string;
  /** Invoice sent to the host; the gateway's duplicate check keys on it. */
  invoice: string;
  /** Amount in integer minor units, > 0. */
  amount: number;
  /** Clerk id, for the device's reports. */
  clerkId?: string;
  /** Give up waiting after this many ms; the result is then OutcomeUnknownError. */
  timeoutMs?: number;
  /** Allow the device/host to accept a deliberate duplicate (never set on a retry). */
  allowDuplicate?: boolean;
  /**
   * Tip included in `amount` (the total charged), minor units. PAX gets it as
   * its own subfield after the amount minus tip, cash back and fee, as the
   * Cardknox SDK sends it: never dropped.
   */
  tipAmount?: number;
  /** Cash back included in `amount`, minor units. */
  cashBackAmount?: number;
  /** Merchant fee (surcharge) included in `amount`, minor units. */
  feeAmount?: number;
  /** Tax included in `amount`, minor units (reported, not added). */
  taxAmount?: number;
  /** Ask the PIN pad for a reusable card token with this transaction (purser card registration). */
  requestToken?: boolean;
  /** Ask for signature capture on the PIN pad after approval (see TerminalResult.signature). */
  requestSignature?: boolean;
}

/** A follow-up on an earlier transaction (void, capture, adjust, incremental). */
export interface FollowUpRequest extends TransactionRequest {
  /** Terminal reference of the original transaction. */
  originalTerminalRef?: string;
  /** Host reference of the original transaction. */
  originalHostRef?: string;
  /** ECR reference of the original transaction. */
  originalEcrRef?: string;
}

/** A row of the device's local detail report. */
export interface TerminalRecord {
  /** Transaction type as the device names it: sale, return, auth, void… (for logs and reports). */
  transactionType: string;
  /** The same, as a payment kind the register reasons on. */
  kind: TerminalTransactionKind;
  /** Final result of that transaction on the device. */
  result: TerminalResult;
  /** True when a later void/reversal cancelled it: an approved but voided record charged nothing. */
  voided?: boolean;
  /**
   * Store-and-forward state of a record approved offline: 'pending' (not yet
   * sent to the host), 'uploaded', or 'upload_failed' (the host declined it at
   * upload: approved at the counter, never charged). Absent for online records.
   */
  offline?: 'pending' | 'uploaded' | 'upload_failed';
}

/** Totals the device reports when it closes its batch. */
export interface BatchCloseResult {
  resultCode: string;
  resultText: string;
  batchNumber?: string;
  totalCount: number;
  /** Total amount in minor units. */
  totalAmount: number;
  terminalId?: string;
  merchantId?: string;
  timestamp?: string;
}

/** What a driver can do; the coordinator checks before asking. */
export interface TerminalCapabilities {
  preAuth: boolean;
  incrementalAuth: boolean;
  capture: boolean;
  tokenize: boolean;
  /** Whether cancel can reach the device while a transaction runs (not over HTTP). */
  cancel: boolean;
  localDetailReport: boolean;
}

/** Listener for status changes. */
export type TerminalStatusListener = (status: TerminalStatus) => void;

/** The interface every PIN-pad driver implements. */
export interface PaymentTerminal {
  /** Stable id of this configured device (from settings). */
  readonly id: string;
  /** What this driver supports. */
  readonly capabilities: TerminalCapabilities;
  /** Current status. */
  status(): TerminalStatus;
  /** Subscribe to status changes; returns the unsubscribe function. */
  onStatus(listener: TerminalStatusListener): () => void;
  /** Ask the device who it is (PAX A00); also a connection test. */
  identify(): Promise<TerminalIdentity>;
  /** Card sale. */
  sale(req: TransactionRequest): Promise<TerminalResult>;
  /** Return (refund) to a card. */
  refund(req: TransactionRequest): Promise<TerminalResult>;
  /** Void an earlier transaction in the open batch. */
  void(req: FollowUpRequest): Promise<TerminalResult>;
  /** Pre-authorisation (auth only). */
  preAuth(req: TransactionRequest): Promise<TerminalResult>;
  /** Incremental authorisation / adjust of an earlier auth. */
  incrementalAuth(req: FollowUpRequest): Promise<TerminalResult>;
  /** Capture (post-auth) of an earlier auth. */
  capture(req: FollowUpRequest): Promise<TerminalResult>;
  /** Tokenize the presented card without charging it. */
  tokenize(req: Omit<TransactionRequest, 'amount'> & { amount?: number }): Promise<TerminalResult>;
  /**
   * Ask the device to abort what it is doing. Resolves true when the device
   * confirmed the abort, false when it did not answer or refused: the
   * transaction in flight is then of unknown outcome.
   */
  cancel(): Promise<boolean>;
  /**
   * Look a transaction up in the device's local detail report by ECR reference.
   * Resolves the records found (empty when the device has none); rejects with
   * OutcomeUnknownError when the device cannot be asked.
   */
  lookup(ecrRef: string, opts?: { timeoutMs?: number }): Promise<TerminalRecord[]>;
  /**
   * The whole open batch (every record of the local detail report, any ECR
   * reference), oldest first; batch reconciliation reads it. Optional: a
   * driver without a detail report leaves it out and the batch screen says so.
   */
  detailReport?(opts?: { timeoutMs?: number; maxRecords?: number }): Promise<TerminalRecord[]>;
  /**
   * Ask the PIN pad to upload its store-and-forward queue now (the host link is
   * back). Afterwards lookup(ecrRef) reports each record with offline
   * 'uploaded' and the real token in result.token, or 'upload_failed' when the
   * host declined it at upload (seed 002 tables 4-17 #2, 4-18). Optional: a
   * driver whose device has no such queue leaves it out.
   */
  forwardStored?(opts?: { timeoutMs?: number }): Promise<{ uploaded: number; failed: number }>;
  /** Close the device's batch. */
  batchClose(opts?: { timeoutMs?: number }): Promise<BatchCloseResult>;
  /** Release sockets and ports. */
  close(): Promise<void>;
}

/**
 * The request may or may not have reached the device and the host: nobody
 * knows whether the card was charged. Resolve by lookup, never by resending.
 */
export class OutcomeUnknownError extends Error {
  override readonly name = 'OutcomeUnknownError';
  /** Why the outcome is unknown: timeout, link lost, bad frame, device reset… */
  readonly reason: 'timeout' | 'link_lost' | 'bad_response' | 'device_reset' | 'unanswered_cancel';
  /** Whether any byte of the request was written before the failure. */
  readonly requestSent: boolean;
  constructor(
    reason: OutcomeUnknownError['reason'],
    message: string,
    opts: { requestSent: boolean; cause?: unknown },
  ) {
    super(message, { cause: opts.cause });
    this.reason = reason;
    this.requestSent = opts.requestSent;
  }
}

/**
 * The device could not be reached at all and nothing was sent: safe to retry,
 * nothing can have been charged.
 */
export class TerminalUnavailableError extends Error {
  override readonly name = 'TerminalUnavailableError';
  constructor(message: string, opts?: { cause?: unknown }) {
    super(message, opts);
  }
}

/** The driver refused a request before sending it (bad amount, bad reference…). */
export class TerminalRequestError extends Error {
  override readonly name = 'TerminalRequestError';
  constructor(message: string) {
    super(message);
  }
}
