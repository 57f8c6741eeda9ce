// The payment commands: cash and card tenders, Cancel, the attempts of a
// ticket, and what start-up recovery found. Each command checks the journal
// can take payments before anything is sent.

import type { RecoveryNotice } from '../../src-shared/domain.ts';
import type { Handlers } from '../../src-shared/ipc-contract.ts';
import type { TicketService } from '../tickets/ticket-service.ts';
import type { PaymentCoordinator } from './payment-coordinator.ts';

/** What the payment commands use; getters throw while the journal is unavailable. */
export interface PaymentHandlerDeps {
  tickets: () => TicketService;
  coordinator: () => PaymentCoordinator;
  /** Refuses new payments while the journal cannot take them (damaged, history lost, not writable now). */
  takingPayments: () => void;
  /** Prints the receipt of a ticket cash closed, in the background. */
  printAfterCash: (ticketId: string) => void;
  recoveryNotices: () => RecoveryNotice[];
  /**
   * Runs before a card sale is started (nothing journaled or sent yet): the
   * store's cross-register duplicate check when a store is configured. Throws
   * to stop the sale (an AppError the cashier reads); absent without a store.
   */
  beforeCardSale?: (sale: { ticketId: string; amount: number; terminalId?: string; confirmed: boolean }) => Promise<void>;
}

/** Payment commands. */
export function paymentHandlers(
  d: PaymentHandlerDeps,
): Pick<Handlers, 'tender.cash' | 'payment.start' | 'payment.cancel' | 'payment.listForTicket' | 'payment.listUnresolved' | 'recovery.notices'> {
  const attemptsOf = (ticketId: string) => {
    d.tickets().get(ticketId); // AppError 'not_found' for an unknown ticket
    return d.coordinator().attemptsOf(ticketId);
  };
  return {
    'tender.cash': ({ ticketId, amountTendered, confirmMatchingInDoubt }) => {
      d.takingPayments();
      const tickets = d.tickets();
      // What is applied is at most the amount due: that is the figure a re-rung customer's card may already have paid.
      const due = tickets.get(ticketId).due;
      tickets.checkMatchingInDoubt(ticketId, Math.min(due, amountTendered), confirmMatchingInDoubt);
      const result = tickets.tenderCash(ticketId, amountTendered);
      if (result.ticket.status === 'paid') d.printAfterCash(ticketId);
      return result;
    },
    // The named PIN pad is honoured (terminal_not_configured for one not in use); training faults arm through the coordinator's sale hook.
    'payment.start': async ({ ticketId, amount, terminalId, confirmMatchingInDoubt, confirmCrossRegisterDuplicate }) => {
      const coordinator = d.coordinator();
      d.takingPayments();
      d.tickets().checkMatchingInDoubt(ticketId, amount, confirmMatchingInDoubt);
      // The coordinator refuses a ticket with an unresolved attempt by itself: no card is read for it first.
      if (d.beforeCardSale && !coordinator.attemptsOf(ticketId).some((a) => a.state === 'sent' || a.state === 'in_doubt')) {
        await d.beforeCardSale({ ticketId, amount, ...(terminalId !== undefined ? { terminalId } : {}), confirmed: confirmCrossRegisterDuplicate === true });
      }
      return coordinator.start(ticketId, amount, terminalId);
    },
    'payment.cancel': ({ attemptId }) => d.coordinator().cancel(attemptId),
    'payment.listForTicket': ({ ticketId }) => attemptsOf(ticketId),
    'payment.listUnresolved': () => {
      const unresolved = d.tickets().unresolvedAttempts();
      const ids = new Set(unresolved.map((a) => a.id));
      const tickets = [...new Set(unresolved.map((a) => a.ticketId))];
      return tickets.flatMap((id) => attemptsOf(id)).filter((a) => ids.has(a.id));
    },
    'recovery.notices': () => d.recoveryNotices(),
  };
}
