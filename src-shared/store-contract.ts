// The store server's commands (issue 13): the shared manager queue of every
// register in the store. Spread into the one command index in ipc-contract.ts.

import { z } from 'zod';
import { Empty, Id, command, managerCommand } from './contract-builders.ts';
import type { TicketSnapshot } from './domain.ts';

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

/** The registers a ticket can be moved to (issue 13 §3). */
export interface MoveTargets {
  /** False when this register is not part of a store: nothing can be moved. */
  configured: boolean;
  /** The other registers the store knows, by the names their people use. */
  registers: { id: string; name: string }[];
  /** Why the list is empty when the store could not be asked, in plain words. */
  unreachable?: string;
}

/** A ticket moved to this register and not opened here yet. */
export interface MovedHereItem {
  transferId: number;
  /** The register it came from, as people name it. */
  fromName: string;
  /** Its number there. */
  originNumber: number;
  lineCount: number;
  total: number;
  /** Cash already taken for it at the other register. */
  cashApplied: number;
  currency: string;
  /** Epoch ms it was moved. */
  movedAt: number;
}

/** Tickets moved here, waiting to be opened. */
export interface MovedHereView {
  configured: boolean;
  items: MovedHereItem[];
}

const QueueId = z.number().int().min(1);

export const storeCommands = {
  // A cashier moves their own open ticket (not a manager command): a move takes no money and gives none back,
  // the store refuses it while a card payment on the ticket is unresolved, and both journals record it.
  'ticket.move': command<TicketSnapshot>()(
    z.strictObject({ ticketId: Id, toRegister: Id }),
    'Moves an open ticket to another register of the store (online only); refused while a card payment on it is unresolved. Returns the ticket here, now closed as moved.',
  ),
  'ticket.moveTargets': command<MoveTargets>()(Empty, 'The other registers of the store a ticket can be moved to.'),
  'ticket.movedHere': command<MovedHereView>()(Empty, 'Tickets other registers moved to this one, not opened here yet, oldest first.'),
  'ticket.receive': command<TicketSnapshot>()(
    z.strictObject({ transferId: z.number().int().min(1) }),
    'Opens a ticket moved here as a ticket of this register (same lines, the cash already taken); once, however often it is asked.',
  ),
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
