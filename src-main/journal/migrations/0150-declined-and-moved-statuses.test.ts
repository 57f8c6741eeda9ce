import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { startPurserRig, TEST_CARDS } from '../../purser/purser-test-rig.ts';
import { EndOfDayReporter, localDate } from '../../settlement/end-of-day-report.ts';
import { loadCatalog } from '../../tickets/catalog.ts';
import { TicketService } from '../../tickets/ticket-service.ts';
import { verifyJournal } from '../journal-verify.ts';
import { openTestJournal, rollBackSchema, tempDir } from '../journal-test-rig.ts';
import statuses, { rebuildTable } from './0150-declined-and-moved-statuses.ts';
import { MIGRATIONS } from './index.ts';

const tmp = tempDir('cashier-statuses-mig-');
after(() => tmp.cleanup());

const REBUILT = ['purser_payments', 'tickets'];

/** The schema objects of a table (its indexes and triggers with their SQL), from a database migrated up to `version`. */
function schemaAt(version: number): Map<string, { table: string; dependents: string[] }> {
  const mem = new BetterSqlite3(':memory:');
  try {
    for (const m of MIGRATIONS) if (m.version <= version) m.up(mem);
    return objectsOf(mem);
  } finally {
    mem.close();
  }
}

function objectsOf(db: BetterSqlite3.Database): Map<string, { table: string; dependents: string[] }> {
  const out = new Map<string, { table: string; dependents: string[] }>();
  for (const t of REBUILT) {
    const table = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(t) as string;
    const dependents = db
      .prepare("SELECT type || ' ' || name || ': ' || coalesce(sql, '(automatic)') FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') ORDER BY type, name")
      .pluck()
      .all(t) as string[];
    out.set(t, { table, dependents });
  }
  return out;
}

/**
 * Takes a journal file written by this code back to what the 0140 code left:
 * the rows a decline or a move closed stored 'voided' (what that code wrote;
 * its events were the same), both tables with their 0140 definitions, and
 * user_version 140. The outbox is emptied, as if the relay had sent it.
 */
function asLeftBy0140(file: string): void {
  const old = new BetterSqlite3(':memory:');
  const sql = new Map<string, string>();
  for (const m of MIGRATIONS) if (m.version <= 140) m.up(old);
  for (const t of REBUILT) sql.set(t, old.prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(t) as string);
  old.close();
  const raw = new BetterSqlite3(file);
  try {
    raw.pragma('foreign_keys = OFF');
    raw.transaction(() => {
      raw.exec("UPDATE purser_payments SET status = 'voided' WHERE status = 'declined'; UPDATE tickets SET status = 'voided' WHERE status = 'moved'");
      for (const t of REBUILT) rebuildTable(raw, t, () => sql.get(t)!);
      raw.exec('DELETE FROM store_outbox');
    })();
  } finally {
    raw.close();
  }
  rollBackSchema(file, 140);
}

test('0150 is registered after 0140', () => {
  const i = MIGRATIONS.indexOf(statuses);
  assert.ok(i > 0);
  assert.equal(MIGRATIONS[i - 1].version, 140);
  assert.equal(statuses.version, 150);
});

test('0150: both tables keep every index and trigger (never-delete, the store outbox of 0140) and the CHECK only widens', () => {
  const before = schemaAt(140);
  const now = schemaAt(Number.MAX_SAFE_INTEGER);
  for (const t of REBUILT) {
    const b = before.get(t)!;
    const n = now.get(t)!;
    assert.deepEqual(n.dependents, b.dependents, `${t}: the same indexes and triggers, with the same SQL`);
    assert.ok(b.dependents.some((d) => d.startsWith(`trigger store_outbox_${t}_upd`)) && b.dependents.some((d) => d.startsWith(`trigger ${t}_no_delete`)), `${t} had its triggers at 0140`);
    assert.notEqual(n.table, b.table);
  }
  assert.match(now.get('tickets')!.table, /CHECK \(status IN \('open', 'paid', 'voided', 'moved'\)\)/);
  assert.match(now.get('purser_payments')!.table, /CHECK \(status IN \('posted', 'voided', 'declined'\)\)/);
  assert.match(now.get('purser_payments')!.table, /void_of TEXT REFERENCES purser_payments\(id\)/, 'the self reference names the table, not its temporary name');
});

test('0150: after the rebuild the triggers fire, the references hold and the CHECK refuses what it should', () => {
  const journal = openTestJournal(path.join(tmp.dir, 'fire.sqlite'));
  try {
    const db = journal.db;
    const outbox = () => db.prepare("SELECT table_name, row_key, op FROM store_outbox WHERE table_name IN ('tickets', 'purser_payments') ORDER BY change_seq").all();
    db.prepare("INSERT INTO registers VALUES ('r1', 'R1', 'Front')").run();
    db.prepare('UPDATE store_relay_state SET enabled = 1').run();
    const ticket = db.prepare("INSERT INTO tickets VALUES (?, ?, 1, ?, 'USD', 100, 'now', 'now')");
    ticket.run('t1', 'r1', 'open');
    db.prepare("UPDATE tickets SET status = 'moved' WHERE id = 't1'").run();
    db.prepare("INSERT INTO guests (id, number, name, cabin, embark_date, disembark_date, status, posting_enabled, training, created_at, updated_at) VALUES ('g1', 1, 'A', '101', 'd', 'd', 'checked_in', 1, 0, 't', 't')").run();
    const payment = db.prepare("INSERT INTO purser_payments (id, guest_id, method, amount, card_id, status, void_of, created_at, updated_at) VALUES (?, 'g1', 'cash', 100, NULL, ?, ?, 't', 't')");
    payment.run('p1', 'declined', null);
    assert.deepEqual(outbox(), [
      { table_name: 'tickets', row_key: '["t1"]', op: 'upsert' },
      { table_name: 'tickets', row_key: '["t1"]', op: 'upsert' },
      { table_name: 'purser_payments', row_key: '["p1"]', op: 'upsert' },
    ], 'the store outbox triggers of 0140 record inserts and updates of both rebuilt tables');
    assert.throws(() => db.prepare("DELETE FROM tickets WHERE id = 't1'").run(), /never deleted/);
    assert.throws(() => db.prepare("DELETE FROM purser_payments WHERE id = 'p1'").run(), /never deleted/);
    assert.throws(() => ticket.run('t2', 'r1', 'refunded'), /CHECK/);
    assert.throws(() => payment.run('p2', 'moved', null), /CHECK/);
    assert.throws(() => ticket.run('t2', 'no-such-register', 'open'), /FOREIGN KEY/, 'its own reference still enforced');
    assert.throws(() => payment.run('p2', 'posted', 'no-such-payment'), /FOREIGN KEY/, 'the self reference still enforced');
    assert.throws(
      () => db.prepare("INSERT INTO ticket_lines (id, ticket_id, item_id, description, quantity, unit_price, line_total, voided, created_at) VALUES ('l1', 'nope', NULL, 'x', 1, 1, 1, 0, 'now')").run(),
      /FOREIGN KEY/,
      'references from other tables to the rebuilt one still enforced',
    );
    assert.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE name LIKE '%__rebuild'").pluck().get(), 0, 'no temporary table left');
  } finally {
    journal.close();
  }
});

test('0150: rebuildTable refuses an edit that changes nothing, and a table with rows while foreign keys are enforced', () => {
  const db = new BetterSqlite3(':memory:');
  try {
    db.pragma('foreign_keys = ON');
    db.exec("CREATE TABLE p (id TEXT PRIMARY KEY); CREATE TABLE c (p TEXT REFERENCES p(id)); INSERT INTO p VALUES ('a'); INSERT INTO c VALUES ('a')");
    assert.throws(() => rebuildTable(db, 'p', (s) => s), /not changed/);
    assert.throws(() => rebuildTable(db, 'p', (s) => s.replace('id TEXT', 'id TEXT NOT NULL')), /foreign keys must be off/);
    db.pragma('foreign_keys = OFF');
    rebuildTable(db, 'p', (s) => s.replace('id TEXT', 'id TEXT NOT NULL'));
    assert.deepEqual(db.prepare('SELECT p.id FROM c JOIN p ON p.id = c.p').pluck().all(), ['a'], 'rows kept, the child still finds its parent');
  } finally {
    db.close();
  }
});

test('0150 on a journal the 0140 code wrote through the real services: a declined purser payment and a moved ticket are converted, voids stay voids, money and the chain unchanged', async () => {
  const dir = path.join(tmp.dir, 'services');
  fs.mkdirSync(dir, { recursive: true });
  const r = await startPurserRig({ dir });
  try {
    const register = { id: 'reg-1', code: 'R1', name: 'Front counter' };
    const catalog = loadCatalog();
    const tickets = () => new TicketService(r.journal, { register, currency: 'USD', catalog });
    r.journal.db.prepare('UPDATE store_relay_state SET enabled = 1').run();

    // A card payment whose settlement the card provider declines (4-17 #2: registered offline, declined at upload).
    const g = r.guest();
    r.pad.setOffline(true);
    r.present(TEST_CARDS.mastercard);
    await r.room.service.register(g, 'pad1');
    r.pad.setOffline(false);
    r.room.service.addPosting(g, 12_000, 'Dinner');
    r.pad.setOffline(true);
    const paid = await r.room.service.pay(g, 12_000, 'card');
    r.pad.markCardDeclined(TEST_CARDS.mastercard);
    r.pad.setOffline(false);
    await r.send();
    // A cash payment voided: a real void, which must stay one.
    r.room.service.addPosting(g, 500, 'Bar');
    const cash = await r.room.service.pay(g, 500, 'cash');
    const cashPayment = cash.guest.payments.at(-1)!.paymentId;
    r.room.service.voidPayment(cashPayment);
    const folio = r.room.service.get(g);
    const declined = folio.payments.filter((p) => p.status === 'declined');
    assert.equal(declined.length, 2, 'the payment and the line taking it off');
    assert.ok(declined.some((p) => p.paymentId === paid.guest.payments.at(-1)!.paymentId));

    // A ticket moved to another register (what the store's move journals here), and an empty one voided.
    const t = tickets();
    const movedTicket = t.create();
    t.addLine(movedTicket.id, catalog[0].id, 2);
    t.tenderCash(movedTicket.id, 100);
    const move = t.beginMove(movedTicket.id);
    t.finishMove(movedTicket.id, { transferId: 7, toRegister: 'reg-2', toName: 'Till 2', receivedTicketId: 'reg-2-from-7', cashApplied: move.cashApplied, slotsUsed: move.slotsUsed });
    const voidedTicket = t.create();
    t.void(voidedTicket.id);

    const money = (db: BetterSqlite3.Database) =>
      db.prepare('SELECT (SELECT sum(amount) FROM purser_payments) || \'/\' || (SELECT sum(amount) FROM folio_lines) || \'/\' || (SELECT sum(total) FROM tickets) || \'/\' || (SELECT sum(applied) FROM cash_tenders)').pluck().get();
    const moneyBefore = money(r.journal.db);
    const today = localDate(new Date()); // one day for both reports, whatever the clock does meanwhile
    const endOfDay = (db: BetterSqlite3.Database) => ({ ...new EndOfDayReporter(db, { currency: 'USD', clock: () => new Date() }).report(today), generatedAt: '' });
    const dayBefore = endOfDay(r.journal.db);
    assert.equal(dayBefore.tenders.cash.amount, 100, 'the cash taken on the moved ticket is counted');
    const balanceBefore = folio.balance;

    const closedIds = [...declined.map((p) => p.paymentId), cashPayment, movedTicket.id, voidedTicket.id];
    let old: { version: number; statuses: unknown[]; sql: string } | undefined;
    await r.restart(async () => {
      const file = path.join(dir, 'journal.sqlite');
      asLeftBy0140(file);
      const raw = new BetterSqlite3(file, { readonly: true });
      try {
        const ids = JSON.stringify(closedIds);
        old = {
          version: raw.pragma('user_version', { simple: true }) as number,
          statuses: raw.prepare('SELECT DISTINCT status FROM (SELECT id, status FROM purser_payments UNION ALL SELECT id, status FROM tickets) WHERE id IN (SELECT value FROM json_each(?))').pluck().all(ids),
          sql: raw.prepare("SELECT sql FROM sqlite_master WHERE name = 'tickets'").pluck().get() as string,
        };
      } finally {
        raw.close();
      }
    });
    assert.equal(old?.version, 140);
    assert.deepEqual(old?.statuses, ['voided'], 'the fixture: declines, the move and the voids all stored voided, as the 0140 code wrote them');
    assert.match(old?.sql ?? '', /CHECK \(status IN \('open', 'paid', 'voided'\)\)/, 'with the 0140 definition');

    const db = r.journal.db;
    assert.equal(db.pragma('user_version', { simple: true }), 150);
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1, 'enforcement is on again after the migration');
    const status = (table: string, id: string) => db.prepare(`SELECT status FROM ${table} WHERE id = ?`).pluck().get(id);
    for (const p of declined) assert.equal(status('purser_payments', p.paymentId), 'declined', 'a declined payment (and its counter line) is stored declined');
    assert.equal(status('purser_payments', cashPayment), 'voided', 'a voided payment stays voided');
    assert.equal(db.prepare("SELECT count(*) FROM purser_payments WHERE status = 'voided'").pluck().get(), 2, 'the void and its counter line');
    assert.equal(status('tickets', movedTicket.id), 'moved');
    assert.equal(status('tickets', voidedTicket.id), 'voided', 'a voided ticket stays voided');
    assert.equal(money(db), moneyBefore, 'no amount, total or tender changed');
    assert.deepEqual(endOfDay(db), dayBefore, 'the end-of-day report is the same: cash, card, voids and refunds');
    assert.equal(r.room.service.get(g).balance, balanceBefore);
    assert.deepEqual(
      r.room.service.get(g).payments.map((p) => p.status),
      folio.payments.map((p) => p.status),
      'the folio reads the same statuses as the code that writes them directly',
    );

    const report = verifyJournal(db);
    assert.deepEqual(report.breaks, [], 'chain and state rows verify clean');
    assert.ok(report.ok);

    // The conversion is an ordinary update: the store's copy learns the new statuses through the outbox.
    const sent = db.prepare('SELECT table_name || \':\' || row_key FROM store_outbox ORDER BY change_seq').pluck().all();
    assert.deepEqual(sent.sort(), [...declined.map((p) => `purser_payments:["${p.paymentId}"]`), `tickets:["${movedTicket.id}"]`].sort());

    const history = tickets().historyToday();
    assert.deepEqual(history.filter((h) => h.id === movedTicket.id).map((h) => [h.status, h.movedTo]), [['moved', 'Till 2']]);
    assert.deepEqual(history.filter((h) => h.id === voidedTicket.id).map((h) => h.status), ['voided']);
  } finally {
    await r.close();
  }
});

test('0150 through migrate(): run with foreign keys off, every reference checked before the commit; a broken one refuses the journal and leaves it at 140', () => {
  const file = path.join(tmp.dir, 'broken-ref.sqlite');
  openTestJournal(file).close();
  const raw = new BetterSqlite3(file);
  try {
    raw.pragma('foreign_keys = OFF');
    raw.prepare("INSERT INTO ticket_lines (id, ticket_id, item_id, description, quantity, unit_price, line_total, voided, created_at) VALUES ('l1', 'no-such-ticket', NULL, 'x', 1, 1, 1, 0, 'now')").run();
  } finally {
    raw.close();
  }
  asLeftBy0140(file);
  assert.throws(() => openTestJournal(file, 'again-'), /broken references \(first in ticket_lines\)/);
  const after = new BetterSqlite3(file, { readonly: true });
  try {
    assert.equal(after.pragma('user_version', { simple: true }), 140, 'nothing committed');
    assert.match(after.prepare("SELECT sql FROM sqlite_master WHERE name = 'tickets'").pluck().get() as string, /'open', 'paid', 'voided'\)\)/);
  } finally {
    after.close();
  }
});
