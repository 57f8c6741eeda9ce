// PAX over TCP: one connection per request (protocols.md). A cancel is just
// another connection carrying A14 while the transaction's connection waits.

import net from 'node:net';
import { TerminalUnavailableError } from '../terminal.ts';
import { withTimeout } from '../with-timeout.ts';
import { FrameDecoder } from './pax-frame.ts';
import { PaxExchangeSession, type PaxExchangeOptions, type PaxTransport } from './pax-transport.ts';

/** Where the terminal listens. */
export interface PaxTcpOptions {
  host: string;
  port: number;
  /** Give up connecting after this many ms (nothing is sent before connecting). */
  connectTimeoutMs?: number;
}

/** PAX POSLink over TCP. */
export class PaxTcpTransport implements PaxTransport {
  readonly kind = 'tcp' as const;
  private readonly sockets = new Set<net.Socket>();
  private closed = false;

  constructor(private readonly opts: PaxTcpOptions) {}

  /** Opens a connection, runs one exchange, closes the connection. */
  async exchange(frame: Buffer, opts: PaxExchangeOptions): Promise<string[][]> {
    if (this.closed) throw new TerminalUnavailableError('The PAX TCP link is closed');
    const socket = await this.connect(opts.label);
    const decoder = new FrameDecoder();
    const session = new PaxExchangeSession((b) => void socket.write(b), frame, opts);
    socket.on('data', (chunk: Buffer) => {
      for (const item of decoder.push(chunk)) session.onItem(item);
    });
    socket.on('error', (err) => session.onLinkLost(err));
    socket.on('close', () => session.onLinkLost());
    socket.on('end', () => session.onLinkLost());
    session.start();
    try {
      return await session.done;
    } finally {
      // After our ACK there is nothing more to say; end lets the ACK reach the terminal.
      socket.end();
      socket.destroySoon();
      setTimeout(() => socket.destroy(), 1000).unref();
    }
  }

  /** A14 on its own connection. */
  cancel(frame: Buffer, opts: PaxExchangeOptions): Promise<string[][]> {
    return this.exchange(frame, opts);
  }

  /** Destroys every open connection. */
  async close(): Promise<void> {
    this.closed = true;
    // Pending exchanges see 'close' and fail as link_lost (OutcomeUnknownError).
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  private async connect(label: string): Promise<net.Socket> {
    const timeoutMs = this.opts.connectTimeoutMs ?? 3000;
    const socket = net.createConnection({ host: this.opts.host, port: this.opts.port });
    socket.setNoDelay(true);
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    let onError: (err: Error) => void = () => undefined;
    let onClose: () => void = () => undefined;
    const connected = new Promise<void>((resolve, reject) => {
      onError = (err) =>
        reject(
          new TerminalUnavailableError(`Could not connect to the terminal at ${this.where()} (${(err as NodeJS.ErrnoException).code ?? err.message}); the ${label} request was not sent. Check that it is on and on the network.`, {
            cause: err,
          }),
        );
      socket.once('error', onError);
      socket.once('connect', () => resolve());
      // close() destroys a connecting socket without an 'error': fail now, not at the connect timeout.
      onClose = () => reject(new TerminalUnavailableError(`The PAX TCP link was closed; the ${label} request was not sent`));
      socket.once('close', onClose);
    });
    try {
      await withTimeout(connected, timeoutMs, () =>
        new TerminalUnavailableError(`Could not connect to the terminal at ${this.where()} within ${timeoutMs} ms; the ${label} request was not sent`));
    } catch (err) {
      // onError stays attached: a late error from the dying socket must not go unhandled.
      socket.destroy();
      throw err;
    }
    socket.off('error', onError);
    // Once connected the exchange owns 'close'; left attached, this one would
    // build an error (stack trace and all) at every connection's end for nothing.
    socket.off('close', onClose);
    return socket;
  }

  private where(): string {
    return `${this.opts.host}:${this.opts.port}`;
  }
}
