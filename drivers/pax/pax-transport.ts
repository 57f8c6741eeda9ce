// The link between the driver and a PAX terminal, whatever carries it (TCP,
// serial, HTTP), plus the ACK/NAK exchange both stream transports share.
//
// Failure semantics, the heart of "never taken twice":
// - nothing written yet (connect refused, port missing) → TerminalUnavailableError;
// - written, then no answer / link lost / answer undecodable → OutcomeUnknownError.
//   The request is never written again after a timeout. The only resend of a
//   request is the protocol's own: the terminal answered NAK (it did not take
//   the frame) before acknowledging it.

import { OutcomeUnknownError, TerminalUnavailableError } from '../terminal.ts';
import { ACK, NAK, type DecodedItem, type PaxFrameError } from './pax-frame.ts';
import { PAX_MAX_NAK_RETRIES } from './pax-protocol-choices.ts';

/** Options of one request/response exchange. */
export interface PaxExchangeOptions {
  /** Give up waiting for the answer this many ms after the request was written. */
  timeoutMs: number;
  /** True for the frame that answers this request; others are acknowledged and ignored (stale answers). */
  accept: (fields: string[][]) => boolean;
  /** Short name for error messages, e.g. "sale". */
  label: string;
  /**
   * True for an intermediate status frame of this request (pax-protocol-choices.ts
   * item 15): it is acknowledged and handed over here, and the exchange keeps
   * waiting for its answer. Checked before `accept`, so it can never settle it.
   */
  progress?: (fields: string[][]) => boolean;
  /** An EOT answers this request even after it was acknowledged (A14: terminals answer a cancel with EOT). */
  eotAnswers?: boolean;
  /** Command of the answer (T01, R03…): a shared line keeps count of the answers it is still owed by kind. */
  expects?: string;
  /**
   * Do not write this request while the line still owes an answer of the same
   * kind to an earlier request that gave up on it: that late answer would be
   * read as this one's (a "not found" names no ECR ref). Refused with
   * TerminalUnavailableError (nothing written), which a lookup reports as
   * "the terminal did not answer".
   */
  refuseWhileOwed?: boolean;
}

/** A link to a PAX terminal. */
export interface PaxTransport {
  /** Which carrier this is. */
  readonly kind: 'tcp' | 'serial' | 'http';
  /** Sends a request frame and resolves the fields of the answer. */
  exchange(frame: Buffer, opts: PaxExchangeOptions): Promise<string[][]>;
  /** Sends an A14 while another exchange may be in flight; absent where cancel cannot reach the device. */
  cancel?(frame: Buffer, opts: PaxExchangeOptions): Promise<string[][]>;
  /** Releases sockets and ports; pending exchanges fail with OutcomeUnknownError. */
  close(): Promise<void>;
}

/** The terminal answered EOT: it refused the message and did not process it. */
export class PaxRefusedError extends Error {
  override readonly name = 'PaxRefusedError';
  constructor(label: string) {
    super(`The terminal refused the ${label} request (EOT); it was not processed`);
  }
}

/**
 * The request was not written because the line still owes an earlier request
 * of its kind an answer (PaxExchangeOptions.refuseWhileOwed). The terminal is
 * there, just not yet able to answer this one unambiguously.
 */
export class PaxLineOwesAnswerError extends TerminalUnavailableError {
  /** Always true: tells this refusal from a terminal that is really gone. */
  readonly lineOwesAnswer = true;
}

/** Command code of a decoded response (second field), or ''. */
export function responseCommand(fields: string[][]): string {
  return fields[1]?.[0] ?? '';
}

/**
 * One request/response exchange over a byte stream: writes the request, answers
 * ACK to the response (or NAK to a damaged one, up to PAX_MAX_NAK_RETRIES),
 * resends the request only on a NAK received before any ACK, and settles
 * exactly once. The transport feeds it what the decoder produced.
 */
export class PaxExchangeSession {
  /** Resolves with the answer's fields; rejects with a typed error. */
  readonly done: Promise<string[][]>;
  private resolveDone!: (fields: string[][]) => void;
  private rejectDone!: (err: Error) => void;
  private settled = false;
  private written = false;
  private acked = false;
  private naksReceived = 0;
  private naksSent = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: (bytes: Buffer) => void,
    private readonly request: Buffer,
    private readonly opts: PaxExchangeOptions,
  ) {
    this.done = new Promise((resolve, reject) => {
      this.resolveDone = resolve;
      this.rejectDone = reject;
    });
    // Callers may settle the session before anyone awaits it.
    this.done.catch(() => undefined);
  }

  /** True once settled. */
  get finished(): boolean {
    return this.settled;
  }

  /** Writes the request and starts the answer timer. */
  start(): void {
    this.timer = setTimeout(() => {
      this.fail(
        new OutcomeUnknownError('timeout', `No answer from the terminal to the ${this.opts.label} request within ${this.opts.timeoutMs} ms`, {
          requestSent: this.written,
        }),
      );
    }, this.opts.timeoutMs);
    this.send(this.request);
  }

  /** Feeds one decoded item; returns false for a frame this exchange did not accept. */
  onItem(item: DecodedItem): boolean {
    if (this.settled) return false;
    switch (item.type) {
      case 'ack':
        this.acked = true;
        return true;
      case 'nak':
        return this.onNak();
      case 'eot':
        // Once the terminal acknowledged this request, an EOT cannot be its
        // refusal: on a shared serial line it answers a cancel. Taking it as
        // "refused, not processed" would call a sale in progress not charged.
        if (this.acked && !this.opts.eotAnswers) return false;
        this.fail(new PaxRefusedError(this.opts.label));
        return true;
      case 'error':
        return this.onDamaged(item.error);
      case 'frame':
        if (this.opts.progress?.(item.fields)) {
          this.send(Buffer.from([ACK]));
          return true;
        }
        if (!this.opts.accept(item.fields)) return false;
        this.send(Buffer.from([ACK]));
        this.succeed(item.fields);
        return true;
    }
  }

  /** The link closed or failed. */
  onLinkLost(cause?: unknown): void {
    if (this.settled) return;
    const msg = this.written
      ? `The link to the terminal was lost during the ${this.opts.label} request, before its answer arrived`
      : `The link to the terminal was lost before the ${this.opts.label} request was sent`;
    this.fail(
      this.written ? new OutcomeUnknownError('link_lost', msg, { requestSent: true, cause }) : new TerminalUnavailableError(msg, { cause }),
    );
  }

  /** Settles with an error from outside (transport closed, write failed…). */
  fail(err: Error): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.rejectDone(err);
  }

  private succeed(fields: string[][]): void {
    this.settled = true;
    clearTimeout(this.timer);
    this.resolveDone(fields);
  }

  private send(bytes: Buffer): void {
    try {
      this.write(bytes);
      this.written = true;
    } catch (err) {
      this.onLinkLost(err);
    }
  }

  private onNak(): boolean {
    // After the terminal acknowledged the request a NAK cannot be about it.
    if (this.acked) return true;
    this.naksReceived++;
    if (this.naksReceived > PAX_MAX_NAK_RETRIES) {
      this.fail(
        new TerminalUnavailableError(
          `The terminal rejected the ${this.opts.label} request frame ${this.naksReceived} times (NAK); it was not processed. Check the cable or network.`,
        ),
      );
    } else {
      this.send(this.request);
    }
    return true;
  }

  private onDamaged(error: PaxFrameError): boolean {
    this.naksSent++;
    if (this.naksSent > PAX_MAX_NAK_RETRIES) {
      this.fail(
        new OutcomeUnknownError(
          'bad_response',
          `The terminal's answer to the ${this.opts.label} request arrived damaged ${this.naksSent} times (${error.code})`,
          { requestSent: true, cause: error },
        ),
      );
    } else {
      this.send(Buffer.from([NAK]));
    }
    return true;
  }
}
