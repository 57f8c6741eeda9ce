// The manager's voids, refunds, orphan actions and in-doubt queue commands (issue 11 §3, §4),
// as one factory host.ts composes. All are manager-only in the contract (the
// dispatcher's guard refuses a cashier); managerActor names the manager in
// every journal event they write.

import type { Handlers } from '../../src-shared/ipc-contract.ts';
import { managerActor } from '../staff/staff-handlers.ts';
import type { PaymentCoordinator } from '../payments/payment-coordinator.ts';
import type { InDoubtQueue } from './in-doubt-queue.ts';
import type { OrphanActions } from './orphan-actions.ts';
import type { ReversalService } from './reversal-service.ts';

/** The commands this factory answers. */
export type ReversalHandlers = Pick<Handlers, 'reversal.start' | 'indoubt.list' | 'indoubt.checkNow' | 'indoubt.confirmByPhone' | 'orphan.suggest' | 'orphan.attach' | 'orphan.refund' | 'orphan.keepOneRefundRest'>;

/** What they need; getters throw the journal's refusal while it is unavailable. */
export interface ReversalHandlerDeps {
  reversals: () => ReversalService;
  inDoubt: () => InDoubtQueue;
  orphanActions: () => OrphanActions;
  coordinator: () => PaymentCoordinator;
}

/** Builds the handlers. */
export function createReversalHandlers(d: ReversalHandlerDeps): ReversalHandlers {
  return {
    'reversal.start': async ({ attemptId, amount, reason }, ctx) => {
      const actor = managerActor(ctx).staffId;
      const row = await d.reversals().reverse({ attemptId, reason, ...(amount !== undefined ? { amount } : {}) }, actor);
      const c = d.coordinator();
      return { reversal: c.snapshot(row.id), original: c.snapshot(attemptId), remaining: d.reversals().remaining(attemptId) };
    },
    'indoubt.list': (_req, ctx) => {
      managerActor(ctx);
      return d.inDoubt().list();
    },
    'indoubt.checkNow': ({ attemptId }, ctx) => {
      managerActor(ctx);
      return d.inDoubt().checkNow(attemptId);
    },
    'indoubt.confirmByPhone': (req, ctx) => d.inDoubt().confirmByPhone(req, managerActor(ctx).staffId),
    'orphan.suggest': ({ orphanId }, ctx) => {
      managerActor(ctx);
      return d.orphanActions().suggest(orphanId);
    },
    'orphan.attach': (req, ctx) => d.orphanActions().attach(req, managerActor(ctx).staffId),
    'orphan.refund': (req, ctx) => d.orphanActions().refund(req, managerActor(ctx).staffId),
    'orphan.keepOneRefundRest': (req, ctx) => d.orphanActions().keepOneRefundRest(req, managerActor(ctx).staffId),
  };
}
