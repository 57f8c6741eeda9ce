// A deliberately raw ECR for testing the simulator: it writes frames and reads
// back exactly what the simulator sent (ACK, NAK, EOT, frames, bad frames),
// without the retry logic of the real driver, so tests see the wire itself.

import http from 'node:http';
import net from 'node:net';
import { ACK, encodeFrame, FrameDecoder, NAK, type DecodedItem } from '../pax-frame.ts';
import { decodeResponse, encodeRequest, type PaxRequest, type PaxResponse } from '../pax-messages.ts';

/** What a raw read produced: an item off the link, the link closing, or nothing in time. */
export type RawItem = DecodedItem | { type: 'closed' } | { type: 'timeout' };

/** A raw byte link to the simulator with a decoder on the read side. */
export class RawLink {
  private readonly decoder = new FrameDecoder();
  private readonly queue: RawItem[] = [];
  private waiter: ((item: RawItem) => void) | null = null;
  /** Every byte received, for tests that look at the wire. */
  readonly received: Buffer[] = [];

  constructor(private readonly writeBytes: (b: Buffer) => void) {}

  /** Feeds bytes read from the link. */
  onData(chunk: Buffer): void {
    this.received.push(Buffer.from(chunk));
    for (const item of this.decoder.push(chunk)) this.deliver(item);
  }

  /** Marks the link closed. */
  onClose(): void {
    this.deliver({ type: 'closed' });
  }

  /** Writes raw bytes. */
  write(bytes: Buffer): void {
    this.writeBytes(bytes);
  }

  /** Writes one request frame. */
  send(req: PaxRequest): void {
    this.write(encodeFrame(encodeRequest(req)));
  }

  /** The next item, or {type:'timeout'} after timeoutMs. */
  next(timeoutMs = 2000): Promise<RawItem> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve({ type: 'timeout' });
      }, timeoutMs);
      this.waiter = (item) => {
        clearTimeout(timer);
        this.waiter = null;
        resolve(item);
      };
    });
  }

  /** Next item that is a frame (ACKs it) or anything that ends the wait (closed, timeout, EOT, NAK, error). */
  async nextResponse(timeoutMs = 2000): Promise<RawItem> {
    for (;;) {
      const item = await this.next(timeoutMs);
      if (item.type === 'ack') continue;
      if (item.type === 'frame') this.write(Buffer.of(ACK));
      return item;
    }
  }

  /** Sends a request and returns the decoded response; throws when anything else came back. */
  async request(req: PaxRequest, timeoutMs = 2000): Promise<PaxResponse> {
    this.send(req);
    const item = await this.nextResponse(timeoutMs);
    if (item.type !== 'frame') throw new Error(`expected a response frame, got ${item.type}`);
    return decodeResponse(item.fields);
  }

  /** Sends NAK (ask for a resend). */
  nak(): void {
    this.write(Buffer.of(NAK));
  }

  private deliver(item: RawItem): void {
    if (this.waiter) this.waiter(item);
    else this.queue.push(item);
  }
}

/** Opens a TCP connection to the simulator. */
export async function connectTcp(port: number): Promise<{ link: RawLink; socket: net.Socket }> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.on('error', () => undefined);
  const link = new RawLink((b) => void (socket.writable && socket.write(b)));
  socket.on('data', (c) => link.onData(c));
  socket.on('close', () => link.onClose());
  return { link, socket };
}

/** One request over TCP on its own connection (as PAX ECRs commonly do). */
export async function tcpRequest(port: number, req: PaxRequest, timeoutMs = 2000): Promise<PaxResponse> {
  const { link, socket } = await connectTcp(port);
  try {
    return await link.request(req, timeoutMs);
  } finally {
    socket.destroy();
  }
}

/** What an HTTP exchange returned. */
export interface HttpAnswer {
  status: number;
  body: Buffer;
}

/** GET /?<base64 frame> to the simulator's HTTP endpoint. Rejects on timeout or a dropped connection. */
export function httpGet(port: number, frame: Buffer | string, timeoutMs = 2000): Promise<HttpAnswer> {
  const query = typeof frame === 'string' ? frame : encodeURIComponent(frame.toString('base64'));
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: `/?${query}`, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('response aborted')));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}
