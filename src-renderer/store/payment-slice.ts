// The card payment attempt on the current ticket, as main reports it.

import type { AttemptSnapshot } from '../../src-shared/domain.ts';
import type { SliceCreator } from './app-store.ts';

/** Card attempt state and the command that starts one. */
export interface PaymentSlice {
  attempt: AttemptSnapshot | null;
  /** Asks main to take a card for everything due on the current ticket. */
  startCard(): Promise<void>;
  paymentChanged(snapshot: AttemptSnapshot): void;
}

/** Creates the payment slice. */
export const createPaymentSlice: SliceCreator<PaymentSlice> = (set, get, api) => ({
  attempt: null,
  async startCard() {
    const ticket = get().currentTicket;
    if (!ticket || ticket.status !== 'open' || ticket.due <= 0) {
      get().showError('There is nothing due on this ticket. Ring an item first.');
      return;
    }
    try {
      const attempt = await api.call('payment.start', { ticketId: ticket.id, amount: ticket.due });
      get().clearError();
      set({ attempt });
    } catch (err) {
      get().showError(err);
    }
  },
  paymentChanged(snapshot) {
    const { attempt, currentTicket } = get();
    if (attempt?.id === snapshot.id || currentTicket?.id === snapshot.ticketId) set({ attempt: snapshot });
  },
});
