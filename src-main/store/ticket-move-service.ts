// Moving an open ticket to another register of the store (issue 13 §3), both
// sides. The giving register asks the store (moveTicket: one PostgreSQL
// transaction, the owner row FOR UPDATE, refused while an attempt is
// unresolved) to record the transfer with what it carries, then journals the
// ticket as moved. The ticket service holds the ticket meanwhile, so no line,
// cash or card sneaks in between what the store recorded and the journal. Its
// payment slots stay the giving register's: a late answer for one of them
// lands on the moved ticket there, and Find Missing finds it there.
//
// The receiving register opens the transfer as a ticket of its own: a new
// number (so its own ECR references: the reference is register + ticket +
// slot, no reference is reused across registers), the same lines, the cash
// already taken. The new ticket's id is derived from the transfer, so a
// receive asked twice, or again after a kill -9 between the journal commit
// and the store's "received" mark, finds the ticket it opened instead of
// opening a second one; the store is marked afterwards, once.

import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { TicketSnapshot } from '../../src-shared/domain.ts';
import { AppError } from '../../src-shared/errors.ts';
import type { MovedHereItem } from '../../src-shared/store-contract.ts';
import type { TicketService } from '../tickets/ticket-service.ts';
import { TRANSFER_WORDS } from './ticket-move-words.ts';
import { MOVE_WORDS, getTransfer, knownRegisters, markReceived, moveOutcomeUnknown, moveTicket, pendingTransfers, transfersFrom, type TicketTransfer } from './ticket-ownership-repository.ts';

/**
 * How long after a move whose answer was lost the store's "no such transfer"
 * is trusted: a COMMIT the store received just as the link broke completes in
 * milliseconds, so a lookup this much later sees it if it happened.
 */
export const MOVE_SETTLE_MS = 2000;

/** The id the receiving register gives the ticket a transfer brings (an Id: letters, digits, '-', at most 64). */
export function receivedTicketId(t: { transferId: number; originRegister: string; ticketId: string }): string {
  const h = createHash('sha256').update(`${t.originRegister}\n${t.ticketId}`).digest('hex').slice(0, 16);
  return `moved-${t.transferId}-${h}`;
}

/** A named point of the receive, for crash tests. */
export type ReceiveHookPoint = 'after_journal';

/** Both sides of moving tickets, for one register. */
export class TicketMoveService {
  /** Transfers away from here up to this id are in the journal (the mend pass reads only newer ones). */
  private mendedUpTo = 0;
  /** Moves whose answer was lost after the COMMIT left: the ticket stays held until the store says (ticket id → when). */
  private readonly inDoubt = new Map<string, number>();

  constructor(
    private readonly o: {
      pool: pg.Pool;
      registerId: string;
      registerName: string;
      tickets: TicketService;
      now: () => Date;
      log?: (line: string) => void;
      /** Called at named points (tests kill the process there). */
      hook?: (point: ReceiveHookPoint) => void;
    },
  ) {
    // A move asked before a restart and never answered: held again until the mend pass asks the store.
    for (const m of o.tickets.holdMovesAsked()) this.inDoubt.set(m.ticketId, Date.parse(m.at));
  }

  /** The other registers the store knows. */
  async targets(): Promise<{ id: string; name: string }[]> {
    try {
      return (await knownRegisters(this.o.pool)).filter((r) => r.id !== this.o.registerId);
    } catch (err) {
      throw this.away(err);
    }
  }

  /**
   * Moves an open ticket of this register to `to` (see file comment). AppError
   * attempt_unresolved / conflict / store_unavailable / not_found, plain words.
   */
  async move(ticketId: string, to: string, actor: string): Promise<TicketSnapshot> {
    const begun = this.o.tickets.beginMove(ticketId);
    try {
      const targets = await this.targets().catch((err: unknown) => {
        throw err instanceof AppError && err.code === 'store_unavailable' ? new AppError('store_unavailable', MOVE_WORDS.offline, { ticketId }) : err;
      });
      const target = targets.find((r) => r.id === to);
      if (!target) throw new AppError('not_found', TRANSFER_WORDS.unknownRegister, { to });
      const carry = { fromName: this.o.registerName, originNumber: begun.number, currency: begun.currency, lines: begun.lines, cashApplied: begun.cashApplied, slotsUsed: begun.slotsUsed };
      // Journaled before the store is asked: a restart with the answer lost holds the ticket again (holdMovesAsked).
      this.o.tickets.noteMoveAsked(ticketId, to);
      const { transferId } = await moveTicket(this.o.pool, {
        originRegister: this.o.registerId,
        ticketId,
        from: this.o.registerId,
        to,
        actor,
        unresolvedHere: begun.unresolved,
        at: this.o.now(),
        carry,
      });
      this.o.log?.(`store: ticket ${ticketId} moved to ${to} (transfer ${transferId})`);
      return this.o.tickets.finishMove(ticketId, {
        transferId,
        toRegister: to,
        toName: target.name,
        receivedTicketId: receivedTicketId({ transferId, originRegister: this.o.registerId, ticketId }),
        cashApplied: begun.cashApplied,
        slotsUsed: begun.slotsUsed,
      });
    } catch (err) {
      if (moveOutcomeUnknown(err)) {
        // The store may have moved it: the receiving till could open it now. Held here (no line, cash or card)
        // until the mend pass asks the store, as a payment whose answer is lost is looked up, never guessed.
        this.inDoubt.set(ticketId, this.o.now().getTime());
        this.o.log?.(`store: the answer to moving ticket ${ticketId} was lost; held until the store says whether it moved`);
      } else this.o.tickets.cancelMove(ticketId);
      throw err;
    }
  }

  /** Tickets held because the store's answer to their move was lost. */
  movesInDoubt(): string[] {
    return [...this.inDoubt.keys()];
  }

  /** Tickets moved here and not opened yet, oldest first; one opened already by this journal is marked received on the way. */
  async movedHere(): Promise<MovedHereItem[]> {
    let pending: TicketTransfer[];
    try {
      pending = await pendingTransfers(this.o.pool, this.o.registerId);
    } catch (err) {
      throw this.away(err);
    }
    const out: MovedHereItem[] = [];
    for (const t of pending) {
      if (this.opened(t)) {
        await markReceived(this.o.pool, t.transferId, this.o.registerId, receivedTicketId(t), this.o.now()).catch(() => undefined);
        continue;
      }
      out.push({
        transferId: t.transferId,
        fromName: t.fromName,
        originNumber: t.originNumber,
        lineCount: t.lines.length,
        total: t.lines.reduce((n, l) => n + l.lineTotal, 0),
        cashApplied: t.cashApplied,
        currency: t.currency,
        movedAt: t.at.getTime(),
      });
    }
    return out;
  }

  /** Opens a transfer here (see file comment); the ticket it opened when asked again. */
  async receive(transferId: number): Promise<TicketSnapshot> {
    let t: TicketTransfer | undefined;
    try {
      t = await getTransfer(this.o.pool, transferId);
    } catch (err) {
      throw this.away(err);
    }
    if (!t || t.to !== this.o.registerId) throw new AppError('not_found', TRANSFER_WORDS.notForHere, { transferId });
    const id = receivedTicketId(t);
    const { ticket, opened } = this.o.tickets.receiveMoved(id, {
      transferId: t.transferId,
      fromRegister: t.from,
      fromName: t.fromName,
      originTicketId: t.ticketId,
      originNumber: t.originNumber,
      currency: t.currency,
      lines: t.lines,
      cashApplied: t.cashApplied,
      slotsUsed: t.slotsUsed,
    });
    this.o.hook?.('after_journal');
    // The journal holds the ticket: a store that is away now is told at the next list, nothing is lost.
    await markReceived(this.o.pool, t.transferId, this.o.registerId, id, this.o.now()).catch((err: unknown) =>
      this.o.log?.(`store: transfer ${transferId} opened here, the store will be told later (${err instanceof Error ? err.message : String(err)})`),
    );
    if (opened) this.o.log?.(`store: transfer ${transferId} opened here as ticket ${ticket.number}`);
    return ticket;
  }

  /**
   * The giving side's mend: a move the store recorded whose journal entry a
   * crash (or a lost answer) prevented is journaled now, so the ticket leaves
   * the open list here too. Returns how many were mended.
   */
  async mendMovesAway(): Promise<number> {
    let n = 0;
    // Read before the transfers: a move in doubt not among them is known not to have happened (after the settle time).
    const asked = this.o.now().getTime();
    const doubtful = [...this.inDoubt];
    for (const t of await transfersFrom(this.o.pool, this.o.registerId, this.mendedUpTo)) {
      this.mendedUpTo = Math.max(this.mendedUpTo, t.transferId);
      if (t.originRegister !== this.o.registerId) continue;
      let snap: TicketSnapshot;
      try {
        snap = this.o.tickets.get(t.ticketId);
      } catch {
        continue;
      }
      if (snap.status !== 'open') continue;
      const names = await this.targets().catch(() => []);
      this.o.tickets.finishMove(t.ticketId, {
        transferId: t.transferId,
        toRegister: t.to,
        toName: names.find((r) => r.id === t.to)?.name ?? 'another register',
        receivedTicketId: receivedTicketId(t),
        cashApplied: t.cashApplied,
        slotsUsed: t.slotsUsed,
      });
      n++;
    }
    for (const [ticketId, failedAt] of doubtful) {
      if (this.o.tickets.get(ticketId).status !== 'open') {
        this.inDoubt.delete(ticketId); // the store had moved it: journaled above
        continue;
      }
      if (asked - failedAt < MOVE_SETTLE_MS) continue;
      this.inDoubt.delete(ticketId);
      this.o.tickets.cancelMove(ticketId);
      this.o.log?.(`store: ticket ${ticketId} did not move (the store has no transfer of it); it is this register's again`);
    }
    return n;
  }

  private opened(t: TicketTransfer): boolean {
    try {
      this.o.tickets.get(receivedTicketId(t));
      return true;
    } catch {
      return false;
    }
  }

  private away(err: unknown): AppError {
    if (err instanceof AppError) return err;
    return new AppError('store_unavailable', TRANSFER_WORDS.offline, { cause: err instanceof Error ? err.message : String(err) });
  }
}
