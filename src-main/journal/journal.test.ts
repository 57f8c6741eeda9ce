import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { AppError } from '../../src-shared/errors.ts';
import { defaultJournalPath, openJournal, type Journal } from './journal.ts';
import { LATEST_SCHEMA_VERSION } from './migrations/index.ts';
import { openTestJournal, tempDir } from './journal-test-rig.ts';

const tmp = tempDir();
after(() => tmp.cleanup());
let n = 0;
const file = () => path.join(tmp.dir, `j${++n}`, 'journal.sqlite');
const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');

function withEvents(j: Journal, count: number): void {
  for (let i = 1; i <= count; i++) j.transact(() => j.appendEvent({ entity: 'test', entityId: `e${i}`, type: 'happened', payload: { i, amount: i * 100 } }));
}

function rejects(fn: () => unknown, code: string, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  });
}

test('a new journal is created with WAL, synchronous=FULL, foreign keys, busy timeout and the latest schema', () => {
  const f = file();
  const j = openTestJournal(f);
  assert.equal(j.db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(j.db.pragma('synchronous', { simple: true }), 2); // FULL
  assert.equal(j.db.pragma('foreign_keys', { simple: true }), 1);
  assert.equal(j.db.pragma('busy_timeout', { simple: true }), 5000);
  assert.equal(j.schemaVersion, LATEST_SCHEMA_VERSION);
  assert.equal(j.db.pragma('user_version', { simple: true }), LATEST_SCHEMA_VERSION);
  assert.deepEqual(fs.readdirSync(path.dirname(f)).filter((x) => x.includes('creating')), []);
  j.close();
});

test('re-opening keeps the data and runs no migration again', () => {
  const f = file();
  const j = openTestJournal(f);
  withEvents(j, 3);
  j.close();
  const j2 = openTestJournal(f);
  assert.equal(j2.schemaVersion, LATEST_SCHEMA_VERSION);
  assert.equal((j2.db.prepare('SELECT count(*) AS c FROM events').get() as { c: number }).c, 3);
  assert.equal(j2.verify().ok, true);
  j2.close();
});

test('a journal newer than the code is refused, with what to do, and not changed', () => {
  const f = file();
  openTestJournal(f).close();
  const raw = new BetterSqlite3(f);
  raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 10}`);
  raw.close();
  const before = sha(f);
  rejects(() => openTestJournal(f), 'journal_newer_than_code', /newer version.*Install the newer version/s);
  assert.equal(sha(f), before);
  // A read-only look may leave SQLite's empty side files; nothing may be written.
  assert.equal(fs.existsSync(`${f}-wal`) ? fs.statSync(`${f}-wal`).size : 0, 0, 'never opened for writing');
});

test('a file that is not a journal is refused and left byte for byte', () => {
  const f = file();
  fs.mkdirSync(path.dirname(f), { recursive: true });
  fs.writeFileSync(f, 'these are my tax records, not a journal\n'.repeat(50));
  const before = sha(f);
  rejects(() => openTestJournal(f), 'journal_corrupt', /not a Cashier Desk journal.*left untouched/s);
  assert.equal(sha(f), before);

  const g = file();
  fs.mkdirSync(path.dirname(g), { recursive: true });
  const other = new BetterSqlite3(g);
  other.exec('CREATE TABLE accounts (id INTEGER); INSERT INTO accounts VALUES (1)');
  other.close();
  const before2 = sha(g);
  rejects(() => openTestJournal(g), 'journal_corrupt', /not a Cashier Desk journal/);
  assert.equal(sha(g), before2);

  const e = file();
  fs.mkdirSync(path.dirname(e), { recursive: true });
  fs.writeFileSync(e, '');
  rejects(() => openTestJournal(e), 'journal_corrupt', /not a Cashier Desk journal/);
  assert.equal(fs.statSync(e).size, 0);
});

test('a corrupt journal is refused and left untouched', () => {
  const f = file();
  const j = openTestJournal(f);
  withEvents(j, 200);
  j.close();
  const bytes = fs.readFileSync(f);
  const pageSize = bytes.readUInt16BE(16);
  // Scribble over every page after the schema page: the data is gone, the header still says "journal".
  for (let i = pageSize; i < bytes.length; i++) bytes[i] = (i * 31) & 0xff;
  fs.writeFileSync(f, bytes);
  const before = sha(f);
  rejects(() => openTestJournal(f), 'journal_corrupt', /integrity check.*Do not delete it/s);
  assert.equal(sha(f), before);
});

test('an unreachable path is journal_unavailable with what to check', () => {
  const blocker = file();
  fs.mkdirSync(path.dirname(blocker), { recursive: true });
  fs.writeFileSync(blocker, 'x');
  rejects(() => openJournal({ path: path.join(blocker, 'sub', 'journal.sqlite') }), 'journal_unavailable', /writable/);
});

test('events are hash-chained, append-only, and only appended inside a transaction', () => {
  const j = openTestJournal(file());
  const a = j.transact(() => j.appendEvent({ entity: 'test', entityId: 'x', type: 'one', payload: { b: 2, a: 1 } }));
  const b = j.transact(() => j.appendEvent({ entity: 'test', entityId: 'x', type: 'two', payload: {} }));
  assert.equal(a.seq, 1);
  assert.equal(b.seq, 2);
  assert.match(a.hash, /^[0-9a-f]{64}$/);
  assert.equal((j.db.prepare('SELECT prev_hash FROM events WHERE seq = 2').get() as { prev_hash: string }).prev_hash, a.hash);
  rejects(() => j.appendEvent({ entity: 'test', entityId: 'x', type: 'loose', payload: {} }), 'internal', /inside journal.transact/);
  assert.throws(() => j.db.prepare('DELETE FROM events WHERE seq = 1').run(), /never deleted/);
  assert.throws(() => j.db.prepare("UPDATE events SET type = 'other'").run(), /append-only/);
  j.db.prepare("INSERT INTO registers VALUES ('r1', 'R1', 'Front')").run();
  assert.throws(() => j.db.prepare('DELETE FROM registers').run(), /never deleted/);
  j.close();
});

test('a rolled-back transaction leaves neither state nor event, and the chain continues cleanly', () => {
  const j = openTestJournal(file());
  withEvents(j, 2);
  assert.throws(() =>
    j.transact(() => {
      j.appendEvent({ entity: 'test', entityId: 'x', type: 'doomed', payload: {} });
      throw new Error('boom');
    }),
  );
  withEvents(j, 1);
  const seqs = (j.db.prepare('SELECT seq FROM events ORDER BY seq').all() as { seq: number }[]).map((r) => r.seq);
  assert.deepEqual(seqs, [1, 2, 3]);
  assert.equal(j.verify().ok, true);
  j.close();
});

test('a full card number in an event is refused and not echoed in the error', () => {
  const j = openTestJournal(file());
  for (const pan of ['4111111111111111', '5555555555554444', '378282246310005', '4111 1111 1111 1111', '5555-5555-5555-4444', '3782 822463 10005']) {
    assert.throws(
      () => j.transact(() => j.appendEvent({ entity: 'attempt', entityId: 'a', type: 'approve', payload: { note: `card ${pan}` } })),
      (err: unknown) => err instanceof AppError && err.code === 'invalid_request' && !err.message.includes(pan) && !JSON.stringify(err.details).includes(pan),
    );
  }
  j.transact(() => j.appendEvent({ entity: 'attempt', entityId: 'a', type: 'approve', payload: { maskedPan: '411111******1111' } }));
  assert.equal((j.db.prepare('SELECT count(*) AS c FROM events').get() as { c: number }).c, 1);
  j.close();
});

test('verify finds a tampered payload', () => {
  const j = openTestJournal(file());
  withEvents(j, 5);
  j.db.exec('DROP TRIGGER events_no_update');
  j.db.prepare(`UPDATE events SET payload = '{"amount":1,"i":3}' WHERE seq = 3`).run();
  const r = j.verify();
  assert.equal(r.ok, false);
  assert.equal(r.integrityOk, true);
  assert.deepEqual(r.breaks.map((b) => [b.seq, b.kind]), [[3, 'hash_mismatch']]);
  j.close();
});

test('verify finds a deleted middle event', () => {
  const j = openTestJournal(file());
  withEvents(j, 5);
  j.db.exec('DROP TRIGGER events_no_delete');
  j.db.prepare('DELETE FROM events WHERE seq = 3').run();
  const r = j.verify();
  assert.equal(r.ok, false);
  assert.equal(r.events, 4);
  assert.deepEqual(r.breaks.map((b) => [b.seq, b.kind]), [[4, 'sequence_gap'], [4, 'prev_hash_mismatch']]);
  j.close();
});

test('verify finds a truncated tail through the head row', () => {
  const j = openTestJournal(file());
  withEvents(j, 5);
  j.db.exec('DROP TRIGGER events_no_delete');
  j.db.prepare('DELETE FROM events WHERE seq >= 4').run();
  const r = j.verify();
  assert.equal(r.ok, false);
  assert.equal(r.lastSeq, 3);
  assert.deepEqual(r.breaks.map((b) => [b.seq, b.kind]), [[5, 'truncated']]);
  j.close();
});

test('afterCommit runs after the outermost commit and never after a rollback', () => {
  const j = openTestJournal(file());
  const seen: string[] = [];
  j.transact(() => {
    j.afterCommit(() => seen.push('outer'));
    j.transact(() => j.afterCommit(() => seen.push('inner')));
    try {
      j.transact(() => {
        j.afterCommit(() => seen.push('rolled-back savepoint'));
        throw new Error('inner failure');
      });
    } catch {
      // the outer transaction goes on
    }
    assert.deepEqual(seen, []);
  });
  assert.deepEqual(seen, ['outer', 'inner']);
  assert.throws(() =>
    j.transact(() => {
      j.afterCommit(() => seen.push('rolled back'));
      throw new Error('outer failure');
    }),
  );
  assert.deepEqual(seen, ['outer', 'inner']);
  j.close();
});

test('defaultJournalPath: CASHIER_DESK_DATA first, then the platform folder', () => {
  assert.equal(defaultJournalPath({ CASHIER_DESK_DATA: '/data/cd' }, 'linux'), path.join('/data/cd', 'journal.sqlite'));
  assert.match(defaultJournalPath({}, 'linux'), /\.config[/\\]cashier-desk[/\\]journal\.sqlite$/);
  assert.match(defaultJournalPath({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32'), /Roaming[/\\]cashier-desk[/\\]journal\.sqlite$/);
});
