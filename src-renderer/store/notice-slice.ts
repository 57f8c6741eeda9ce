// The one line of plain words shown after a command fails, and the connection state.

import type { ConnectionState } from '../api/client-transport.ts';
import type { SliceCreator } from './app-store.ts';
import { errorMessage } from './host-api.ts';

/** Error notice and connection state. */
export interface NoticeSlice {
  /** The last command error, in the host's words; cleared by the next success or by dismissing it. */
  error: string | null;
  connection: ConnectionState;
  /** A modal dialog is open: everything behind it is inert. */
  modalOpen: boolean;
  setModalOpen(open: boolean): void;
  showError(err: unknown): void;
  clearError(): void;
  setConnection(state: ConnectionState): void;
}

/** Creates the notice slice. */
export const createNoticeSlice: SliceCreator<NoticeSlice> = (set) => ({
  error: null,
  connection: 'connecting',
  modalOpen: false,
  setModalOpen: (modalOpen) => set({ modalOpen }),
  showError: (err) => set({ error: errorMessage(err) }),
  clearError: () => set({ error: null }),
  setConnection: (connection) => set({ connection }),
});
