import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import migration from './0010-initial.ts';
import { tempDir } from '../journal-test-rig.ts';

const tmp = tempDir();
after(() => tmp.cleanup());

function freshDb(): BetterSqlite3.Database {
  const db = new BetterSqlite3(path.join(tmp.dir, `m-${Math.random().toString(36).slice(2)}.sqlite`));
  db.pragma('foreign_keys = ON');
  db.transaction(() => migration.up(db))();
  return db;
}

test('0010 creates every table, the head row and the recovery index', () => {
  const db = freshDb();
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  assert.deepEqual(tables, ['cash_tenders', 'chain_head', 'events', 'payment_attempts', 'registers', 'ticket_lines', 'tickets']);
  assert.deepEqual(db.prepare('SELECT id, seq, hash FROM chain_head').all(), [{ id: 1, seq: 0, hash: '0'.repeat(64) }]);
  const plan = db.prepare("EXPLAIN QUERY PLAN SELECT * FROM payment_attempts WHERE state IN ('sent', 'in_doubt')").all() as { detail: string }[];
  assert.ok(plan.some((p) => p.detail.includes('payment_attempts_unresolved')), JSON.stringify(plan));
  db.close();
});

test('0010 CHECKs: integer non-negative money, masked numbers only, one unresolved attempt per ticket', () => {
  const db = freshDb();
  db.prepare("INSERT INTO registers VALUES ('r1', 'R1', 'Front')").run();
  const ticket = db.prepare("INSERT INTO tickets VALUES (?, 'r1', ?, 'open', 'USD', ?, 'now', 'now')");
  ticket.run('t1', 1, 100);
  assert.throws(() => ticket.run('t2', 2, 12.5), /CHECK|cannot store REAL/);
  assert.throws(() => ticket.run('t3', 3, -1), /CHECK/);
  assert.throws(() => ticket.run('t4', 1, 0), /UNIQUE/);
  const attempt = db.prepare(
    `INSERT INTO payment_attempts (id, ticket_id, slot, ecr_ref, invoice, terminal_id, kind, amount_requested, amount_approved, currency, state, masked_pan, created_at, updated_at)
     VALUES (?, 't1', 1, 'RR1T1P1', 'RR1T1P1', 'pax1', 'sale', 100, 0, 'USD', ?, ?, 'now', 'now')`,
  );
  attempt.run('a1', 'sent', '411111******1111');
  assert.throws(() => attempt.run('a2', 'created', '4111111111111111'), /CHECK/);
  assert.throws(() => attempt.run('a3', 'created', '4111111111111111*'), /CHECK/);
  assert.throws(() => attempt.run('a4', 'in_doubt', null), /UNIQUE/);
  attempt.run('a5', 'created', 'XXXXXXXXXXXX4242');
  db.close();
});

test('0010 triggers: no DELETE anywhere, no UPDATE of events, head only moves forward', () => {
  const db = freshDb();
  db.prepare("INSERT INTO registers VALUES ('r1', 'R1', 'Front')").run();
  db.prepare("INSERT INTO events VALUES (1, 'now', 'x', 'y', 'z', '{}', 'p', 'h')").run();
  assert.throws(() => db.prepare("DELETE FROM registers").run(), /never deleted/);
  assert.throws(() => db.prepare('DELETE FROM events').run(), /never deleted/);
  assert.throws(() => db.prepare('DELETE FROM chain_head').run(), /never deleted/);
  assert.throws(() => db.prepare("UPDATE events SET payload = '{\"x\":1}'").run(), /append-only/);
  assert.throws(() => db.prepare('UPDATE chain_head SET seq = 0').run(), /forward/);
  db.prepare("UPDATE chain_head SET seq = 1, hash = 'h'").run();
  db.close();
});
