// Moving open tickets between the registers of a store (issue 13 §3): the
// registers a ticket can go to, the tickets other registers moved here, and
// the two commands. Main decides (through the store) and journals; the slice
// keeps what main answers. Without a store both lists say configured: false
// and the screen shows neither.

import type { MoveTargets, MovedHereView } from '../../src-shared/store-contract.ts';
import { outcomeOf, type Outcome } from './host-api.ts';
import type { SliceCreator } from './slice-types.ts';
import type { TicketSlice } from './ticket-slice.ts';

/** Ticket move state and commands. */
export interface TicketMoveSlice {
  moveTargets: MoveTargets | null;
  movedHere: MovedHereView | null;
  /** The last list's refusal (the store out of reach), in plain words. */
  movedHereError: string | null;
  loadMoveTargets(): Promise<void>;
  loadMovedHere(): Promise<void>;
  /** Moves an open ticket of this register to another; the current ticket is dropped when it was the one moved. */
  moveTicket(ticketId: string, toRegister: string): Promise<Outcome<unknown>>;
  /** Opens a ticket moved here and makes it current. */
  receiveMovedTicket(transferId: number): Promise<Outcome<unknown>>;
}

/** Creates the ticket move slice. */
export const createTicketMoveSlice: SliceCreator<TicketMoveSlice, TicketSlice> = (set, get, api) => ({
  moveTargets: null,
  movedHere: null,
  movedHereError: null,
  async loadMoveTargets() {
    const r = await outcomeOf(() => api.call('ticket.moveTargets', {}));
    if (r.ok) set({ moveTargets: r.value });
  },
  async loadMovedHere() {
    const r = await outcomeOf(() => api.call('ticket.movedHere', {}));
    set(r.ok ? { movedHere: r.value, movedHereError: null } : { movedHereError: r.message });
  },
  async moveTicket(ticketId, toRegister) {
    const r = await outcomeOf(() => api.call('ticket.move', { ticketId, toRegister }));
    if (r.ok && get().currentTicket?.id === ticketId) set({ currentTicket: null });
    await get().reloadTickets();
    return r;
  },
  async receiveMovedTicket(transferId) {
    const r = await outcomeOf(() => api.call('ticket.receive', { transferId }));
    if (r.ok) await get().selectTicket(r.value.id);
    await Promise.all([get().reloadTickets(), get().loadMovedHere()]);
    return r;
  },
});
