// What the store decides for one register, built by the host when a store is
// configured (CASHIER_DESK_STORE_URL): the cross-register duplicate check
// before each card sale, the push of this register's approved charges (the
// store flags duplicate pairs) and of its open orphans and attempts in doubt
// (the shared manager queue), the queue itself for the store.queue.*
// commands, the PIN pad lock across workstations, and moving tickets between
// registers (ticket-move-service.ts). Nothing here is on the
// sale path except the duplicate check's short store query, which gives up
// and lets the sale go on when the store does not answer. Without a store the
// host builds none of it: one register, its journal, exactly as before.

import os from 'node:os';
import pg from 'pg';
import type { PaymentTerminal } from '../../drivers/terminal.ts';
import type { Journal } from '../journal/journal.ts';
import type { PaymentCoordinator } from '../payments/payment-coordinator.ts';
import type { OrphanRepository } from '../reconcile/orphan-repository.ts';
import type { PinPadLockRegistry } from '../devices/pin-pad-lock.ts';
import type { TicketService } from '../tickets/ticket-service.ts';
import { recentChargesPort } from './card-charge-repository.ts';
import { CardChargeSync } from './card-charge-sync.ts';
import { CrossRegisterDuplicateGuard, crossRegisterSaleHook } from './cross-register-duplicate-guard.ts';
import { ManagerQueueRepository } from './manager-queue-repository.ts';
import { batchVarianceItems, openVarianceLines, registerQueueItems } from './register-queue-items.ts';
import type { StoreConfig } from './store-config.ts';
import { StorePinPadLockRegistry } from './store-pin-pad-lock-registry.ts';
import { TicketMoveService } from './ticket-move-service.ts';

/** The store's pool for one register: small, with short deadlines (the store link may be cut at any moment). */
export function storePool(config: StoreConfig): pg.Pool {
  const pool = new pg.Pool({ ...config.client, max: 3, connectionTimeoutMillis: 2000, query_timeout: 10_000, idleTimeoutMillis: 30_000 });
  // An idle connection the link or the store dropped: the pool replaces it, nothing to report.
  pool.on('error', () => undefined);
  return pool;
}

/** The PIN pad locks of a register in a store (the machine's registry when the store is away). */
export function storePinPadLocks(pool: pg.Pool, o: { application: string; fallback: PinPadLockRegistry; log?: (line: string) => void }): StorePinPadLockRegistry {
  return new StorePinPadLockRegistry({ pool, application: o.application, workstation: process.env.CASHIER_DESK_WORKSTATION || os.hostname(), fallback: o.fallback, ...(o.log ? { log: o.log } : {}) });
}

/** The store decisions of a running register. */
export interface StoreDecisions {
  queue: ManagerQueueRepository;
  /** Moving open tickets to and from other registers. */
  moves: TicketMoveService;
  /** The payment handlers' beforeCardSale. */
  beforeCardSale: (sale: { ticketId: string; amount: number; terminalId?: string; confirmed: boolean }) => Promise<void>;
  stop(): Promise<void>;
}

/** Starts them (see file comment). */
export function startStoreDecisions(o: {
  config: StoreConfig;
  pool: pg.Pool;
  registerId: string;
  /** The register's name as people call it. */
  registerName: string;
  journal: Journal;
  tickets: TicketService;
  coordinator: PaymentCoordinator;
  orphans: OrphanRepository;
  /** The PIN pad a sale will use (the named one, else the one in use). */
  terminal: (terminalId: string | undefined) => PaymentTerminal | undefined;
  log: (line: string) => void;
  /** Push interval, ms (default 5 000). */
  pushEveryMs?: number;
}): StoreDecisions {
  const now = () => o.journal.now().getTime();
  const guard = new CrossRegisterDuplicateGuard({
    registerId: o.registerId,
    recentCharges: recentChargesPort(o.pool, { ...o.config.client, connectionTimeoutMillis: 1000 }),
    now,
    log: (event, detail) => o.log(`store: ${event}${detail ? ` (${detail})` : ''}`),
  });
  const beforeCardSale = crossRegisterSaleHook({
    guard: () => guard,
    ticket: (id) => o.tickets.get(id),
    terminal: o.terminal,
    onVerdict: (v, sale) => o.log(`store: duplicate check ${v} for ticket ${sale.ticketId}`),
  });
  const charges = new CardChargeSync({ journal: o.journal, registerId: o.registerId, registerName: o.registerName, pool: o.pool, log: (e, d) => o.log(`store: ${e} ${d ?? ''}`) });
  const queue = new ManagerQueueRepository(o.pool, { now });
  const moves = new TicketMoveService({ pool: o.pool, registerId: o.registerId, registerName: o.registerName, tickets: o.tickets, now: () => o.journal.now(), log: o.log });
  const push = async (): Promise<void> => {
    await charges.push();
    // A move the store recorded but a crash kept out of this journal leaves the open list now.
    await moves.mendMovesAway();
    const items = [
      ...registerQueueItems(o.registerId, o.coordinator.attempts.findUnresolved(), o.orphans.listOpen()),
      ...batchVarianceItems(o.registerId, openVarianceLines(o.journal)),
    ];
    await queue.syncRegister(o.registerId, ['orphan', 'in_doubt', 'variance'], items, o.registerName);
  };
  let failing = false;
  const pushQuietly = (): void =>
    void push().then(
      () => {
        failing = false;
        // The store is back: the next sale asks it again at once.
        guard.storeAnswered();
      },
      (err: unknown) => {
        // Logged once per outage, not every few seconds.
        if (!failing) o.log(`store: push failed, will retry (${err instanceof Error ? err.message : String(err)})`);
        failing = true;
      },
    );
  const unsubscribe = o.coordinator.onAttemptChanged((s) => {
    if (s.state === 'approved' || s.state === 'in_doubt' || s.state === 'not_charged') pushQuietly();
  });
  const timer = setInterval(pushQuietly, o.pushEveryMs ?? 5000);
  timer.unref();
  pushQuietly();
  return {
    queue,
    moves,
    beforeCardSale,
    async stop() {
      unsubscribe();
      clearInterval(timer);
    },
  };
}
