// Payment attempts in the journal (DESIGN §3). Every state change goes
// through transition(): the pure state machine decides, and the new row and
// its event are written in one transaction, so the journal can never hold a
// state the machine would not allow, nor a state change without its event.

import type BetterSqlite3 from 'better-sqlite3';
import type { CardBrand, EntryMode } from '../../src-shared/card.ts';
import { safeMaskedPan } from '../../src-shared/card.ts';
import type { AttemptSnapshot } from '../../src-shared/domain.ts';
import { AppError } from '../../src-shared/errors.ts';
import { isValidAmount } from '../../src-shared/money.ts';
import {
  transition as nextState,
  type ApprovalSource,
  type AttemptEvent,
  type AttemptState,
  type DoubtReason,
} from '../../src-shared/payment-state-machine.ts';
import type { Journal } from './journal.ts';

/** What a payment attempt asks the card to do. */
export type AttemptKind = 'sale' | 'refund' | 'auth' | 'incremental' | 'capture' | 'void';

/** A payment attempt row, camelCased. Holds no card data beyond a masked number. */
export interface AttemptRow {
  id: string;
  ticketId: string;
  slot: number;
  ecrRef: string;
  invoice: string;
  terminalId: string;
  kind: AttemptKind;
  amountRequested: number;
  amountApproved: number;
  currency: string;
  state: AttemptState;
  resultCode: string | null;
  resultText: string | null;
  authCode: string | null;
  hostRef: string | null;
  terminalRef: string | null;
  batchNumber: string | null;
  maskedPan: string | null;
  cardBrand: CardBrand | null;
  entryMode: EntryMode | null;
  approvalSource: ApprovalSource | null;
  doubtReason: DoubtReason | null;
  createdAt: string;
  updatedAt: string;
  /**
   * The host's own reference number (PAX host subfield 4). hostRef holds the
   * reference follow-ups send (PAX "HRef"); the two differ on real terminals.
   * Optional in the type only so rows built by hand elsewhere stay valid; the
   * repository always reads it (NULL when unknown).
   */
  hostReferenceNumber?: string | null;
}

/** What a new attempt needs. */
export type NewAttempt = Pick<
  AttemptRow,
  'ticketId' | 'slot' | 'ecrRef' | 'invoice' | 'terminalId' | 'kind' | 'amountRequested' | 'currency'
>;

/** Facts learnt from the device or gateway, recorded with a transition. */
export type AttemptPatch = Partial<
  Pick<
    AttemptRow,
    | 'amountApproved'
    | 'terminalId'
    | 'resultCode'
    | 'resultText'
    | 'authCode'
    | 'hostRef'
    | 'hostReferenceNumber'
    | 'terminalRef'
    | 'batchNumber'
    | 'maskedPan'
    | 'cardBrand'
    | 'entryMode'
  >
>;

const COLUMNS: Record<keyof AttemptRow, string> = {
  id: 'id',
  ticketId: 'ticket_id',
  slot: 'slot',
  ecrRef: 'ecr_ref',
  invoice: 'invoice',
  terminalId: 'terminal_id',
  kind: 'kind',
  amountRequested: 'amount_requested',
  amountApproved: 'amount_approved',
  currency: 'currency',
  state: 'state',
  resultCode: 'result_code',
  resultText: 'result_text',
  authCode: 'auth_code',
  hostRef: 'host_ref',
  terminalRef: 'terminal_ref',
  batchNumber: 'batch_number',
  maskedPan: 'masked_pan',
  cardBrand: 'card_brand',
  entryMode: 'entry_mode',
  approvalSource: 'approval_source',
  doubtReason: 'doubt_reason',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  // Last: added by migration 0060, and attemptFromRaw reads by position.
  hostReferenceNumber: 'host_reference_number',
};
const KEYS = Object.keys(COLUMNS) as (keyof AttemptRow)[];
const SELECT = `SELECT ${KEYS.map((k) => COLUMNS[k]).join(', ')} FROM payment_attempts`;
/** Columns a transition never changes. */
const FIXED: ReadonlySet<keyof AttemptRow> = new Set(['id', 'ticketId', 'slot', 'ecrRef', 'invoice', 'kind', 'amountRequested', 'currency', 'createdAt']);
const MUTABLE = KEYS.filter((k) => !FIXED.has(k));

/**
 * A raw row (columns in KEYS order) as an AttemptRow. Rows are fetched as
 * arrays because better-sqlite3 builds a 24-key object about twice as slowly
 * as this literal; attempt-repository.test.ts checks the order against KEYS.
 */
export function attemptFromRaw(r: unknown[]): AttemptRow {
  return {
    id: r[0], ticketId: r[1], slot: r[2], ecrRef: r[3], invoice: r[4], terminalId: r[5], kind: r[6],
    amountRequested: r[7], amountApproved: r[8], currency: r[9], state: r[10], resultCode: r[11], resultText: r[12],
    authCode: r[13], hostRef: r[14], terminalRef: r[15], batchNumber: r[16], maskedPan: r[17], cardBrand: r[18],
    entryMode: r[19], approvalSource: r[20], doubtReason: r[21], createdAt: r[22], updatedAt: r[23],
    hostReferenceNumber: r[24],
  } as AttemptRow;
}

/** The column order attemptFromRaw expects. */
export const ATTEMPT_RAW_KEYS: readonly (keyof AttemptRow)[] = KEYS;

/** Reads and writes payment attempts; every write journals an event in the same transaction. */
export class AttemptRepository {
  private readonly byId: BetterSqlite3.Statement<[string], unknown[]>;
  private readonly insert: BetterSqlite3.Statement<Record<string, unknown>>;
  // One UPDATE per set of changed columns, prepared on first use: a transition
  // writes only what changed, so unchanged indexed columns (state) cost nothing.
  private readonly updates = new Map<number, BetterSqlite3.Statement<unknown[]>>();
  private readonly unresolved: BetterSqlite3.Statement<[], unknown[]>;
  private readonly byTicket: BetterSqlite3.Statement<[string], unknown[]>;
  private readonly byEcrRef: BetterSqlite3.Statement<[string], unknown[]>;

  constructor(private readonly journal: Journal) {
    const db = journal.db;
    this.byId = db.prepare(`${SELECT} WHERE id = ?`).raw() as BetterSqlite3.Statement<[string], unknown[]>;
    this.insert = db.prepare(
      `INSERT INTO payment_attempts (${KEYS.map((k) => COLUMNS[k]).join(', ')}) VALUES (${KEYS.map((k) => `@${k}`).join(', ')})`,
    );
    // The state IN (...) filter matches the partial index, so this stays fast as history grows.
    this.unresolved = db.prepare(`${SELECT} WHERE state IN ('sent', 'in_doubt') ORDER BY created_at, id`).raw() as BetterSqlite3.Statement<[], unknown[]>;
    this.byTicket = db.prepare(`${SELECT} WHERE ticket_id = ? ORDER BY created_at, id`).raw() as BetterSqlite3.Statement<[string], unknown[]>;
    this.byEcrRef = db.prepare(`${SELECT} WHERE ecr_ref = ? ORDER BY created_at, id`).raw() as BetterSqlite3.Statement<[string], unknown[]>;
  }

  /** Journals a new attempt in state `created` (before anything is sent: invariant 1). */
  create(a: NewAttempt): AttemptRow {
    if (!isValidAmount(a.amountRequested) || a.amountRequested === 0) {
      throw new AppError('invalid_request', `The amount ${String(a.amountRequested)} is not a positive whole number of minor units.`);
    }
    const now = this.journal.nowIso();
    const row: AttemptRow = {
      ...a,
      id: this.journal.newId(),
      amountApproved: 0,
      state: 'created',
      resultCode: null,
      resultText: null,
      authCode: null,
      hostRef: null,
      terminalRef: null,
      batchNumber: null,
      maskedPan: null,
      cardBrand: null,
      entryMode: null,
      approvalSource: null,
      doubtReason: null,
      createdAt: now,
      updatedAt: now,
      hostReferenceNumber: null,
    };
    return this.journal.transact(() => {
      this.insert.run({ ...row });
      this.journal.appendEvent({ entity: 'attempt', entityId: row.id, type: 'created', payload: eventPayload(row) }, now);
      return row;
    });
  }

  /**
   * Applies an event through the pure state machine and journals the new row
   * plus an event, in one transaction. AppError 'not_found', 'conflict' (the
   * machine refuses), or 'attempt_unresolved' (another attempt on the ticket
   * is already out with no final answer).
   */
  transition(id: string, event: AttemptEvent, patch: AttemptPatch = {}): AttemptRow {
    const clean = sanitise(patch);
    return this.journal.transact(() => this.apply(this.get(id), event, clean, this.journal.nowIso()));
  }

  /**
   * transition() for a caller that holds the transaction and has just read
   * `current` in it (an approval that also settles the ticket): no re-read, no
   * savepoint, and `at` stamps the row and its event, so one change has one time.
   */
  transitionWithin(current: AttemptRow, event: AttemptEvent, patch: AttemptPatch, at: string): AttemptRow {
    if (!this.journal.db.inTransaction) {
      throw new AppError('internal', `Attempt ${current.id} was not changed: transitionWithin must run inside journal.transact().`);
    }
    return this.apply(current, event, sanitise(patch), at);
  }

  private apply(current: AttemptRow, event: AttemptEvent, clean: AttemptPatch, at: string): AttemptRow {
    const id = current.id;
    const result = nextState(current.state, event);
    if (!result.ok) throw new AppError('conflict', result.reason, { attemptId: id, state: current.state, event: event.type });
    const next: AttemptRow = { ...current, ...clean, state: result.state, updatedAt: at };
    if (event.type === 'approve') next.approvalSource = event.source;
    if (event.type === 'doubt') next.doubtReason = event.reason;
    try {
      this.writeChanges(current, next);
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
        throw new AppError(
          'attempt_unresolved',
          // Data, not words: the payment side says it to the cashier (payment-messages.ts).
          'payment_attempts_one_unresolved refused a second unresolved attempt on the ticket',
          { attemptId: id, ticketId: current.ticketId },
        );
      }
      throw err;
    }
    const payload = eventPayload(next, current.state, event);
    this.journal.appendEvent({ entity: 'attempt', entityId: id, type: event.type, payload }, at);
    return next;
  }

  /** UPDATEs only the columns whose value differs; nothing at all when none does. */
  private writeChanges(current: AttemptRow, next: AttemptRow): void {
    let mask = 0;
    const values: unknown[] = [];
    for (let i = 0; i < MUTABLE.length; i++) {
      const k = MUTABLE[i];
      if (next[k] !== current[k]) {
        mask |= 1 << i;
        values.push(next[k]);
      }
    }
    if (mask === 0) return;
    let stmt = this.updates.get(mask);
    if (!stmt) {
      const cols = MUTABLE.filter((_, i) => mask & (1 << i)).map((k) => `${COLUMNS[k]} = ?`);
      stmt = this.journal.db.prepare(`UPDATE payment_attempts SET ${cols.join(', ')} WHERE id = ?`);
      this.updates.set(mask, stmt);
    }
    values.push(current.id);
    stmt.run(values);
  }

  /** One attempt; AppError 'not_found'. */
  get(id: string): AttemptRow {
    const raw = this.byId.get(id);
    if (!raw) throw new AppError('not_found', `There is no payment attempt ${id}.`, { attemptId: id });
    return attemptFromRaw(raw);
  }

  /** Attempts that may have charged a card with no final answer yet (sent, in_doubt), oldest first. */
  findUnresolved(): AttemptRow[] {
    return this.unresolved.all().map(attemptFromRaw);
  }

  /** Every attempt on a ticket, oldest first. */
  findByTicket(ticketId: string): AttemptRow[] {
    return this.byTicket.all(ticketId).map(attemptFromRaw);
  }

  /** Every attempt that used this ECR reference (retries of one slot share it), oldest first. */
  findByEcrRef(ecrRef: string): AttemptRow[] {
    return this.byEcrRef.all(ecrRef).map(attemptFromRaw);
  }
}

/** Masks again whatever masked number arrives, so a driver bug cannot store a full one. */
function sanitise(patch: AttemptPatch): AttemptPatch {
  const out: AttemptPatch = {};
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  if (typeof out.maskedPan === 'string') out.maskedPan = safeMaskedPan(out.maskedPan);
  if (out.amountApproved !== undefined && !isValidAmount(out.amountApproved)) {
    throw new AppError('invalid_request', `The approved amount ${String(out.amountApproved)} is not a whole number of minor units.`);
  }
  return out;
}

/**
 * The facts an attempt event records (never card data: masked number only),
 * plus the state it left and the event for a transition. Keys are written in
 * canonical (sorted) order so canonicalJson takes its native one-pass path.
 */
function eventPayload(r: AttemptRow, from?: AttemptState, event?: AttemptEvent): Record<string, unknown> {
  return {
    amountApproved: r.amountApproved,
    amountRequested: r.amountRequested,
    approvalSource: r.approvalSource,
    authCode: r.authCode,
    cardBrand: r.cardBrand,
    currency: r.currency,
    doubtReason: r.doubtReason,
    ecrRef: r.ecrRef,
    event: event && sortedEvent(event),
    from,
    hostRef: r.hostRef,
    // Only once known, so events of attempts without one keep their old shape.
    ...(r.hostReferenceNumber != null ? { hostReferenceNumber: r.hostReferenceNumber } : {}),
    invoice: r.invoice,
    kind: r.kind,
    maskedPan: r.maskedPan,
    resultCode: r.resultCode,
    slot: r.slot,
    state: r.state,
    terminalId: r.terminalId,
    terminalRef: r.terminalRef,
    ticketId: r.ticketId,
  };
}

/** The event with `type` last: its other key (reason, source) sorts before it. */
function sortedEvent(e: AttemptEvent): Record<string, unknown> {
  const { type, ...rest } = e;
  return { ...rest, type };
}
