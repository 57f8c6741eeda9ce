// Read-only queries behind the ticket locks, the closed-ticket history and the
// "was I charged?" event list. SQL only, over the journal's tables; nothing
// here writes. The rules live in ticket-service.ts.

import type BetterSqlite3 from 'better-sqlite3';
import type { CardBrand } from '../../src-shared/card.ts';
import type { JournalEventSnapshot, TicketStatus } from '../../src-shared/domain.ts';
import type { AttemptState } from '../../src-shared/payment-state-machine.ts';
import type { Journal } from '../journal/journal.ts';

/** A card attempt of this register still out on a PIN pad or in doubt. */
export interface UnresolvedAttemptRow {
  id: string;
  ticketId: string;
  ticketNumber: number;
  amountRequested: number;
  currency: string;
  state: 'sent' | 'in_doubt';
}

/** A closed ticket row with the card references used to search it. */
export interface ClosedTicketRow {
  id: string;
  number: number;
  status: TicketStatus;
  updatedAt: string;
  references: string;
  hostRefs: string;
  lastFours: string;
}

/** A void or refund of one of a ticket's card payments, with both attempts (table reversals). */
export interface ReversalLinkRow {
  reversalAttemptId: string;
  originalAttemptId: string;
  kind: 'void' | 'refund';
  actor: string;
  /** The manager's name from the staff table; null for an actor not in it (the training manager). */
  actorName: string | null;
  reason: string;
  createdAt: string;
  state: AttemptState;
  amountRequested: number;
  amountApproved: number;
  originalState: AttemptState;
  originalAmount: number;
  originalCreatedAt: string;
  maskedPan: string | null;
  cardBrand: CardBrand | null;
  authCode: string | null;
}

/** Most events listed for one ticket: a ticket with more is shown up to here (the journal keeps all). */
const MAX_EVENTS = 500;
/** Most closed tickets one history answer holds. */
const MAX_HISTORY = 300;

/** Queries for locks, history and events. */
export class TicketHistoryRepository {
  private readonly s: {
    unresolved: BetterSqlite3.Statement<[string], UnresolvedAttemptRow>;
    closedSince: BetterSqlite3.Statement<[string, string], ClosedTicketRow>;
    attemptIds: BetterSqlite3.Statement<[string], { id: string }>;
    reversals: BetterSqlite3.Statement<[string], ReversalLinkRow>;
    events: BetterSqlite3.Statement<[{ ticketId: string; ids: string; limit: number }], { seq: number; at: string; entity: string; entityId: string; type: string; payload: string }>;
  };

  constructor(private readonly journal: Journal) {
    const db = journal.db;
    this.s = {
      // The partial index payment_attempts_unresolved keeps this small whatever the history.
      unresolved: db.prepare(
        `SELECT a.id, a.ticket_id AS ticketId, t.number AS ticketNumber, a.amount_requested AS amountRequested, a.currency, a.state
           FROM payment_attempts a JOIN tickets t ON t.id = a.ticket_id
          WHERE a.state IN ('sent', 'in_doubt') AND t.register_id = ?
          ORDER BY a.created_at, a.id`,
      ),
      closedSince: db.prepare(
        `SELECT t.id, t.number, t.status, t.updated_at AS updatedAt,
                coalesce((SELECT group_concat(a.ecr_ref, ' ') FROM payment_attempts a WHERE a.ticket_id = t.id), '') AS "references",
                coalesce((SELECT group_concat(a.host_ref, ' ') FROM payment_attempts a WHERE a.ticket_id = t.id AND a.host_ref IS NOT NULL), '') AS hostRefs,
                coalesce((SELECT group_concat(a.masked_pan, ' ') FROM payment_attempts a WHERE a.ticket_id = t.id AND a.masked_pan IS NOT NULL), '') AS lastFours
           FROM tickets t
          WHERE t.register_id = ? AND t.status IN ('paid', 'voided', 'moved') AND t.updated_at >= ?
          ORDER BY t.updated_at DESC, t.number DESC
          LIMIT ${MAX_HISTORY}`,
      ),
      attemptIds: db.prepare('SELECT id FROM payment_attempts WHERE ticket_id = ?'),
      // reversals_original keeps this an index walk per card payment of the ticket.
      reversals: db.prepare(
        `SELECT r.reversal_attempt_id AS reversalAttemptId, r.original_attempt_id AS originalAttemptId, r.kind, r.actor,
                s.name AS actorName, r.reason, r.created_at AS createdAt,
                ra.state, ra.amount_requested AS amountRequested, ra.amount_approved AS amountApproved,
                oa.state AS originalState, oa.amount_approved AS originalAmount, oa.created_at AS originalCreatedAt,
                oa.masked_pan AS maskedPan, oa.card_brand AS cardBrand, oa.auth_code AS authCode
           FROM payment_attempts oa
           JOIN reversals r ON r.original_attempt_id = oa.id
           JOIN payment_attempts ra ON ra.id = r.reversal_attempt_id
           LEFT JOIN staff s ON s.id = r.actor
          WHERE oa.ticket_id = ?
          ORDER BY r.created_at, ra.rowid`,
      ),
      // Receipts name their ticket in the payload; attempts are matched by id (json_each over the id list).
      events: db.prepare(
        `SELECT seq, at, entity, entity_id AS entityId, type, payload FROM events
          WHERE (entity = 'ticket' AND entity_id = @ticketId)
             OR (entity = 'attempt' AND entity_id IN (SELECT value FROM json_each(@ids)))
             OR (entity = 'receipt' AND json_valid(payload) AND json_extract(payload, '$.ticketId') = @ticketId)
          ORDER BY seq LIMIT @limit`,
      ),
    };
  }

  /** The payment slots a ticket used, and whether each attempt is still out or in doubt. */
  slotsOf(ticketId: string): { slot: number; unresolved: boolean }[] {
    return (
      this.journal.db.prepare("SELECT slot, state IN ('sent', 'in_doubt') AS unresolved FROM payment_attempts WHERE ticket_id = ? ORDER BY slot").all(ticketId) as { slot: number; unresolved: number }[]
    ).map((r) => ({ slot: r.slot, unresolved: r.unresolved === 1 }));
  }

  /** Card attempts of a register that are sent or in doubt, oldest first. */
  unresolved(registerId: string): UnresolvedAttemptRow[] {
    return this.s.unresolved.all(registerId);
  }

  /** Paid, voided and moved tickets of a register closed at or after `sinceIso`, newest first. */
  closedSince(registerId: string, sinceIso: string): ClosedTicketRow[] {
    return this.s.closedSince.all(registerId, sinceIso);
  }

  /** The voids and refunds of a ticket's card payments, oldest first. */
  reversalLinks(ticketId: string): ReversalLinkRow[] {
    return this.s.reversals.all(ticketId);
  }

  /** The journal events of a ticket, its attempts and its receipts, oldest first. */
  events(ticketId: string): JournalEventSnapshot[] {
    const ids = JSON.stringify(this.s.attemptIds.all(ticketId).map((r) => r.id));
    return this.s.events.all({ ticketId, ids, limit: MAX_EVENTS }).map((e) => {
      const fields = shownFields(e.payload);
      return {
        seq: e.seq,
        at: e.at,
        entity: e.entity,
        type: e.type,
        detail: Object.entries(fields)
          .map(([k, v]) => `${k}=${String(v)}`)
          .join(' '),
        fields,
      };
    });
  }
}

/** Fields worth a glance (money, state, reference); everything else (ids, raw codes) stays in the journal. */
const SHOWN = ['state', 'amount', 'amountRequested', 'amountApproved', 'total', 'paid', 'lineTotal', 'quantity', 'tendered', 'applied', 'change', 'due', 'description', 'kind', 'ecrRef', 'authCode', 'cardBrand', 'maskedPan', 'reason', 'printed', 'status', 'resultText', 'doubtReason', 'approvalSource', 'toName', 'fromName', 'originNumber', 'cashApplied'];

function shownFields(payload: string): Record<string, string | number | boolean> {
  let obj: unknown;
  try {
    obj = JSON.parse(payload);
  } catch {
    return {};
  }
  if (!obj || typeof obj !== 'object') return {};
  const fields: Record<string, string | number | boolean> = {};
  for (const k of SHOWN) {
    const v = (obj as Record<string, unknown>)[k];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') fields[k] = v;
  }
  return fields;
}
