// The register side of replication: what the relay reads from and writes to
// the SQLite journal. Events are read straight from the hash-chained events
// table (it is the outbox of events); state rows through store_outbox
// (journal migration 0140), joined with each row's current image. Every call
// is synchronous and bounded by the batch size, so the relay holds the main
// thread for a millisecond or two at most and never a write lock a sale waits on
// (acknowledgements are one small transaction, at most once a second).

import type BetterSqlite3 from 'better-sqlite3';
import { STORED_EVENT_COLUMNS, type StoredEvent } from '../journal/event-log.ts';
import type { Journal } from '../journal/journal.ts';
import { primaryKeyColumns, replicatedTables } from '../journal/migrations/0140-store-outbox.ts';

/** One journal event as the store keeps it: the events row as it is. */
export type OutboxEvent = StoredEvent;

/** One recorded row change with the row's image at read time (null: the row is gone). */
export interface OutboxRowChange {
  change_seq: number;
  table_name: string;
  row_key: string;
  op: 'upsert' | 'delete';
  /** JSON text of the row (column → value), or null for a deleted row. */
  row_data: string | null;
}

/**
 * Columns never sent to the store: a PIN hash is a secret of this register's
 * sign-in; the store decides nothing with it.
 */
const WITHHELD_COLUMNS: Readonly<Record<string, readonly string[]>> = { staff: ['pin_hash'] };

/** Reads batches from the journal and records what the store has confirmed. */
export class JournalOutboxReader {
  private readonly db: BetterSqlite3.Database;
  private readonly eventsAfter: BetterSqlite3.Statement<[number, number], OutboxEvent>;
  private readonly changesAfter: BetterSqlite3.Statement<[number, number], Omit<OutboxRowChange, 'row_data'>>;
  private readonly headSeq: BetterSqlite3.Statement<[], number>;
  private readonly ticketsAfter: BetterSqlite3.Statement<[number], number>;
  private readonly rowReaders = new Map<string, { stmt: BetterSqlite3.Statement<unknown[], Record<string, unknown>>; withheld: readonly string[] }>();

  constructor(private readonly journal: Journal) {
    this.db = journal.db;
    this.eventsAfter = this.db.prepare(`SELECT ${STORED_EVENT_COLUMNS} FROM events WHERE seq > ? ORDER BY seq LIMIT ?`);
    this.changesAfter = this.db.prepare('SELECT change_seq, table_name, row_key, op FROM store_outbox WHERE change_seq > ? ORDER BY change_seq LIMIT ?');
    this.headSeq = this.db.prepare('SELECT seq FROM chain_head WHERE id = 1').pluck() as BetterSqlite3.Statement<[], number>;
    this.ticketsAfter = this.db.prepare("SELECT count(DISTINCT entity_id) FROM events WHERE seq > ? AND entity = 'ticket'").pluck() as BetterSqlite3.Statement<[number], number>;
  }

  /** What this journal last recorded as confirmed by the store, and whether it has joined one. */
  state(): { enabled: boolean; eventsAcked: number; rowsAcked: number } {
    const r = this.db.prepare('SELECT enabled, events_acked, rows_acked FROM store_relay_state WHERE id = 1').get() as { enabled: number; events_acked: number; rows_acked: number };
    return { enabled: r.enabled === 1, eventsAcked: r.events_acked, rowsAcked: r.rows_acked };
  }

  /**
   * Joins the store: switches the outbox triggers on and queues every existing
   * state row once, in one transaction, so the store starts from the whole
   * state and then follows each change. No-op once joined.
   */
  join(): void {
    this.journal.transact(() => {
      if (this.state().enabled) return;
      this.db.prepare('UPDATE store_relay_state SET enabled = 1, enabled_at = ? WHERE id = 1').run(this.journal.nowIso());
      this.queueEveryRow();
    });
  }

  /**
   * Queues every existing row again: for a store that lost row versions this
   * journal had already pruned (the store restored from an older backup).
   */
  requeueEveryRow(): void {
    this.journal.transact(() => this.queueEveryRow());
  }

  private queueEveryRow(): void {
    for (const table of replicatedTables(this.db)) {
      const pk = primaryKeyColumns(this.db, table).map((c) => `"${c.replace(/"/g, '""')}"`);
      this.db
        .prepare(`INSERT INTO store_outbox (table_name, row_key, op) SELECT ?, json_array(${pk.join(', ')}), 'upsert' FROM "${table.replace(/"/g, '""')}" ORDER BY rowid`)
        .run(table);
    }
  }

  /** The chain head's seq (the number of events written). */
  head(): number {
    return this.headSeq.get() ?? 0;
  }

  /** Up to `limit` events after `afterSeq`, in order. */
  events(afterSeq: number, limit: number): OutboxEvent[] {
    return this.eventsAfter.all(afterSeq, limit);
  }

  /** Up to `limit` row changes after `afterChangeSeq`, in order, each with the row's current image. */
  rowChanges(afterChangeSeq: number, limit: number): OutboxRowChange[] {
    return this.changesAfter.all(afterChangeSeq, limit).map((c) => {
      const row = this.currentRow(c.table_name, c.row_key);
      return row ? { ...c, op: 'upsert', row_data: JSON.stringify(row) } : { ...c, op: 'delete', row_data: null };
    });
  }

  private currentRow(table: string, rowKey: string): Record<string, unknown> | undefined {
    let reader = this.rowReaders.get(table);
    if (!reader) {
      const pk = primaryKeyColumns(this.db, table);
      const where = pk.map((c) => `"${c.replace(/"/g, '""')}" = ?`).join(' AND ');
      reader = { stmt: this.db.prepare(`SELECT * FROM "${table.replace(/"/g, '""')}" WHERE ${where}`), withheld: WITHHELD_COLUMNS[table] ?? [] };
      this.rowReaders.set(table, reader);
    }
    const row = reader.stmt.get(...(JSON.parse(rowKey) as unknown[]));
    if (!row) return undefined;
    for (const c of reader.withheld) delete row[c];
    return row;
  }

  /** Events and distinct tickets not yet confirmed by the store. */
  backlog(eventsAcked: number): { events: number; sales: number } {
    const events = Math.max(0, this.head() - eventsAcked);
    return { events, sales: events === 0 ? 0 : this.ticketsAfter.get(eventsAcked) ?? 0 };
  }

  /**
   * Records what the store confirmed and prunes confirmed row changes. A
   * journal that cannot be written now (disk full, damaged) keeps its outbox:
   * the store's own marks are the truth, asked again on every connect.
   */
  acknowledge(eventsAcked: number, rowsAcked: number): boolean {
    if (this.journal.writeBlock() || this.journal.writeHealth()) return false;
    try {
      this.journal.transact(() => {
        this.db.prepare('UPDATE store_relay_state SET events_acked = ?, rows_acked = ? WHERE id = 1').run(eventsAcked, rowsAcked);
        this.db.prepare('DELETE FROM store_outbox WHERE change_seq <= ?').run(rowsAcked);
      });
      return true;
    } catch {
      return false;
    }
  }
}
