// ESC/POS receipt printer driver. It asks the printer's real-time status
// (DLE EOT 1, 2, 4) before printing, so a receipt is not sent into a printer
// that cannot print it, and again after, so the app knows when a receipt did
// not come out. Every wait has a timeout; a silent printer is reported, never
// waited on forever.

import { buildReceipt, type ReceiptData, type ReceiptLayout } from './receipt-template.ts';
import {
  decodeStatus, isStatusByte, statusRequest, STATUS_OFFLINE_CAUSE, STATUS_PAPER, STATUS_PRINTER, type PrinterCondition,
} from './escpos-status.ts';
import { TcpPrinterTransport, SerialPrinterTransport, type PrinterTransport } from './printer-transport.ts';
import { withTimeout } from '../with-timeout.ts';

/** Why a printer cannot print. `no_answer`: the receipt was sent, then the printer went silent. */
export type PrinterProblem = 'paper_out' | 'cover_open' | 'offline' | 'error' | 'no_answer';

/** What the printer can do now. */
export type PrinterStatus =
  | { ready: true; paperNearEnd: boolean; message: string }
  | { ready: false; problem: Exclude<PrinterProblem, 'no_answer'>; message: string };

/** Outcome of a print. `sent` says whether any byte of the receipt reached the printer. */
export type PrintResult =
  | { printed: true; paperNearEnd: boolean }
  | { printed: false; reason: PrinterProblem; sent: boolean; message: string };

/** Options of a printer. */
export interface EscPosPrinterOptions {
  transport: PrinterTransport;
  /** Longest wait for a connection or a status answer, ms (default 2000). */
  timeoutMs?: number;
  /** Longest wait for the receipt bytes to be handed over, ms (default 10000). */
  writeTimeoutMs?: number;
  layout?: ReceiptLayout;
}

/** A printer on the network, default port 9100. */
export function tcpPrinter(host: string, port = 9100, options: Omit<EscPosPrinterOptions, 'transport'> = {}): EscPosPrinter {
  return new EscPosPrinter({ ...options, transport: new TcpPrinterTransport(host, port) });
}

/** A printer on a serial port. */
export function serialPrinter(path: string, baudRate = 9600, options: Omit<EscPosPrinterOptions, 'transport'> = {}): EscPosPrinter {
  return new EscPosPrinter({ ...options, transport: new SerialPrinterTransport(path, baudRate) });
}

class NoAnswerError extends Error {}

const ADVICE: Record<Exclude<PrinterProblem, 'no_answer' | 'offline'>, string> = {
  paper_out: 'The printer is out of paper. Load a new roll',
  cover_open: 'The printer cover is open. Close it',
  error: 'The printer reports an error. Switch it off and on',
};

/** An ESC/POS receipt printer. */
export class EscPosPrinter {
  private readonly transport: PrinterTransport;
  private readonly timeoutMs: number;
  private readonly writeTimeoutMs: number;
  private readonly layout: ReceiptLayout;
  private received: number[] = [];
  private waiter?: { resolve: (b: number) => void; reject: (e: Error) => void };
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: EscPosPrinterOptions) {
    this.transport = options.transport;
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.writeTimeoutMs = options.writeTimeoutMs ?? 10_000;
    this.layout = options.layout ?? {};
    this.transport.onData((chunk) => {
      for (const b of chunk) this.received.push(b);
      this.deliver();
    });
    this.transport.onClose((reason) => this.waiter?.reject(new NoAnswerError(reason)));
  }

  /** Asks the printer whether it can print now. */
  status(): Promise<PrinterStatus> {
    return this.exclusive(() => this.readStatus());
  }

  /** Prints a receipt (or ready-made ESC/POS bytes) and says whether it came out. */
  async print(receipt: ReceiptData | Uint8Array): Promise<PrintResult> {
    // Build first: a receipt refused for card data must throw, not be reported as a printer fault.
    const bytes = receipt instanceof Uint8Array ? receipt : buildReceipt(receipt, this.layout);
    return this.exclusive(() => this.printBytes(bytes));
  }

  /** Closes the connection. */
  close(): Promise<void> {
    return this.exclusive(() => this.transport.close());
  }

  private async printBytes(bytes: Uint8Array): Promise<PrintResult> {
    const before = await this.readStatus();
    if (!before.ready) return { printed: false, reason: before.problem, sent: false, message: `${before.message} The receipt was not printed.` };
    try {
      await this.transport.write(bytes, this.writeTimeoutMs);
    } catch (err) {
      await this.transport.close();
      return { printed: false, reason: 'offline', sent: true, message: `${(err as Error).message}. The receipt may not have printed; check the printer and reprint.` };
    }
    const after = await this.readStatus();
    if (after.ready) return { printed: true, paperNearEnd: after.paperNearEnd };
    if (after.problem === 'offline') {
      return { printed: false, reason: 'no_answer', sent: true, message: `The receipt was sent but ${this.transport.description} stopped answering. Check the printer and reprint if nothing came out.` };
    }
    return { printed: false, reason: after.problem, sent: true, message: `${after.message} The receipt may be incomplete; reprint it.` };
  }

  private async readStatus(): Promise<PrinterStatus> {
    let condition: PrinterCondition;
    try {
      await this.transport.open(this.timeoutMs);
      this.received = [];
      const printer = await this.ask(STATUS_PRINTER);
      const cause = await this.ask(STATUS_OFFLINE_CAUSE);
      const paper = await this.ask(STATUS_PAPER);
      condition = decodeStatus(printer, cause, paper);
    } catch (err) {
      // A late answer must not be read as the answer to a later question: start clean.
      await this.transport.close();
      const why = err instanceof NoAnswerError ? err.message : (err as Error).message;
      return { ready: false, problem: 'offline', message: `The printer is offline: ${why}. Check that it is switched on and connected.` };
    }
    const problem = condition.coverOpen ? 'cover_open' : condition.paperOut ? 'paper_out' : condition.error ? 'error' : !condition.online ? 'offline' : null;
    if (problem === 'offline') return { ready: false, problem, message: 'The printer reports it is offline. Check its panel and press its online button if it has one.' };
    if (problem) return { ready: false, problem, message: `${ADVICE[problem]}, then try again.` };
    return { ready: true, paperNearEnd: condition.paperNearEnd, message: condition.paperNearEnd ? 'The printer is ready; its paper is running low.' : 'The printer is ready.' };
  }

  private async ask(n: number): Promise<number> {
    await this.transport.write(statusRequest(n), this.timeoutMs);
    const answered = new Promise<number>((resolve, reject) => {
      this.waiter = {
        resolve: (b) => { this.waiter = undefined; resolve(b); },
        reject: (e) => { this.waiter = undefined; reject(e); },
      };
      this.deliver();
    });
    const answer = await withTimeout(answered, this.timeoutMs, () => {
      this.waiter = undefined;
      return new NoAnswerError(`${this.transport.description} did not answer a status request within ${this.timeoutMs} ms`);
    });
    if (!isStatusByte(answer)) throw new Error(`${this.transport.description} answered a status request with an unexpected byte 0x${answer.toString(16)}`);
    return answer;
  }

  private deliver(): void {
    if (this.waiter && this.received.length > 0) this.waiter.resolve(this.received.shift() as number);
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
