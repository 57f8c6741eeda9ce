// The one line of plain words shown after a command fails, the connection state,
// and the confirmation a payment needs when its amount matches a card payment
// still in doubt (asked by the ticket and payment slices alike).

import type { ConnectionState } from '../api/client-transport.ts';
import type { SliceCreator } from './slice-types.ts';
import { errorMessage } from './host-api.ts';

/** A payment the host held back until the cashier confirms it is another customer's. */
export interface MatchingConfirm {
  kind: 'card' | 'cash';
  ticketId: string;
  amount: number;
  message: string;
  /** The store's warning that the same card paid the same amount at another register (not the in-doubt one). */
  crossRegister?: boolean;
  /** The cashier already confirmed the in-doubt warning for this sale (the second warning must not undo it). */
  inDoubtConfirmed?: boolean;
}

/** Error notice, connection state and the in-doubt amount confirmation. */
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
  matchingConfirm: MatchingConfirm | null;
  askMatchingConfirm(c: MatchingConfirm | null): void;
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
  matchingConfirm: null,
  askMatchingConfirm: (matchingConfirm) => set({ matchingConfirm }),
});
