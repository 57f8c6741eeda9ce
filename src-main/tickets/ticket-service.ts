// Ringing tickets. Every change is one journal transaction holding the state
// rows and their event, committed before the call returns, so a force-close
// loses nothing and the open tickets are there after a restart (DESIGN §1,
// invariant 1). Listeners hear about a change only once it is committed.

import type { CatalogItem, JournalEventSnapshot, TicketHistoryEntry, TicketSnapshot, TicketSummary } from '../../src-shared/domain.ts';
import { MOVED_CASH_PREFIX } from '../../src-shared/domain.ts';
import { AppError } from '../../src-shared/errors.ts';
import { MAX_AMOUNT, formatMoney, isKnownCurrency, isValidAmount, parseDecimalString } from '../../src-shared/money.ts';
import type { Journal } from '../journal/journal.ts';
import { TicketRepository, type TicketRow } from '../journal/ticket-repository.ts';
import { historyTenders } from './history-tenders.ts';
import { TicketHistoryRepository, type UnresolvedAttemptRow } from './ticket-history-repository.ts';

/** The register this app instance is. */
export interface RegisterConfig {
  id: string;
  code: string;
  name: string;
}

/** A live line a moved ticket carries. */
export interface MovedTicketLine {
  itemId: string | null;
  description: string;
  quantity: number;
  unitPrice: number;
  lineTotal: number;
}

/** Most units of one item on one line. */
export const MAX_LINE_QUANTITY = 999;

/** Tickets of one register, journaled as they are rung. */
export class TicketService {
  private readonly repo: TicketRepository;
  private readonly history: TicketHistoryRepository;
  private readonly register: RegisterConfig;
  private readonly currency: string;
  private readonly items: Map<string, CatalogItem>;
  private readonly listeners = new Set<(t: TicketSnapshot) => void>();
  /** Tickets whose move to another register is being decided by the store: nothing may change them meanwhile. */
  private readonly moving = new Set<string>();

  /** Ensures the register row exists; refuses a catalogue in another currency. */
  constructor(
    private readonly journal: Journal,
    opts: { register: RegisterConfig; currency: string; catalog: CatalogItem[] },
  ) {
    this.repo = new TicketRepository(journal);
    this.history = new TicketHistoryRepository(journal);
    this.register = opts.register;
    this.currency = opts.currency;
    if (!isKnownCurrency(opts.currency)) {
      throw new AppError('invalid_request', `Currency "${opts.currency}" is not known. Configure an ISO 4217 code such as USD.`);
    }
    if (!/^[A-Za-z0-9]{1,4}$/.test(opts.register.code)) {
      throw new AppError('invalid_request', `Register code "${opts.register.code}" must be 1-4 letters or digits. Fix the configuration.`);
    }
    const foreign = opts.catalog.find((i) => i.currency !== opts.currency);
    if (foreign) {
      throw new AppError('invalid_request', `Catalogue item "${foreign.id}" is priced in ${foreign.currency} but the register works in ${opts.currency}. Fix the catalogue.`);
    }
    this.items = new Map(opts.catalog.map((i) => [i.id, i]));
    journal.transact(() => {
      const existing = this.repo.getRegister(opts.register.id);
      if (!existing) {
        this.repo.insertRegister(opts.register.id, opts.register.code, opts.register.name);
        journal.appendEvent({ entity: 'register', entityId: opts.register.id, type: 'created', payload: { code: opts.register.code, name: opts.register.name } });
      } else if (existing.code !== opts.register.code) {
        // The code is part of every ECR reference already sent; changing it would hide retries from duplicate checks.
        throw new AppError(
          'conflict',
          `Register ${opts.register.id} is recorded with code "${existing.code}" but configured as "${opts.register.code}". Restore the code "${existing.code}" in the configuration.`,
        );
      }
    });
  }

  /** Subscribes to committed ticket changes; returns the unsubscribe function. */
  onTicketChanged(listener: (t: TicketSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The items that can be rung. */
  catalog(): CatalogItem[] {
    return [...this.items.values()];
  }

  /** Opens a new ticket with the register's next number. */
  create(): TicketSnapshot {
    const id = this.journal.transact(() => {
      const now = this.journal.nowIso();
      const row: TicketRow = {
        id: this.journal.newId(),
        registerId: this.register.id,
        number: this.repo.nextNumber(this.register.id),
        status: 'open',
        currency: this.currency,
        total: 0,
        createdAt: now,
        updatedAt: now,
      };
      this.repo.insertTicket(row);
      this.event(row.id, 'created', { registerId: row.registerId, number: row.number, currency: row.currency });
      this.changed(row.id);
      return row.id;
    });
    return this.get(id);
  }

  /** One ticket; AppError 'not_found'. */
  get(ticketId: string): TicketSnapshot {
    const s = this.repo.snapshot(ticketId);
    if (!s) throw notFound(ticketId);
    return s;
  }

  /** Open tickets of this register, newest first. */
  listOpen(): TicketSummary[] {
    const out = new Map(this.history.unresolved(this.register.id).map((a) => [a.ticketId, a.state]));
    return this.repo.listOpen(this.register.id).map((t) => {
      const state = out.get(t.id);
      return state ? { ...t, locked: true, cardInDoubt: state === 'in_doubt' } : t;
    });
  }

  /** Voids an open ticket with no lines left, nothing paid and no card out; it stays in the journal. */
  void(ticketId: string): TicketSnapshot {
    this.journal.transact(() => {
      const t = this.unlockedTicket(ticketId);
      const live = this.repo.lines(ticketId).filter((l) => !l.voided).length;
      if (live > 0 || t.total !== 0) {
        throw new AppError('conflict', `Ticket #${t.number} still has items on it. Remove them first, or take payment.`, { ticketId });
      }
      if (this.repo.paid(ticketId) > 0) {
        throw new AppError('conflict', `Ticket #${t.number} has money paid on it and cannot be voided.`, { ticketId });
      }
      const now = this.journal.nowIso();
      this.repo.updateTicket(ticketId, 'voided', 0, now);
      this.event(ticketId, 'voided', { total: 0 });
      this.changed(ticketId);
    });
    return this.get(ticketId);
  }

  /**
   * Starts moving an open ticket of this register away (issue 13 §3): returns
   * what the transfer carries and holds the ticket (no line, cash or card
   * until finishMove or cancelMove), so the store's decision is about the
   * ticket as it is. `unresolved`: attempts still out or in doubt (the store
   * refuses the move then). Refused while another move of it is in flight.
   */
  beginMove(ticketId: string): { number: number; currency: string; lines: MovedTicketLine[]; cashApplied: number; slotsUsed: number[]; unresolved: number } {
    const t = this.openTicket(ticketId);
    const snapshot = this.repo.snapshot(ticketId)!;
    // A card payment already taken here cannot travel (the receiving register has no tender for it): finishing here is safe.
    if (snapshot.tenders.some((x) => x.kind === 'card')) {
      throw new AppError('conflict', `A card has already paid part of ticket #${t.number} on this register, so it stays here. Take the rest here.`, { ticketId });
    }
    this.moving.add(ticketId);
    const lines = this.repo
      .lines(ticketId)
      .filter((l) => !l.voided)
      .map((l) => ({ itemId: l.itemId, description: l.description, quantity: l.quantity, unitPrice: l.unitPrice, lineTotal: l.lineTotal }));
    const cashApplied = snapshot.tenders.filter((x) => x.kind === 'cash').reduce((n, x) => n + x.amount, 0);
    const slots = this.history.slotsOf(ticketId);
    return { number: t.number, currency: t.currency, lines, cashApplied, slotsUsed: slots.map((a) => a.slot), unresolved: slots.filter((a) => a.unresolved).length };
  }

  /**
   * Journals that the store is about to be asked to move the ticket (to
   * `to`), just before the request leaves: a restart that finds this with no
   * 'moved' or 'move_cancelled' after it holds the ticket until the store says
   * (holdMovesAsked), as a payment attempt is journaled sent before it is sent.
   */
  noteMoveAsked(ticketId: string, to: string): void {
    this.journal.transact(() => this.event(ticketId, 'move_requested', { to }));
  }

  /** The move was refused or failed: the ticket is this register's again (a move asked of the store is journaled cancelled). */
  cancelMove(ticketId: string): void {
    try {
      if (this.lastMoveEvent(ticketId)?.type === 'move_requested') this.journal.transact(() => this.event(ticketId, 'move_cancelled', {}));
    } finally {
      this.moving.delete(ticketId);
    }
  }

  /**
   * Holds again, and answers, the open tickets of this register whose last
   * move event is a request the store was never heard on (no 'moved' or
   * 'move_cancelled' after it): the answer was lost, then the register restarted.
   */
  holdMovesAsked(): { ticketId: string; at: string }[] {
    const asked: { ticketId: string; at: string }[] = [];
    for (const t of this.repo.listOpen(this.register.id)) {
      const last = this.lastMoveEvent(t.id);
      if (last?.type !== 'move_requested') continue;
      this.moving.add(t.id);
      asked.push({ ticketId: t.id, at: last.at });
    }
    return asked;
  }

  /** The ticket's last move event, if any (by the events' entity index). */
  private lastMoveEvent(ticketId: string): { type: 'move_requested' | 'move_cancelled' | 'moved'; at: string } | undefined {
    return this.journal.db
      .prepare("SELECT type, at FROM events WHERE entity = 'ticket' AND entity_id = ? AND type IN ('move_requested', 'move_cancelled', 'moved') ORDER BY seq DESC LIMIT 1")
      .get(ticketId) as { type: 'move_requested' | 'move_cancelled' | 'moved'; at: string } | undefined;
  }

  /**
   * The store moved the ticket: journals it as moved (status moved: closed
   * here, not voided; the event says where it went and as which ticket).
   * Its payment slots stay here, so a late answer for one still lands on it.
   * Idempotent: a ticket already closed is left as it is.
   */
  finishMove(ticketId: string, move: { transferId: number; toRegister: string; toName: string; receivedTicketId: string; cashApplied: number; slotsUsed: number[] }): TicketSnapshot {
    try {
      this.journal.transact(() => {
        const t = this.repo.getTicket(ticketId);
        if (!t || t.registerId !== this.register.id) throw notFound(ticketId);
        if (t.status !== 'open') return;
        const now = this.journal.nowIso();
        this.repo.updateTicket(ticketId, 'moved', t.total, now);
        this.event(ticketId, 'moved', { ...move, total: t.total });
        this.changed(ticketId);
      });
    } finally {
      this.moving.delete(ticketId);
    }
    return this.get(ticketId);
  }

  /** AppError 'conflict' while the ticket is being moved (the payment coordinator asks before a card sale). */
  assertNotMoving(ticketId: string): void {
    if (!this.moving.has(ticketId)) return;
    throw new AppError('conflict', 'This ticket is being moved to another register right now. Wait a moment and look at the open tickets again.', { ticketId });
  }

  /**
   * Opens the ticket a transfer brings here, with its own id `ticketId`
   * (derived from the transfer, so asking twice, or again after a crash,
   * finds it instead of opening a second one), the next number of this
   * register (so its card payments get this register's ECR references, never
   * the giving register's), the same lines, and the cash already tendered
   * there as a cash tender `moved-…` (the notes are in the giving register's
   * drawer: the end-of-day count leaves it out). Returns the ticket and
   * whether it was opened now.
   */
  receiveMoved(ticketId: string, transfer: { transferId: number; fromRegister: string; fromName: string; originTicketId: string; originNumber: number; currency: string; lines: MovedTicketLine[]; cashApplied: number; slotsUsed: number[] }): { ticket: TicketSnapshot; opened: boolean } {
    if (transfer.currency !== this.currency) {
      throw new AppError('conflict', `The ticket from ${transfer.fromName} is in ${transfer.currency}, but this register works in ${this.currency}. It cannot be opened here.`);
    }
    const opened = this.journal.transact(() => {
      if (this.repo.getTicket(ticketId)) return false;
      const now = this.journal.nowIso();
      const number = this.repo.nextNumber(this.register.id);
      this.repo.insertTicket({ id: ticketId, registerId: this.register.id, number, status: 'open', currency: this.currency, total: 0, createdAt: now, updatedAt: now });
      this.event(ticketId, 'created', { registerId: this.register.id, number, currency: this.currency });
      let total = 0;
      for (const l of transfer.lines) {
        total += l.lineTotal;
        const lineId = this.journal.newId();
        this.repo.insertLine({ id: lineId, ticketId, itemId: l.itemId, description: l.description, quantity: l.quantity, unitPrice: l.unitPrice, lineTotal: l.lineTotal, createdAt: now });
        this.event(ticketId, 'line_added', { lineId, itemId: l.itemId, description: l.description, quantity: l.quantity, unitPrice: l.unitPrice, lineTotal: l.lineTotal, total });
      }
      this.repo.updateTicket(ticketId, 'open', total, now);
      if (transfer.cashApplied > 0) {
        const tenderId = `${MOVED_CASH_PREFIX}${transfer.transferId}`;
        const applied = Math.min(transfer.cashApplied, total);
        this.repo.insertCashTender({ id: tenderId, ticketId, tendered: applied, applied, change: 0, currency: this.currency, createdAt: now });
        this.event(ticketId, 'cash_tendered', { tenderId, tendered: applied, applied, change: 0, due: total - applied });
      }
      this.event(ticketId, 'received', {
        transferId: transfer.transferId,
        fromRegister: transfer.fromRegister,
        fromName: transfer.fromName,
        originTicketId: transfer.originTicketId,
        originNumber: transfer.originNumber,
        cashApplied: transfer.cashApplied,
        slotsUsedThere: transfer.slotsUsed,
      });
      this.changed(ticketId);
      return true;
    });
    return { ticket: this.get(ticketId), opened };
  }

  /**
   * Refuses a new card or cash payment whose amount matches a card payment still
   * in doubt on another ticket of this register, unless the cashier confirmed: a
   * customer re-rung on a new ticket may already have been charged.
   */
  checkMatchingInDoubt(ticketId: string, amount: number, confirmed: boolean | undefined): void {
    if (confirmed) return;
    const match = this.matchingInDoubt(ticketId, amount);
    if (!match) return;
    throw new AppError(
      'attempt_unresolved',
      `A card payment of ${formatMoney(match.amountRequested, match.currency)} on ticket #${match.ticketNumber} may already have charged a card and is still being checked. If this is the same customer, wait for that check. If it is another customer, confirm to go on.`,
      { needsConfirm: true, ticketNumber: match.ticketNumber, amount: match.amountRequested },
    );
  }

  /** The in-doubt (or still sent) attempt on another ticket of this register for the same amount, if any. */
  matchingInDoubt(ticketId: string, amount: number): UnresolvedAttemptRow | undefined {
    return this.history.unresolved(this.register.id).find((a) => a.ticketId !== ticketId && a.amountRequested === amount);
  }

  /** Card attempts of this register still out or in doubt, oldest first. */
  unresolvedAttempts(): UnresolvedAttemptRow[] {
    return this.history.unresolved(this.register.id);
  }

  /**
   * Today's (from local midnight by the journal's clock) paid, voided and moved tickets,
   * newest first. A query matches the ticket number ("12", "#12"), an amount
   * ("8.25", "$1,500") of the total or a tender, a card's last four digits, or
   * a card reference.
   */
  historyToday(query?: string): TicketHistoryEntry[] {
    const midnight = new Date(this.journal.nowIso());
    midnight.setHours(0, 0, 0, 0);
    const q = (query ?? '').trim();
    const amount = parseQueryAmount(q, this.currency);
    const needle = q.toLowerCase();
    const out: TicketHistoryEntry[] = [];
    for (const row of this.history.closedSince(this.register.id, midnight.toISOString())) {
      const s = this.repo.snapshot(row.id);
      if (!s) continue;
      if (q !== '') {
        const byNumber = q.replace(/^#/, '') === String(row.number);
        const byAmount = amount !== undefined && (s.total === amount || s.tenders.some((x) => x.amount === amount));
        const byLastFour = /^\d{4}$/.test(q) && row.lastFours.split(' ').some((p) => p.endsWith(q));
        const byRef = needle.length >= 3 && `${row.references} ${row.hostRefs}`.toLowerCase().includes(needle);
        if (!byNumber && !byAmount && !byLastFour && !byRef) continue;
      }
      out.push({
        id: s.id,
        number: s.number,
        status: s.status,
        currency: s.currency,
        total: s.total,
        paid: s.paid,
        lineCount: s.lines.filter((l) => !l.voided).length,
        closedAt: row.updatedAt,
        tenders: historyTenders(s.tenders, this.history.reversalLinks(s.id)),
        references: row.references === '' ? [] : [...new Set(row.references.split(' '))],
        ...this.#movedTo(s),
      });
    }
    return out;
  }

  /** Where a moved ticket went: the register its `moved` event names. */
  #movedTo(s: TicketSnapshot): { movedTo?: string } {
    if (s.status !== 'moved') return {};
    const moved = this.history.events(s.id).find((e) => e.entity === 'ticket' && e.type === 'moved');
    if (!moved) return { movedTo: 'another register' };
    const name = moved.fields.toName;
    return { movedTo: typeof name === 'string' && name !== '' ? name : 'another register' };
  }

  /** The journal events behind one ticket of this register, oldest first. */
  events(ticketId: string): JournalEventSnapshot[] {
    const t = this.repo.getTicket(ticketId);
    if (!t || t.registerId !== this.register.id) throw notFound(ticketId);
    return this.history.events(ticketId);
  }

  /** Rings `quantity` of a catalogue item onto an open ticket. */
  addLine(ticketId: string, itemId: string, quantity: number): TicketSnapshot {
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_LINE_QUANTITY) {
      throw new AppError('invalid_request', `Quantity must be a whole number from 1 to ${MAX_LINE_QUANTITY}, got ${String(quantity)}.`);
    }
    const item = this.items.get(itemId);
    if (!item) throw new AppError('not_found', `There is no item "${itemId}" in the catalogue. Pick one from the list.`, { itemId });
    this.journal.transact(() => {
      const t = this.unlockedTicket(ticketId);
      const lineTotal = quantity * item.price;
      const total = t.total + lineTotal;
      if (total > MAX_AMOUNT) throw new AppError('invalid_request', 'This ticket would exceed the largest amount the register accepts. Start another ticket.');
      const lineId = this.journal.newId();
      const now = this.journal.nowIso();
      this.repo.insertLine({ id: lineId, ticketId, itemId, description: item.name, quantity, unitPrice: item.price, lineTotal, createdAt: now });
      this.repo.updateTicket(ticketId, 'open', total, now);
      this.event(ticketId, 'line_added', { lineId, itemId, description: item.name, quantity, unitPrice: item.price, lineTotal, total });
      this.changed(ticketId);
    });
    return this.get(ticketId);
  }

  /** Voids a line of an open ticket; it stays in the journal. Already voided: no change. */
  removeLine(ticketId: string, lineId: string): TicketSnapshot {
    this.journal.transact(() => {
      const t = this.unlockedTicket(ticketId);
      const line = this.repo.getLine(lineId);
      if (!line || line.ticketId !== ticketId) {
        throw new AppError('not_found', `Ticket #${t.number} has no line ${lineId}. Refresh the ticket and try again.`, { ticketId, lineId });
      }
      if (line.voided) return;
      const total = t.total - line.lineTotal;
      if (this.repo.paid(ticketId) > total) {
        throw new AppError('conflict', `Removing "${line.description}" would leave ticket #${t.number} paid more than its total. Refund the difference first.`);
      }
      const now = this.journal.nowIso();
      this.repo.voidLine(lineId);
      this.repo.updateTicket(ticketId, 'open', total, now);
      this.event(ticketId, 'line_voided', { lineId, lineTotal: line.lineTotal, total });
      this.changed(ticketId);
    });
    return this.get(ticketId);
  }

  /** Takes cash: applies min(tendered, due), returns the change, closes the ticket when nothing is left due. */
  tenderCash(ticketId: string, amountTendered: number): { ticket: TicketSnapshot; change: number } {
    if (!isValidAmount(amountTendered) || amountTendered === 0) {
      throw new AppError('invalid_request', `The cash amount must be a positive whole number of minor units, got ${String(amountTendered)}.`);
    }
    const change = this.journal.transact(() => {
      const t = this.openTicket(ticketId);
      const due = t.total - this.repo.paid(ticketId);
      if (due <= 0) throw new AppError('conflict', `Nothing is due on ticket #${t.number}. Ring an item first.`);
      // The card may already have paid; taking cash now could take the money twice.
      this.assertUnlocked(t);
      const applied = Math.min(amountTendered, due);
      const change = amountTendered - applied;
      const now = this.journal.nowIso();
      const tenderId = this.journal.newId();
      this.repo.insertCashTender({ id: tenderId, ticketId, tendered: amountTendered, applied, change, currency: t.currency, createdAt: now });
      this.event(ticketId, 'cash_tendered', { tenderId, tendered: amountTendered, applied, change, due: due - applied });
      this.closeIfPaid(t, now);
      this.changed(ticketId);
      return change;
    });
    return { ticket: this.get(ticketId), change };
  }

  /**
   * Recomputes paid and due from cash tenders and approved card attempts and
   * closes the ticket when nothing is due. Runs inside the caller's
   * transaction when there is one (the payment coordinator's).
   */
  closeWhenPaid(ticketId: string): TicketSnapshot {
    this.journal.transact(() => this.closeWhenPaidWithin(ticketId, this.journal.nowIso()));
    return this.get(ticketId);
  }

  /**
   * closeWhenPaid for a caller that holds the transaction (an approval): no
   * savepoint and no snapshot built; `at` stamps the change, so the approval
   * and the settlement it causes share one time. True when the ticket closed.
   * Listeners hear of the ticket after the commit, closed or not: the ticket
   * service announces every ticket change itself.
   */
  closeWhenPaidWithin(ticketId: string, at: string): boolean {
    if (!this.journal.db.inTransaction) {
      throw new AppError('internal', `Ticket ${ticketId} was not settled: closeWhenPaidWithin must run inside journal.transact().`);
    }
    const t = this.repo.getTicket(ticketId);
    if (!t) throw notFound(ticketId);
    if (t.status !== 'open') return false;
    const closed = this.closeIfPaid(t, at);
    // Announced either way: a partial approval leaves the ticket open with less due, which the screen must show too.
    this.changed(ticketId);
    return closed;
  }

  /** Marks the ticket paid when tenders cover a non-zero total; true when it did. */
  private closeIfPaid(t: TicketRow, now: string): boolean {
    const paid = this.repo.paid(t.id);
    if (t.total === 0 || paid < t.total) return false;
    this.repo.markPaid(t.id, now);
    this.event(t.id, 'paid', { total: t.total, paid }, now);
    return true;
  }

  private openTicket(ticketId: string): TicketRow {
    const t = this.repo.getTicket(ticketId);
    if (!t || t.registerId !== this.register.id) throw notFound(ticketId);
    if (t.status !== 'open') {
      throw new AppError('ticket_closed', `Ticket #${t.number} is already ${t.status} and cannot change. Start a new ticket.`, { ticketId, status: t.status });
    }
    this.assertNotMoving(ticketId);
    return t;
  }

  /**
   * An open ticket with no card attempt out or in doubt. While a card may be
   * charging, the amount on the PIN pad is the ticket's: adding, removing or
   * paying in cash would let the two drift apart (issue 9 §1).
   */
  private unlockedTicket(ticketId: string): TicketRow {
    const t = this.openTicket(ticketId);
    this.assertUnlocked(t);
    return t;
  }

  private assertUnlocked(t: TicketRow): void {
    if (!this.repo.hasUnresolvedAttempt(t.id)) return;
    throw new AppError(
      'attempt_unresolved',
      `Ticket #${t.number} is locked: a card payment on it may have charged the card and is still being checked. Nothing can be added, removed or paid until it is resolved.`,
      { ticketId: t.id },
    );
  }

  private event(ticketId: string, type: string, payload: object, at?: string): void {
    this.journal.appendEvent({ entity: 'ticket', entityId: ticketId, type, payload }, at);
  }

  /** Once per operation: the listeners hear of it after the outermost commit, never of a rolled-back change. */
  private changed(ticketId: string): void {
    this.journal.afterCommit(() => this.notify(ticketId));
  }

  private notify(ticketId: string): void {
    if (this.listeners.size === 0) return;
    const s = this.repo.snapshot(ticketId);
    if (!s) return;
    for (const l of this.listeners) {
      try {
        l(s);
      } catch (err) {
        console.error('tickets: listener failed', err instanceof Error ? err.message : err);
      }
    }
  }
}

/** An amount typed in the search ("8.25", "$1,500", "20."), or undefined when it is not one. */
function parseQueryAmount(q: string, currency: string): number | undefined {
  const cleaned = q.replace(/[$€£¥\s,]/g, '').replace(/\.$/, '');
  if (!/^\d+(\.\d+)?$/.test(cleaned)) return undefined;
  try {
    return parseDecimalString(cleaned, currency);
  } catch {
    return undefined;
  }
}

function notFound(ticketId: string): AppError {
  return new AppError('not_found', `There is no ticket ${ticketId} on this register. Refresh the list of open tickets.`, { ticketId });
}
