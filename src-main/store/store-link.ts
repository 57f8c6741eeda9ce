// One register's connection to the store (PostgreSQL): the checks made on
// connect (schema version, where the store's copy of this register's history
// ends and that it is this register's history) and the batch insert. The
// relay (store-relay.ts) is the only caller: it is the only writer to
// PostgreSQL from a register.

import pg from 'pg';
import { assertStoreSchema } from './schema/store-schema.ts';
import type { OutboxEvent, OutboxRowChange } from './journal-outbox-reader.ts';

/** Where the store's copy of one register's history ends. */
export interface StoreMarks {
  /** Highest event seq the store holds for this register (0: none). */
  eventsSeq: number;
  /** The hash of that event, to check it is this register's history. */
  eventsHash: string | undefined;
  /** Highest row change_seq the store holds for this register (0: none). */
  rowsSeq: number;
}

/** The store holds a history for this register id that is not this journal's. */
export class StoreHistoryMismatch extends Error {
  override readonly name = 'StoreHistoryMismatch';
}

// One statement, one round trip, atomic: both inserts of a batch commit together or not at all.
// unnest keeps the parameter count fixed whatever the batch size (no 65535-parameter limit).
const INSERT_BATCH = `
  WITH e AS (
    INSERT INTO journal_events (register_id, seq, at, entity, entity_id, type, payload, prev_hash, hash)
    SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
    ON CONFLICT (register_id, seq) DO NOTHING
    RETURNING 1
  ), r AS (
    INSERT INTO journal_rows (register_id, change_seq, table_name, row_key, op, row_data)
    SELECT $1, * FROM unnest($10::bigint[], $11::text[], $12::text[], $13::text[], $14::jsonb[])
    ON CONFLICT (register_id, change_seq) DO NOTHING
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM e)::int AS events, (SELECT count(*) FROM r)::int AS rows`;

/** An open connection to the store for one register. */
export class StoreLink {
  private broken: Error | undefined;
  private abandon: (() => void) | undefined;

  private readonly client: pg.Client;

  /** A link not yet connected: call connect(); close() abandons a connect still under way. */
  constructor(
    config: pg.ClientConfig,
    readonly registerId: string,
    timeouts: { connectMs: number; queryMs: number },
  ) {
    this.client = new pg.Client({
      ...config,
      connectionTimeoutMillis: timeouts.connectMs,
      query_timeout: timeouts.queryMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: 5000,
    });
    // A connection lost while idle surfaces at the next query; without a listener pg would throw it as uncaught.
    this.client.on('error', (err) => {
      this.broken = err;
    });
  }

  /** Connects, refuses a store whose schema is not this release's (StoreSchemaError), and reads the marks. */
  async connect(): Promise<StoreMarks> {
    // pg never settles connect() once end() was called during it (its 'end' handler skips the callback when
    // ending): close() rejects this instead, so a relay stopped mid-connect does not wait forever.
    const closed = new Promise<never>((_, reject) => (this.abandon = () => reject(new Error('the store link was closed while connecting'))));
    closed.catch(() => undefined);
    try {
      await Promise.race([this.client.connect(), closed]);
      await assertStoreSchema(this.client);
      return await this.marks();
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  /** The store's marks for this register. */
  async marks(): Promise<StoreMarks> {
    const r = await this.client.query<{ events_seq: string | null; rows_seq: string | null }>(
      `SELECT (SELECT max(seq) FROM journal_events WHERE register_id = $1)::text AS events_seq,
              (SELECT max(change_seq) FROM journal_rows WHERE register_id = $1)::text AS rows_seq`,
      [this.registerId],
    );
    const eventsSeq = Number(r.rows[0].events_seq ?? 0);
    let eventsHash: string | undefined;
    if (eventsSeq > 0) {
      const h = await this.client.query<{ hash: string }>('SELECT hash FROM journal_events WHERE register_id = $1 AND seq = $2', [this.registerId, eventsSeq]);
      eventsHash = h.rows[0]?.hash;
    }
    return { eventsSeq, eventsHash, rowsSeq: Number(r.rows[0].rows_seq ?? 0) };
  }

  /** Sends one batch; rows already in the store are left as they are. Returns how many were new. */
  async send(events: readonly OutboxEvent[], rows: readonly OutboxRowChange[]): Promise<{ events: number; rows: number }> {
    if (this.broken) throw this.broken;
    const r = await this.client.query<{ events: number; rows: number }>(INSERT_BATCH, [
      this.registerId,
      events.map((e) => e.seq),
      events.map((e) => e.at),
      events.map((e) => e.entity),
      events.map((e) => e.entity_id),
      events.map((e) => e.type),
      events.map((e) => e.payload),
      events.map((e) => e.prev_hash),
      events.map((e) => e.hash),
      rows.map((c) => c.change_seq),
      rows.map((c) => c.table_name),
      rows.map((c) => c.row_key),
      rows.map((c) => c.op),
      rows.map((c) => c.row_data),
    ]);
    return r.rows[0];
  }

  /** Ends the connection (never throws). */
  async close(): Promise<void> {
    this.abandon?.();
    const ended = this.client.end().catch(() => undefined);
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([ended, new Promise((r) => (timer = setTimeout(r, 200)))]);
    clearTimeout(timer);
    // A peer that swallows packets never completes the goodbye (nor a connect): drop the socket instead of waiting.
    (this.client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  }
}
