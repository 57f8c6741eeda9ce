// Slot ownership in the store (issue 13 §3): a ticket's payment slots belong
// to the register that opened it (its ECR references carry that register's
// code), so a ticket is paid on one register at a time. Moving an open ticket
// to another register is a store transaction, so online only: the owner row
// is taken FOR UPDATE (two moves of one ticket at once: the second waits and
// then sees the first's result), the move is refused unless the ticket is on
// the register asking, and refused while any attempt of the ticket is
// unresolved, by the register's own journal (authoritative, passed in) and by
// the store's copy of it (which also covers attempts of the ticket made
// before an earlier move). A register that cannot reach the store keeps its
// tickets: nothing moves offline.

import type pg from 'pg';
import { AppError } from '../../src-shared/errors.ts';
import { inTransaction } from './pg-transaction.ts';

/** A ticket's name in the store: the register that opened it and its id there. */
export interface TicketRef {
  originRegister: string;
  ticketId: string;
}

/** A live line carried by a moved ticket. */
export interface MovedLine {
  itemId: string | null;
  description: string;
  quantity: number;
  unitPrice: number;
  lineTotal: number;
}

/** What a transfer carries from the giving register (schema 0030). */
export interface TransferCarry {
  fromName: string;
  originNumber: number;
  currency: string;
  lines: MovedLine[];
  /** Cash applied on the ticket at the giving register, minor units (the notes stay in that drawer). */
  cashApplied: number;
  /** The giving register's payment slots used so far (they stay its own). */
  slotsUsed: number[];
}

/** A transfer as the store holds it. */
export interface TicketTransfer extends TicketRef, TransferCarry {
  transferId: number;
  from: string;
  to: string;
  at: Date;
  receivedTicketId: string | null;
}

/** Plain words of each refusal. */
export const MOVE_WORDS = {
  unresolved: 'A card payment on this ticket is still being checked, so the ticket stays on this register. Move it once the payment is settled.',
  notHere: 'This ticket is no longer on this register: it was moved to another till. Open it there.',
  offline: 'The store cannot be reached, so the ticket stays on this register. Moving a ticket needs the store; try again when the link is back.',
  inDoubt:
    'The store did not answer whether the ticket moved. It is held here (nothing can be rung or paid on it) until the store answers; that is checked every few seconds.',
  sameRegister: 'The ticket is already on that register.',
} as const;

/** The register a ticket is on now (its origin when it never moved). */
export async function ownerOf(pool: pg.Pool, t: TicketRef): Promise<string> {
  const r = await pool.query<{ owner_register: string }>('SELECT owner_register FROM ticket_owners WHERE origin_register = $1 AND ticket_id = $2', [t.originRegister, t.ticketId]);
  return r.rows[0]?.owner_register ?? t.originRegister;
}

/** Unresolved attempts of a ticket in the store's copy of every register's journal. */
async function unresolvedInStore(c: pg.ClientBase, t: TicketRef): Promise<number> {
  const r = await c.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM journal_rows_current
     WHERE register_id = $1 AND table_name = 'payment_attempts' AND op = 'upsert'
       AND row_data->>'ticket_id' = $2 AND row_data->>'state' IN ('sent', 'in_doubt')`,
    [t.originRegister, t.ticketId],
  );
  return r.rows[0].n;
}

/**
 * Moves a ticket from `from` to `to` (see file comment). `unresolvedHere` is
 * the asking register's own count of the ticket's unresolved attempts.
 * AppError 'attempt_unresolved' / 'conflict' / 'store_unavailable' with plain words.
 */
export async function moveTicket(
  pool: pg.Pool,
  move: TicketRef & { from: string; to: string; actor: string; unresolvedHere: number; at: Date; carry?: TransferCarry },
): Promise<{ transferId: number }> {
  if (move.unresolvedHere > 0) throw new AppError('attempt_unresolved', MOVE_WORDS.unresolved, { ticketId: move.ticketId });
  if (move.from === move.to) throw new AppError('conflict', MOVE_WORDS.sameRegister, { ticketId: move.ticketId });
  // Sent: the COMMIT has left. A failure after it (the answer lost) may have moved the ticket or not; before it, the
  // store rolled the transaction back (a backend that loses its client aborts what is not committed).
  const stage = { committing: false };
  try {
    return await inTransaction(pool, async (c) => {
      await c.query('INSERT INTO ticket_owners (origin_register, ticket_id, owner_register) VALUES ($1, $2, $1) ON CONFLICT DO NOTHING', [move.originRegister, move.ticketId]);
      const owner = (
        await c.query<{ owner_register: string }>('SELECT owner_register FROM ticket_owners WHERE origin_register = $1 AND ticket_id = $2 FOR UPDATE', [move.originRegister, move.ticketId])
      ).rows[0].owner_register;
      if (owner !== move.from) throw new AppError('conflict', MOVE_WORDS.notHere, { ticketId: move.ticketId, owner });
      if ((await unresolvedInStore(c, move)) > 0) throw new AppError('attempt_unresolved', MOVE_WORDS.unresolved, { ticketId: move.ticketId });
      await c.query('UPDATE ticket_owners SET owner_register = $3, moved_at = $4 WHERE origin_register = $1 AND ticket_id = $2', [move.originRegister, move.ticketId, move.to, move.at]);
      const k = move.carry;
      const r = await c.query<{ id: string }>(
        `INSERT INTO ticket_transfers (origin_register, ticket_id, from_register, to_register, actor, at, from_name, origin_number, currency, lines, cash_applied, slots_used)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
        [move.originRegister, move.ticketId, move.from, move.to, move.actor, move.at, k?.fromName ?? null, k?.originNumber ?? null, k?.currency ?? null, JSON.stringify(k?.lines ?? []), k?.cashApplied ?? 0, k?.slotsUsed ?? []],
      );
      return { transferId: Number(r.rows[0].id) };
    }, stage);
  } catch (err) {
    if (err instanceof AppError) throw err;
    const cause = err instanceof Error ? err.message : String(err);
    if (stage.committing) throw new AppError('store_unavailable', MOVE_WORDS.inDoubt, { ticketId: move.ticketId, outcome: 'unknown', cause });
    throw new AppError('store_unavailable', MOVE_WORDS.offline, { ticketId: move.ticketId, outcome: 'not_moved', cause });
  }
}

/** Whether a move's answer was lost after its COMMIT left (the store may have moved the ticket). */
export function moveOutcomeUnknown(err: unknown): boolean {
  return err instanceof AppError && err.code === 'store_unavailable' && err.details?.outcome === 'unknown';
}

interface TransferRow {
  id: string;
  origin_register: string;
  ticket_id: string;
  from_register: string;
  to_register: string;
  at: Date;
  from_name: string | null;
  origin_number: number | null;
  currency: string | null;
  lines: MovedLine[];
  cash_applied: string;
  slots_used: number[];
  received_ticket_id: string | null;
}

const TRANSFER_COLS = 'id, origin_register, ticket_id, from_register, to_register, at, from_name, origin_number, currency, lines, cash_applied, slots_used, received_ticket_id';

function transfer(r: TransferRow): TicketTransfer {
  return {
    transferId: Number(r.id),
    originRegister: r.origin_register,
    ticketId: r.ticket_id,
    from: r.from_register,
    to: r.to_register,
    at: r.at,
    fromName: r.from_name ?? 'another register',
    originNumber: r.origin_number ?? 0,
    currency: r.currency ?? '',
    lines: r.lines,
    cashApplied: Number(r.cash_applied),
    slotsUsed: r.slots_used,
    receivedTicketId: r.received_ticket_id,
  };
}

/** Tickets moved to `register` that it has not received yet, oldest first. */
export async function pendingTransfers(pool: pg.Pool, register: string): Promise<TicketTransfer[]> {
  const r = await pool.query<TransferRow>(`SELECT ${TRANSFER_COLS} FROM ticket_transfers WHERE to_register = $1 AND received_at IS NULL ORDER BY id`, [register]);
  return r.rows.map(transfer);
}

/** One transfer, or undefined. */
export async function getTransfer(pool: pg.Pool, transferId: number): Promise<TicketTransfer | undefined> {
  const r = await pool.query<TransferRow>(`SELECT ${TRANSFER_COLS} FROM ticket_transfers WHERE id = $1`, [transferId]);
  return r.rows[0] && transfer(r.rows[0]);
}

/** Transfers away from `register` since `sinceId` (the giving register mends a move its journal missed). */
export async function transfersFrom(pool: pg.Pool, register: string, sinceId = 0): Promise<TicketTransfer[]> {
  const r = await pool.query<TransferRow>(`SELECT ${TRANSFER_COLS} FROM ticket_transfers WHERE from_register = $1 AND id > $2 ORDER BY id`, [register, sinceId]);
  return r.rows.map(transfer);
}

/**
 * Records that the receiving register opened `ticketId` for the transfer.
 * Once: a second call (a receive repeated after a crash) changes nothing.
 */
export async function markReceived(pool: pg.Pool, transferId: number, register: string, ticketId: string, at: Date): Promise<void> {
  await pool.query('UPDATE ticket_transfers SET received_ticket_id = $3, received_at = $4 WHERE id = $1 AND to_register = $2 AND received_at IS NULL', [transferId, register, ticketId, at]);
}

/** Every register the store has heard from, with the name its people use. */
export async function knownRegisters(pool: pg.Pool): Promise<{ id: string; name: string }[]> {
  const r = await pool.query<{ id: string; name: string }>(
    `SELECT row_data->>'id' AS id, coalesce(row_data->>'name', row_data->>'id') AS name FROM journal_rows_current
     WHERE table_name = 'registers' AND op = 'upsert' AND row_data->>'id' = register_id ORDER BY 2, 1`,
  );
  return r.rows;
}
