// Rebuilds the state rows the app reads (payment_attempts, tickets,
// ticket_lines, cash_tenders, purser_payments) from the events, for `journal verify`: the hash
// chain protects the events, and comparing the rows with their rebuild makes
// it protect what the app actually reads. Every row that differs, has no
// events, or is missing is one `state_mismatch`, naming its table and id.
//
// What is compared is what the events record. Attempt events carry the whole
// row and the exact time stamp of the row. Ticket events carry the facts of
// each change (number, currency, each line, each total, each cash tender, the
// close) but their time is a separate clock reading from the row's, so ticket,
// line and tender times are not compared (a journal written so far would
// report every row). A ticket's due (total − cash applied − approved card)
// follows from the rows compared here. A purser payment's events (entity
// 'guest': payment_added, payment_voided, payment_declined) carry its guest,
// method, amount, card, what it takes off, and how it ended: its status is
// what they say, so a declined payment stored as anything but 'declined'
// (migration 0150) is reported.

import type BetterSqlite3 from 'better-sqlite3';
import type { JournalBreak } from '../../src-shared/domain.ts';
import type { EventFields } from './event-log.ts';

/** One event as verify reads it: the fields its hash covers. */
export type RebuildEvent = EventFields;

/** Columns of payment_attempts rebuilt from the attempt events' payloads, by payload key. */
const ATTEMPT_FIELDS: ReadonlyArray<[payloadKey: string, column: string]> = [
  ['ticketId', 'ticket_id'],
  ['slot', 'slot'],
  ['ecrRef', 'ecr_ref'],
  ['invoice', 'invoice'],
  ['terminalId', 'terminal_id'],
  ['kind', 'kind'],
  ['amountRequested', 'amount_requested'],
  ['amountApproved', 'amount_approved'],
  ['currency', 'currency'],
  ['state', 'state'],
  ['resultCode', 'result_code'],
  ['authCode', 'auth_code'],
  ['hostRef', 'host_ref'],
  ['terminalRef', 'terminal_ref'],
  ['maskedPan', 'masked_pan'],
  ['cardBrand', 'card_brand'],
  ['approvalSource', 'approval_source'],
  ['doubtReason', 'doubt_reason'],
];

/** A row as its events rebuild it: column → value, and the seq of the last event that shaped it. */
interface Rebuilt {
  cols: Record<string, unknown>;
  seq: number;
}

type Add = (b: JournalBreak) => void;

/** Feeds on the events in seq order, then compares the tables with what they rebuilt. */
export class StateRebuild {
  private readonly attempts = new Map<string, Rebuilt>();
  private readonly tickets = new Map<string, Rebuilt>();
  private readonly lines = new Map<string, Rebuilt>();
  private readonly cash = new Map<string, Rebuilt>();
  private readonly payments = new Map<string, Rebuilt>();
  /** Tickets whose history holds an event this code cannot replay: not compared, never a false alarm. */
  private readonly unknownTickets = new Set<string>();

  /** Takes one event (any entity; those not rebuilt are ignored). */
  feed(r: RebuildEvent): void {
    if (r.entity !== 'attempt' && r.entity !== 'ticket' && !(r.entity === 'guest' && r.type.startsWith('payment_'))) return;
    let p: Record<string, unknown>;
    try {
      p = JSON.parse(r.payload) as Record<string, unknown>;
    } catch {
      return; // a payload that is not JSON is already a hash_mismatch (the writer only stores canonical JSON)
    }
    if (r.entity === 'attempt') this.feedAttempt(r, p);
    else if (r.entity === 'ticket') this.feedTicket(r, p);
    else this.feedPayment(r, p);
  }

  private feedPayment(r: RebuildEvent, p: Record<string, unknown>): void {
    const id = String(p.paymentId);
    if (r.type === 'payment_added') {
      this.payments.set(id, { cols: { guest_id: r.entity_id, method: p.method, amount: p.amount, card_id: p.cardId ?? null, status: 'posted', void_of: p.voidOf ?? null }, seq: r.seq });
      return;
    }
    const payment = this.payments.get(id);
    if (!payment) return; // its payment_added is missing: the row is then reported as having no events
    if (r.type === 'payment_voided') Object.assign(payment, { seq: r.seq }).cols.status = 'voided';
    else if (r.type === 'payment_declined') Object.assign(payment, { seq: r.seq }).cols.status = 'declined';
  }

  private feedAttempt(r: RebuildEvent, p: Record<string, unknown>): void {
    const known = this.attempts.get(r.entity_id);
    const cols: Record<string, unknown> = { created_at: known?.cols.created_at ?? r.at, updated_at: r.at };
    for (const [key, col] of ATTEMPT_FIELDS) cols[col] = p[key] ?? null;
    this.attempts.set(r.entity_id, { cols, seq: r.seq });
  }

  private feedTicket(r: RebuildEvent, p: Record<string, unknown>): void {
    const id = r.entity_id;
    const t = this.tickets.get(id);
    switch (r.type) {
      case 'created':
        this.tickets.set(id, { cols: { register_id: p.registerId, number: p.number, status: 'open', currency: p.currency, total: 0 }, seq: r.seq });
        return;
      case 'line_added':
        this.lines.set(String(p.lineId), {
          cols: { ticket_id: id, item_id: p.itemId ?? null, description: p.description, quantity: p.quantity, unit_price: p.unitPrice, line_total: p.lineTotal, voided: 0 },
          seq: r.seq,
        });
        if (t) Object.assign(t, { seq: r.seq }).cols.total = p.total;
        break;
      case 'line_voided': {
        const line = this.lines.get(String(p.lineId));
        if (line) Object.assign(line, { seq: r.seq }).cols.voided = 1;
        if (t) Object.assign(t, { seq: r.seq }).cols.total = p.total;
        break;
      }
      case 'cash_tendered':
        this.cash.set(String(p.tenderId), {
          cols: { ticket_id: id, tendered: p.tendered, applied: p.applied, change: p.change, currency: t?.cols.currency ?? null },
          seq: r.seq,
        });
        break;
      case 'paid':
        if (t) Object.assign(t, { seq: r.seq }).cols.status = 'paid';
        break;
      case 'moved':
        // Moved to another register (issue 13 §3): closed here as moved, not voided (migration 0150).
        if (t) Object.assign(t, { seq: r.seq }).cols.status = 'moved';
        break;
      case 'received':
        // The link to the ticket it came from; its lines and cash came as their own events.
        break;
      case 'move_requested':
      case 'move_cancelled':
        // A move asked of the store, and one it did not make: the ticket's row does not change.
        break;
      default:
        this.unknownTickets.add(id);
        return;
    }
    if (!t) this.unknownTickets.add(id); // a change to a ticket whose creation is not in the chain
  }

  /** Reports every row that differs from its rebuild, every row with no events, every rebuild with no row. */
  compare(db: BetterSqlite3.Database, add: Add): void {
    const attemptCols = ['created_at', 'updated_at', ...ATTEMPT_FIELDS.map(([, c]) => c)];
    compareTable(db, add, { table: 'payment_attempts', what: 'payment attempt', cols: attemptCols, rebuilt: this.attempts });
    const skip = this.unknownTickets;
    compareTable(db, add, { table: 'tickets', what: 'ticket', cols: ['register_id', 'number', 'status', 'currency', 'total'], rebuilt: this.tickets, skip: (id) => skip.has(id) });
    compareTable(db, add, {
      table: 'ticket_lines',
      what: 'ticket line',
      cols: ['ticket_id', 'item_id', 'description', 'quantity', 'unit_price', 'line_total', 'voided'],
      rebuilt: this.lines,
      skip: (_id, row) => skip.has(String(row.ticket_id)),
    });
    compareTable(db, add, {
      table: 'cash_tenders',
      what: 'cash payment',
      cols: ['ticket_id', 'tendered', 'applied', 'change', 'currency'],
      rebuilt: this.cash,
      skip: (_id, row) => skip.has(String(row.ticket_id)),
    });
    if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'purser_payments'").get()) {
      compareTable(db, add, { table: 'purser_payments', what: 'purser payment', cols: ['guest_id', 'method', 'amount', 'card_id', 'status', 'void_of'], rebuilt: this.payments });
    }
  }
}

interface TableSpec {
  table: string;
  /** Plain words for the row kind. */
  what: string;
  cols: string[];
  rebuilt: Map<string, Rebuilt>;
  skip?: (id: string, row: Record<string, unknown>) => boolean;
}

function compareTable(db: BetterSqlite3.Database, add: Add, spec: TableSpec): void {
  const { table, what, cols, rebuilt } = spec;
  const seen = new Set<string>();
  const quoted = cols.map((c) => `"${c}"`).join(', ');
  const label = (id: string, row?: Record<string, unknown>) => (table === 'tickets' && row ? `${what} #${String(row.number)} (${table} ${id})` : `${what} (${table} ${id})`);
  for (const row of db.prepare(`SELECT id, ${quoted} FROM ${table} ORDER BY rowid`).iterate() as IterableIterator<Record<string, unknown>>) {
    const id = row.id as string;
    seen.add(id);
    if (spec.skip?.(id, row)) continue;
    const built = rebuilt.get(id);
    if (!built) {
      add({ seq: 0, kind: 'state_mismatch', table, rowId: id, detail: `${label(id, row)} has no events: the row was added outside the app` });
      continue;
    }
    const differs: string[] = [];
    for (const col of cols) {
      const want = built.cols[col] ?? null;
      if (row[col] !== want) differs.push(`${col} is ${JSON.stringify(row[col])}, its events say ${JSON.stringify(want)}`);
    }
    if (differs.length > 0) add({ seq: built.seq, kind: 'state_mismatch', table, rowId: id, detail: `${label(id, row)}: ${differs.join('; ')}` });
  }
  for (const [id, built] of rebuilt) {
    if (!seen.has(id)) add({ seq: built.seq, kind: 'state_mismatch', table, rowId: id, detail: `${label(id)} is in the events but its row is missing` });
  }
}
