// Helpers for tests that need a real journal file: a temp folder, a stepping
// clock and sequential ids, so results are deterministic.

import fs from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import os from 'node:os';
import path from 'node:path';
import { openJournal, type Journal } from './journal.ts';
import { canonicalJson, eventHash } from './event-log.ts';
import { MIGRATIONS } from './migrations/index.ts';

/** A fresh temp folder; remove it with cleanup(). */
export function tempDir(prefix = 'cashier-journal-'): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A clock that advances one second per reading from 2026-01-01T00:00:00Z. */
export function steppingClock(start = Date.UTC(2026, 0, 1)): () => Date {
  let t = start;
  return () => new Date((t += 1000));
}

/** Ids "id-1", "id-2", … */
export function sequentialIds(prefix = 'id-'): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}

/** Opens a journal at file with the deterministic clock and ids (give each reopen its own id prefix). */
export function openTestJournal(file: string, idPrefix = 'id-'): Journal {
  return openJournal({ path: file, clock: steppingClock(), newId: sequentialIds(idPrefix) });
}

/**
 * Damages one leaf page from the middle of `table` in a closed journal file:
 * its cell pointers are overwritten, while the header, the schema and the
 * b-tree's ends (what opening reads) stay intact. Returns the page number.
 */
export function corruptMiddleLeafPage(file: string, table: string): number {
  const db = new BetterSqlite3(file, { readonly: true });
  const pages = db.prepare("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno").pluck().all(table) as number[];
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  if (pages.length < 5) throw new Error(`${table} has only ${pages.length} leaf pages; write more rows first`);
  const page = pages[Math.floor(pages.length / 2)];
  const bytes = fs.readFileSync(file);
  const at = (page - 1) * pageSize;
  const cells = bytes.readUInt16BE(at + 3);
  // Every cell pointer now points past the end of the page.
  for (let i = 0; i < cells; i++) bytes.writeUInt16BE(0xfff0, at + 8 + 2 * i);
  fs.writeFileSync(file, bytes);
  return page;
}

/**
 * Appends at least `events` events to an open journal in ONE transaction,
 * shaped as the app writes them: tickets rung with a line and paid by card
 * (attempt created, sent, approved; ticket paid), every fifth with a voided
 * line and paid in cash. Raw SQL for speed (200,000 events in about a second),
 * with the hash chain computed as event-log.ts does, so verify finds the chain
 * whole and every state row equal to its rebuild. Returns the events appended.
 */
export function fillJournal(journal: Journal, events: number, registerId = 'bulk-reg'): number {
  const db = journal.db;
  const head = db.prepare('SELECT seq, hash FROM chain_head WHERE id = 1').get() as { seq: number; hash: string };
  const insertEvent = db.prepare('INSERT INTO events (seq, at, entity, entity_id, type, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const start = head.seq;
  let { seq, hash } = head;
  const append = (entity: string, entityId: string, type: string, payload: object, at: string) => {
    const text = canonicalJson(payload);
    const prev = hash;
    seq++;
    hash = eventHash(prev, { seq, at, entity, entity_id: entityId, type, payload: text });
    insertEvent.run(seq, at, entity, entityId, type, text, prev, hash);
  };
  const ticket = db.prepare("INSERT INTO tickets (id, register_id, number, status, currency, total, created_at, updated_at) VALUES (?, ?, ?, 'paid', 'USD', 700, ?, ?)");
  const line = db.prepare("INSERT INTO ticket_lines (id, ticket_id, item_id, description, quantity, unit_price, line_total, voided, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  const cash = db.prepare("INSERT INTO cash_tenders (id, ticket_id, tendered, applied, change, currency, created_at) VALUES (?, ?, 1000, 700, 300, 'USD', ?)");
  const attempt = db.prepare(
    `INSERT INTO payment_attempts (id, ticket_id, slot, ecr_ref, invoice, terminal_id, kind, amount_requested, amount_approved, currency, state, auth_code, masked_pan, approval_source, created_at, updated_at)
     VALUES (?, ?, 1, ?, ?, 'pax-1', 'sale', 700, 700, 'USD', 'approved', 'OK1', '411111******1111', 'terminal', ?, ?)`,
  );
  journal.transact(() => {
    if (!db.prepare('SELECT 1 FROM registers WHERE id = ?').get(registerId)) {
      db.prepare("INSERT INTO registers (id, code, name) VALUES (?, 'B', 'Bulk')").run(registerId);
      append('register', registerId, 'created', { code: 'B', name: 'Bulk' }, journal.nowIso());
    }
    let number = (db.prepare('SELECT coalesce(max(number), 0) + 1 FROM tickets WHERE register_id = ?').pluck().get(registerId) as number);
    while (seq - start < events) {
      const at = journal.nowIso();
      const id = journal.newId();
      ticket.run(id, registerId, number, at, at);
      append('ticket', id, 'created', { currency: 'USD', number, registerId }, at);
      const lineId = journal.newId();
      line.run(lineId, id, 'coffee', 'Coffee', 2, 350, 700, 0, at);
      append('ticket', id, 'line_added', { description: 'Coffee', itemId: 'coffee', lineId, lineTotal: 700, quantity: 2, total: 700, unitPrice: 350 }, at);
      if (number % 5 === 0) {
        const extra = journal.newId();
        line.run(extra, id, 'cake', 'Cake', 1, 450, 450, 1, at);
        append('ticket', id, 'line_added', { description: 'Cake', itemId: 'cake', lineId: extra, lineTotal: 450, quantity: 1, total: 1150, unitPrice: 450 }, at);
        append('ticket', id, 'line_voided', { lineId: extra, lineTotal: 450, total: 700 }, at);
        const tenderId = journal.newId();
        cash.run(tenderId, id, at);
        append('ticket', id, 'cash_tendered', { applied: 700, change: 300, due: 0, tenderId, tendered: 1000 }, at);
      } else {
        const aid = journal.newId();
        const ref = `RBT${number}P1`;
        attempt.run(aid, id, ref, ref, at, at);
        const base = { amountApproved: 0, amountRequested: 700, approvalSource: null, authCode: null, cardBrand: null, currency: 'USD', doubtReason: null, ecrRef: ref };
        const rest = { hostRef: null, invoice: ref, kind: 'sale', maskedPan: null, resultCode: null, slot: 1 };
        const tail = { terminalId: 'pax-1', terminalRef: null, ticketId: id };
        append('attempt', aid, 'created', { ...base, ...rest, state: 'created', ...tail }, at);
        append('attempt', aid, 'send', { ...base, event: { type: 'send' }, from: 'created', ...rest, state: 'sent', ...tail }, at);
        append('attempt', aid, 'approve', {
          ...base, amountApproved: 700, approvalSource: 'terminal', authCode: 'OK1', event: { source: 'terminal', type: 'approve' }, from: 'sent',
          ...rest, maskedPan: '411111******1111', state: 'approved', ...tail,
        }, at);
      }
      append('ticket', id, 'paid', { paid: 700, total: 700 }, at);
      number++;
    }
    db.prepare('UPDATE chain_head SET seq = ?, hash = ? WHERE id = 1').run(seq, hash);
    // The mark follows the head as appendEvent would have moved it.
    journal.appendEvent({ entity: 'register', entityId: registerId, type: 'filled', payload: { events: seq - start } });
  });
  return (db.prepare('SELECT seq FROM chain_head WHERE id = 1').pluck().get() as number) - start;
}

/**
 * Writes an open ticket `ticketId` (register `registerId`, made if missing)
 * holding one line of `total`, with the events TicketService would journal, so
 * verify's state rebuild finds it whole. For tests and benches that need a
 * ticket with a fixed id under their attempts.
 */
export function journalTestTicket(journal: Journal, ticketId: string, total: number, registerId = 'r1'): void {
  const db = journal.db;
  journal.transact(() => {
    const at = journal.nowIso();
    if (!db.prepare('SELECT 1 FROM registers WHERE id = ?').get(registerId)) {
      const code = registerId.replace(/[^A-Za-z0-9]/g, '').slice(0, 4) || 'R';
      db.prepare('INSERT INTO registers (id, code, name) VALUES (?, ?, ?)').run(registerId, code, 'Test');
      journal.appendEvent({ entity: 'register', entityId: registerId, type: 'created', payload: { code, name: 'Test' } }, at);
    }
    const number = db.prepare('SELECT coalesce(max(number), 0) + 1 FROM tickets WHERE register_id = ?').pluck().get(registerId) as number;
    db.prepare("INSERT INTO tickets (id, register_id, number, status, currency, total, created_at, updated_at) VALUES (?, ?, ?, 'open', 'USD', ?, ?, ?)").run(ticketId, registerId, number, total, at, at);
    journal.appendEvent({ entity: 'ticket', entityId: ticketId, type: 'created', payload: { currency: 'USD', number, registerId } }, at);
    const lineId = `${ticketId}-line`;
    db.prepare("INSERT INTO ticket_lines (id, ticket_id, item_id, description, quantity, unit_price, line_total, voided, created_at) VALUES (?, ?, NULL, 'Item', 1, ?, ?, 0, ?)").run(lineId, ticketId, total, total, at);
    journal.appendEvent({ entity: 'ticket', entityId: ticketId, type: 'line_added', payload: { description: 'Item', itemId: null, lineId, lineTotal: total, quantity: 1, total, unitPrice: total } }, at);
  });
}

/**
 * Takes a journal file's schema back to `version` as an older build left it,
 * so a migration test can run the steps after it again: tables, indexes and
 * columns that only later migrations create are dropped (found by building
 * both schemas in memory), and user_version is set. Rows of the kept tables
 * stay. Generic, so a new migration never breaks an older migration's test.
 */
export function rollBackSchema(file: string, version: number): void {
  const shape = (upTo: number) => {
    const mem = new BetterSqlite3(':memory:');
    try {
      for (const m of MIGRATIONS) if (m.version <= upTo) m.up(mem);
      const objects = mem.prepare("SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").all() as { type: string; name: string; tbl_name: string }[];
      const columns = new Map<string, string[]>();
      for (const o of objects) if (o.type === 'table') columns.set(o.name, (mem.pragma(`table_info(${o.name})`) as { name: string }[]).map((c) => c.name));
      return { objects, columns };
    } finally {
      mem.close();
    }
  };
  const then = shape(version);
  const now = shape(Number.MAX_SAFE_INTEGER);
  const keep = new Set(then.objects.map((o) => `${o.type}:${o.name}`));
  const raw = new BetterSqlite3(file);
  try {
    raw.pragma('foreign_keys = OFF');
    for (const o of now.objects.filter((x) => x.type === 'trigger' && !keep.has(`trigger:${x.name}`))) raw.exec(`DROP TRIGGER IF EXISTS "${o.name}"`);
    for (const o of now.objects.filter((x) => x.type === 'index' && !keep.has(`index:${x.name}`))) raw.exec(`DROP INDEX IF EXISTS "${o.name}"`);
    for (const o of now.objects.filter((x) => x.type === 'table' && !keep.has(`table:${x.name}`))) raw.exec(`DROP TABLE IF EXISTS "${o.name}"`);
    for (const [table, cols] of then.columns) {
      for (const col of now.columns.get(table) ?? []) if (!cols.includes(col)) raw.exec(`ALTER TABLE "${table}" DROP COLUMN "${col}"`);
    }
    raw.pragma(`user_version = ${version}`);
  } finally {
    raw.close();
  }
}
