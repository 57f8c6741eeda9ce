// Builds settlements fast for tests and the bench: one paid ticket per card
// payment, each written with the events the app would journal (ticket
// created, line added, paid; attempt created, sent, approved, and reversed
// for a voided one), hash-chained as event-log.ts does, in ONE transaction.
// Raw SQL for speed (100,000 settlements in a few seconds); verify finds the
// chain whole and every state row equal to its rebuild.

import type { CardBrand, EntryMode } from '../../src-shared/card.ts';
import { canonicalJson, eventHash } from '../journal/event-log.ts';
import type { Journal } from '../journal/journal.ts';

/** One settlement to write. */
export interface SettlementSpec {
  amount: number;
  /** When it was taken (ISO 8601 UTC, toISOString form). */
  at: string;
  kind?: 'sale' | 'refund' | 'void' | 'capture';
  /** approved (default) or reversed (a voided original). */
  state?: 'approved' | 'reversed';
  /** When it was reversed (default: `at`). */
  reversedAt?: string;
  brand?: CardBrand | null;
  entryMode?: EntryMode | null;
  /** Four digits; the masked number is 4111 11** **** and these. */
  lastFour?: string | null;
  authCode?: string | null;
  hostRef?: string | null;
}

/** Writes the settlements on register `registerId` (made if missing); returns their attempt ids in order. */
export function journalSettlements(journal: Journal, specs: readonly SettlementSpec[], registerId = 'settle-reg'): string[] {
  const db = journal.db;
  const head = db.prepare('SELECT seq, hash FROM chain_head WHERE id = 1').get() as { seq: number; hash: string };
  const insertEvent = db.prepare('INSERT INTO events (seq, at, entity, entity_id, type, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  let { seq, hash } = head;
  const append = (entity: string, entityId: string, type: string, payload: object, at: string) => {
    const text = canonicalJson(payload);
    const prev = hash;
    seq++;
    hash = eventHash(prev, { seq, at, entity, entity_id: entityId, type, payload: text });
    insertEvent.run(seq, at, entity, entityId, type, text, prev, hash);
  };
  const ticket = db.prepare("INSERT INTO tickets (id, register_id, number, status, currency, total, created_at, updated_at) VALUES (?, ?, ?, 'paid', 'USD', ?, ?, ?)");
  const line = db.prepare("INSERT INTO ticket_lines (id, ticket_id, item_id, description, quantity, unit_price, line_total, voided, created_at) VALUES (?, ?, NULL, 'Item', 1, ?, ?, 0, ?)");
  const attempt = db.prepare(
    `INSERT INTO payment_attempts (id, ticket_id, slot, ecr_ref, invoice, terminal_id, kind, amount_requested, amount_approved, currency, state, result_code, auth_code, host_ref,
       masked_pan, card_brand, entry_mode, approval_source, created_at, updated_at)
     VALUES (?, ?, 1, ?, ?, 'pax-1', ?, ?, ?, 'USD', ?, '000000', ?, ?, ?, ?, ?, 'terminal', ?, ?)`,
  );
  const ids: string[] = [];
  journal.transact(() => {
    if (!db.prepare('SELECT 1 FROM registers WHERE id = ?').get(registerId)) {
      db.prepare("INSERT INTO registers (id, code, name) VALUES (?, 'S', 'Settlements')").run(registerId);
      append('register', registerId, 'created', { code: 'S', name: 'Settlements' }, journal.nowIso());
    }
    let number = db.prepare('SELECT coalesce(max(number), 0) + 1 FROM tickets WHERE register_id = ?').pluck().get(registerId) as number;
    for (const s of specs) {
      const kind = s.kind ?? 'sale';
      const state = s.state ?? 'approved';
      const tid = journal.newId();
      const at = s.at;
      ticket.run(tid, registerId, number, s.amount, at, at);
      append('ticket', tid, 'created', { currency: 'USD', number, registerId }, at);
      const lineId = journal.newId();
      line.run(lineId, tid, s.amount, s.amount, at);
      append('ticket', tid, 'line_added', { description: 'Item', itemId: null, lineId, lineTotal: s.amount, quantity: 1, total: s.amount, unitPrice: s.amount }, at);
      const aid = journal.newId();
      const ref = `RST${number}P1`;
      const maskedPan = s.lastFour === null ? null : `411111******${s.lastFour ?? '1111'}`;
      const brand = s.brand === undefined ? 'visa' : s.brand;
      const mode = s.entryMode === undefined ? 'chip' : s.entryMode;
      const authCode = s.authCode ?? null;
      const hostRef = s.hostRef ?? null;
      const updatedAt = state === 'reversed' ? (s.reversedAt ?? at) : at;
      attempt.run(aid, tid, ref, ref, kind, s.amount, s.amount, state, authCode, hostRef, maskedPan, brand, mode, at, updatedAt);
      const base = { amountApproved: 0, amountRequested: s.amount, approvalSource: null, authCode: null, cardBrand: null, currency: 'USD', doubtReason: null, ecrRef: ref };
      const rest = { hostRef: null, invoice: ref, kind, maskedPan: null, resultCode: null, slot: 1 };
      const tail = { terminalId: 'pax-1', terminalRef: null, ticketId: tid };
      append('attempt', aid, 'created', { ...base, ...rest, state: 'created', ...tail }, at);
      append('attempt', aid, 'send', { ...base, event: { type: 'send' }, from: 'created', ...rest, state: 'sent', ...tail }, at);
      const approved = {
        ...base, amountApproved: s.amount, approvalSource: 'terminal', authCode, cardBrand: brand, ...rest, hostRef, maskedPan, resultCode: '000000', ...tail,
      };
      append('attempt', aid, 'approve', { ...approved, event: { source: 'terminal', type: 'approve' }, from: 'sent', state: 'approved' }, at);
      if (state === 'reversed') append('attempt', aid, 'reverse', { ...approved, event: { type: 'reverse' }, from: 'approved', state: 'reversed' }, updatedAt);
      append('ticket', tid, 'paid', { paid: s.amount, total: s.amount }, at);
      ids.push(aid);
      number++;
    }
    db.prepare('UPDATE chain_head SET seq = ?, hash = ? WHERE id = 1').run(seq, hash);
    // The high-water mark follows the head as appendEvent would have moved it.
    journal.appendEvent({ entity: 'register', entityId: registerId, type: 'filled', payload: { settlements: specs.length } });
  });
  return ids;
}
