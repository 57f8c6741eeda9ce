// Today's closed tickets, start-up recovery notices and the confirmation a
// payment needs when its amount matches a card payment still in doubt: what
// answers "was I charged?" on screen.

import type { JournalEventSnapshot, RecoveryNotice, TicketHistoryEntry } from '../../src-shared/domain.ts';
import type { SliceCreator } from './app-store.ts';
import { errorMessage } from './host-api.ts';

/** A payment the host held back until the cashier confirms it is another customer's. */
export interface MatchingConfirm {
  kind: 'card' | 'cash';
  ticketId: string;
  amount: number;
  message: string;
}

/** History, recovery notices and the in-doubt amount confirmation. */
export interface HistorySlice {
  history: TicketHistoryEntry[] | null;
  historyError: string | null;
  historyQuery: string;
  /** The history ticket whose events are shown. */
  historyTicketId: string | null;
  historyEvents: JournalEventSnapshot[] | null;
  recoveryNotices: RecoveryNotice[];
  recoveryDismissed: boolean;
  matchingConfirm: MatchingConfirm | null;
  loadHistory(query?: string): Promise<void>;
  showHistoryTicket(ticketId: string): Promise<void>;
  loadRecovery(): Promise<void>;
  recoveryReported(notices: RecoveryNotice[]): void;
  dismissRecovery(): void;
  askMatchingConfirm(c: MatchingConfirm | null): void;
}

/** Creates the history slice. */
export const createHistorySlice: SliceCreator<HistorySlice> = (set, get, api) => ({
  history: null,
  historyError: null,
  historyQuery: '',
  historyTicketId: null,
  historyEvents: null,
  recoveryNotices: [],
  recoveryDismissed: false,
  matchingConfirm: null,

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

  askMatchingConfirm(c) {
    set({ matchingConfirm: c });
  },
});
