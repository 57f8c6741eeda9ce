// Byte pipes to a receipt printer: raw TCP (port 9100) and a serial port. Both
// can be reopened after close, so the driver can drop a connection that may
// still deliver a late answer and start clean.

import net from 'node:net';
import { SerialPort } from 'serialport';
import { withTimeout } from '../with-timeout.ts';

/** A connection to a printer. */
export interface PrinterTransport {
  /** For messages: where the printer is. */
  readonly description: string;
  /** True while a connection is open. */
  readonly isOpen: boolean;
  /** Opens the connection; rejects with a clear Error within `timeoutMs`. */
  open(timeoutMs: number): Promise<void>;
  /** Sends bytes; resolves once handed to the OS. */
  write(bytes: Uint8Array, timeoutMs: number): Promise<void>;
  /** Called for every chunk the printer sends. */
  onData(listener: (chunk: Buffer) => void): void;
  /** Called when the connection ends for any reason. */
  onClose(listener: (reason: string) => void): void;
  /** Closes the connection, if open. */
  close(): Promise<void>;
}

abstract class BaseTransport implements PrinterTransport {
  abstract readonly description: string;
  abstract readonly isOpen: boolean;
  protected dataListeners: Array<(chunk: Buffer) => void> = [];
  protected closeListeners: Array<(reason: string) => void> = [];
  abstract open(timeoutMs: number): Promise<void>;
  abstract write(bytes: Uint8Array, timeoutMs: number): Promise<void>;
  abstract close(): Promise<void>;
  onData(listener: (chunk: Buffer) => void): void {
    this.dataListeners.push(listener);
  }
  onClose(listener: (reason: string) => void): void {
    this.closeListeners.push(listener);
  }
  protected emitData(chunk: Buffer): void {
    for (const l of this.dataListeners) l(chunk);
  }
  protected emitClose(reason: string): void {
    for (const l of this.closeListeners) l(reason);
  }
  protected timedOut(what: string, ms: number): () => Error {
    return () => new Error(`${what} ${this.description} took longer than ${ms} ms`);
  }
}

/** Raw TCP to a network printer (JetDirect-style port 9100). */
export class TcpPrinterTransport extends BaseTransport {
  readonly description: string;
  private socket?: net.Socket;

  constructor(private readonly host: string, private readonly port = 9100) {
    super();
    this.description = `the printer at ${host}:${port}`;
  }

  get isOpen(): boolean {
    return !!this.socket && !this.socket.destroyed;
  }

  async open(timeoutMs: number): Promise<void> {
    if (this.isOpen) return;
    const socket = net.connect({ host: this.host, port: this.port });
    socket.setNoDelay(true);
    const connected = new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', (err) => reject(new Error(`Could not connect to ${this.description}: ${err.message}`)));
    });
    try {
      await withTimeout(connected, timeoutMs, this.timedOut('Connecting to', timeoutMs));
    } catch (err) {
      socket.destroy();
      throw err;
    }
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => this.emitData(chunk));
    socket.on('close', () => {
      // A close we asked for is not news; only an unexpected one is reported.
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.emitClose(`the connection to ${this.description} closed`);
    });
    this.socket = socket;
  }

  async write(bytes: Uint8Array, timeoutMs: number): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.destroyed) throw new Error(`Not connected to ${this.description}`);
    const written = new Promise<void>((resolve, reject) => {
      socket.write(bytes, (err) => (err ? reject(new Error(`Sending to ${this.description} failed: ${err.message}`)) : resolve()));
    });
    await withTimeout(written, timeoutMs, this.timedOut('Sending to', timeoutMs));
  }

  async close(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
  }
}

/** A serial (RS-232 or USB-serial) printer. */
export class SerialPrinterTransport extends BaseTransport {
  readonly description: string;
  private port?: SerialPort;

  constructor(private readonly path: string, private readonly baudRate = 9600) {
    super();
    this.description = `the printer on ${path}`;
  }

  get isOpen(): boolean {
    return !!this.port?.isOpen;
  }

  async open(timeoutMs: number): Promise<void> {
    if (this.isOpen) return;
    const port = new SerialPort({ path: this.path, baudRate: this.baudRate, autoOpen: false });
    const opened = new Promise<void>((resolve, reject) => {
      port.open((err) => (err ? reject(new Error(`Could not open ${this.description}: ${err.message}`)) : resolve()));
    });
    try {
      await withTimeout(opened, timeoutMs, this.timedOut('Opening', timeoutMs));
    } catch (err) {
      // A port that opens after we gave up is closed, not left holding the device (and the process).
      opened.then(() => port.close(() => undefined), () => undefined);
      throw err;
    }
    port.on('error', () => undefined);
    port.on('data', (chunk: Buffer) => this.emitData(chunk));
    port.on('close', () => {
      if (this.port !== port) return;
      this.port = undefined;
      this.emitClose(`${this.description} was closed`);
    });
    this.port = port;
  }

  async write(bytes: Uint8Array, timeoutMs: number): Promise<void> {
    const port = this.port;
    if (!port?.isOpen) throw new Error(`${this.description} is not open`);
    const written = new Promise<void>((resolve, reject) => {
      port.write(Buffer.from(bytes), (err) => {
        if (err) return reject(new Error(`Sending to ${this.description} failed: ${err.message}`));
        port.drain((e) => (e ? reject(new Error(`Sending to ${this.description} failed: ${e.message}`)) : resolve()));
      });
    });
    await withTimeout(written, timeoutMs, this.timedOut('Sending to', timeoutMs));
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = undefined;
    if (!port?.isOpen) return;
    await withTimeout(new Promise<void>((resolve) => port.close(() => resolve())), 2000, this.timedOut('Closing', 2000)).catch(() => undefined);
  }
}
