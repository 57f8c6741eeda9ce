// The ticket.move / ticket.moveTargets / ticket.movedHere / ticket.receive
// commands (issue 13 §3). A cashier's commands, not a manager's: moving an
// open ticket takes no money and gives none back, the store refuses the move
// while a card payment on it is unresolved, and both journals record it.
// Without a store: the lists say so (configured: false) and a move is refused
// in plain words.

import { AppError } from '../../src-shared/errors.ts';
import type { Handlers } from '../../src-shared/ipc-contract.ts';
import type { TicketMoveService } from './ticket-move-service.ts';
import { TRANSFER_WORDS } from './ticket-move-words.ts';

const NO_STORE = 'This register is not part of a store, so its tickets cannot be moved to another register.';

/** Ticket move commands over the store's move service (undefined while there is no store, or it is still loading); `inStore`: a store is configured. */
export function ticketMoveHandlers(moves: () => TicketMoveService | undefined, inStore: boolean): Pick<Handlers, 'ticket.move' | 'ticket.moveTargets' | 'ticket.movedHere' | 'ticket.receive'> {
  const need = (): TicketMoveService => {
    const m = moves();
    if (!m) throw new AppError('store_unavailable', inStore ? TRANSFER_WORDS.offline : NO_STORE);
    return m;
  };
  return {
    'ticket.move': ({ ticketId, toRegister }, ctx) => need().move(ticketId, toRegister, ctx.actor?.staffId ?? 'cashier'),
    'ticket.moveTargets': async () => {
      const m = moves();
      if (!m) return inStore ? { configured: true, registers: [], unreachable: TRANSFER_WORDS.offline } : { configured: false, registers: [] };
      try {
        return { configured: true, registers: await m.targets() };
      } catch (err) {
        // The screen still offers the move (the store may be back when the cashier picks a register); it says why the list is empty.
        if (err instanceof AppError && err.code === 'store_unavailable') return { configured: true, registers: [], unreachable: err.message };
        throw err;
      }
    },
    'ticket.movedHere': async () => {
      const m = moves();
      return m ? { configured: true, items: await m.movedHere() } : { configured: inStore, items: [] };
    },
    'ticket.receive': ({ transferId }) => need().receive(transferId),
  };
}
