// A chaos register's store parts (issue 13 §5), started by the chaos host when
// it is given a store URL: the outbox relay (every journal event and state row
// to PostgreSQL), the cross-register duplicate check before each card sale,
// the push of approved charges (the store flags duplicate pairs), and the
// push of this register's open orphans and in-doubt attempts to the shared
// manager queue. All of it runs through the register's link proxy, which the
// harness cuts and restores; none of it is on the sale path except the
// guard's short store query, which gives up and lets the sale go on.
//
// Deliberately broken variants (the harness's own tests): a register that
// ignores the store's warning (never asks), and a relay that skips one event.

import pg from 'pg';
import type { PaymentTerminal } from '../../drivers/terminal.ts';
import type { Journal } from '../../src-main/journal/journal.ts';
import type { PaymentCoordinator } from '../../src-main/payments/payment-coordinator.ts';
import type { OrphanRepository } from '../../src-main/reconcile/orphan-repository.ts';
import { recentChargesPort } from '../../src-main/store/card-charge-repository.ts';
import { CardChargeSync } from '../../src-main/store/card-charge-sync.ts';
import { CrossRegisterDuplicateGuard, crossRegisterSaleHook, type GuardVerdict } from '../../src-main/store/cross-register-duplicate-guard.ts';
import { ManagerQueueRepository } from '../../src-main/store/manager-queue-repository.ts';
import { batchVarianceItems, openVarianceLines, registerQueueItems } from '../../src-main/store/register-queue-items.ts';
import { parseStoreUrl } from '../../src-main/store/store-config.ts';
import { StoreLink } from '../../src-main/store/store-link.ts';
import { StoreRelay } from '../../src-main/store/store-relay.ts';
import type { TicketService } from '../../src-main/tickets/ticket-service.ts';

/** Broken store variants a chaos host may be started as. */
export const BROKEN_STORE_REGISTERS = ['ignores_store_warning', 'relay_skips_event'] as const;

/** What the chaos host needs from its store parts. */
export interface ChaosStoreParts {
  /** Runs before a card sale; throws the cashier's warning. */
  beforeSale(ticketId: string, amount: number, terminalId: string, confirmed: boolean): Promise<GuardVerdict | 'not_asked'>;
  /** Pushes everything now and waits for the relay to catch up (end of run); rejects when the store cannot be reached. */
  flush(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the store parts of a chaos register. */
export function startChaosStoreParts(o: {
  storeUrl: string;
  registerId: string;
  registerName: string;
  journal: Journal;
  coordinator: PaymentCoordinator;
  tickets: TicketService;
  orphans: OrphanRepository;
  terminals: readonly PaymentTerminal[];
  broken: string;
  log: (e: object) => void;
}): ChaosStoreParts {
  const config = parseStoreUrl(o.storeUrl);
  if (o.broken === 'relay_skips_event') skipOneEvent();
  const relay = new StoreRelay({
    journal: o.journal,
    registerId: o.registerId,
    config,
    backoff: { initialMs: 100, maxMs: 1000 },
    connectTimeoutMs: 1500,
    queryTimeoutMs: 5000,
    log: (line) => o.log({ event: 'store_relay', detail: line }),
  });
  relay.start();
  const pool = new pg.Pool({ ...config.client, max: 3, connectionTimeoutMillis: 1000, query_timeout: 5000 });
  pool.on('error', () => undefined);
  const guard = new CrossRegisterDuplicateGuard({
    registerId: o.registerId,
    recentCharges: recentChargesPort(pool, { ...config.client, connectionTimeoutMillis: 1000 }),
    now: () => o.journal.now().getTime(),
    storeTimeoutMs: 1200,
    // No rest after a miss: the harness judges each sale by the link's state at that moment.
    storeRestMs: 0,
    readTimeoutMs: 3000,

    log: (event, detail) => o.log({ event, detail }),
  });
  let verdict: GuardVerdict | 'not_asked' = 'not_asked';
  const hook = crossRegisterSaleHook({
    guard: () => (o.broken === 'ignores_store_warning' ? undefined : guard),
    ticket: (id) => o.tickets.get(id),
    terminal: (id) => o.terminals.find((t) => t.id === id),
    onVerdict: (v, sale) => {
      verdict = v;
      o.log({ event: 'duplicate_check', detail: v, ticketId: sale.ticketId, amount: sale.amount });
    },
  });
  const charges = new CardChargeSync({ journal: o.journal, registerId: o.registerId, registerName: o.registerName, pool, log: (event, detail) => o.log({ event, detail }) });
  const queue = new ManagerQueueRepository(pool, { now: () => o.journal.now().getTime() });
  const pushQueue = async (): Promise<void> => {
    const items = [
      ...registerQueueItems(o.registerId, o.coordinator.attempts.findUnresolved(), o.orphans.listOpen()),
      ...batchVarianceItems(o.registerId, openVarianceLines(o.journal)),
    ];
    await queue.syncRegister(o.registerId, ['orphan', 'in_doubt', 'variance'], items, o.registerName);
  };
  const pushAll = async (): Promise<void> => {
    await charges.push();
    await pushQueue();
  };
  // After every approval and every second: the store learns of charges and queue items soon after they happen.
  const stopWatch = o.coordinator.onAttemptChanged((s) => {
    if (s.state === 'approved' || s.state === 'in_doubt') void pushAll().catch(() => undefined);
  });
  const timer = setInterval(() => void pushAll().catch(() => undefined), 1000);
  timer.unref();
  return {
    async beforeSale(ticketId, amount, terminalId, confirmed) {
      verdict = 'not_asked';
      await hook({ ticketId, amount, terminalId, confirmed });
      return verdict;
    },
    async flush(timeoutMs) {
      await pushAll();
      await relay.whenCaughtUp(timeoutMs);
    },
    async stop() {
      stopWatch();
      clearInterval(timer);
      await relay.stop();
      await pool.end().catch(() => undefined);
    },
  };
}

/** The broken relay: the first batch of more than one event loses its second event on the way (test code only). */
function skipOneEvent(): void {
  const proto = StoreLink.prototype as unknown as { send: StoreLink['send'] };
  const send = proto.send;
  let skipped = false;
  proto.send = function (this: StoreLink, events, rows) {
    if (!skipped && events.length > 1) {
      skipped = true;
      return send.call(this, [events[0], ...events.slice(2)], rows);
    }
    return send.call(this, events, rows);
  };
}
