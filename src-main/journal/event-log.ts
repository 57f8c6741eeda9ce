// The append-only, hash-chained event log. Each event's hash covers the
// previous event's hash and its own canonical content, so editing, removing
// or reordering any event breaks the chain from that point on.

import crypto from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { containsFullPan } from '../../src-shared/card.ts';
import { AppError } from '../../src-shared/errors.ts';

// crypto.hash (Node >= 20.12, every Electron we ship) is the one-shot form, about
// twice as fast for inputs this small; same digest as createHash().update().
const oneShot = (crypto as { hash?: (alg: string, data: string, enc: 'hex') => string }).hash;
const sha256Hex = oneShot
  ? (data: string): string => oneShot('sha256', data, 'hex')
  : (data: string): string => crypto.createHash('sha256').update(data).digest('hex');

/** prev_hash of the first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** An event as the caller describes it. */
export interface NewEvent {
  entity: string;
  entityId: string;
  type: string;
  payload: object;
}

/** The fields the hash covers, as stored. */
export interface EventFields {
  seq: number;
  at: string;
  entity: string;
  entity_id: string;
  type: string;
  /** The payload's stored canonical JSON text. */
  payload: string;
}

/** A whole events row: the hashed fields and the chain links (the register's outbox and both verifies read these). */
export interface StoredEvent extends EventFields {
  prev_hash: string;
  hash: string;
}

/** The columns of a StoredEvent, for SELECTs of whole events. */
export const STORED_EVENT_COLUMNS = 'seq, at, entity, entity_id, type, payload, prev_hash, hash';

/** True for the keys JS objects enumerate first, in numeric order (array indices). */
function isIndexKey(k: string): boolean {
  const n = Number(k);
  return n >>> 0 === n && n !== 4294967295 && String(n) === k;
}

/**
 * Own enumerable keys in canonical order: index-like keys first (numerically,
 * as JS objects order them), then the rest sorted by UTF-16 code unit. This is
 * the order the journal has always hashed, so existing chains stay valid.
 */
function canonicalKeys(v: object): string[] {
  const keys = Object.keys(v);
  let i = 0;
  while (i < keys.length && isIndexKey(keys[i])) i++;
  // Callers usually build payloads with keys already in order; skip the sort then.
  for (let j = i + 1; j < keys.length; j++) {
    if (keys[j - 1] > keys[j]) return [...keys.slice(0, i), ...keys.slice(i).sort()];
  }
  return keys;
}

/** Canonical JSON text of v, or undefined where JSON.stringify would omit it. Written in one pass, no copies. */
function write(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint': // JSON.stringify throws its usual TypeError
      return JSON.stringify(v);
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (v === null) return 'null';
  if (typeof (v as { toJSON?: unknown }).toJSON === 'function') return write((v as { toJSON(): unknown }).toJSON());
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) out += (i === 0 ? '' : ',') + (write(v[i]) ?? 'null');
    return out + ']';
  }
  let out = '{';
  for (const k of canonicalKeys(v as object)) {
    const x = write((v as Record<string, unknown>)[k]);
    if (x !== undefined) out += (out.length === 1 ? '' : ',') + JSON.stringify(k) + ':' + x;
  }
  return out + '}';
}

/**
 * True when plain JSON.stringify already gives the canonical text: only plain
 * objects and arrays, every object's keys in canonical order, no toJSON.
 */
function alreadyCanonical(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return true;
  if (Array.isArray(v)) {
    for (const x of v) if (!alreadyCanonical(x)) return false;
    return true;
  }
  const proto = Object.getPrototypeOf(v);
  if ((proto !== Object.prototype && proto !== null) || typeof (v as { toJSON?: unknown }).toJSON === 'function') return false;
  const keys = Object.keys(v);
  let i = 0;
  while (i < keys.length && isIndexKey(keys[i])) i++;
  for (let j = i + 1; j < keys.length; j++) if (keys[j - 1] > keys[j]) return false;
  for (const k of keys) if (!alreadyCanonical((v as Record<string, unknown>)[k])) return false;
  return true;
}

/** JSON with object keys sorted at every level, so equal content always hashes the same. */
export function canonicalJson(v: unknown): string {
  // Payloads built in key order (as the repositories do) take the native path.
  return (alreadyCanonical(v) ? JSON.stringify(v) : write(v)) as string;
}

/**
 * sha256(prev_hash ‖ canonical JSON of the event), hex. The payload goes in as
 * its stored text (already canonical when written), so any change to the
 * stored bytes breaks the hash and nothing is parsed on the hot path.
 */
export function eventHash(prevHash: string, e: EventFields): string {
  // Keys in sorted order, exactly what canonicalJson would produce for the whole event.
  const body = `{"at":${JSON.stringify(e.at)},"entity":${JSON.stringify(e.entity)},"entity_id":${JSON.stringify(e.entity_id)},"payload":${e.payload},"seq":${e.seq},"type":${JSON.stringify(e.type)}}`;
  return sha256Hex(prevHash + body);
}

/** Appends events through prepared statements; the caller owns the transaction. */
export class EventAppender {
  private readonly head: BetterSqlite3.Statement<[], { seq: number; hash: string }>;
  private readonly insert: BetterSqlite3.Statement<unknown[]>;
  private readonly moveHead: BetterSqlite3.Statement<unknown[]>;

  constructor(private readonly db: BetterSqlite3.Database) {
    this.head = db.prepare('SELECT seq, hash FROM chain_head WHERE id = 1');
    this.insert = db.prepare(
      'INSERT INTO events (seq, at, entity, entity_id, type, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.moveHead = db.prepare('UPDATE chain_head SET seq = ?, hash = ? WHERE id = 1');
  }

  /** Appends one event at time `at`; must run inside a transaction. */
  append(e: NewEvent, at: string): { seq: number; hash: string } {
    if (!this.db.inTransaction) {
      throw new AppError('internal', `Event ${e.entity}.${e.type} was not written: events must be appended inside journal.transact(), with the state change they record.`);
    }
    const payloadText = canonicalJson(e.payload);
    if (containsFullPan(payloadText) || containsFullPan(e.entityId)) {
      // Never echo the payload: it is exactly what must not be written anywhere.
      throw new AppError(
        'invalid_request',
        `Event ${e.entity}.${e.type} was refused: it contains what looks like a full card number. Only masked numbers (first 6 / last 4) may be journaled.`,
        { entity: e.entity, type: e.type },
      );
    }
    const head = this.head.get();
    if (!head) throw new AppError('journal_corrupt', 'The journal has no chain head row. Run "journal verify" and contact support.');
    const seq = head.seq + 1;
    const fields: EventFields = { seq, at, entity: e.entity, entity_id: e.entityId, type: e.type, payload: payloadText };
    const hash = eventHash(head.hash, fields);
    this.insert.run(seq, at, e.entity, e.entityId, e.type, payloadText, head.hash, hash);
    this.moveHead.run(seq, hash);
    return { seq, hash };
  }
}
