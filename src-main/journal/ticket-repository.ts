// Tickets, their lines and cash tenders in the journal, and the mapping from
// rows to the snapshots the UI shows. SQL only: the rules live in
// src-main/tickets/ticket-service.ts, which calls these inside its transactions.

import type BetterSqlite3 from 'better-sqlite3';
import type { CardBrand } from '../../src-shared/card.ts';
import type { TenderSnapshot, TicketLine, TicketSnapshot, TicketStatus, TicketSummary } from '../../src-shared/domain.ts';
import type { Journal } from './journal.ts';

/** A ticket row, camelCased. */
export interface TicketRow {
  id: string;
  registerId: string;
  number: number;
  status: TicketStatus;
  currency: string;
  total: number;
  createdAt: string;
  updatedAt: string;
}

/** A line row, camelCased. */
export interface LineRow {
  id: string;
  ticketId: string;
  itemId: string | null;
  description: string;
  quantity: number;
  unitPrice: number;
  lineTotal: number;
  voided: boolean;
  createdAt: string;
}

/** A cash tender row, camelCased. */
export interface CashTenderRow {
  id: string;
  ticketId: string;
  tendered: number;
  applied: number;
  change: number;
  currency: string;
  createdAt: string;
}

/** Attempt kinds whose approved amount pays a ticket (an auth is a hold, a refund gives back). */
export const PAYING_ATTEMPT_KINDS = ['sale', 'capture'] as const;

interface CardTenderRow {
  id: string;
  amount: number;
  maskedPan: string | null;
  cardBrand: CardBrand | null;
  authCode: string | null;
  createdAt: string;
}

const TICKET_COLS = 'id, register_id AS registerId, number, status, currency, total, created_at AS createdAt, updated_at AS updatedAt';
const LINE_COLS =
  'id, ticket_id AS ticketId, item_id AS itemId, description, quantity, unit_price AS unitPrice, line_total AS lineTotal, voided, created_at AS createdAt';

/** SQL access to registers, tickets, lines and cash tenders. */
export class TicketRepository {
  private readonly s: {
    ticket: BetterSqlite3.Statement<[string], TicketRow>;
    lines: BetterSqlite3.Statement<[string], Omit<LineRow, 'voided'> & { voided: number }>;
    line: BetterSqlite3.Statement<[string], Omit<LineRow, 'voided'> & { voided: number }>;
    cash: BetterSqlite3.Statement<[string], CashTenderRow>;
    cards: BetterSqlite3.Statement<[string], CardTenderRow>;
    open: BetterSqlite3.Statement<[string], TicketRow & { lineCount: number; paid: number }>;
    nextNumber: BetterSqlite3.Statement<[string], { n: number }>;
    insertTicket: BetterSqlite3.Statement<[TicketRow]>;
    insertLine: BetterSqlite3.Statement<[Record<string, unknown>]>;
    insertCash: BetterSqlite3.Statement<[CashTenderRow]>;
    voidLine: BetterSqlite3.Statement<[string]>;
    updateTicket: BetterSqlite3.Statement<[{ id: string; status: TicketStatus; total: number; updatedAt: string }]>;
    markPaid: BetterSqlite3.Statement<[string, string]>;
    register: BetterSqlite3.Statement<[string], { id: string; code: string; name: string }>;
    insertRegister: BetterSqlite3.Statement<[string, string, string]>;
    paid: BetterSqlite3.Statement<[string, string], { cash: number; card: number }>;
    unresolved: BetterSqlite3.Statement<[string], { one: number }>;
  };

  constructor(private readonly journal: Journal) {
    const db = journal.db;
    const paying = PAYING_ATTEMPT_KINDS.map((k) => `'${k}'`).join(', ');
    this.s = {
      ticket: db.prepare(`SELECT ${TICKET_COLS} FROM tickets WHERE id = ?`),
      lines: db.prepare(`SELECT ${LINE_COLS} FROM ticket_lines WHERE ticket_id = ? ORDER BY created_at, rowid`),
      line: db.prepare(`SELECT ${LINE_COLS} FROM ticket_lines WHERE id = ?`),
      cash: db.prepare(
        'SELECT id, ticket_id AS ticketId, tendered, applied, change, currency, created_at AS createdAt FROM cash_tenders WHERE ticket_id = ? ORDER BY created_at, rowid',
      ),
      cards: db.prepare(
        `SELECT id, amount_approved AS amount, masked_pan AS maskedPan, card_brand AS cardBrand, auth_code AS authCode, updated_at AS createdAt
         FROM payment_attempts WHERE ticket_id = ? AND state = 'approved' AND kind IN (${paying}) ORDER BY updated_at, rowid`,
      ),
      open: db.prepare(
        `SELECT ${TICKET_COLS},
           (SELECT count(*) FROM ticket_lines l WHERE l.ticket_id = t.id AND l.voided = 0) AS lineCount,
           (SELECT coalesce(sum(applied), 0) FROM cash_tenders c WHERE c.ticket_id = t.id)
           + (SELECT coalesce(sum(amount_approved), 0) FROM payment_attempts a WHERE a.ticket_id = t.id AND a.state = 'approved' AND a.kind IN (${paying})) AS paid
         FROM tickets t WHERE register_id = ? AND status = 'open' ORDER BY number DESC`,
      ),
      nextNumber: db.prepare('SELECT coalesce(max(number), 0) + 1 AS n FROM tickets WHERE register_id = ?'),
      insertTicket: db.prepare(
        'INSERT INTO tickets (id, register_id, number, status, currency, total, created_at, updated_at) VALUES (@id, @registerId, @number, @status, @currency, @total, @createdAt, @updatedAt)',
      ),
      insertLine: db.prepare(
        'INSERT INTO ticket_lines (id, ticket_id, item_id, description, quantity, unit_price, line_total, voided, created_at) VALUES (@id, @ticketId, @itemId, @description, @quantity, @unitPrice, @lineTotal, 0, @createdAt)',
      ),
      insertCash: db.prepare(
        'INSERT INTO cash_tenders (id, ticket_id, tendered, applied, change, currency, created_at) VALUES (@id, @ticketId, @tendered, @applied, @change, @currency, @createdAt)',
      ),
      voidLine: db.prepare('UPDATE ticket_lines SET voided = 1 WHERE id = ?'),
      updateTicket: db.prepare('UPDATE tickets SET status = @status, total = @total, updated_at = @updatedAt WHERE id = @id'),
      markPaid: db.prepare("UPDATE tickets SET status = 'paid', updated_at = ? WHERE id = ?"),
      register: db.prepare('SELECT id, code, name FROM registers WHERE id = ?'),
      insertRegister: db.prepare('INSERT INTO registers (id, code, name) VALUES (?, ?, ?)'),
      paid: db.prepare(
        `SELECT (SELECT coalesce(sum(applied), 0) FROM cash_tenders WHERE ticket_id = ?) AS cash,
                (SELECT coalesce(sum(amount_approved), 0) FROM payment_attempts WHERE ticket_id = ? AND state = 'approved' AND kind IN (${paying})) AS card`,
      ),
      unresolved: db.prepare("SELECT 1 AS one FROM payment_attempts WHERE ticket_id = ? AND state IN ('sent', 'in_doubt') LIMIT 1"),
    };
  }

  /** The register row, or undefined. */
  getRegister(id: string): { id: string; code: string; name: string } | undefined {
    return this.s.register.get(id);
  }

  /** Inserts a register row. */
  insertRegister(id: string, code: string, name: string): void {
    this.s.insertRegister.run(id, code, name);
  }

  /** A ticket row, or undefined. */
  getTicket(id: string): TicketRow | undefined {
    return this.s.ticket.get(id);
  }

  /** Next per-register ticket number; call inside the transaction that inserts it. */
  nextNumber(registerId: string): number {
    return this.s.nextNumber.get(registerId)!.n;
  }

  /** Inserts a ticket row. */
  insertTicket(row: TicketRow): void {
    this.s.insertTicket.run(row);
  }

  /** Writes status, total and updated_at. */
  updateTicket(id: string, status: TicketStatus, total: number, updatedAt: string): void {
    this.s.updateTicket.run({ id, status, total, updatedAt });
  }

  /** Closes a ticket as paid: only status and updated_at change. */
  markPaid(id: string, updatedAt: string): void {
    this.s.markPaid.run(updatedAt, id);
  }

  /** Every line of a ticket, voided ones included, in ringing order. */
  lines(ticketId: string): LineRow[] {
    return this.s.lines.all(ticketId).map((l) => ({ ...l, voided: l.voided === 1 }));
  }

  /** One line, or undefined. */
  getLine(id: string): LineRow | undefined {
    const l = this.s.line.get(id);
    return l && { ...l, voided: l.voided === 1 };
  }

  /** Inserts a line (not voided). */
  insertLine(row: Omit<LineRow, 'voided'>): void {
    this.s.insertLine.run({ ...row });
  }

  /** Marks a line voided; lines are never deleted. */
  voidLine(id: string): void {
    this.s.voidLine.run(id);
  }

  /** Inserts a cash tender. */
  insertCashTender(row: CashTenderRow): void {
    this.s.insertCash.run(row);
  }

  /** Minor units paid so far: cash applied plus approved paying card attempts. */
  paid(ticketId: string): number {
    const p = this.s.paid.get(ticketId, ticketId)!;
    return p.cash + p.card;
  }

  /** True when a card attempt on the ticket is out with no final answer (sent, in_doubt). */
  hasUnresolvedAttempt(ticketId: string): boolean {
    return this.s.unresolved.get(ticketId) !== undefined;
  }

  /** The whole ticket as the UI shows it, or undefined. */
  snapshot(ticketId: string): TicketSnapshot | undefined {
    const t = this.getTicket(ticketId);
    if (!t) return undefined;
    const lines: TicketLine[] = this.lines(ticketId).map((l) => ({
      id: l.id,
      itemId: l.itemId,
      description: l.description,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      lineTotal: l.lineTotal,
      voided: l.voided,
    }));
    const tenders: TenderSnapshot[] = [
      ...this.s.cash.all(ticketId).map((c): TenderSnapshot => ({
        id: c.id,
        kind: 'cash',
        amount: c.applied,
        tendered: c.tendered,
        change: c.change,
        createdAt: c.createdAt,
      })),
      ...this.s.cards.all(ticketId).map((c): TenderSnapshot => {
        const s: TenderSnapshot = { id: c.id, kind: 'card', amount: c.amount, attemptId: c.id, createdAt: c.createdAt };
        if (c.maskedPan !== null) s.maskedPan = c.maskedPan;
        if (c.cardBrand !== null) s.cardBrand = c.cardBrand;
        if (c.authCode !== null) s.authCode = c.authCode;
        return s;
      }),
    ].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
    const paid = tenders.reduce((sum, x) => sum + x.amount, 0);
    return {
      id: t.id,
      registerId: t.registerId,
      number: t.number,
      status: t.status,
      currency: t.currency,
      lines,
      total: t.total,
      paid,
      due: Math.max(0, t.total - paid),
      tenders,
      createdAt: t.createdAt,
      updatedAt: t.updatedAt,
    };
  }

  /** Open tickets of a register, newest first. */
  listOpen(registerId: string): TicketSummary[] {
    return this.s.open.all(registerId).map((t) => ({
      id: t.id,
      number: t.number,
      status: t.status,
      currency: t.currency,
      total: t.total,
      due: Math.max(0, t.total - t.paid),
      lineCount: t.lineCount,
      updatedAt: t.updatedAt,
    }));
  }
}
