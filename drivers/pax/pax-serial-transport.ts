// PAX over RS-232 (serialport): one port kept open, one request at a time, and
// the A14 cancel written on the same port while a transaction waits. Frames are
// routed by what each exchange accepts: the A15 to the cancel, the T01 to the
// transaction; anything else (a late answer to a request that already timed
// out) is acknowledged and dropped.

import { SerialPort } from 'serialport';
import { OutcomeUnknownError, TerminalUnavailableError } from '../terminal.ts';
import { settledWithin, withTimeout } from '../with-timeout.ts';
import { ACK, FrameDecoder } from './pax-frame.ts';
import { PAX_DEFAULT_BAUD } from './pax-protocol-choices.ts';
import { PaxExchangeSession, PaxLineOwesAnswerError, PaxRefusedError, responseCommand, type PaxExchangeOptions, type PaxTransport } from './pax-transport.ts';

/** Longest close() waits for the port to let go; the pending exchanges fail either way. */
const CLOSE_TIMEOUT_MS = 3000;

/**
 * How long after a cancel gave up waiting its EOT may still arrive. Real
 * terminals answer A14 with EOT (pax-protocol-choices.ts item 3); one that
 * comes after the cancel stopped listening must not be read as the next
 * request's refusal, which would call a sale the terminal is running "not
 * charged". Swallowing a genuine refusal instead only costs a lookup.
 */
const STRAY_CANCEL_EOT_MS = 30_000;

/**
 * How long an answer the line still owes is expected after its request gave
 * up waiting (pax-protocol-choices.ts item 14). A terminal runs one request at
 * a time, in order: a lookup written behind a sale is answered after that sale,
 * and a lookup that timed out is still answered later, possibly while the next
 * lookup waits. Past this, an answer that never came is taken as lost (a
 * dropped frame), so one loss cannot keep lookups off the line for good.
 */
const OWED_ANSWER_MS = 20_000;

/** An answer the terminal still owes to a request that stopped waiting for it. */
interface OwedAnswer {
  /** Answer command (T01, R03…). */
  expects: string;
  /** The request's own test of its answer (a T01 echoes the ECR ref it answers). */
  accept: (fields: string[][]) => boolean;
  until: number;
}

/** Which port and how fast. */
export interface PaxSerialOptions {
  path: string;
  /** Default 9600 (8N1, pax-protocol-choices.ts item 7). */
  baudRate?: number;
  /** How long a late answer is still expected after its request gave up; default OWED_ANSWER_MS. */
  owedAnswerMs?: number;
  /** Give up opening the port after this many ms. */
  openTimeoutMs?: number;
}

/** PAX POSLink over a serial port. */
export class PaxSerialTransport implements PaxTransport {
  readonly kind = 'serial' as const;
  private port: SerialPort | undefined;
  private opening: Promise<SerialPort> | undefined;
  private readonly decoder = new FrameDecoder();
  private main: PaxExchangeSession | undefined;
  private cancelSession: PaxExchangeSession | undefined;
  /** Whichever session wrote last: a NAK from the terminal is about its frame. */
  private lastWriter: PaxExchangeSession | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** EOTs still owed by cancels that stopped waiting, and until when one is expected. */
  private owedCancelEots = 0;
  private owedUntil = 0;
  /** Answers still owed to requests that gave up (timed out after being written), oldest first. */
  private owedAnswers: OwedAnswer[] = [];

  constructor(private readonly opts: PaxSerialOptions) {}

  /** Runs one exchange once every earlier one has finished. */
  exchange(frame: Buffer, opts: PaxExchangeOptions): Promise<string[][]> {
    const run = this.queue.then(() => this.run(frame, opts, 'main'));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Writes the A14 now, alongside the exchange in flight. */
  cancel(frame: Buffer, opts: PaxExchangeOptions): Promise<string[][]> {
    if (this.cancelSession && !this.cancelSession.finished) {
      return Promise.reject(new TerminalUnavailableError('A cancel is already waiting for the terminal'));
    }
    return this.run(frame, opts, 'cancel');
  }

  /** Closes the port; pending exchanges fail with OutcomeUnknownError. */
  async close(): Promise<void> {
    this.closed = true;
    const port = this.port ?? (await this.opening?.catch(() => undefined));
    this.port = undefined;
    if (port?.isOpen) await settledWithin(new Promise<void>((resolve) => port.close(() => resolve())), CLOSE_TIMEOUT_MS);
    this.dropAll();
  }

  /** How many answers the line still owes (expired ones dropped), for tests and diagnostics. */
  owedAnswerCount(): number {
    this.expireOwed();
    return this.owedAnswers.length;
  }

  private expireOwed(): void {
    const now = Date.now();
    this.owedAnswers = this.owedAnswers.filter((o) => o.until > now);
  }

  private async run(frame: Buffer, opts: PaxExchangeOptions, slot: 'main' | 'cancel'): Promise<string[][]> {
    if (opts.refuseWhileOwed && opts.expects !== undefined) {
      this.expireOwed();
      if (this.owedAnswers.some((o) => o.expects === opts.expects)) {
        throw new PaxLineOwesAnswerError(
          `The terminal still owes the answer to an earlier request of this kind; the ${opts.label} request was not sent, so that answer cannot be taken for its own`,
        );
      }
    }
    const port = await this.open(opts.label);
    const session: PaxExchangeSession = new PaxExchangeSession(
      (b) => {
        this.lastWriter = session;
        port.write(b);
      },
      frame,
      opts,
    );
    if (slot === 'main') this.main = session;
    else this.cancelSession = session;
    session.start();
    try {
      const answer = await session.done;
      // A terminal answers in the order it took requests: once this one is
      // answered, every earlier one was answered or never will be.
      if (slot === 'main') this.owedAnswers = [];
      return answer;
    } catch (err) {
      // A cancel that got no EOT (it timed out) may still get one later: expect it.
      if (slot === 'cancel' && !(err instanceof PaxRefusedError)) {
        this.owedCancelEots++;
        this.owedUntil = Date.now() + STRAY_CANCEL_EOT_MS;
      }
      // A request written and then given up on (no answer in time, answer
      // unreadable, link dropped) may still be answered: the terminal queues it.
      if (slot === 'main' && err instanceof OutcomeUnknownError && opts.expects !== undefined) {
        this.owedAnswers.push({ expects: opts.expects, accept: opts.accept, until: Date.now() + (this.opts.owedAnswerMs ?? OWED_ANSWER_MS) });
      }
      throw err;
    } finally {
      if (this.main === session) this.main = undefined;
      if (this.cancelSession === session) this.cancelSession = undefined;
    }
  }

  private open(label: string): Promise<SerialPort> {
    if (this.closed) return Promise.reject(new TerminalUnavailableError('The PAX serial link is closed'));
    if (this.port?.isOpen) return Promise.resolve(this.port);
    if (this.opening) return this.opening;
    const timeoutMs = this.opts.openTimeoutMs ?? 3000;
    this.opening = this.openPort(label, timeoutMs).finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  private async openPort(label: string, timeoutMs: number): Promise<SerialPort> {
    const port = new SerialPort({
      path: this.opts.path,
      baudRate: this.opts.baudRate ?? PAX_DEFAULT_BAUD,
      dataBits: 8,
      parity: 'none',
      stopBits: 1,
      autoOpen: false,
    });
    const opened = new Promise<void>((resolve, reject) =>
      port.open((err) =>
        err
          ? reject(
              new TerminalUnavailableError(`Could not open serial port ${this.opts.path} (${err.message}); the ${label} request was not sent. Check the cable and the port name.`, {
                cause: err,
              }),
            )
          : resolve(),
      ),
    );
    try {
      await withTimeout(opened, timeoutMs, () =>
        new TerminalUnavailableError(`Could not open serial port ${this.opts.path} within ${timeoutMs} ms; the ${label} request was not sent`));
    } catch (err) {
      // A port that opens after we gave up is closed, not left holding the device.
      opened.then(() => port.close(() => undefined), () => undefined);
      throw err;
    }
    this.attach(port);
    return port;
  }

  private attach(port: SerialPort): void {
    this.port = port;
    this.decoder.reset();
    port.on('data', (chunk: Buffer) => this.onData(port, chunk));
    port.on('error', (err) => this.onLost(port, err));
    port.on('close', () => this.onLost(port));
  }

  private onData(port: SerialPort, chunk: Buffer): void {
    for (const item of this.decoder.push(chunk)) {
      const main = this.main;
      const cancel = this.cancelSession;
      switch (item.type) {
        case 'frame':
          if (cancel?.onItem(item)) break;
          // In order: the oldest request still owed an answer it would accept
          // gets this frame before the request now waiting does.
          if (this.takeOwed(item.fields)) {
            port.write(Buffer.from([ACK]));
            break;
          }
          if (main?.onItem(item)) break;
          // A late answer nobody waits for: acknowledge it so the terminal stops resending.
          port.write(Buffer.from([ACK]));
          break;
        case 'nak':
          (this.lastWriter && !this.lastWriter.finished ? this.lastWriter : (main ?? cancel))?.onItem(item);
          break;
        case 'ack':
          main?.onItem(item);
          cancel?.onItem(item);
          break;
        case 'eot':
          // The A14 was written after the request in flight, and a terminal
          // that took that request answers it with a frame, not an EOT: an EOT
          // while a cancel waits is the cancel's answer.
          if (cancel?.onItem(item)) break;
          if (this.owedCancelEots > 0 && Date.now() < this.owedUntil) {
            this.owedCancelEots--;
            break;
          }
          this.owedCancelEots = 0;
          main?.onItem(item);
          break;
        case 'error':
          (main ?? cancel)?.onItem(item);
          break;
      }
    }
  }

  /** True when the frame answers a request that gave up on it (then no longer owed). */
  private takeOwed(fields: string[][]): boolean {
    this.expireOwed();
    const command = responseCommand(fields);
    const at = this.owedAnswers.findIndex((o) => o.expects === command && o.accept(fields));
    if (at < 0) return false;
    this.owedAnswers.splice(at, 1);
    return true;
  }

  private onLost(port: SerialPort, cause?: unknown): void {
    if (this.port === port) this.port = undefined;
    this.decoder.reset();
    this.main?.onLinkLost(cause);
    this.cancelSession?.onLinkLost(cause);
  }

  private dropAll(): void {
    this.main?.onLinkLost();
    this.cancelSession?.onLinkLost();
  }
}
