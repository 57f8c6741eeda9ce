// The append-only, hash-chained event log. Each event's hash covers the
// previous event's hash and its own canonical content, so editing, removing
// or reordering any event breaks the chain from that point on.

import { createHash } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { containsFullPan } from '../../src-shared/card.ts';
import { AppError } from '../../src-shared/errors.ts';

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

function canonical(v: unknown): unknown {
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    return canonical((v as { toJSON(): unknown }).toJSON());
  }
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : canonical(x)));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined && typeof x !== 'function') out[k] = canonical(x);
    }
    return out;
  }
  return v;
}

/** JSON with object keys sorted at every level, so equal content always hashes the same. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(canonical(v));
}

/**
 * sha256(prev_hash ‖ canonical JSON of the event), hex. The payload goes in as
 * its stored text (already canonical when written), so any change to the
 * stored bytes breaks the hash and nothing is parsed on the hot path.
 */
export function eventHash(prevHash: string, e: EventFields): string {
  // Keys in sorted order, exactly what canonicalJson would produce for the whole event.
  const body = `{"at":${JSON.stringify(e.at)},"entity":${JSON.stringify(e.entity)},"entity_id":${JSON.stringify(e.entity_id)},"payload":${e.payload},"seq":${e.seq},"type":${JSON.stringify(e.type)}}`;
  return createHash('sha256').update(prevHash).update(body).digest('hex');
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
