// Browser-mode transport: a WebSocket to the headless host on loopback that
// reconnects with capped exponential backoff. Commands are never queued while
// disconnected: a command replayed after a reconnect could act twice, so it
// fails at once and the cashier decides.

import {
  Listeners,
  NotConnectedError,
  type ConnectionState,
  type RendererTransport,
} from './client-transport.ts';

/** The subset of the WebSocket API used here (the browser's, or `ws` in tests). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}

/** Options for the reconnecting transport; the timer functions are injectable for tests. */
export interface WebSocketTransportOptions {
  createSocket?: (url: string) => WebSocketLike;
  /** First reconnect delay. */
  minDelayMs?: number;
  /** Largest reconnect delay. */
  maxDelayMs?: number;
  /** A connection attempt that has not opened by then is abandoned and retried. */
  connectTimeoutMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

const OPEN = 1;

/** Delay before reconnect attempt n (0-based): min·2ⁿ, capped at max. */
export function backoffDelay(attempt: number, minDelayMs: number, maxDelayMs: number): number {
  return Math.min(maxDelayMs, minDelayMs * 2 ** Math.min(attempt, 30));
}

/** The host URL for browser mode: same host as the page, token from the page's query string. */
export function hostSocketUrl(location: { protocol: string; host: string; search: string }): string {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/ipc?token=${encodeURIComponent(token)}`;
}

/** A WebSocket transport that reconnects with backoff until closed. */
export class WebSocketTransport implements RendererTransport {
  private readonly messages = new Listeners<string>();
  private readonly states = new Listeners<ConnectionState>();
  private socket: WebSocketLike | undefined;
  private timer: unknown;
  private failures = 0;
  private current: ConnectionState = 'connecting';
  private readonly opts: Required<WebSocketTransportOptions>;

  constructor(
    private readonly url: string,
    options: WebSocketTransportOptions = {},
  ) {
    this.opts = {
      createSocket: options.createSocket ?? ((u) => new WebSocket(u) as unknown as WebSocketLike),
      minDelayMs: options.minDelayMs ?? 250,
      maxDelayMs: options.maxDelayMs ?? 5000,
      connectTimeoutMs: options.connectTimeoutMs ?? 5000,
      setTimer: options.setTimer ?? ((fn, ms) => setTimeout(fn, ms)),
      clearTimer: options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>)),
    };
    this.connect();
  }

  get state(): ConnectionState {
    return this.current;
  }

  send(text: string): void {
    if (this.current !== 'open' || !this.socket || this.socket.readyState !== OPEN) throw new NotConnectedError();
    this.socket.send(text);
  }

  onMessage(cb: (text: string) => void): () => void {
    return this.messages.add(cb);
  }

  onState(cb: (state: ConnectionState) => void): () => void {
    return this.states.add(cb);
  }

  close(): void {
    if (this.current === 'closed') return;
    this.setState('closed');
    this.cancelTimer();
    this.dropSocket();
    this.messages.clear();
    this.states.clear();
  }

  private connect(): void {
    let socket: WebSocketLike;
    try {
      socket = this.opts.createSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    this.startTimer(() => this.onLost(socket), this.opts.connectTimeoutMs);
    socket.onopen = () => {
      if (socket !== this.socket) return;
      this.cancelTimer();
      this.failures = 0;
      this.setState('open');
    };
    socket.onmessage = (ev) => {
      if (socket === this.socket && typeof ev.data === 'string') this.messages.emit(ev.data);
    };
    // onerror is always followed by onclose; reconnecting is handled there.
    socket.onerror = () => {};
    socket.onclose = () => this.onLost(socket);
  }

  private onLost(socket: WebSocketLike): void {
    if (socket !== this.socket || this.current === 'closed') return;
    this.dropSocket();
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.setState('reconnecting');
    const delay = backoffDelay(this.failures++, this.opts.minDelayMs, this.opts.maxDelayMs);
    this.startTimer(() => {
      if (this.current !== 'closed') this.connect();
    }, delay);
  }

  private dropSocket(): void {
    const s = this.socket;
    this.socket = undefined;
    if (!s) return;
    s.onopen = s.onclose = null;
    // A no-op, not null: some implementations (ws) throw on an unhandled error from close() while connecting.
    s.onerror = () => {};
    s.onmessage = null;
    try {
      s.close();
    } catch {
      // Closing a socket that never opened can throw in some engines; it is gone either way.
    }
  }

  private startTimer(fn: () => void, ms: number): void {
    this.cancelTimer();
    this.timer = this.opts.setTimer(() => {
      this.timer = undefined;
      fn();
    }, ms);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.opts.clearTimer(this.timer);
    this.timer = undefined;
  }

  private setState(state: ConnectionState): void {
    if (state === this.current) return;
    this.current = state;
    this.states.emit(state);
  }
}
