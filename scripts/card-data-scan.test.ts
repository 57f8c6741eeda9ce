// The card-data scanner on real files: a made-up card number (built at run
// time with its Luhn digit, so no fixture holds one), grouped numbers, track
// data in a real SQLite journal's bytes, and the clean cases it must pass.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { luhnValid } from '../src-shared/card.ts';
import { scanBytes, scanPaths } from './card-data-scan.ts';

/** The body plus its Luhn check digit. */
function withCheckDigit(body: string): string {
  for (let d = 0; d < 10; d++) if (luhnValid(`${body}${d}`)) return `${body}${d}`;
  throw new Error('unreachable');
}

const PAN = withCheckDigit('492913570246813'); // 16 digits, not a published test card
const notLuhn = (pan: string): string => `${pan.slice(0, -1)}${(Number(pan.at(-1)) + 1) % 10}`;

test('a Luhn-valid 16-digit run is found, masked; the same run with a wrong check digit, a masked number and a 20-digit run are not', () => {
  const found = scanBytes(Buffer.from(`x ${PAN} y`), 'f');
  assert.deepEqual(found.map((f) => [f.kind, f.offset, f.sample]), [['pan', 2, `${PAN.slice(0, 6)}******${PAN.slice(-4)}`]]);
  assert.deepEqual(scanBytes(Buffer.from(`x ${notLuhn(PAN)} y 411111******1111 ${PAN}0000`), 'f'), []);
});

test('hashes, UUIDs and timestamps are not card data, though their digit runs may pass Luhn', () => {
  // Built so each digit run passes Luhn: a run inside a long hex token, a UUID piece, epoch ms and a date-time.
  const inHash = `ab${PAN}cd${'e'.repeat(20)}`;
  const uuidPiece = `${PAN.slice(0, 8)}-${PAN.slice(8, 12)}-4617-879f-10634ff6a473`;
  const epochMs = withCheckDigit('176448001234');
  const dateTime = [...Array(60).keys()].map((s) => `202611300552${String(s).padStart(2, '0')}`).find((d) => luhnValid(d))!;
  // Two UUIDs back to back (as in a SQLite record): the digit run crosses from one into the next.
  const twoUuids = `5c4fc233-9604-437e-92b3-d4b4c${PAN.slice(0, 7)}${PAN.slice(7)}fc-02d6-403b-b77c-69b6274c41cd`;
  const text = `${inHash} ${uuidPiece} {"t":${epochMs}} at ${dateTime} ${twoUuids}`;
  assert.ok(luhnValid(epochMs) && luhnValid(dateTime));
  assert.deepEqual(scanBytes(Buffer.from(text), 'f'), []);
});

test('grouped numbers and track data are found; a well-known test card only when test cards are not allowed', () => {
  const grouped = `${PAN.slice(0, 4)} ${PAN.slice(4, 8)} ${PAN.slice(8, 12)} ${PAN.slice(12)}`;
  assert.equal(scanBytes(Buffer.from(`card ${grouped}.`), 'f')[0]?.kind, 'pan');
  assert.equal(scanBytes(Buffer.from(`card ${grouped.replaceAll(' ', '-')}.`), 'f')[0]?.kind, 'pan');
  assert.deepEqual(scanBytes(Buffer.from(`%B${PAN}^DOE/JANE^2912101`), 'f').map((f) => f.kind), ['track1']);
  assert.deepEqual(scanBytes(Buffer.from(`;${PAN}=29121010000?`), 'f').map((f) => f.kind), ['track2']);
  assert.deepEqual(scanBytes(Buffer.from(`raw ${PAN}=2912101000`), 'f').map((f) => f.kind), ['track2']);
  const test = Buffer.from('sim card 4111111111111111');
  assert.equal(scanBytes(test, 'f').length, 1);
  assert.equal(scanBytes(test, 'f', { allowTestPans: true }).length, 0);
});

test('a card number in a SQLite journal is found in the raw bytes, also after the row was deleted; the CLI exits 1 then 0 on a clean folder', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'card-scan-'));
  try {
    const db = new Database(path.join(dir, 'journal.sqlite'));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)');
    db.prepare('INSERT INTO notes (text) VALUES (?)').run(`paid with ${PAN}`);
    db.prepare('DELETE FROM notes').run();
    const r = scanPaths([dir]);
    assert.ok(r.findings.length >= 1, 'the deleted number still sits in the WAL or a free page');
    assert.ok(r.findings.every((f) => f.kind === 'pan' && !f.sample.includes(PAN)));
    const cli = (p: string): number | null =>
      spawnSync(process.execPath, ['--import', 'tsx', 'scripts/card-data-scan.ts', p], { cwd: path.join(import.meta.dirname, '..') }).status;
    assert.equal(cli(dir), 1);
    db.close();
    const clean = path.join(dir, 'clean');
    fs.mkdirSync(clean);
    fs.writeFileSync(path.join(clean, 'host.log'), '{"event":"approved","maskedPan":"411111******1111","t":1764480000000}\n');
    assert.equal(cli(clean), 0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** A journal-like table: auth code, host reference and masked number side by side, as the payment attempts hold them. */
function attemptsDb(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE attempts (id INTEGER PRIMARY KEY, note TEXT, auth_code TEXT, host_ref TEXT, masked_pan TEXT, card_brand TEXT)');
  return db;
}

// Auth code + host reference + masked number: in the raw record bytes "215595" "10000001 4x" run together.
const AUTH = '215595';
const HOST_REF = withCheckDigit(`${AUTH}100000014`).slice(AUTH.length); // so that AUTH + HOST_REF passes Luhn
const MASKED = '4xxxxxxxxxxx1111';

test('SQLite: adjacent columns whose digits form a Luhn-valid run are not card data; each value is scanned alone', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'card-scan-adj-'));
  try {
    const file = path.join(dir, 'journal.sqlite');
    const db = attemptsDb(file);
    const insert = db.prepare('INSERT INTO attempts (note, auth_code, host_ref, masked_pan, card_brand) VALUES (?, ?, ?, ?, ?)');
    for (let i = 0; i < 50; i++) insert.run(`approved ${i}`, AUTH, HOST_REF, MASKED, 'visa');
    // Updated rows leave old copies in the WAL and, once checkpointed, inside pages: those are decoded too.
    db.prepare("UPDATE attempts SET note = 'approved (found in the gateway report)' WHERE id % 3 = 0").run();
    db.pragma('wal_checkpoint(PASSIVE)');
    db.prepare("UPDATE attempts SET note = 'voided' WHERE id % 5 = 0").run();
    db.close();
    const bytes = Buffer.concat([fs.readFileSync(file), ...(fs.existsSync(`${file}-wal`) ? [fs.readFileSync(`${file}-wal`)] : [])]);
    assert.ok(luhnValid(`${AUTH}${HOST_REF}`));
    assert.ok(scanBytes(bytes, 'raw').length > 0, 'read as raw bytes, the columns run together into a Luhn-valid number');
    assert.deepEqual(scanPaths([dir]).findings, []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('SQLite: a card number inside one value is found, live, in an older WAL frame after an update, and in a free page after a delete', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'card-scan-pan-'));
  try {
    const file = path.join(dir, 'journal.sqlite');
    const db = attemptsDb(file);
    db.pragma('wal_autocheckpoint = 0');
    const insert = db.prepare('INSERT INTO attempts (note, auth_code, host_ref, masked_pan, card_brand) VALUES (?, ?, ?, ?, ?)');
    insert.run(`customer read out ${PAN}`, AUTH, HOST_REF, MASKED, 'visa');
    const live = scanPaths([dir]).findings;
    assert.ok(live.some((f) => f.kind === 'pan' && f.file.endsWith('.sqlite-wal')), 'the live row');

    // Updated away: the current row is clean, the WAL's older frame still holds the number.
    db.prepare("UPDATE attempts SET note = 'customer read out a card number (removed)'").run();
    assert.equal((db.prepare('SELECT note FROM attempts').get() as { note: string }).note.includes(PAN), false);
    const updated = scanPaths([dir]).findings;
    assert.ok(updated.some((f) => f.kind === 'pan' && f.file.endsWith('.sqlite-wal')), 'the older WAL frame');

    // Deleted and checkpointed: the WAL is emptied, the row's page is on the free list, its bytes still there.
    for (let i = 0; i < 200; i++) insert.run(`filler ${i} ${'-'.repeat(100)}`, AUTH, HOST_REF, MASKED, 'visa');
    db.prepare("UPDATE attempts SET note = ? WHERE id = 1").run(`again ${PAN}`);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.prepare('DELETE FROM attempts').run();
    db.pragma('wal_checkpoint(TRUNCATE)');
    assert.equal(fs.statSync(`${file}-wal`).size, 0);
    assert.ok((db.pragma('freelist_count', { simple: true }) as number) > 0);
    const freed = scanPaths([dir]).findings;
    assert.ok(freed.some((f) => f.kind === 'pan' && f.file.endsWith('journal.sqlite')), 'the free page');
    assert.ok(freed.every((f) => f.sample === `${PAN.slice(0, 6)}******${PAN.slice(-4)}`), 'only the real card number, masked');
    db.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('raw bytes: a Luhn-valid run no card network issues (auth code and reference side by side) is not card data; a Visa-length one is', () => {
  // Built from its two parts so that no Luhn-valid run is written out in the source.
  const authCodeThenReference = '215595' + '1000000144';
  assert.deepEqual(scanBytes(Buffer.from(`x${authCodeThenReference}y`, 'latin1'), 'raw.bin'), []);
  const visaLike = ['4', '9', '9', '2', '7', '3', '9', '8', '7', '1', '0', '0', '0', '0', '0', '0'];
  // Complete it to a Luhn-valid 16-digit run that starts with 4 (built here, never written out whole).
  let run = visaLike.join('').slice(0, 15);
  for (let d = 0; d < 10; d++) if (luhnValid(run + d)) { run += d; break; }
  assert.equal(scanBytes(Buffer.from(`x${run}y`, 'latin1'), 'raw.bin').length, 1);
});
