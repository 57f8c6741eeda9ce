// The manager's voids, refunds, orphan actions and in-doubt queue (issue 11
// §3, §4). Every command answers its outcome to the screen that asked (shown
// beside its buttons); the in-doubt queue is the one list kept here.

import type { OrphanActionResult, OrphanSuggestions } from '../../src-shared/orphan-action-types.ts';
import type { RequestInputOf } from '../../src-shared/ipc-contract.ts';
import type { InDoubtEntry, ReversalResult } from '../../src-shared/reversal-types.ts';
import type { ManagerSlice } from './manager-slice.ts';
import type { SliceCreator } from './slice-types.ts';
import type { TicketSlice } from './ticket-slice.ts';
import { outcomeOf } from './host-api.ts';
import type { Outcome } from './manager-slice.ts';

/** A refund or a check waits on the gateway and the PIN pad: allow their answer and a lookup. */
const REVERSAL_TIMEOUT_MS = 90_000;

/** Reversal and orphan state and commands. */
export interface ReversalSlice {
  inDoubt: InDoubtEntry[] | null;
  inDoubtError: string | null;
  loadInDoubt(): Promise<void>;
  checkInDoubtNow(attemptId: string): Promise<Outcome<InDoubtEntry[]>>;
  confirmByPhone(req: RequestInputOf<'indoubt.confirmByPhone'>): Promise<Outcome<InDoubtEntry[]>>;
  reversePayment(req: RequestInputOf<'reversal.start'>): Promise<Outcome<ReversalResult>>;
  suggestOrphan(orphanId: string): Promise<Outcome<OrphanSuggestions>>;
  attachOrphan(req: RequestInputOf<'orphan.attach'>): Promise<Outcome<OrphanActionResult>>;
  refundOrphan(req: RequestInputOf<'orphan.refund'>): Promise<Outcome<OrphanActionResult>>;
  keepOneRefundRest(req: RequestInputOf<'orphan.keepOneRefundRest'>): Promise<Outcome<OrphanActionResult>>;
}

/** Creates the reversal slice. */
export const createReversalSlice: SliceCreator<ReversalSlice, Pick<ManagerSlice, 'loadOrphans'> & Pick<TicketSlice, 'reloadTickets'>> = (set, get, api) => {
  const outcome = outcomeOf;
  const queue = async (task: () => Promise<InDoubtEntry[]>): Promise<Outcome<InDoubtEntry[]>> => {
    const r = await outcome(task);
    if (r.ok) set({ inDoubt: r.value, inDoubtError: null });
    return r;
  };
  /** An orphan action changes the queue and may pay a ticket: both reloaded. */
  const orphanAction = async (task: () => Promise<OrphanActionResult>): Promise<Outcome<OrphanActionResult>> => {
    const r = await outcome(task);
    await Promise.all([get().loadOrphans(), get().reloadTickets()]);
    return r;
  };
  return {
    inDoubt: null,
    inDoubtError: null,
    async loadInDoubt() {
      const r = await outcome(() => api.call('indoubt.list', {}));
      set(r.ok ? { inDoubt: r.value, inDoubtError: null } : { inDoubtError: r.message });
    },
    checkInDoubtNow: (attemptId) => queue(() => api.call('indoubt.checkNow', { attemptId }, { timeoutMs: REVERSAL_TIMEOUT_MS })),
    confirmByPhone: (req) => queue(() => api.call('indoubt.confirmByPhone', req)),
    reversePayment: (req) => outcome(() => api.call('reversal.start', req, { timeoutMs: REVERSAL_TIMEOUT_MS })),
    suggestOrphan: (orphanId) => outcome(() => api.call('orphan.suggest', { orphanId })),
    attachOrphan: (req) => orphanAction(() => api.call('orphan.attach', req)),
    refundOrphan: (req) => orphanAction(() => api.call('orphan.refund', req, { timeoutMs: REVERSAL_TIMEOUT_MS })),
    keepOneRefundRest: (req) => orphanAction(() => api.call('orphan.keepOneRefundRest', req, { timeoutMs: REVERSAL_TIMEOUT_MS })),
  };
};
