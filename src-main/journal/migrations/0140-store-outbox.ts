// The store outbox (issue 13 §2). Events need no outbox of their own: the
// events table already is an append-only log, in commit order, written in the
// same transaction as every change, so the relay's high-water mark over it
// (the store's last seq for this register) is all it takes. State rows are
// changed in place, so triggers on every state table record WHICH row changed
// (table, key) in store_outbox, inside the very statement that changes it: no
// repository can forget to, and a rolled-back change leaves no entry. The
// relay reads the row's current image when it sends. AUTOINCREMENT, so a
// change_seq is never reused after the relay prunes what the store confirmed
// (the store keys row versions by it and ignores a number it has seen).
//
// The triggers do nothing (one WHEN lookup) until the register joins a store:
// store_relay_state.enabled is set by the relay on its first start, which
// also queues every existing row once. Without CASHIER_DESK_STORE_URL the
// outbox stays empty and nothing changes.
//
// A table added by a later migration is replicated by calling
// outboxTriggersSql(db, table) there; 0140-store-outbox.test.ts fails for a
// table that is neither replicated nor listed in NOT_REPLICATED.

import type BetterSqlite3 from 'better-sqlite3';
import type { Migration } from './migration.ts';

/** Tables the outbox does not carry: the chain (sent as events), the outbox itself, SQLite's own. */
export const NOT_REPLICATED: readonly string[] = ['events', 'chain_head', 'store_outbox', 'store_relay_state', 'sqlite_sequence'];

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The primary key columns of a table, in key order (the rowid when it has none). */
export function primaryKeyColumns(db: BetterSqlite3.Database, table: string): string[] {
  const cols = db.prepare(`PRAGMA table_info(${quote(table)})`).all() as { name: string; pk: number }[];
  const pk = cols.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name);
  return pk.length > 0 ? pk : ['rowid'];
}

/** CREATE TRIGGER statements that record every insert, update and delete of `table` in the outbox. */
export function outboxTriggersSql(db: BetterSqlite3.Database, table: string): string {
  const pk = primaryKeyColumns(db, table);
  const key = (row: 'NEW' | 'OLD') => `json_array(${pk.map((c) => `${row}.${quote(c)}`).join(', ')})`;
  const t = quote(table);
  const lit = `'${table.replace(/'/g, "''")}'`;
  const when = 'WHEN (SELECT enabled FROM store_relay_state WHERE id = 1) = 1';
  return `
    CREATE TRIGGER ${quote(`store_outbox_${table}_ins`)} AFTER INSERT ON ${t} ${when}
    BEGIN INSERT INTO store_outbox (table_name, row_key, op) VALUES (${lit}, ${key('NEW')}, 'upsert'); END;
    CREATE TRIGGER ${quote(`store_outbox_${table}_upd`)} AFTER UPDATE ON ${t} ${when}
    BEGIN INSERT INTO store_outbox (table_name, row_key, op) VALUES (${lit}, ${key('NEW')}, 'upsert'); END;
    CREATE TRIGGER ${quote(`store_outbox_${table}_del`)} AFTER DELETE ON ${t} ${when}
    BEGIN INSERT INTO store_outbox (table_name, row_key, op) VALUES (${lit}, ${key('OLD')}, 'delete'); END;`;
}

/** The state tables present now that the outbox carries (every table but NOT_REPLICATED). */
export function replicatedTables(db: BetterSqlite3.Database): string[] {
  const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
  return names.filter((n) => !NOT_REPLICATED.includes(n));
}

const migration: Migration = {
  version: 140,
  name: 'store-outbox',
  up(db) {
    db.exec(`
      CREATE TABLE store_outbox (
        change_seq INTEGER PRIMARY KEY AUTOINCREMENT,
        table_name TEXT NOT NULL,
        row_key TEXT NOT NULL CHECK (json_valid(row_key)),
        op TEXT NOT NULL CHECK (op IN ('upsert', 'delete'))
      ) STRICT;
      CREATE TABLE store_relay_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        enabled INTEGER NOT NULL DEFAULT 0 CHECK (enabled IN (0, 1)),
        enabled_at TEXT,
        events_acked INTEGER NOT NULL DEFAULT 0 CHECK (events_acked >= 0),
        rows_acked INTEGER NOT NULL DEFAULT 0 CHECK (rows_acked >= 0)
      ) STRICT;
      INSERT INTO store_relay_state (id) VALUES (1);
    `);
    for (const table of replicatedTables(db)) db.exec(outboxTriggersSql(db, table));
  },
};

export default migration;
