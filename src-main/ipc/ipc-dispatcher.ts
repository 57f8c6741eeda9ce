// The host side of the IPC boundary, shared by every transport: parses the
// envelope, validates params against the contract, runs the handler and turns
// whatever happens into a response. Nothing a client sends can crash the host.
// Events go the other way: serving a host, the dispatcher subscribes its
// broadcast to each event's emitter once, so a payment or ticket change reaches
// every connection from the emitter with no forwarding file in between.

import { Buffer } from 'node:buffer';
import type { z } from 'zod';
import { AppError, type ErrorPayload } from '../../src-shared/errors.ts';
import {
  EVENT_NAMES,
  MAX_MESSAGE_BYTES,
  commands,
  isCommandName,
  isManagerOnly,
  type EventEnvelope,
  type EventName,
  type Events,
  type HandlerContext,
  type Handlers,
  type ResponseEnvelope,
} from '../../src-shared/ipc-contract.ts';
import type { StaffActor } from '../../src-shared/staff.ts';
import { redactForLog, redactText, redactValue } from '../../src-shared/card.ts';

/** One connected client, as a transport presents it. */
export interface IpcConnection {
  /** Unique per transport; handlers see it as ctx.connectionId. */
  readonly id: string;
  send(text: string): void;
}

/** Where the dispatcher reports handler failures (already redacted; `stack` for every "internal" answer). */
export type IpcLogger = (entry: { level: 'error'; msg: string; method?: string; error: string; stack?: string }) => void;

/**
 * Who may run manager-only commands: answers the signed-in manager for a request's
 * context or throws (AppError manager_required). The host's one guard.
 */
export type ManagerGuard = (ctx: HandlerContext) => StaffActor;

/** Without a guard no session can be proven, so manager-only commands are refused. */
const refuseManagerCommands: ManagerGuard = () => {
  throw new AppError('manager_required', 'A manager must sign in for this. Swipe a manager card or type a manager PIN.');
};

const defaultLogger: IpcLogger = (entry) => process.stderr.write(`${JSON.stringify(entry)}\n`);

/** Routes request envelopes to handlers and broadcasts events to every connection. */
export class IpcDispatcher {
  private readonly handlers: Handlers;
  private readonly log: IpcLogger;
  private readonly requireManager: ManagerGuard;
  private readonly connections = new Map<string, IpcConnection>();

  constructor(handlers: Handlers, opts: { log?: IpcLogger; requireManager?: ManagerGuard } = {}) {
    this.handlers = handlers;
    this.log = opts.log ?? defaultLogger;
    this.requireManager = opts.requireManager ?? refuseManagerCommands;
  }

  /** Registers a connection for events; returns a detach function. */
  attach(conn: IpcConnection): () => void {
    this.connections.set(conn.id, conn);
    return () => {
      this.connections.delete(conn.id);
    };
  }

  /** Number of attached connections. */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Handles one message from a connection and sends the answer back on it. */
  async handleMessage(text: string, conn: IpcConnection): Promise<void> {
    const response = await this.dispatch(text, conn.id);
    safeSend(conn, JSON.stringify(response), this.log);
  }

  /** Answers one message; never throws. */
  async dispatch(text: string, connectionId: string): Promise<ResponseEnvelope> {
    if (Buffer.byteLength(text, 'utf8') > MAX_MESSAGE_BYTES) {
      return fail(null, {
        code: 'payload_too_large',
        message: `The request is larger than ${MAX_MESSAGE_BYTES} bytes and was refused. Send less data in one request.`,
        details: { maxBytes: MAX_MESSAGE_BYTES },
      });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return fail(null, { code: 'bad_envelope', message: 'The request is not valid JSON and was refused.' });
    }
    const env = readEnvelope(parsed);
    if ('error' in env) return fail(env.id, env.error);
    const { id, method, params, session } = env;

    if (!isCommandName(method)) {
      return fail(id, {
        code: 'unknown_method',
        message: `"${truncate(method)}" is not a command this register knows. Update the app so both sides match.`,
        details: { method: truncate(method) },
      });
    }
    const ctx: HandlerContext = session === undefined ? { connectionId } : { connectionId, session };
    // The session is checked before the params, so a cashier learns nothing about a manager command's shape.
    if (isManagerOnly(method)) {
      try {
        ctx.actor = this.requireManager(ctx);
      } catch (err) {
        if (err instanceof AppError && err.code !== 'internal') return fail(id, err.toPayload());
        this.logInternal('manager guard failed', method, err);
        if (err instanceof AppError) return fail(id, err.toPayload());
        return fail(id, { code: 'internal', message: `Something went wrong while checking who is signed in. Sign in again.` });
      }
    }
    const schema = commands[method].request as z.ZodType;
    const checked = schema.safeParse(params === undefined ? {} : params);
    if (!checked.success) {
      const problems = checked.error.issues.map(describeIssue);
      return fail(id, {
        code: 'invalid_request',
        message: `Invalid request for ${method}: ${problems.join('; ')}.`,
        details: { method, problems },
      });
    }
    try {
      const handler = this.handlers[method] as (req: unknown, ctx: HandlerContext) => unknown;
      const result = await handler(checked.data, ctx);
      return { kind: 'response', id, ok: true, result: result === undefined ? null : result };
    } catch (err) {
      if (err instanceof AppError && err.code !== 'internal') return fail(id, err.toPayload());
      // An AppError 'internal' is as much a bug report as a stray throw: both leave their stack in the host log.
      this.logInternal('ipc handler failed', method, err);
      if (err instanceof AppError) return fail(id, err.toPayload());
      return fail(id, {
        code: 'internal',
        message: `Something went wrong while running ${method}. Nothing was lost; try again, and tell a manager if it keeps happening.`,
      });
    }
  }

  /** Pushes an event to every attached connection. */
  broadcast<E extends EventName>(name: E, payload: Events[E]): void {
    const envelope: EventEnvelope<E> = { kind: 'event', name, payload };
    const text = JSON.stringify(envelope);
    for (const conn of this.connections.values()) safeSend(conn, text, this.log);
  }

  /**
   * Subscribes the broadcast to every event's source, once, at start-up: from then on
   * an emitter's listener call is this broadcast. Returns the unsubscribe of all.
   */
  broadcastFrom(events: EventSources): () => void {
    const offs = EVENT_NAMES.map((name) => events.subscribe(name, (payload) => this.broadcast(name, payload)));
    return () => {
      for (const off of offs) off();
    };
  }

  /** Logs what became an "internal" answer with its stack, masked: the host log is where such a bug is found. */
  private logInternal(msg: string, method: string, err: unknown): void {
    const stack = err instanceof Error && err.stack ? redactText(err.stack) : undefined;
    this.log({ level: 'error', msg, method, error: redactForLog(err), ...(stack ? { stack } : {}) });
  }
}

/** Where events come from: subscribing hands the listener to the event's emitter; returns the unsubscribe. */
export interface EventSources {
  subscribe<E extends EventName>(name: E, cb: (payload: Events[E]) => void): () => void;
}

/** What the dispatcher needs from a host. */
export interface DispatchableHost {
  handlers: Handlers;
  /** The host's guard of manager-only commands; without one they are all refused. */
  requireManager?: ManagerGuard;
  events: EventSources;
}

/** A dispatcher serving a host's handlers, its broadcast subscribed to the host's event sources. */
export function createHostDispatcher(host: DispatchableHost, opts: { log?: IpcLogger } = {}): IpcDispatcher {
  const dispatcher = new IpcDispatcher(host.handlers, { ...opts, requireManager: host.requireManager });
  dispatcher.broadcastFrom(host.events);
  return dispatcher;
}

type ReadEnvelope =
  | { id: number; method: string; params: unknown; session?: string }
  | { id: number | null; error: ErrorPayload };

function readEnvelope(v: unknown): ReadEnvelope {
  const bad = (id: number | null, why: string): ReadEnvelope => ({
    id,
    error: { code: 'bad_envelope', message: `The request envelope was refused: ${why}.` },
  });
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return bad(null, 'it must be a JSON object');
  const e = v as Record<string, unknown>;
  const id = typeof e.id === 'number' && Number.isSafeInteger(e.id) ? e.id : null;
  if (id === null) return bad(null, '"id" must be an integer');
  if (e.kind !== 'request') return bad(id, '"kind" must be "request"');
  if (typeof e.method !== 'string') return bad(id, '"method" must be a string');
  const extra = Object.keys(e).filter((k) => !['kind', 'id', 'method', 'params', 'session'].includes(k));
  if (extra.length > 0) return bad(id, `unknown field(s) ${extra.map((k) => `"${truncate(k)}"`).join(', ')}`);
  // A session token is opaque base64url; anything else is refused without being echoed.
  if (e.session !== undefined && (typeof e.session !== 'string' || !/^[A-Za-z0-9_-]{16,128}$/.test(e.session))) {
    return bad(id, '"session" must be a session token from staff.signIn');
  }
  return e.session === undefined ? { id, method: e.method, params: e.params } : { id, method: e.method, params: e.params, session: e.session };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 0 ? issue.path.map(String).join('.') : 'params';
  if (issue.code === 'unrecognized_keys') {
    return `unknown field(s) ${issue.keys.map((k) => `"${truncate(k)}"`).join(', ')}${where === 'params' ? '' : ` in ${where}`}`;
  }
  return `${where}: ${issue.message}`;
}

// Every error leaves masked: a message may echo what the client sent (a ticket id typed as a card number).
function fail(id: number | null, error: ErrorPayload): ResponseEnvelope {
  return { kind: 'response', id, ok: false, error: redactValue(error) };
}

// Echoed client text is cut short and masked: a key or method name could hold a card number.
function truncate(s: string): string {
  return redactText(s.length > 64 ? `${s.slice(0, 64)}…` : s);
}

function safeSend(conn: IpcConnection, text: string, log: IpcLogger): void {
  try {
    conn.send(text);
  } catch (err) {
    // A connection that went away must not take the others (or the host) with it.
    log({ level: 'error', msg: 'ipc send failed', error: redactForLog(err) });
  }
}
