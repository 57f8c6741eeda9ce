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
import { inTransaction } from './card-charge-repository.ts';

/** A ticket's name in the store: the register that opened it and its id there. */
export interface TicketRef {
  originRegister: string;
  ticketId: string;
}

/** Plain words of each refusal. */
export const MOVE_WORDS = {
  unresolved: 'A card payment on this ticket is still being checked, so the ticket stays on this register. Move it once the payment is settled.',
  notHere: 'This ticket is no longer on this register: it was moved to another till. Open it there.',
  offline: 'The store cannot be reached, so the ticket stays on this register. Moving a ticket needs the store; try again when the link is back.',
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
  move: TicketRef & { from: string; to: string; actor: string; unresolvedHere: number; at: Date },
): Promise<{ transferId: number }> {
  if (move.unresolvedHere > 0) throw new AppError('attempt_unresolved', MOVE_WORDS.unresolved, { ticketId: move.ticketId });
  if (move.from === move.to) throw new AppError('conflict', MOVE_WORDS.sameRegister, { ticketId: move.ticketId });
  try {
    return await inTransaction(pool, async (c) => {
      await c.query('INSERT INTO ticket_owners (origin_register, ticket_id, owner_register) VALUES ($1, $2, $1) ON CONFLICT DO NOTHING', [move.originRegister, move.ticketId]);
      const owner = (
        await c.query<{ owner_register: string }>('SELECT owner_register FROM ticket_owners WHERE origin_register = $1 AND ticket_id = $2 FOR UPDATE', [move.originRegister, move.ticketId])
      ).rows[0].owner_register;
      if (owner !== move.from) throw new AppError('conflict', MOVE_WORDS.notHere, { ticketId: move.ticketId, owner });
      if ((await unresolvedInStore(c, move)) > 0) throw new AppError('attempt_unresolved', MOVE_WORDS.unresolved, { ticketId: move.ticketId });
      await c.query('UPDATE ticket_owners SET owner_register = $3, moved_at = $4 WHERE origin_register = $1 AND ticket_id = $2', [move.originRegister, move.ticketId, move.to, move.at]);
      const r = await c.query<{ id: string }>(
        'INSERT INTO ticket_transfers (origin_register, ticket_id, from_register, to_register, actor, at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
        [move.originRegister, move.ticketId, move.from, move.to, move.actor, move.at],
      );
      return { transferId: Number(r.rows[0].id) };
    });
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('store_unavailable', MOVE_WORDS.offline, { ticketId: move.ticketId, cause: err instanceof Error ? err.message : String(err) });
  }
}
