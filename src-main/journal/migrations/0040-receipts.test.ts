import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import initial from './0010-initial.ts';
import receipts from './0040-receipts.ts';
import { MIGRATIONS } from './index.ts';
import { tempDir } from '../journal-test-rig.ts';

const tmp = tempDir();
after(() => tmp.cleanup());

let n = 0;
function freshDb(): BetterSqlite3.Database {
  const db = new BetterSqlite3(path.join(tmp.dir, `r-${++n}.sqlite`));
  db.pragma('foreign_keys = ON');
  db.transaction(() => {
    initial.up(db);
    receipts.up(db);
  })();
  db.prepare("INSERT INTO registers VALUES ('r1', 'R1', 'Front')").run();
  db.prepare("INSERT INTO tickets VALUES ('t1', 'r1', 1, 'paid', 'USD', 100, 'now', 'now')").run();
  db.prepare(
    `INSERT INTO payment_attempts (id, ticket_id, slot, ecr_ref, invoice, terminal_id, kind, amount_requested, amount_approved, currency, state, created_at, updated_at)
     VALUES ('a1', 't1', 1, 'R1T1P1', 'R1T1P1', 'pax1', 'sale', 100, 100, 'USD', 'approved', 'now', 'now')`,
  ).run();
  return db;
}

const insert = `INSERT INTO receipts (id, ticket_id, attempt_id, kind, status, reason, message, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'now')`;

test('0040 is registered after 0010 and versions ascend', () => {
  assert.ok(MIGRATIONS.includes(receipts));
  const versions = MIGRATIONS.map((m) => m.version);
  assert.deepEqual(versions, [...versions].sort((a, b) => a - b));
  assert.equal(new Set(versions).size, versions.length);
});

test('0040 accepts printed and not-printed rows, sale and reprint', () => {
  const db = freshDb();
  const ins = db.prepare(insert);
  ins.run('p1', 't1', 'a1', 'sale', 'not_printed', 'paper_out', 'out of paper');
  ins.run('p2', 't1', null, 'reprint', 'printed', null, 'printed');
  const rows = db.prepare('SELECT id, attempt_id AS attemptId, status, reason FROM receipts ORDER BY id').all();
  assert.deepEqual(rows, [
    { id: 'p1', attemptId: 'a1', status: 'not_printed', reason: 'paper_out' },
    { id: 'p2', attemptId: null, status: 'printed', reason: null },
  ]);
  db.close();
});

test('0040 CHECKs: known kind, status and reason; reason exactly when not printed; real ticket and attempt', () => {
  const db = freshDb();
  const ins = db.prepare(insert);
  assert.throws(() => ins.run('x1', 't1', null, 'copy', 'printed', null, 'm'), /CHECK/);
  assert.throws(() => ins.run('x2', 't1', null, 'sale', 'maybe', null, 'm'), /CHECK/);
  assert.throws(() => ins.run('x3', 't1', null, 'sale', 'not_printed', 'jammed', 'm'), /CHECK/);
  assert.throws(() => ins.run('x4', 't1', null, 'sale', 'not_printed', null, 'm'), /CHECK/);
  assert.throws(() => ins.run('x5', 't1', null, 'sale', 'printed', 'paper_out', 'm'), /CHECK/);
  assert.throws(() => ins.run('x6', 'no-ticket', null, 'sale', 'printed', null, 'm'), /FOREIGN KEY/);
  assert.throws(() => ins.run('x7', 't1', 'no-attempt', 'sale', 'printed', null, 'm'), /FOREIGN KEY/);
  assert.equal((db.prepare('SELECT count(*) AS c FROM receipts').get() as { c: number }).c, 0);
  db.close();
});

test('0040 rows are never deleted nor changed', () => {
  const db = freshDb();
  db.prepare(insert).run('p1', 't1', 'a1', 'sale', 'not_printed', 'paper_out', 'out of paper');
  assert.throws(() => db.prepare('DELETE FROM receipts').run(), /never deleted/);
  assert.throws(() => db.prepare("UPDATE receipts SET status = 'printed', reason = NULL").run(), /append-only/);
  assert.deepEqual(db.prepare('SELECT status FROM receipts').get(), { status: 'not_printed' });
  db.close();
});
