// PAX over HTTP: GET http://host:port/?<base64 of the request frame>, the body
// is the raw response frame (pax-protocol-choices.ts item 9). There is no
// ACK/NAK here and no way to cancel: a damaged answer cannot be asked for
// again, so it is an OutcomeUnknownError like any other lost answer. Nor can
// the terminal report its progress (present card, PIN, authorising) while a
// sale runs: one GET has one body, so the driver does not ask for status frames
// over HTTP (pax-protocol-choices.ts item 15) and `progress` is never called.

import http from 'node:http';
import { OutcomeUnknownError, TerminalUnavailableError } from '../terminal.ts';
import { FrameDecoder, MAX_FRAME_BYTES } from './pax-frame.ts';
import { PaxRefusedError, type PaxExchangeOptions, type PaxTransport } from './pax-transport.ts';

/** Where the terminal's HTTP server listens. */
export interface PaxHttpOptions {
  host: string;
  port: number;
  /** Give up connecting after this many ms (nothing is sent before connecting). */
  connectTimeoutMs?: number;
}

/** PAX POSLink over HTTP GET. */
export class PaxHttpTransport implements PaxTransport {
  readonly kind = 'http' as const;
  private readonly agent = new http.Agent({ keepAlive: false });
  /** Abort functions of the requests in flight. */
  private readonly pending = new Set<() => void>();
  private closed = false;

  constructor(private readonly opts: PaxHttpOptions) {}

  /** One GET per request. */
  exchange(frame: Buffer, opts: PaxExchangeOptions): Promise<string[][]> {
    if (this.closed) return Promise.reject(new TerminalUnavailableError('The PAX HTTP link is closed'));
    return new Promise((resolve, reject) => {
      let connected = false;
      let settled = false;
      const where = `${this.opts.host}:${this.opts.port}`;
      const connectMs = this.opts.connectTimeoutMs ?? 3000;
      const req = http.request({
        host: this.opts.host,
        port: this.opts.port,
        path: `/?${frame.toString('base64')}`,
        method: 'GET',
        agent: this.agent,
      });
      const abort = () =>
        connected
          ? unknown('link_lost', `The PAX HTTP link was closed during the ${opts.label} request, before its answer arrived`)
          : settle(new TerminalUnavailableError(`The PAX HTTP link was closed; the ${opts.label} request was not sent`));
      this.pending.add(abort);
      const timers: NodeJS.Timeout[] = [];
      const settle = (err: Error | null, fields?: string[][]) => {
        if (settled) return;
        settled = true;
        for (const t of timers) clearTimeout(t);
        this.pending.delete(abort);
        req.destroy();
        if (err) reject(err);
        else resolve(fields ?? []);
      };
      const unknown = (reason: 'timeout' | 'link_lost' | 'bad_response', msg: string, cause?: unknown) =>
        settle(new OutcomeUnknownError(reason, msg, { requestSent: true, cause }));
      timers.push(
        setTimeout(() => {
          if (!connected) settle(new TerminalUnavailableError(`Could not connect to the terminal at ${where} within ${connectMs} ms; the ${opts.label} request was not sent`));
        }, connectMs),
      );
      req.on('socket', (socket) => {
        socket.once('connect', () => {
          connected = true;
          // Settled already (closed, gave up connecting): no answer timer to hold the process.
          if (settled) return;
          timers.push(setTimeout(() => unknown('timeout', `No answer from the terminal to the ${opts.label} request within ${opts.timeoutMs} ms`), opts.timeoutMs));
        });
      });
      req.on('error', (err) => {
        if (!connected) {
          settle(
            new TerminalUnavailableError(
              `Could not connect to the terminal at ${where} (${(err as NodeJS.ErrnoException).code ?? err.message}); the ${opts.label} request was not sent`,
              { cause: err },
            ),
          );
        } else unknown('link_lost', `The link to the terminal was lost during the ${opts.label} request, before its answer arrived`, err);
      });
      req.on('response', (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          unknown('bad_response', `The terminal answered the ${opts.label} request with HTTP ${res.statusCode}`);
          return;
        }
        const decoder = new FrameDecoder();
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > MAX_FRAME_BYTES * 2) {
            unknown('bad_response', `The terminal's answer to the ${opts.label} request is too long`);
            return;
          }
          for (const item of decoder.push(chunk)) {
            if (item.type === 'frame' && opts.accept(item.fields)) settle(null, item.fields);
            else if (item.type === 'eot') settle(new PaxRefusedError(opts.label));
            else if (item.type === 'nak') {
              // No resend over HTTP: the terminal did not take the frame, nothing was processed.
              settle(new TerminalUnavailableError(`The terminal rejected the ${opts.label} request frame (NAK); it was not processed. Check the network.`));
            }
            else if (item.type === 'error') unknown('bad_response', `The terminal's answer to the ${opts.label} request is damaged (${item.error.code})`, item.error);
          }
        });
        res.on('end', () => unknown('bad_response', `The terminal's answer to the ${opts.label} request held no usable frame`));
        res.on('error', (err) => unknown('link_lost', `The link to the terminal was lost while reading the ${opts.label} answer`, err));
      });
      req.end();
    });
  }

  /** Aborts every request in flight and frees the agent. */
  async close(): Promise<void> {
    this.closed = true;
    for (const abort of [...this.pending]) abort();
    this.agent.destroy();
  }
}
