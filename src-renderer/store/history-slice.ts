// Today's closed tickets and start-up recovery notices: what answers "was I
// charged?" on screen.

import type { JournalEventSnapshot, RecoveryNotice, TicketHistoryEntry } from '../../src-shared/domain.ts';
import type { SliceCreator } from './slice-types.ts';
import type { TicketSlice } from './ticket-slice.ts';
import { errorMessage } from './host-api.ts';

/** History and recovery notices. */
export interface HistorySlice {
  history: TicketHistoryEntry[] | null;
  historyError: string | null;
  historyQuery: string;
  /** The history ticket whose events are shown. */
  historyTicketId: string | null;
  historyEvents: JournalEventSnapshot[] | null;
  recoveryNotices: RecoveryNotice[];
  recoveryDismissed: boolean;
  loadHistory(query?: string): Promise<void>;
  showHistoryTicket(ticketId: string): Promise<void>;
  loadRecovery(): Promise<void>;
  recoveryReported(notices: RecoveryNotice[]): void;
  dismissRecovery(): void;
}

/** Creates the history slice. */
export const createHistorySlice: SliceCreator<HistorySlice, TicketSlice> = (set, get, api) => ({
  history: null,
  historyError: null,
  historyQuery: '',
  historyTicketId: null,
  historyEvents: null,
  recoveryNotices: [],
  recoveryDismissed: false,

  async loadHistory(query) {
    const q = query ?? get().historyQuery;
    set({ historyQuery: q });
    try {
      const history = await api.call('ticket.history', q.trim() ? { query: q.trim() } : {});
      if (get().historyQuery === q) set({ history, historyError: null });
    } catch (err) {
      set({ historyError: errorMessage(err) });
    }
  },

  async showHistoryTicket(ticketId) {
    set({ historyTicketId: ticketId, historyEvents: null });
    try {
      const events = await api.call('ticket.events', { ticketId });
      if (get().historyTicketId === ticketId) set({ historyEvents: events });
    } catch (err) {
      set({ historyError: errorMessage(err) });
    }
  },

  async loadRecovery() {
    try {
      const notices = await api.call('recovery.notices', {});
      if (notices.length > 0) set({ recoveryNotices: notices });
    } catch {
      // An older host without notices: nothing to tell.
    }
  },

  recoveryReported(notices) {
    set({ recoveryNotices: notices, recoveryDismissed: false });
    void get().reloadTickets();
  },

  dismissRecovery() {
    set({ recoveryDismissed: true });
  },
});
