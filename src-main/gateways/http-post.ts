// One HTTP POST on a fresh connection, with one deadline for the whole exchange.
// A fresh connection per request (no keep-alive) matters for payments: a reused
// socket that the server already closed fails in a way that cannot tell
// "never received" from "received", and every such failure would become an
// in-doubt payment.

import http from 'node:http';
import https from 'node:https';
import { GatewayUnavailableError, unavailableAdvice } from './gateway-errors.ts';

/** What to post. */
export interface PostOptions {
  url: string;
  body: string;
  contentType: string;
  accept?: string;
  /** Deadline for connect, send and the whole answer, in ms. */
  timeoutMs: number;
  /** Largest answer accepted, in bytes. */
  maxResponseBytes?: number;
  /** Who we talk to, for messages: "payment gateway", "processor". */
  peer?: string;
}

/** A complete HTTP answer. */
export interface PostResult {
  status: number;
  contentType: string;
  body: string;
}

/** Posts once; rejects with GatewayUnavailableError on any link failure, a 5xx or a 4xx. */
export function postOnce(opts: PostOptions): Promise<PostResult> {
  const url = new URL(opts.url);
  const peer = opts.peer ?? 'payment gateway';
  const where = `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
  const maxBytes = opts.maxResponseBytes ?? 16 * 1024 * 1024;
  const request = url.protocol === 'https:' ? https.request : http.request;
  return new Promise<PostResult>((resolve, reject) => {
    let connected = false;
    let settled = false;
    const fail = (reason: GatewayUnavailableError['reason'], what: string, extra: Record<string, unknown>, cause?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      // Connected means bytes may have left: from then on the outcome is unknown.
      const sent = reason === 'http_status' ? (extra.status as number) >= 500 : connected;
      // A 4xx is a refusal, not a network problem: say so.
      const advice = reason === 'http_status' && !sent ? 'It refused the request, so nothing was charged: check the gateway URL and settings.' : unavailableAdvice(sent);
      reject(new GatewayUnavailableError(reason, sent, `The ${peer} at ${where} ${what}. ${advice}`, { peer: where, ...extra }, { cause }));
    };
    const req = request(url, {
      method: 'POST',
      agent: false,
      headers: {
        'content-type': opts.contentType,
        'content-length': Buffer.byteLength(opts.body),
        connection: 'close',
        ...(opts.accept ? { accept: opts.accept } : {}),
      },
    });
    const timer = setTimeout(() => fail('timeout', `did not answer within ${opts.timeoutMs} ms`, { timeoutMs: opts.timeoutMs }), opts.timeoutMs);
    req.on('socket', (socket) => socket.once('connect', () => (connected = true)));
    req.on('error', (err: NodeJS.ErrnoException) =>
      fail(connected ? 'reset' : 'connect_failed', connected ? 'dropped the connection before answering' : 'could not be reached', { errno: err.code }, err),
    );
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) fail('response_too_large', `sent an answer larger than ${maxBytes} bytes`, { maxBytes });
        else chunks.push(chunk);
      });
      res.on('error', (err) => fail('reset', 'dropped the connection while answering', {}, err));
      res.on('aborted', () => fail('reset', 'dropped the connection while answering', {}));
      res.on('end', () => {
        if (settled) return;
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          fail('http_status', `answered HTTP ${status}`, { status });
          return;
        }
        settled = true;
        clearTimeout(timer);
        resolve({ status, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.end(opts.body);
  });
}
