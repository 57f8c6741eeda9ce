// The purser's journal rows (migration 0130): guests, folio lines, payments,
// cards on file, the queue records, the parameters. Every write appends its
// hash-chained event in the same transaction; callers open the transaction
// (journal.transact) so a posting and the authorisation it causes, or a
// payment and its settlement, commit together. Returns data, never sentences.

import type { CardBrand } from '../../src-shared/card.ts';
import { maskPan } from '../../src-shared/card.ts';
import type {
  CardActivationLock,
  CardEntryMethod,
  CardInactiveReason,
  CardOnFileSnapshot,
  CardTypeCode,
  FolioLine,
  GuestStatus,
  GuestSummary,
  PurserPayment,
  PurserPaymentMethod,
  PurserRecord,
  PurserRecordFamily,
  PurserMtype,
  PurserOperation,
  PurserParameterName,
  PurserParameterValue,
  PurserRecordKind,
  QueueStatus,
  RecordStatus,
} from '../../src-shared/purser-types.ts';
import type { Journal } from '../journal/journal.ts';
import { defaultParameters, type PurserParameterValues } from './purser-parameters.ts';

/** A guest row. */
export interface GuestRow {
  id: string;
  number: number;
  name: string;
  cabin: string;
  cabin_card: string | null;
  embark_date: string;
  disembark_date: string;
  status: GuestStatus;
  posting_enabled: number;
  training: number;
}

/** A card row (a token, never a card number). */
export interface CardRow {
  id: string;
  guest_id: string;
  slot: number;
  token: string | null;
  token_kind: 'real' | 'temporary' | 'none';
  masked_pan: string;
  brand: CardBrand;
  type_code: CardTypeCode;
  expiry_month: number | null;
  expiry_year: number | null;
  entry_method: CardEntryMethod;
  active: number;
  lock_activation: CardActivationLock;
  inactive_reason: CardInactiveReason | null;
  routing_order: number;
  signature: 'captured' | 'not_requested';
  registered_at: string;
}

/** A queue record row. */
export interface RecordRow {
  seq: number;
  id: string;
  guest_id: string;
  card_id: string | null;
  family: PurserRecordFamily;
  kind: PurserRecordKind;
  operation: PurserOperation;
  mtype: PurserMtype;
  amount: number;
  status: RecordStatus;
  queue_status: QueueStatus;
  reference: string;
  previous_reference: string | null;
  payment_id: string | null;
  target_ref_num: string | null;
  ref_num: string | null;
  approval_code: string | null;
  terminal_id: string | null;
  awaiting_batch: number;
  voided: number;
  send_count: number;
  note: string | null;
  created_at: string;
  sent_at: string | null;
  answered_at: string | null;
}

/** A payment row. */
export interface PaymentRow {
  id: string;
  guest_id: string;
  method: PurserPaymentMethod;
  amount: number;
  card_id: string | null;
  status: 'posted' | 'voided' | 'declined';
  void_of: string | null;
  created_at: string;
}

/** A new queue record. */
export interface NewRecord {
  guestId: string;
  cardId: string | null;
  /** The card slot the reference names (0: none). */
  cardSlot: number;
  kind: PurserRecordKind;
  mtype: RecordRow['mtype'];
  amount: number;
  status?: RecordStatus;
  queueStatus?: QueueStatus;
  previousReference?: string | null;
  paymentId?: string | null;
  targetRefNum?: string | null;
  terminalId?: string | null;
  awaitingBatch?: boolean;
  voided?: boolean;
  note?: string | null;
  refNum?: string | null;
  approvalCode?: string | null;
  /** A reference the store claimed for this record (the shared folio); else derived from the register, guest, slot and record number. */
  reference?: string;
}

/** The local id of another desk's folio line (purser-folio-share.ts). */
export function mirroredLineId(register: string, lineId: string): string {
  return `desk:${register}:${lineId}`;
}

const FAMILY: Record<PurserRecordKind, PurserRecordFamily> = {
  initial_auth: 'authorisation',
  incremental_auth: 'authorisation',
  direct_sale: 'authorisation',
  settlement: 'settlement',
  refund: 'settlement',
  void: 'settlement',
};
const OPERATION: Record<PurserRecordKind, PurserOperation> = {
  initial_auth: 1,
  incremental_auth: 2,
  direct_sale: null,
  settlement: null,
  refund: null,
  void: null,
};

/**
 * The stable reference of a record, sent as the gateway's invoice and the PIN
 * pad's ECR reference: the register's code (several workstations share one
 * gateway), then guest number, card slot and record number in base 36 (upper
 * case), letters and digits only, at most 16 characters (the ECR reference
 * limit, under the gateway's invoice length). Derived, never random: a resend
 * carries the same one. Refused rather than truncated if it ever grew longer.
 */
export function recordReference(registerCode: string, guestNumber: number, cardSlot: number, recordSeq: number): string {
  const b36 = (n: number) => n.toString(36).toUpperCase();
  const ref = `${registerCode.toUpperCase()}G${b36(guestNumber)}C${b36(cardSlot)}R${b36(recordSeq)}`;
  if (!/^[A-Z0-9]{1,16}$/.test(ref)) throw new RangeError(`purser reference ${ref} is not 1-16 letters and digits`);
  return ref;
}

/** Reads and writes the purser's rows; every write journals its event. */
export class PurserRepository {
  constructor(
    readonly journal: Journal,
    /** The register's code, the first part of every reference. */
    readonly registerCode: string = '1',
  ) {}

  private get db() {
    return this.journal.db;
  }

  private event(entity: string, entityId: string, type: string, payload: object): void {
    this.journal.appendEvent({ entity, entityId, type, payload });
  }

  // --- parameters -------------------------------------------------------

  parameters(): PurserParameterValues {
    const values = defaultParameters() as Record<string, PurserParameterValue>;
    for (const r of this.db.prepare('SELECT name, value FROM purser_parameters').all() as { name: string; value: string }[]) {
      if (r.name in values) values[r.name] = JSON.parse(r.value) as PurserParameterValue;
    }
    return values as PurserParameterValues;
  }

  parameterRows(): Map<string, { updatedAt: string; updatedBy: string }> {
    const rows = this.db.prepare('SELECT name, updated_at AS updatedAt, updated_by AS updatedBy FROM purser_parameters').all() as { name: string; updatedAt: string; updatedBy: string }[];
    return new Map(rows.map((r) => [r.name, r]));
  }

  setParameter(name: PurserParameterName, value: PurserParameterValue, actor: string): void {
    this.journal.transact(() => {
      const at = this.journal.nowIso();
      this.db
        .prepare('INSERT INTO purser_parameters (name, value, updated_at, updated_by) VALUES (?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by')
        .run(name, JSON.stringify(value), at, actor);
      this.event('purser_parameter', name, 'set', { value, actor });
    });
  }

  // --- guests -----------------------------------------------------------

  addGuest(g: { name: string; cabin: string; cabinCard?: string; embarkDate: string; disembarkDate: string; training?: boolean }): GuestRow {
    return this.journal.transact(() => {
      const id = this.journal.newId();
      const at = this.journal.nowIso();
      const number = ((this.db.prepare('SELECT COALESCE(MAX(number), 0) + 1 AS n FROM guests').get() as { n: number }).n);
      this.db
        .prepare(
          "INSERT INTO guests (id, number, name, cabin, cabin_card, embark_date, disembark_date, status, posting_enabled, training, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'checked_in', 1, ?, ?, ?)",
        )
        .run(id, number, g.name, g.cabin, g.cabinCard ?? null, g.embarkDate, g.disembarkDate, g.training ? 1 : 0, at, at);
      this.event('guest', id, 'checked_in', { number, name: g.name, cabin: g.cabin, embarkDate: g.embarkDate, disembarkDate: g.disembarkDate, training: g.training === true });
      return this.guest(id)!;
    });
  }

  guest(id: string): GuestRow | undefined {
    return this.db.prepare('SELECT * FROM guests WHERE id = ?').get(id) as GuestRow | undefined;
  }

  guestByCabinCard(cardNumber: string): GuestRow | undefined {
    return this.db.prepare("SELECT * FROM guests WHERE cabin_card = ? AND status = 'checked_in'").get(cardNumber) as GuestRow | undefined;
  }

  searchGuests(query: string): GuestRow[] {
    const q = `%${query.replace(/[%_]/g, '')}%`;
    return this.db
      .prepare("SELECT * FROM guests WHERE (? = '%%' AND status = 'checked_in') OR (? <> '%%' AND (name LIKE ? OR cabin LIKE ?)) ORDER BY cabin, name LIMIT 200")
      .all(q, q, q, q) as GuestRow[];
  }

  guestCount(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM guests').get() as { n: number }).n;
  }

  setPostingEnabled(guestId: string, enabled: boolean, why: string): void {
    const g = this.guest(guestId);
    if (!g || (g.posting_enabled === 1) === enabled) return;
    this.db.prepare('UPDATE guests SET posting_enabled = ?, updated_at = ? WHERE id = ?').run(enabled ? 1 : 0, this.journal.nowIso(), guestId);
    this.event('guest', guestId, enabled ? 'posting_enabled' : 'posting_disabled', { why });
  }

  balance(guestId: string): number {
    return (this.db.prepare('SELECT COALESCE(SUM(amount), 0) AS b FROM folio_lines WHERE guest_id = ?').get(guestId) as { b: number }).b;
  }

  summary(g: GuestRow): GuestSummary {
    return {
      guestId: g.id,
      name: g.name,
      cabin: g.cabin,
      embarkDate: g.embark_date,
      disembarkDate: g.disembark_date,
      status: g.status,
      balance: this.balance(g.id),
      postingEnabled: g.posting_enabled === 1,
    };
  }

  // --- folio and payments ----------------------------------------------

  /** A posting; `id` when the store already decided it under that line id (the shared folio). */
  addPosting(guestId: string, amount: number, description: string, id: string = this.journal.newId()): string {
    this.db.prepare("INSERT INTO folio_lines (id, guest_id, kind, amount, description, at) VALUES (?, ?, 'posting', ?, ?, ?)").run(id, guestId, amount, description, this.journal.nowIso());
    this.event('guest', guestId, 'posting_added', { lineId: id, amount, description });
    return id;
  }

  /**
   * Another desk's folio line of the same ship guest (the shared folio,
   * purser-folio-share.ts), kept here so this desk's own decisions (while the
   * store is out of reach) and its folio see the ship's total. Its id names the
   * desk and the line, so it is never taken for one of this desk's own.
   */
  addMirroredLine(guestId: string, register: string, lineId: string, amount: number, description: string): void {
    const id = mirroredLineId(register, lineId);
    if (this.db.prepare('SELECT 1 FROM folio_lines WHERE id = ?').get(id)) return;
    this.db.prepare("INSERT INTO folio_lines (id, guest_id, kind, amount, description, at) VALUES (?, ?, 'posting', ?, ?, ?)").run(id, guestId, amount, description, this.journal.nowIso());
    this.event('guest', guestId, 'line_mirrored', { lineId: id, register, amount });
  }

  /** This desk's own folio lines of a guest (postings and payments, not other desks' copies), oldest first. */
  ownLines(guestId: string): { id: string; amount: number; description: string }[] {
    return this.db.prepare("SELECT id, amount, description FROM folio_lines WHERE guest_id = ? AND id NOT LIKE 'desk:%' ORDER BY at, rowid").all(guestId) as { id: string; amount: number; description: string }[];
  }

  /** Changes whenever the guest's own lines, records or cards change (what the shared folio publishes). */
  guestMark(guestId: string): string {
    const r = this.db
      .prepare(
        `SELECT (SELECT count(*) || '/' || COALESCE(SUM(amount), 0) FROM folio_lines WHERE guest_id = @g AND id NOT LIKE 'desk:%') AS lines,
                (SELECT count(*) || '/' || COALESCE(SUM(status * 10 + queue_status), 0) || '/' || COALESCE(MAX(updated_at), '') FROM purser_records WHERE guest_id = @g) AS records,
                (SELECT count(*) || '/' || COALESCE(SUM(active * 100 + routing_order), 0) || '/' || COALESCE(MAX(updated_at), '') FROM guest_cards WHERE guest_id = @g) AS cards`,
      )
      .get({ g: guestId }) as { lines: string; records: string; cards: string };
    // The hour too: what an authorisation holds also changes with time (expiry), so a guest is published again at least hourly.
    return `${r.lines}|${r.records}|${r.cards}|${this.journal.nowIso().slice(0, 13)}`;
  }

  lineExists(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM folio_lines WHERE id = ?').get(id) !== undefined;
  }

  guests(): GuestRow[] {
    return this.db.prepare('SELECT * FROM guests ORDER BY number').all() as GuestRow[];
  }

  recordByReference(reference: string): RecordRow | undefined {
    return this.db.prepare('SELECT * FROM purser_records WHERE reference = ?').get(reference) as RecordRow | undefined;
  }

  /** A payment (amount > 0) or refund (< 0) and its folio line, which counts the other way. */
  addPayment(p: { guestId: string; method: PurserPaymentMethod; amount: number; cardId: string | null; voidOf?: string; description: string }): string {
    const id = this.journal.newId();
    const at = this.journal.nowIso();
    this.db
      .prepare("INSERT INTO purser_payments (id, guest_id, method, amount, card_id, status, void_of, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'posted', ?, ?, ?)")
      .run(id, p.guestId, p.method, p.amount, p.cardId, p.voidOf ?? null, at, at);
    this.db.prepare("INSERT INTO folio_lines (id, guest_id, kind, amount, description, payment_id, at) VALUES (?, ?, 'payment', ?, ?, ?, ?)").run(this.journal.newId(), p.guestId, -p.amount, p.description, id, at);
    this.event('guest', p.guestId, 'payment_added', { paymentId: id, method: p.method, amount: p.amount, cardId: p.cardId, voidOf: p.voidOf ?? null });
    return id;
  }

  payment(id: string): PaymentRow | undefined {
    return this.db.prepare('SELECT * FROM purser_payments WHERE id = ?').get(id) as PaymentRow | undefined;
  }

  markPaymentVoided(id: string): void {
    this.db.prepare("UPDATE purser_payments SET status = 'voided', updated_at = ? WHERE id = ?").run(this.journal.nowIso(), id);
    const p = this.payment(id)!;
    this.event('guest', p.guest_id, 'payment_voided', { paymentId: id });
  }

  /** Marks a payment (or the counter line taking it off) declined by the card provider (status 'declined' since migration 0150). */
  markPaymentDeclined(id: string): void {
    this.db.prepare("UPDATE purser_payments SET status = 'declined', updated_at = ? WHERE id = ?").run(this.journal.nowIso(), id);
    const p = this.payment(id)!;
    this.event('guest', p.guest_id, 'payment_declined', { paymentId: id });
  }

  /** What a payment still counts on the folio: its amount less the counter lines taking it off (voids, declines). */
  standingAmount(paymentId: string): number {
    const p = this.payment(paymentId);
    if (!p) return 0;
    const off = (this.db.prepare('SELECT COALESCE(SUM(amount), 0) AS s FROM purser_payments WHERE void_of = ?').get(paymentId) as { s: number }).s;
    return p.amount + off;
  }

  folio(guestId: string): FolioLine[] {
    return (this.db.prepare('SELECT * FROM folio_lines WHERE guest_id = ? ORDER BY at, rowid').all(guestId) as { id: string; kind: 'posting' | 'payment'; amount: number; description: string; at: string; payment_id: string | null }[]).map(
      (r) => ({ lineId: r.id, kind: r.kind, amount: r.amount, description: r.description, at: r.at, ...(r.payment_id ? { paymentId: r.payment_id } : {}) }),
    );
  }

  payments(guestId: string): PurserPayment[] {
    return (this.db.prepare('SELECT * FROM purser_payments WHERE guest_id = ? ORDER BY created_at, rowid').all(guestId) as PaymentRow[]).map((p) => ({
      paymentId: p.id,
      guestId: p.guest_id,
      method: p.method,
      amount: p.amount,
      cardId: p.card_id,
      status: p.status,
      voidOf: p.void_of,
      createdAt: p.created_at,
    }));
  }

  // --- cards ------------------------------------------------------------

  nextCardSlot(guestId: string): number {
    return (this.db.prepare('SELECT COALESCE(MAX(slot), 0) + 1 AS n FROM guest_cards WHERE guest_id = ?').get(guestId) as { n: number }).n;
  }

  addCard(c: Omit<CardRow, 'id' | 'registered_at' | 'routing_order' | 'masked_pan'> & { maskedPan: string }): CardRow {
    const id = this.journal.newId();
    const at = this.journal.nowIso();
    const routing = (this.db.prepare('SELECT COALESCE(MAX(routing_order), 0) + 1 AS n FROM guest_cards WHERE guest_id = ?').get(c.guest_id) as { n: number }).n;
    // maskPan again: whatever a device sent, at most the first six and last four digits reach the file.
    const masked = maskPan(c.maskedPan.replace(/\D/g, '').length >= 13 ? c.maskedPan.replace(/\D/g, '') : c.maskedPan);
    this.db
      .prepare(
        `INSERT INTO guest_cards (id, guest_id, slot, token, token_kind, masked_pan, brand, type_code, expiry_month, expiry_year, entry_method, active, lock_activation,
          inactive_reason, routing_order, signature, registered_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(id, c.guest_id, c.slot, c.token, c.token_kind, masked, c.brand, c.type_code, c.expiry_month, c.expiry_year, c.entry_method, c.active, c.lock_activation, c.inactive_reason, routing, c.signature, at, at);
    this.event('guest_card', id, 'registered', {
      guestId: c.guest_id,
      slot: c.slot,
      tokenKind: c.token_kind,
      maskedPan: masked,
      brand: c.brand,
      typeCode: c.type_code,
      entryMethod: c.entry_method,
      active: c.active === 1,
      lockActivation: c.lock_activation,
    });
    return this.card(id)!;
  }

  card(id: string): CardRow | undefined {
    return this.db.prepare('SELECT * FROM guest_cards WHERE id = ?').get(id) as CardRow | undefined;
  }

  cards(guestId: string): CardRow[] {
    return this.db.prepare('SELECT * FROM guest_cards WHERE guest_id = ? ORDER BY routing_order, slot').all(guestId) as CardRow[];
  }

  cardsWithToken(token: string): CardRow[] {
    return this.db.prepare("SELECT * FROM guest_cards WHERE token = ? AND token_kind = 'real'").all(token) as CardRow[];
  }

  setCardState(cardId: string, s: { active: boolean; lock: CardActivationLock; reason: CardInactiveReason | null }, why: string): void {
    this.db
      .prepare('UPDATE guest_cards SET active = ?, lock_activation = ?, inactive_reason = ?, updated_at = ? WHERE id = ?')
      .run(s.active ? 1 : 0, s.lock, s.active ? null : s.reason, this.journal.nowIso(), cardId);
    this.event('guest_card', cardId, s.active ? 'activated' : 'deactivated', { lockActivation: s.lock, reason: s.active ? null : s.reason, why });
  }

  setCardToken(cardId: string, token: string): void {
    this.db.prepare("UPDATE guest_cards SET token = ?, token_kind = 'real', updated_at = ? WHERE id = ?").run(token, this.journal.nowIso(), cardId);
    this.event('guest_card', cardId, 'token_received', {});
  }

  setRouting(guestId: string, cardIds: string[]): void {
    const at = this.journal.nowIso();
    const upd = this.db.prepare('UPDATE guest_cards SET routing_order = ?, updated_at = ? WHERE id = ? AND guest_id = ?');
    cardIds.forEach((id, i) => upd.run(i + 1, at, id, guestId));
    this.event('guest', guestId, 'routing_set', { cardIds });
  }

  cardSnapshot(c: CardRow): CardOnFileSnapshot {
    const cycle = this.cycleTotals(c.id);
    return {
      cardId: c.id,
      guestId: c.guest_id,
      maskedPan: c.masked_pan,
      brand: c.brand,
      typeCode: c.type_code,
      expiryMonth: c.expiry_month,
      expiryYear: c.expiry_year,
      entryMethod: c.entry_method,
      tokenKind: c.token_kind,
      active: c.active === 1,
      lockActivation: c.lock_activation,
      inactiveReason: c.inactive_reason,
      routingOrder: c.routing_order,
      signature: c.signature,
      totalAuthorised: cycle.authorised,
      totalApproved: cycle.approved,
      registeredAt: c.registered_at,
    };
  }

  // --- records ------------------------------------------------------------

  addRecord(r: NewRecord): RecordRow {
    const id = this.journal.newId();
    const at = this.journal.nowIso();
    const g = this.guest(r.guestId)!;
    const seq = (this.db.prepare("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'purser_records'), 0) + 1 AS n").get() as { n: number }).n;
    const reference = r.reference ?? recordReference(this.registerCode, g.number, r.cardSlot, seq);
    const status = r.status ?? 0;
    const queueStatus = r.queueStatus ?? 0;
    // An initial authorisation is its own cycle's head: CCA_PREVIOUS names itself.
    const previous = r.kind === 'initial_auth' ? reference : (r.previousReference ?? null);
    this.db
      .prepare(
        `INSERT INTO purser_records (seq, id, guest_id, card_id, family, kind, operation, mtype, amount, status, queue_status, reference, previous_reference, payment_id, target_ref_num,
          ref_num, approval_code, terminal_id, awaiting_batch, voided, note, created_at, sent_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        seq,
        id,
        r.guestId,
        r.cardId,
        FAMILY[r.kind],
        r.kind,
        OPERATION[r.kind],
        r.mtype,
        r.amount,
        status,
        queueStatus,
        reference,
        previous,
        r.paymentId ?? null,
        r.targetRefNum ?? null,
        r.refNum ?? null,
        r.approvalCode ?? null,
        r.terminalId ?? null,
        r.awaitingBatch ? 1 : 0,
        r.voided ? 1 : 0,
        r.note ?? null,
        at,
        queueStatus === 2 ? at : null,
        at,
      );
    this.event('purser_record', id, 'created', { reference, kind: r.kind, amount: r.amount, status, queueStatus, cardId: r.cardId, guestId: r.guestId });
    return this.record(id)!;
  }

  record(id: string): RecordRow | undefined {
    return this.db.prepare('SELECT * FROM purser_records WHERE id = ?').get(id) as RecordRow | undefined;
  }

  recordByRefNum(refNum: string): RecordRow | undefined {
    return this.db.prepare('SELECT * FROM purser_records WHERE ref_num = ? ORDER BY seq LIMIT 1').get(refNum) as RecordRow | undefined;
  }

  records(guestId: string): RecordRow[] {
    return this.db.prepare('SELECT * FROM purser_records WHERE guest_id = ? ORDER BY seq').all(guestId) as RecordRow[];
  }

  cardRecords(cardId: string): RecordRow[] {
    return this.db.prepare('SELECT * FROM purser_records WHERE card_id = ? ORDER BY seq').all(cardId) as RecordRow[];
  }

  /** Records the sender has work on: answered but not completed, outstanding, or offline approvals waiting for upload. */
  openRecords(): RecordRow[] {
    return this.db.prepare('SELECT * FROM purser_records WHERE status = 0 OR queue_status = 3 ORDER BY seq').all() as RecordRow[];
  }

  /** The card's current authorisation cycle head: its latest initial authorisation. */
  currentInitial(cardId: string): RecordRow | undefined {
    return this.db.prepare("SELECT * FROM purser_records WHERE card_id = ? AND kind = 'initial_auth' ORDER BY seq DESC LIMIT 1").get(cardId) as RecordRow | undefined;
  }

  /**
   * The authorisations ("heads": initial authorisation records) of the card's
   * current cycle, oldest first: from its latest registration on the PIN pad
   * (a record with a terminal) on; later heads are authorisations by token the
   * folio made (purser-authorisation-plan.ts).
   */
  cycleHeads(cardId: string): RecordRow[] {
    const start = this.db.prepare("SELECT seq FROM purser_records WHERE card_id = ? AND kind = 'initial_auth' AND terminal_id IS NOT NULL ORDER BY seq DESC LIMIT 1").get(cardId) as { seq: number } | undefined;
    return this.db.prepare("SELECT * FROM purser_records WHERE card_id = ? AND kind = 'initial_auth' AND seq >= ? ORDER BY seq").all(cardId, start?.seq ?? 0) as RecordRow[];
  }

  /** The incremental authorisations on one head. */
  headIncrements(headReference: string): RecordRow[] {
    return this.db.prepare("SELECT * FROM purser_records WHERE kind = 'incremental_auth' AND previous_reference = ? ORDER BY seq").all(headReference) as RecordRow[];
  }

  /** True when another card of the guest, before this one in routing order, had its initial authorisation declined after `since` (4-17 #2). */
  initialDeclinedBefore(card: CardRow, since: string): boolean {
    const row = this.db
      .prepare(
        "SELECT 1 AS x FROM purser_records r JOIN guest_cards c ON c.id = r.card_id WHERE r.guest_id = ? AND r.card_id <> ? AND r.kind = 'initial_auth' AND r.status = 2 AND c.routing_order < ? AND r.answered_at > ? LIMIT 1",
      )
      .get(card.guest_id, card.id, card.routing_order, since);
    return row !== undefined;
  }

  /** Authorised (approved + outstanding) and approved totals of the card's current cycle, over all its heads not declined. */
  cycleTotals(cardId: string): { authorised: number; approved: number; initial: RecordRow | undefined } {
    const initial = this.currentInitial(cardId);
    if (!initial) return { authorised: 0, approved: 0, initial };
    const sum = this.db.prepare(
      "SELECT COALESCE(SUM(CASE WHEN status IN (0, 1) THEN amount END), 0) AS authorised, COALESCE(SUM(CASE WHEN status = 1 THEN amount END), 0) AS approved FROM purser_records WHERE card_id = ? AND family = 'authorisation' AND kind <> 'direct_sale' AND previous_reference = ?",
    );
    const r = { authorised: 0, approved: 0 };
    for (const head of this.cycleHeads(cardId)) {
      if (head.status === 2) continue;
      const t = sum.get(cardId, head.reference) as { authorised: number; approved: number };
      r.authorised += t.authorised;
      r.approved += t.approved;
    }
    return { ...r, initial };
  }

  /** Writes a record's change and its event. */
  updateRecord(id: string, change: Partial<Pick<RecordRow, 'mtype' | 'status' | 'queue_status' | 'ref_num' | 'approval_code' | 'note' | 'card_id' | 'awaiting_batch' | 'voided' | 'sent_at' | 'answered_at' | 'send_count'>>, type: string): RecordRow {
    const keys = Object.keys(change) as (keyof typeof change)[];
    if (keys.length > 0) {
      const sets = keys.map((k) => `${k} = ?`).join(', ');
      this.db.prepare(`UPDATE purser_records SET ${sets}, updated_at = ? WHERE id = ?`).run(...keys.map((k) => change[k] ?? null), this.journal.nowIso(), id);
    }
    const row = this.record(id)!;
    this.event('purser_record', id, type, { reference: row.reference, status: row.status, queueStatus: row.queue_status, ...(change.note ? { note: change.note } : {}), ...(change.ref_num ? { refNum: change.ref_num } : {}) });
    return row;
  }

  recordSnapshot(r: RecordRow): PurserRecord {
    return {
      recordId: r.id,
      guestId: r.guest_id,
      cardId: r.card_id,
      family: r.family,
      kind: r.kind,
      operation: r.operation,
      mtype: r.mtype,
      amount: r.amount,
      status: r.status,
      queueStatus: r.queue_status,
      reference: r.reference,
      previousReference: r.previous_reference,
      paymentId: r.payment_id,
      approvalCode: r.approval_code,
      awaitingBatch: r.awaiting_batch === 1,
      voided: r.voided === 1,
      note: r.note,
      createdAt: r.created_at,
      sentAt: r.sent_at,
      answeredAt: r.answered_at,
    };
  }
}
