// The store.queue.* commands: the shared manager queue of every register (issue
// 13 §3) behind the manager guard. The claim is the store's (FOR UPDATE SKIP
// LOCKED): two managers at two registers pressing Take on one item at once,
// one gets it and the other reads who did. Without a store the list says so
// (configured: false); an unreachable store is refused in plain words.

import { AppError } from '../../src-shared/errors.ts';
import type { Handlers, HandlerContext } from '../../src-shared/ipc-contract.ts';
import type { StoreQueueItem, StoreQueueView } from '../../src-shared/store-contract.ts';
import { managerActor } from '../staff/staff-handlers.ts';
import type { ManagerQueueRepository, QueueItem } from './manager-queue-repository.ts';

/** What the queue commands use. */
export interface StoreQueueHandlerDeps {
  /** The store's queue, or undefined when this register is not part of a store. */
  queue: () => ManagerQueueRepository | undefined;
  /** This register's id in the store (the claim names register and manager). */
  registerId: string;
  /** How people name a register whose items carry no name (default "a register of the store"). */
  registerName?: (registerId: string) => string;
}

const STORE_AWAY = 'The store cannot be reached, so the shared queue cannot be shown or changed now. Items of this register are still on its own Orphans and In doubt screens.';

/** Store queue commands. */
export function storeQueueHandlers(d: StoreQueueHandlerDeps): Pick<Handlers, 'store.queue.list' | 'store.queue.claim' | 'store.queue.release' | 'store.queue.complete'> {
  const who = (ctx: HandlerContext) => {
    const m = managerActor(ctx);
    return { id: `${d.registerId}/${m.staffId}`, name: m.name };
  };
  const name = d.registerName ?? (() => 'a register of the store');
  const view = (item: QueueItem, me: string): StoreQueueItem => ({
    id: item.id,
    kind: item.kind,
    register: item.registerName ?? name(item.registerId),
    summary: item.summary,
    ...(item.amount !== undefined ? { amount: item.amount, currency: item.currency } : {}),
    status: item.status === 'claimed' ? 'claimed' : 'open',
    ...(item.status === 'claimed' && item.claimedName ? { claimedBy: item.claimedName } : {}),
    mine: item.claimedBy === me,
    createdAt: item.createdAt,
  });
  /** Runs fn on the store's queue; a store error that is not a refusal becomes plain words. */
  const withQueue = async (ctx: HandlerContext, fn: (q: ManagerQueueRepository, me: { id: string; name: string }) => Promise<unknown>): Promise<StoreQueueView> => {
    const me = who(ctx);
    const q = d.queue();
    if (!q) return { configured: false, items: [] };
    try {
      await fn(q, me);
      return { configured: true, items: (await q.listOpen()).map((i) => view(i, me.id)) };
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new AppError('store_unavailable', STORE_AWAY, { cause: err instanceof Error ? err.message : String(err) });
    }
  };
  return {
    'store.queue.list': (_req, ctx) => withQueue(ctx, async () => undefined),
    'store.queue.claim': ({ id }, ctx) => withQueue(ctx, (q, me) => q.claim(me.id, id, undefined, me.name)),
    'store.queue.release': ({ id }, ctx) => withQueue(ctx, (q, me) => q.release(me.id, id)),
    'store.queue.complete': ({ id, note }, ctx) => withQueue(ctx, (q, me) => q.complete(me.id, id, note)),
  };
}
