// Two states the status columns could not hold, so they were written as their
// neighbour plus an event beside it: a purser payment whose capture the card
// provider declined was stored 'voided' (with a 'payment_declined' event), and
// a ticket moved to another register was stored 'voided' (with a 'moved'
// event). Anyone reading the tables, the store's copy of them or a report took
// both for voids. This adds 'declined' to purser_payments.status and 'moved'
// to tickets.status, and converts the rows those events name. The events stay
// as they are (the hash chain covers them, and they are the history): only
// state rows change, as any app write would change them, so the chain and the
// store outbox see an ordinary update.
//
// SQLite cannot alter a CHECK constraint, so each table is rebuilt the way
// https://www.sqlite.org/lang_altertable.html ("Making Other Kinds Of Table
// Schema Changes") gives it: the new table under a temporary name, the rows
// copied, the old one dropped, the new one renamed, then every index and
// trigger the old table had recreated from their own SQL (the never-delete
// triggers, the store outbox triggers of 0140, the partial index of open
// tickets). It needs foreign key enforcement off (dropping a table that other
// tables reference would otherwise delete through them): migrate() in
// journal-connection.ts turns it off around the migration transaction and
// runs foreign_key_check before committing, and rebuildTable checks the
// rebuilt table's references itself.

import type BetterSqlite3 from 'better-sqlite3';
import type { Migration } from './migration.ts';

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Rebuilds `table` with the CREATE TABLE statement `edit` makes of its current
 * one, keeping its rows, indexes and triggers. Throws when `edit` changed
 * nothing (the schema is not what the caller expected) or when foreign keys
 * are enforced on a table with rows (the drop would cascade through them).
 */
export function rebuildTable(db: BetterSqlite3.Database, table: string, edit: (createSql: string) => string): void {
  const created = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(table) as string | undefined;
  if (!created) throw new Error(`rebuildTable: there is no table ${table}`);
  const edited = edit(created);
  if (edited === created) throw new Error(`rebuildTable: the definition of ${table} was not changed (not the schema this migration expects)`);
  const hasRows = db.prepare(`SELECT 1 FROM ${quote(table)} LIMIT 1`).get() !== undefined;
  if (hasRows && db.pragma('foreign_keys', { simple: true }) === 1) {
    throw new Error(`rebuildTable: foreign keys must be off to rebuild ${table} (migrate() turns them off around the migration)`);
  }
  // Indexes and triggers with their SQL; the automatic indexes of UNIQUE and PRIMARY KEY (sql NULL) come back with the table.
  const dependents = db
    .prepare("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name")
    .all(table) as { type: 'index' | 'trigger'; name: string; sql: string }[];
  const temp = `${table}__rebuild`;
  const head = /^CREATE TABLE\s+(?:"[^"]+"|\S+)\s*\(/i;
  if (!head.test(edited)) throw new Error(`rebuildTable: cannot read the CREATE TABLE statement of ${table}`);
  const columns = (db.prepare(`SELECT name FROM pragma_table_info(?) ORDER BY cid`).pluck().all(table) as string[]).map(quote).join(', ');
  db.exec(edited.replace(head, `CREATE TABLE ${quote(temp)} (`));
  db.exec(`INSERT INTO ${quote(temp)} (${columns}) SELECT ${columns} FROM ${quote(table)}`);
  db.exec(`DROP TABLE ${quote(table)}`);
  db.exec(`ALTER TABLE ${quote(temp)} RENAME TO ${quote(table)}`);
  for (const d of dependents) db.exec(d.sql);
  const broken = db.prepare('SELECT "table", rowid, parent FROM pragma_foreign_key_check(?)').all(table);
  if (broken.length > 0) throw new Error(`rebuildTable: ${table} has ${broken.length} rows whose references are broken`);
}

/** Replaces `from` by `to` in a CREATE TABLE statement, exactly once (unchanged when `from` is not there once). */
function replaceOnce(sql: string, from: string, to: string): string {
  const at = sql.indexOf(from);
  if (at < 0 || sql.indexOf(from, at + 1) >= 0) return sql;
  return sql.slice(0, at) + to + sql.slice(at + from.length);
}

/**
 * Widens a status CHECK by rebuilding the table, unless its definition has the
 * wider one already: a journal whose schema a test took back to an older
 * version (journal-test-rig.ts rollBackSchema drops what later migrations
 * added but leaves a table's definition) runs this again on the same table.
 */
function widenCheck(db: BetterSqlite3.Database, table: string, from: string, to: string): void {
  const created = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(table) as string | undefined;
  if (created?.includes(to)) return;
  rebuildTable(db, table, (sql) => replaceOnce(sql, from, to));
}

const migration: Migration = {
  version: 150,
  name: 'declined-and-moved-statuses',
  up(db) {
    widenCheck(db, 'purser_payments', "CHECK (status IN ('posted', 'voided'))", "CHECK (status IN ('posted', 'voided', 'declined'))");
    widenCheck(db, 'tickets', "CHECK (status IN ('open', 'paid', 'voided'))", "CHECK (status IN ('open', 'paid', 'voided', 'moved'))");
    // The rows the events name; updated_at stays the time it was declined or moved (the history's "closed at").
    db.exec(`
      UPDATE purser_payments SET status = 'declined'
       WHERE status = 'voided'
         AND id IN (SELECT CASE WHEN json_valid(payload) THEN json_extract(payload, '$.paymentId') END FROM events WHERE entity = 'guest' AND type = 'payment_declined');
      UPDATE tickets SET status = 'moved'
       WHERE status = 'voided'
         AND id IN (SELECT entity_id FROM events WHERE entity = 'ticket' AND type = 'moved');
    `);
  },
};

export default migration;
