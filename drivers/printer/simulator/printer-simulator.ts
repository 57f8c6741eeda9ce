// A receipt printer simulator on real TCP (port 0 by default) and on a serial
// endpoint (one end of a socat pair). It records the text lines and cuts a
// real printer would produce, answers DLE EOT status requests with the bytes a
// real printer sends, and can be set out of paper, cover open, or dead (no
// answer at all). A fault set stops printing as a real printer does: the data
// it receives meanwhile is dropped and counted.

import net from 'node:net';
import { SerialPort } from 'serialport';
import { encodeStatus } from '../escpos-status.ts';
import { EscPosStreamParser } from '../escpos-stream-parser.ts';
import { settledWithin, withTimeout } from '../../with-timeout.ts';

/** Longest close() waits for the server or a port to let go. */
const CLOSE_TIMEOUT_MS = 3000;

/** A receipt that came out of the printer. */
export interface PrintedReceipt {
  lines: string[];
  /** False while the paper was not cut yet. */
  cut: boolean;
}

/** Faults the simulator can be set to. */
export interface SimulatedFaults {
  paperOut: boolean;
  paperNearEnd: boolean;
  coverOpen: boolean;
  error: boolean;
  /** Dead printer: never answers and never prints. */
  noAnswer: boolean;
}

interface Endpoint {
  parser: EscPosStreamParser;
  reply: (bytes: Buffer) => void;
}

/** A simulated ESC/POS printer. */
export class PrinterSimulator {
  /** Receipts finished by a cut, oldest first. */
  readonly receipts: PrintedReceipt[] = [];
  /** Status requests answered so far. */
  statusRequests = 0;
  /** Text bytes received while the printer could not print. */
  droppedBytes = 0;
  private faults: SimulatedFaults = { paperOut: false, paperNearEnd: false, coverOpen: false, error: false, noAnswer: false };
  private paperLines = Infinity;
  private current: PrintedReceipt = { lines: [], cut: false };
  private line = '';
  private readonly sockets = new Set<net.Socket>();
  private readonly serials: SerialPort[] = [];

  private constructor(private readonly server: net.Server) {}

  /** Starts the TCP side on 127.0.0.1 (port 0: any free port). */
  static async start(port = 0): Promise<PrinterSimulator> {
    const server = net.createServer();
    const sim = new PrinterSimulator(server);
    server.on('connection', (socket) => sim.acceptSocket(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return sim;
  }

  /** TCP port the simulator listens on. */
  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Also serves a serial endpoint (e.g. one side of a socat pty pair). */
  async attachSerial(path: string, baudRate = 9600): Promise<void> {
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    await withTimeout(
      new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve()))),
      5000,
      () => new Error(`Opening simulator serial endpoint ${path} took too long`),
    );
    port.on('error', () => undefined);
    const endpoint: Endpoint = { parser: new EscPosStreamParser(), reply: (b) => port.write(b) };
    port.on('data', (chunk: Buffer) => this.receive(endpoint, chunk));
    this.serials.push(port);
  }

  /** Sets or clears faults. */
  setFaults(faults: Partial<SimulatedFaults>): void {
    this.faults = { ...this.faults, ...faults };
  }

  /** Loads a roll that lasts `lines` more lines (endless by default) and clears paper out. */
  loadPaper(lines = Infinity): void {
    this.paperLines = lines;
    this.faults.paperOut = false;
  }

  /** Lines printed since the last cut. */
  get uncutLines(): string[] {
    return [...this.current.lines];
  }

  /** Every line printed, cut or not. */
  get allLines(): string[] {
    return [...this.receipts.flatMap((r) => r.lines), ...this.current.lines];
  }

  /** Stops both sides and drops every connection. */
  async close(): Promise<void> {
    // Stop accepting before dropping connections, so none arrives after the sweep and holds close() open.
    const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await Promise.all([
      ...this.serials.splice(0).map((p) => (p.isOpen ? settledWithin(new Promise<void>((resolve) => p.close(() => resolve())), CLOSE_TIMEOUT_MS) : true)),
      settledWithin(serverClosed, CLOSE_TIMEOUT_MS).then((closed) => {
        if (!closed) this.server.unref();
      }),
    ]);
  }

  private acceptSocket(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    const endpoint: Endpoint = { parser: new EscPosStreamParser(), reply: (b) => socket.write(b) };
    socket.on('data', (chunk) => this.receive(endpoint, chunk));
  }

  private canPrint(): boolean {
    const f = this.faults;
    return !f.paperOut && !f.coverOpen && !f.error && !f.noAnswer;
  }

  private receive(endpoint: Endpoint, chunk: Buffer): void {
    for (const event of endpoint.parser.push(chunk)) {
      switch (event.type) {
        case 'status_request':
          if (this.faults.noAnswer) break;
          this.statusRequests++;
          endpoint.reply(Buffer.from([encodeStatus(event.n, { ...this.faults, online: this.canPrint() })]));
          break;
        case 'text':
          if (this.canPrint()) this.line += event.text;
          else this.droppedBytes += event.text.length;
          break;
        case 'newline':
          this.feedLine();
          break;
        case 'cut':
          if (!this.canPrint()) break;
          this.current.cut = true;
          this.receipts.push(this.current);
          this.current = { lines: [], cut: false };
          break;
        case 'init':
          this.line = '';
          break;
      }
    }
  }

  private feedLine(): void {
    if (!this.canPrint()) return;
    this.current.lines.push(this.line.trimEnd());
    this.line = '';
    this.paperLines--;
    if (this.paperLines <= 0) this.faults.paperOut = true;
  }
}
