// The store server's commands (issue 13): the shared manager queue of every
// register in the store. Spread into the one command index in ipc-contract.ts.

import { z } from 'zod';
import { managerCommand } from './contract-builders.ts';

/** One item of the store's shared manager queue, in plain words. */
export interface StoreQueueItem {
  id: number;
  kind: 'orphan' | 'in_doubt' | 'variance' | 'cross_register_duplicate';
  /** The register the item is on, as people name it. */
  register: string;
  /** What happened and what to do. */
  summary: string;
  /** Minor units, when the item is about an amount. */
  amount?: number;
  currency?: string;
  status: 'open' | 'claimed';
  /** The manager working on it, when claimed. */
  claimedBy?: string;
  /** True when that manager is the one asking. */
  mine: boolean;
  /** Epoch ms the item entered the queue. */
  createdAt: number;
}

/** The store's queue as a screen shows it. */
export interface StoreQueueView {
  /** False when this register is not part of a store (the queue is then this register's own screens). */
  configured: boolean;
  items: StoreQueueItem[];
}

const QueueId = z.number().int().min(1);

export const storeCommands = {
  'store.queue.list': managerCommand<StoreQueueView>()(z.strictObject({}), "Every register's orphans, payments in doubt, variances and possible double charges not yet dealt with, oldest first."),
  'store.queue.claim': managerCommand<StoreQueueView>()(
    z.strictObject({ id: QueueId }),
    'Takes an item for the signed-in manager, so no other manager acts on it; refused (conflict) when another manager holds it.',
  ),
  'store.queue.release': managerCommand<StoreQueueView>()(z.strictObject({ id: QueueId }), 'Gives a taken item back to the queue.'),
  'store.queue.complete': managerCommand<StoreQueueView>()(
    z.strictObject({ id: QueueId, note: z.string().trim().min(3, 'say what was done').max(300) }),
    'Marks a taken item dealt with, with what was done.',
  ),
} as const;
