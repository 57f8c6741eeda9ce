import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import initial from './0010-initial.ts';
import devices from './0030-devices.ts';
import { MIGRATIONS } from './index.ts';
import { openJournal } from '../journal.ts';
import { tempDir } from '../journal-test-rig.ts';

const tmp = tempDir();
after(() => tmp.cleanup());

let n = 0;
function freshDb(): BetterSqlite3.Database {
  const db = new BetterSqlite3(path.join(tmp.dir, `d-${++n}.sqlite`));
  db.transaction(() => {
    initial.up(db);
    devices.up(db);
  })();
  return db;
}

const insert = `INSERT INTO devices (id, register_id, kind, name, model, settings, assigned, removed, created_at, updated_at)
  VALUES (?, 'r1', ?, 'Front', 'PAX A920', ?, ?, ?, 'now', 'now')`;
const tcp = JSON.stringify({ transport: 'tcp', host: '10.0.0.5', port: 10009, timeouts: {} });

test('0030 is registered in order and a new journal reaches the latest version with the devices table', () => {
  assert.ok(MIGRATIONS.includes(devices));
  const versions = MIGRATIONS.map((m) => m.version);
  assert.deepEqual(versions, [...versions].sort((a, b) => a - b));
  assert.ok(versions.indexOf(30) > versions.indexOf(10));
  const journal = openJournal({ path: path.join(tmp.dir, 'full.sqlite') });
  try {
    const cols = (journal.db.prepare('PRAGMA table_info(devices)').all() as { name: string }[]).map((c) => c.name);
    assert.deepEqual(cols, ['id', 'register_id', 'kind', 'name', 'model', 'settings', 'assigned', 'removed', 'created_at', 'updated_at']);
  } finally {
    journal.close();
  }
});

test('0030 CHECKs: known kinds, JSON object settings, flags 0/1, never assigned and removed', () => {
  const db = freshDb();
  const ins = db.prepare(insert);
  ins.run('d1', 'pin_pad', tcp, 1, 0);
  assert.throws(() => ins.run('d2', 'toaster', tcp, 0, 0), /CHECK/);
  assert.throws(() => ins.run('d3', 'printer', 'not json', 0, 0), /CHECK|malformed JSON/);
  assert.throws(() => ins.run('d4', 'printer', '[1,2]', 0, 0), /CHECK/);
  assert.throws(() => ins.run('d5', 'printer', tcp, 2, 0), /CHECK/);
  assert.throws(() => ins.run('d6', 'printer', tcp, 1, 1), /CHECK/);
  db.close();
});

test('0030: one assigned device per kind and register; removed rows are kept and stay removed', () => {
  const db = freshDb();
  const ins = db.prepare(insert);
  ins.run('d1', 'pin_pad', tcp, 1, 0);
  assert.throws(() => ins.run('d2', 'pin_pad', tcp, 1, 0), /UNIQUE/);
  ins.run('d3', 'printer', tcp, 1, 0);
  ins.run('d4', 'pin_pad', tcp, 0, 0);
  assert.throws(() => db.prepare("DELETE FROM devices WHERE id = 'd4'").run(), /never deleted/);
  db.prepare("UPDATE devices SET removed = 1 WHERE id = 'd4'").run();
  assert.throws(() => db.prepare("UPDATE devices SET removed = 0 WHERE id = 'd4'").run(), /stays removed/);
  assert.equal((db.prepare('SELECT count(*) AS c FROM devices').get() as { c: number }).c, 3);
  db.close();
});
