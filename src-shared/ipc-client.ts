// The client side of the IPC contract, shared by the renderer (over the Electron
// preload or a WebSocket) and by tests (over any transport). Nothing here is
// Node-specific: it runs in the browser too.

import { AppError, isErrorPayload, type ErrorPayload } from './errors.ts';
import type {
  CommandName,
  EventName,
  Events,
  RequestEnvelope,
  RequestInputOf,
  ResultOf,
} from './ipc-contract.ts';

/** A duplex text channel to the host. */
export interface ClientTransport {
  send(text: string): void;
  /** Registers a listener for every message from the host; returns an unsubscribe. */
  onMessage(cb: (text: string) => void): () => void;
  close?(): void;
}

/** A failed call: carries the host's typed error payload. */
export class IpcError extends AppError {
  /** The payload as it came over the wire (or was made locally for a timeout). */
  readonly payload: ErrorPayload;
  constructor(payload: ErrorPayload) {
    super(payload.code, payload.message, payload.details);
    this.payload = payload;
  }
}

/** Options for an IpcClient. */
export interface IpcClientOptions {
  /** Milliseconds a call waits for its answer before it fails (default 15 000). */
  timeoutMs?: number;
}

interface Pending {
  method: string;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Calls commands and listens to events over one transport. */
export class IpcClient {
  private readonly transport: ClientTransport;
  private readonly timeoutMs: number;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(p: unknown) => void>>();
  private readonly unsubscribe: () => void;
  private nextId = 1;
  private closed = false;
  private session: string | undefined;

  constructor(transport: ClientTransport, opts: IpcClientOptions = {}) {
    this.transport = transport;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.unsubscribe = transport.onMessage((text) => this.receive(text));
  }

  /**
   * Sets (or with undefined, clears) the manager session token sent with every
   * following request; the host checks it on manager-only commands. Kept in
   * memory only: a reload signs the manager out.
   */
  setSession(token: string | undefined): void {
    this.session = token;
  }

  /** Sends a command; resolves with its result or rejects with an IpcError. */
  call<M extends CommandName>(
    method: M,
    params: RequestInputOf<M>,
    opts: { timeoutMs?: number } = {},
  ): Promise<ResultOf<M>> {
    if (this.closed) {
      return Promise.reject(new IpcError({ code: 'internal', message: 'The connection to the register host is closed. Restart the app.' }));
    }
    const id = this.nextId++;
    const envelope: RequestEnvelope = this.session === undefined ? { kind: 'request', id, method, params } : { kind: 'request', id, method, params, session: this.session };
    return new Promise<ResultOf<M>>((resolve, reject) => {
      const timeoutMs = opts.timeoutMs ?? this.timeoutMs;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new IpcError({
            code: 'internal',
            message: `The register host did not answer "${method}" within ${Math.round(timeoutMs / 1000)} s. Check that the app is still running and try again.`,
            details: { method, timeoutMs },
          }),
        );
      }, timeoutMs);
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, timer });
      try {
        this.transport.send(JSON.stringify(envelope));
      } catch (err) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(
          new IpcError({
            code: 'internal',
            message: `Could not send "${method}" to the register host: ${err instanceof Error ? err.message : String(err)}.`,
          }),
        );
      }
    });
  }

  /** Listens to one event; returns an unsubscribe. */
  on<E extends EventName>(name: E, cb: (payload: Events[E]) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
    }
    const listener = cb as (p: unknown) => void;
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  /** Number of calls still waiting for an answer. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Fails every pending call, stops listening and closes the transport. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new IpcError({ code: 'internal', message: `The connection closed before "${p.method}" was answered.` }));
      this.pending.delete(id);
    }
    this.transport.close?.();
  }

  private receive(text: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      return; // the host only sends JSON; anything else is noise we cannot route
    }
    if (typeof msg !== 'object' || msg === null) return;
    const m = msg as Record<string, unknown>;
    if (m.kind === 'event' && typeof m.name === 'string') {
      for (const cb of this.listeners.get(m.name) ?? []) cb(m.payload);
      return;
    }
    if (m.kind !== 'response' || typeof m.id !== 'number') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    clearTimeout(p.timer);
    if (m.ok === true) p.resolve(m.result);
    else if (isErrorPayload(m.error)) p.reject(new IpcError(m.error));
    else p.reject(new IpcError({ code: 'internal', message: `The register host sent a malformed error for "${p.method}".` }));
  }
}

/** The part of a WebSocket (browser or the `ws` package) a transport needs. */
export interface WebSocketLike {
  send(data: string): void;
  close(): void;
  addEventListener(type: 'message', cb: (ev: { data: unknown }) => void): void;
  removeEventListener(type: 'message', cb: (ev: { data: unknown }) => void): void;
}

/** Wraps an open WebSocket as a ClientTransport. */
export function webSocketTransport(socket: WebSocketLike): ClientTransport {
  return {
    send: (text) => socket.send(text),
    onMessage(cb) {
      const listener = (ev: { data: unknown }) => {
        if (typeof ev.data === 'string') cb(ev.data);
        else if (ev.data instanceof ArrayBuffer) cb(new TextDecoder().decode(ev.data));
        else if (ArrayBuffer.isView(ev.data)) cb(new TextDecoder().decode(ev.data));
      };
      socket.addEventListener('message', listener);
      return () => socket.removeEventListener('message', listener);
    },
    close: () => socket.close(),
  };
}
