// The current ticket and the open-ticket list. Every change goes through main
// (which journals it before answering); the slice only keeps what main returns.

import type { AttemptSnapshot, TicketSnapshot, TicketSummary } from '../../src-shared/domain.ts';
import { IpcError } from '../../src-shared/ipc-client.ts';
import type { NoticeSlice } from './notice-slice.ts';
import type { SliceCreator } from './slice-types.ts';
import { serialQueue } from './command-queue.ts';
import { errorMessage } from './host-api.ts';

/**
 * The one field of PaymentSlice this slice touches: switching tickets clears the
 * attempt shown. Named by shape, not imported, because payment-slice reads the
 * current ticket from this slice (an import back would be a cycle); app-store's
 * assembly checks it still matches PaymentSlice.
 */
type PaymentAttemptField = { attempt: AttemptSnapshot | null };

/** The outcome of the last cash tender, as main answered it. */
export interface CashResult {
  ticketId: string;
  tendered: number;
  change: number;
  currency: string;
}

/** Ticket state and commands. */
export interface TicketSlice {
  currentTicket: TicketSnapshot | null;
  openTickets: TicketSummary[];
  lastCash: CashResult | null;
  newTicket(): Promise<void>;
  ringItem(itemId: string): Promise<void>;
  removeLine(lineId: string): Promise<void>;
  selectTicket(ticketId: string): Promise<void>;
  /** Takes cash on the current ticket; true when main accepted it. */
  payCash(amountTendered: number, confirmMatchingInDoubt?: boolean): Promise<boolean>;
  /** Voids the current ticket when it is empty. */
  voidTicket(): Promise<void>;
  reloadTickets(): Promise<void>;
  ticketChanged(snapshot: TicketSnapshot): void;
}

/** True when `next` is not older than `prev` (events and answers can cross). */
function isNewer(prev: TicketSnapshot | null, next: TicketSnapshot): boolean {
  return !prev || prev.id !== next.id || next.updatedAt >= prev.updatedAt;
}

/** Creates the ticket slice. */
export const createTicketSlice: SliceCreator<TicketSlice, NoticeSlice & PaymentAttemptField> = (set, get, api) => {
  const queue = serialQueue();

  /** Runs a command in order; shows its error in plain words and answers undefined on failure. */
  const command = <T>(task: () => Promise<T>): Promise<T | undefined> =>
    queue(task).then(
      (value) => {
        get().clearError();
        return value;
      },
      (err: unknown) => {
        get().showError(err);
        return undefined;
      },
    );

  const adopt = (ticket: TicketSnapshot | undefined) => {
    if (ticket && isNewer(get().currentTicket, ticket)) set({ currentTicket: ticket });
  };

  const refreshOpen = async () => {
    try {
      set({ openTickets: await api.call('ticket.listOpen', {}) });
    } catch (err) {
      get().showError(err);
    }
  };

  return {
    currentTicket: null,
    openTickets: [],
    lastCash: null,

    async newTicket() {
      const ticket = await command(() => api.call('ticket.create', {}));
      if (ticket) set({ currentTicket: ticket, lastCash: null, attempt: null });
      await refreshOpen();
    },

    async ringItem(itemId) {
      const ticket = await command(async () => {
        let current = get().currentTicket;
        if (!current || current.status !== 'open') {
          current = await api.call('ticket.create', {});
          set({ currentTicket: current, lastCash: null, attempt: null });
        }
        return api.call('ticket.addLine', { ticketId: current.id, itemId, quantity: 1 });
      });
      adopt(ticket);
      await refreshOpen();
    },

    async removeLine(lineId) {
      const current = get().currentTicket;
      if (!current) return;
      adopt(await command(() => api.call('ticket.removeLine', { ticketId: current.id, lineId })));
      await refreshOpen();
    },

    async selectTicket(ticketId) {
      const ticket = await command(() => api.call('ticket.get', { ticketId }));
      if (ticket) set({ currentTicket: ticket, lastCash: null, attempt: null });
    },

    async payCash(amountTendered, confirmMatchingInDoubt) {
      const current = get().currentTicket;
      if (!current) return false;
      let answer: Awaited<ReturnType<typeof api.call<'tender.cash'>>> | undefined;
      try {
        answer = await queue(() =>
          api.call('tender.cash', confirmMatchingInDoubt ? { ticketId: current.id, amountTendered, confirmMatchingInDoubt } : { ticketId: current.id, amountTendered }),
        );
        get().clearError();
        get().askMatchingConfirm(null);
      } catch (err) {
        if (err instanceof IpcError && err.details?.needsConfirm === true) {
          get().askMatchingConfirm({ kind: 'cash', ticketId: current.id, amount: amountTendered, message: errorMessage(err) });
        } else get().showError(err);
        return false;
      }
      adopt(answer.ticket);
      set({
        lastCash: { ticketId: answer.ticket.id, tendered: amountTendered, change: answer.change, currency: answer.ticket.currency },
      });
      await refreshOpen();
      return true;
    },

    async voidTicket() {
      const current = get().currentTicket;
      if (!current) return;
      const voided = await command(() => api.call('ticket.void', { ticketId: current.id }));
      if (voided) set({ currentTicket: null, lastCash: null, attempt: null });
      await refreshOpen();
    },

    async reloadTickets() {
      await refreshOpen();
      const current = get().currentTicket;
      if (!current) return;
      try {
        set({ currentTicket: await api.call('ticket.get', { ticketId: current.id }) });
      } catch (err) {
        // After a restart on another journal the ticket may be gone: drop it rather than show stale lines.
        if (err instanceof IpcError && err.code === 'not_found') set({ currentTicket: null });
        else get().showError(err);
      }
    },

    ticketChanged(snapshot) {
      if (get().currentTicket?.id === snapshot.id) adopt(snapshot);
      void refreshOpen();
    },
  };
};
