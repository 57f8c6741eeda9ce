// The journal under real faults: a full disk and a read-only mount (a small
// tmpfs mounted by the test), the WAL deleted after kill -9, a state row
// edited by hand, and a damaged file taking no write of any kind.

import { after, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../../src-shared/errors.ts';
import { DeviceRepository } from '../devices/device-repository.ts';
import { loadCatalog } from '../tickets/catalog.ts';
import { TicketService } from '../tickets/ticket-service.ts';
import { AttemptRepository } from './attempt-repository.ts';
import { openJournal, type Journal } from './journal.ts';
import { openTestJournal, tempDir } from './journal-test-rig.ts';
import { smallDisks } from './small-disk-test-rig.ts';

const tmp = tempDir('cashier-faults-');
const disks = smallDisks('cashier-faults-disks-');
after(() => {
  disks.cleanup();
  tmp.cleanup();
});
const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'journal-crash-child.ts');
const smallDisk = (t: TestContext, size: string) => disks.mount(t, size);

function tickets(j: Journal): TicketService {
  return new TicketService(j, { register: { id: 'r1', code: '1', name: 'Front' }, currency: 'USD', catalog: loadCatalog() });
}

function refused(fn: () => unknown, code: string, message: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof AppError, String(err));
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  });
}

const until = async (cond: () => boolean, ms: number, what: string) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) assert.fail(`${what} not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return Date.now() - t0;
};

test('disk full: the failed write names the cause, health shows it within a second, and clears by itself when space is back', async (t) => {
  const disk = smallDisk(t, '1m');
  if (!disk) return;
  const j = openJournal({ path: path.join(disk, 'journal.sqlite'), integrityCheck: 'none' });
  try {
    const svc = tickets(j);
    const ticket = svc.create();
    const filler = path.join(disk, 'filler');
    assert.throws(() => fs.writeFileSync(filler, Buffer.alloc(2 * 1024 * 1024)), /ENOSPC/);
    // Seen by the watch, before any write is tried.
    const seenMs = await until(() => j.writeHealth()?.cause === 'disk full', 1000, 'disk full in the health');
    assert.ok(seenMs <= 1000);
    refused(() => j.assertWritable(), 'journal_unavailable', /journal cannot be written \(disk full\): free space/);
    // A write that hits the full disk says why, not "internal".
    refused(() => svc.addLine(ticket.id, 'coffee', 1 + 'x'.length * 0), 'journal_unavailable', /disk full/);
    fs.rmSync(filler);
    await until(() => j.writeHealth() === undefined, 1500, 'writes working again');
    svc.addLine(ticket.id, 'coffee', 1);
    assert.equal(j.verify().ok, true);
  } finally {
    j.close();
  }
});

test('read-only disk: opening says "read-only" and what to do, and the file is left untouched', async (t) => {
  const disk = smallDisk(t, '4m');
  if (!disk) return;
  const file = path.join(disk, 'journal.sqlite');
  const j = openTestJournal(file);
  tickets(j).create();
  j.close();
  const before = fs.readFileSync(file);
  execFileSync('mount', ['-o', 'remount,ro', disk]);
  refused(() => openJournal({ path: file, integrityCheck: 'none' }), 'journal_unavailable', /\(read-only\): make the journal file and its folder writable/);
  assert.deepEqual(fs.readFileSync(file), before);
});

/** Runs the crash child on `file` until it acknowledged `acks` commits, then SIGKILLs it. */
function runUntilAcks(file: string, acks: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ['--import', 'tsx', CHILD, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let last = 0;
    const timer = setTimeout(() => c.kill('SIGKILL'), 20_000);
    c.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const seqs = [...out.matchAll(/^ack (\d+) /gm)].map((m) => Number(m[1]));
      last = seqs.at(-1) ?? 0;
      if (seqs.length >= acks) c.kill('SIGKILL');
    });
    c.on('close', () => {
      clearTimeout(timer);
      if (last === 0) reject(new Error('the child acknowledged nothing'));
      else resolve(last);
    });
  });
}

test('the WAL deleted after kill -9: acknowledged history is missed, payments and every write are refused, verify reports it', async () => {
  const file = path.join(tmp.dir, 'wal-lost', 'journal.sqlite');
  // A first round, closed cleanly, so part of the history is in the main file.
  const first = openTestJournal(file);
  tickets(first).create();
  first.close();
  const acked = await runUntilAcks(file, 60);
  assert.ok(fs.statSync(`${file}-wal`).size > 0, 'the acknowledged commits sit in the WAL');
  fs.rmSync(`${file}-wal`);
  fs.rmSync(`${file}-shm`, { force: true });

  const j = openJournal({ path: file, integrityCheck: 'none' });
  try {
    const lost = j.lostHistory();
    assert.ok(lost, 'the loss is noticed at open');
    assert.equal(lost.expected.seq, acked);
    assert.ok(lost.found.seq < acked);
    assert.match(lost.message, /Payments are stopped.*recorded \d+ changes but now holds only \d+.*"-wal" file was deleted.*Put the missing "-wal" file/s);
    refused(() => j.assertWritable(), 'journal_corrupt', /Payments are stopped/);
    refused(() => tickets(j).create(), 'journal_corrupt', /"-wal"/);
    // Reading still works.
    assert.equal((j.db.prepare('SELECT count(*) AS c FROM events').get() as { c: number }).c, lost.found.seq);
    const report = j.verify();
    assert.equal(report.ok, false);
    assert.deepEqual(report.breaks.map((b) => b.kind), ['history_lost']);
  } finally {
    j.close();
  }
});

test('verify rebuilds the attempt rows from their events and reports every row changed by hand', () => {
  const j = openTestJournal(path.join(tmp.dir, 'edited', 'journal.sqlite'));
  try {
    const svc = tickets(j);
    const attempts = new AttemptRepository(j);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const t = svc.addLine(svc.create().id, 'coffee', 1);
      const a = attempts.create({ ticketId: t.id, slot: 1, ecrRef: `R1T${t.number}P1`, invoice: `R1T${t.number}P1`, terminalId: 'pax-1', kind: 'sale', amountRequested: t.due, currency: 'USD' });
      attempts.transition(a.id, { type: 'send' });
      attempts.transition(a.id, { type: 'approve', source: 'terminal' }, { amountApproved: t.due, authCode: 'OK1' });
      ids.push(a.id);
    }
    assert.equal(j.verify().ok, true);
    j.db.prepare('UPDATE payment_attempts SET amount_approved = 1').run();
    const report = j.verify();
    assert.equal(report.ok, false);
    const mismatches = report.breaks.filter((b) => b.kind === 'state_mismatch');
    assert.equal(mismatches.length, 3);
    for (const id of ids) assert.ok(mismatches.some((b) => b.detail.includes(id) && /amount_approved is 1, its events say \d+/.test(b.detail)), id);
  } finally {
    j.close();
  }
});

test('a journal whose integrity check failed takes no write of any kind: tickets and devices refused, reading still works', async () => {
  const file = path.join(tmp.dir, 'damaged', 'journal.sqlite');
  const j = openTestJournal(file);
  try {
    const svc = tickets(j);
    const open = svc.create();
    // The background verdict as the check would give it.
    (j as unknown as { setIntegrity(s: unknown): void }).setIntegrity({ state: 'failed', problems: ['page 7 is damaged'], message: 'The journal failed its integrity check (page 7 is damaged). Card and cash payments are stopped, and nothing more (tickets and settings neither) is written to a damaged file.' });
    const events = () => (j.db.prepare('SELECT count(*) AS c FROM events').get() as { c: number }).c;
    const before = events();
    refused(() => svc.create(), 'journal_corrupt', /integrity check/);
    refused(() => svc.addLine(open.id, 'coffee', 1), 'journal_corrupt', /integrity check/);
    refused(() => new DeviceRepository(j, 'r1').add({ kind: 'pin_pad', name: 'Front PIN pad', model: 'pax-a35', settings: { host: '127.0.0.1', port: 10009 } } as never), 'journal_corrupt', /integrity check/);
    assert.equal(events(), before);
    assert.equal(svc.get(open.id).id, open.id);
    assert.equal(j.verify().events, before);
  } finally {
    j.close();
  }
});
