// The reconciliation commands: Find Missing Payments and the orphan queue.
// Reconcile may use payments (the coordinator announces what it attached
// through the attempt-outcome owner); payments never import reconcile.

import { AppError } from '../../src-shared/errors.ts';
import type { Handlers } from '../../src-shared/ipc-contract.ts';
import type { PaymentCoordinator } from '../payments/payment-coordinator.ts';
import type { TicketService } from '../tickets/ticket-service.ts';
import type { MissingPaymentFinder } from './find-missing.ts';
import type { OrphanRepository } from './orphan-repository.ts';
import { findMissingMessage, NO_GATEWAY_FOR_FIND_MISSING, toOrphanSnapshot } from './reconcile-messages.ts';

/** What the reconcile commands use; getters throw while the journal is unavailable. */
export interface ReconcileHandlerDeps {
  tickets: () => TicketService;
  coordinator: () => PaymentCoordinator;
  finder: () => MissingPaymentFinder;
  orphans: () => OrphanRepository;
  /** Whether a gateway can be asked at all now. */
  gatewayConfigured: () => boolean;
}

/** Reconcile commands. */
export function reconcileHandlers(d: ReconcileHandlerDeps): Pick<Handlers, 'reconcile.findMissing' | 'orphan.list'> {
  return {
    'reconcile.findMissing': async ({ ticketId }) => {
      if (ticketId) d.tickets().get(ticketId);
      if (!d.gatewayConfigured()) throw new AppError('gateway_unavailable', NO_GATEWAY_FOR_FIND_MISSING);
      const r = await d.finder().findMissing(ticketId ? { ticketId } : {});
      // Every attempt it completed is announced (emitted, receipt printed) by the payments' outcome owner.
      d.coordinator().announceFound(r.attached);
      const orphans = r.orphaned.map(toOrphanSnapshot);
      return { checked: r.rowsChecked, attached: r.attached.map((a) => d.coordinator().snapshot(a.id)), orphans, message: findMissingMessage(r.rowsChecked, r.attached.length, orphans.length) };
    },
    'orphan.list': () => d.orphans().listOpen().map(toOrphanSnapshot),
  };
}
