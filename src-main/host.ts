// The composition root: opens the journal, builds the services and implements
// every command of the IPC contract. It knows nothing of Electron or of any
// transport; the shell (electron/main.ts) and browser mode (headless.ts) both
// serve exactly this.

import { AppError } from '../src-shared/errors.ts';
import type { EventName, Events, Handlers } from '../src-shared/ipc-contract.ts';
import type { AppInfo, RecoveryNotice, StatusSnapshot } from '../src-shared/domain.ts';
import { redactForLog, redactText } from '../src-shared/card.ts';
import { defaultJournalPath, openJournal, type Journal } from './journal/journal.ts';
import { journalHandlers } from './journal/journal-handlers.ts';
import { AttemptRepository } from './journal/attempt-repository.ts';
import { DeviceRepository } from './devices/device-repository.ts';
import { deviceHandlers } from './devices/device-handlers.ts';
import { DeviceService, type TrainingMode } from './devices/device-service.ts';
import { trainingLedgerPath, type TrainingOptions } from './devices/training-devices.ts';
import { installTrainingHook, trainingHandlers } from './devices/training-handlers.ts';
import { TrainingScenarios } from './devices/training-scenarios.ts';
import { gatewayFromEnv, GatewaySwitch, type GatewayConfig } from './gateways/gateway-switch.ts';
import { PaymentCoordinator, type PaymentLogEntry } from './payments/payment-coordinator.ts';
import { paymentHandlers } from './payments/payment-handlers.ts';
import { MissingPaymentFinder } from './reconcile/find-missing.ts';
import { OrphanRepository } from './reconcile/orphan-repository.ts';
import { reconcileHandlers } from './reconcile/reconcile-handlers.ts';
import type { ReceiptStore } from './receipts/receipt-builder.ts';
import { receiptHandlers } from './receipts/receipt-handlers.ts';
import { ReceiptService } from './receipts/receipt-service.ts';
import { loadCatalog } from './tickets/catalog.ts';
import { ticketHandlers } from './tickets/ticket-handlers.ts';
import { TicketService, type RegisterConfig } from './tickets/ticket-service.ts';
import type { StaffActor } from '../src-shared/staff.ts';
import type { HandlerContext } from '../src-shared/ipc-contract.ts';
import { StaffService } from './staff/staff-service.ts';
import { createManagerGuard, createStaffHandlers } from './staff/staff-handlers.ts';
import { bindStaffCards } from './staff/staff-card-sign-in.ts';
import type { ScryptParams } from './staff/pin-hash.ts';
import { createSettlementHandlers } from './settlement/settlement-handlers.ts';
import { batchVarianceSource, createBatchHandlers } from './settlement/batch-handlers.ts';
import { BatchService } from './settlement/batch-service.ts';
import { createReversalHandlers } from './settlement/reversal-handlers.ts';
import { ReversalService } from './settlement/reversal-service.ts';
import { InDoubtQueue } from './settlement/in-doubt-queue.ts';
import { OrphanActions } from './settlement/orphan-actions.ts';
import { purserHandlers } from './purser/purser-handlers.ts';
import { buildPurserRoom, type PurserRoom } from './purser/purser-room.ts';
import { CabinCardWaiters } from './purser/purser-cabin-cards.ts';
import { storeConfigFromEnv, type StoreConfig } from './store/store-config.ts';
import type { StoreRelay, StoreRelayOptions } from './store/store-relay.ts';
import type { PurserFolioShare } from './purser/purser-folio-share.ts';
import type { PostgresSharedFolio } from './store/shared-folio-store.ts';
import type { StoreDecisions } from './store/store-decisions.ts';
import { storeQueueHandlers } from './store/store-queue-handlers.ts';
import { ticketMoveHandlers } from './store/ticket-move-handlers.ts';
import { LazyPinPadLockRegistry } from './store/lazy-pin-pad-lock-registry.ts';
import { FilePinPadLockRegistry } from './devices/pin-pad-lock.ts';

export type { RegisterConfig };

/** Everything the host is configured with; all optional. */
export interface HostConfig {
  /** Journal file (default: the journal module's per-user path). */
  journalPath?: string;
  register?: RegisterConfig;
  /** ISO 4217 code of the register's currency (default USD). */
  currency?: string;
  /** Catalogue JSON (default: the built-in sample catalogue). */
  catalogPath?: string;
  /**
   * Training mode: simulators instead of hardware, said on screen. true: always;
   * false: never (no PIN pad until one is assigned); unset: whenever no PIN pad is assigned.
   */
  trainingMode?: boolean;
  /** Device probing and testing; training simulator tuning. */
  devices?: { probeIntervalMs?: number; testTimeoutMs?: number; training?: TrainingOptions };
  /** Seconds before Cancel appears on "Please Complete Payment" (default 30). */
  cancelAfterSeconds?: number;
  /**
   * The real payment gateway (default: CASHIER_DESK_GATEWAY_URL / CASHIER_DESK_GATEWAY_KEY;
   * null: none). Training mode always uses the training gateway simulator.
   */
  gateway?: GatewayConfig | null;
  /** Store name and lines printed on receipts (default: the register's name). */
  store?: ReceiptStore;
  /** Purser queue tuning (tests): the sender's settle time, ms (default the payments' 90 s; purser-queue-sender.ts settleMs). */
  purser?: { settleMs?: number };
  /** Payment resolution tuning (tests): lookup timeout, backoff between passes. */
  payments?: { lookupTimeoutMs?: number; backoff?: { initialMs: number; maxMs: number }; linkProbeMs?: number };
  /** Injected clock, for deterministic tests. */
  clock?: () => Date;
  /** Injected id generator, for deterministic tests. */
  newId?: () => string;
  /** App version reported by app.info. */
  version?: string;
  /** Manager sign-in tuning (tests): scrypt cost of new PINs, idle seconds of a manager session. */
  staff?: { hashParams?: ScryptParams; idleSeconds?: number };
  /**
   * The store server this register replicates to (default: CASHIER_DESK_STORE_URL;
   * null or unset variable: none, the embedded default), and relay tuning (tests).
   */
  storeServer?: StoreConfig | null;
  storeRelay?: Pick<StoreRelayOptions, 'backoff' | 'connectTimeoutMs' | 'queryTimeoutMs' | 'batchSize'>;
  /** The shared folio's pass interval with a store configured, ms (default 15 s; purser-folio-share.ts). */
  sharedFolioPassMs?: number;
}

/** Typed host events. */
export interface HostEvents {
  /** Listens to one event; returns an unsubscribe. */
  subscribe<E extends EventName>(name: E, cb: (payload: Events[E]) => void): () => void;
}

/** A running host. */
export interface Host {
  handlers: Handlers;
  /** The one guard of manager-only commands (the dispatcher runs it); throws manager_required. */
  requireManager(ctx: HandlerContext): StaffActor;
  events: HostEvents;
  /** Devices: settings, live drivers (terminal(id), activeTerminal(), printer()), training simulators. */
  devices: DeviceService;
  /** Resolves once the live devices (or training simulators) are up; never rejects. */
  ready: Promise<void>;
  /** Resolves after start-up recovery's first pass over attempts a crash left sent or in doubt; never rejects. */
  recovered: Promise<void>;
  /** The payment coordinator (sale path, resolution, outcomes); undefined when the journal could not be opened. */
  payments: PaymentCoordinator | undefined;
  status(): StatusSnapshot;
  /** Stops devices and simulators and closes the journal; await it before exiting. */
  close(): Promise<void>;
}

/** Defaults for a register with nothing configured. */
export const DEFAULT_REGISTER: RegisterConfig = { id: 'register-1', code: '1', name: 'Register 1' };

const APP_NAME = 'Cashier Desk';
const DEFAULT_VERSION = '0.1.0';

/**
 * Builds the host. A refused journal does not throw: it is reported in status and
 * in every answer. An invalid catalogue or register configuration throws an AppError.
 */
export function createHost(config: HostConfig = {}): Host {
  const register = config.register ?? DEFAULT_REGISTER;
  const currency = config.currency ?? 'USD';
  const trainingSetting: TrainingMode = config.trainingMode === true ? 'on' : config.trainingMode === false ? 'off' : 'auto';
  const cancelAfterSeconds = config.cancelAfterSeconds ?? 30;
  const journalPath = config.journalPath ?? defaultJournalPath();
  // A bad store URL is a configuration mistake: it stops the start, its message never holds the password.
  const storeServer = config.storeServer === null ? undefined : (config.storeServer ?? storeConfigFromEnv(process.env));
  const hub = createEventHub();

  // A bad catalogue is a configuration error the CLI reports at start; only the
  // journal is allowed to fail softly, because its file may hold payments.
  const catalog = loadCatalog(config.catalogPath);
  let journal: Journal | undefined;
  let tickets: TicketService | undefined;
  let journalProblem: AppError | undefined;
  let payments: PaymentRoom | undefined;
  let staff: StaffService | undefined;
  let purser: PurserRoom | undefined;
  try {
    journal = openJournal({ path: journalPath, clock: config.clock, newId: config.newId });
    tickets = new TicketService(journal, { register, currency, catalog });
    // Training's demo manager signs in only while training is on, and in automatic training (no PIN pad yet)
    // only until a real manager exists: it must never be a way into a live register's settings.
    const j = journal;
    staff = new StaffService(j, {
      registerId: register.id,
      clock: config.clock,
      hashParams: config.staff?.hashParams,
      idleSeconds: config.staff?.idleSeconds,
      trainingManager: () => devices.health().trainingMode && (trainingSetting === 'on' || staff!.repo.activeManagers() === 0),
    });
  } catch (err) {
    journal?.close();
    journal = undefined;
    tickets = undefined;
    payments = undefined;
    staff = undefined;
    // Configuration mistakes (register code, currency) stop the start; only a journal refusal is survivable.
    if (err instanceof AppError && !err.code.startsWith('journal_')) throw err;
    journalProblem =
      err instanceof AppError
        ? err
        : new AppError('journal_unavailable', `The journal ${journalPath} could not be opened (${redactForLog(err)}). Check the path and start again.`);
  }

  // The training PIN pad waits past the moment Cancel appears, so a trainee can press it on a payment that never answers.
  const training = config.devices?.training ?? {};
  const trainingSaleMs = training.paxTimeouts?.transactionMs ?? Math.max(training.cardTimeMs ?? 1000, cancelAfterSeconds * 1000) + 15_000;
  let deviceRepo: DeviceRepository | undefined;
  // Part of a store: what the store decides (store/store-decisions.ts), loaded like the relay only then.
  const application = `Cashier Desk register ${register.id}`;
  const storeSide = storeServer ? import('./store/store-decisions.ts').then((m) => ({ m, pool: m.storePool(storeServer) })) : undefined;
  storeSide?.catch((err) => process.stderr.write(`host: the store's decisions could not start: ${redactForLog(err)}\n`));
  const devices = new DeviceService({
    // In a store the PIN pad lock holds across workstations; the machine's own lock when the store is away.
    ...(storeSide
      ? (() => {
          const fallback = new FilePinPadLockRegistry({ application, clock: config.clock });
          const log = (line: string) => process.stderr.write(`host: ${redactText(line)}\n`);
          return { pinPadLocks: new LazyPinPadLockRegistry(storeSide.then(({ m, pool }) => m.storePinPadLocks(pool, { application, fallback, log })), fallback) };
        })()
      : {}),
    repository: () => {
      service();
      deviceRepo ??= new DeviceRepository(journal!, register.id);
      return deviceRepo;
    },
    training: trainingSetting,
    // The training processor's ledger sits beside the journal, so it outlives a force-close like a real processor.
    trainingOptions: { ledgerFile: trainingLedgerPath(journalPath), ...training, paxTimeouts: { transactionMs: trainingSaleMs, ...training.paxTimeouts } },
    probeIntervalMs: config.devices?.probeIntervalMs,
    testTimeoutMs: config.devices?.testTimeoutMs,
    // Named in another app's "PIN pad in use" refusal (seed 002 table 4-14).
    application,
    clock: config.clock,
    log: (line) => process.stderr.write(`host: ${redactText(line)}\n`),
  });
  let lastStatus = '';
  const pushStatus = () => {
    const s = status();
    const text = JSON.stringify(s);
    if (text === lastStatus) return;
    lastStatus = text;
    hub.emit('status.changed', s);
  };
  devices.onChange(pushStatus);
  // The full integrity check runs in the background after opening; its verdict changes the health shown.
  journal?.onIntegrityChange(pushStatus);
  // A disk that fills up or turns read-only shows in the status bar within a second (the journal's write watch).
  journal?.onWriteHealthChange(pushStatus);

  const log = (line: string) => process.stderr.write(`host: ${redactText(line)}\n`);
  const scenarios = new TrainingScenarios(() => devices.training(), { cancelAfterSeconds, answerWaitSeconds: Math.ceil(trainingSaleMs / 1000) }, register.code);
  if (journal && tickets) {
    payments = buildPayments({
      journal,
      tickets,
      devices,
      registerCode: register.code,
      currency,
      gateway: config.gateway === null ? undefined : (config.gateway ?? gatewayFromEnv(process.env)),
      store: config.store ?? { name: register.name },
      version: config.version ?? DEFAULT_VERSION,
      tuning: config.payments,
      log,
      onGatewayLink: (ok) => purser?.sender.linkSeen(ok),
    });
    installTrainingHook(scenarios, payments.coordinator);
    // The purser's folios (issue 12): its queue sender resumes what a crash left as soon as the devices are up.
    const gateway = payments.gateway;
    purser = buildPurserRoom({
      journal,
      terminal: (id) => devices.terminal(id),
      gateway: () => gateway.cardOnFile(),
      currency,
      registerCode: register.code,
      changed: (guestId) => hub.emit('purser.changed', { guestId }),
      log,
      settleMs: config.purser?.settleMs,
      // One PIN pad per workstation (seed 002 table 4-14): the devices' own lock registry.
      pinPads: { registry: () => devices.pinPadLockRegistry(), address: (id) => devices.pinPadAddressOf(id) },
    });
  }
  let storeDecisions: StoreDecisions | undefined;
  let decisionsStarting: Promise<StoreDecisions | undefined> | undefined;
  if (storeSide && storeServer && journal && tickets && payments) {
    const [j, t, room] = [journal, tickets, payments];
    decisionsStarting = storeSide
      .then(({ m, pool }) => {
        if (closing || !j.db.open) return undefined;
        storeDecisions = m.startStoreDecisions({
          config: storeServer,
          pool,
          registerId: register.id,
          registerName: register.name,
          journal: j,
          tickets: t,
          coordinator: room.coordinator,
          orphans: room.orphans,
          terminal: (id) => (id !== undefined ? devices.terminal(id) : devices.activeTerminal()),
          log,
        });
        return storeDecisions;
      })
      .catch(() => undefined);
  }

  // The store relay (issue 13): only with a store configured, and loaded only then, so the embedded
  // default neither loads the PostgreSQL client nor opens a connection. It runs beside the sale path.
  let relay: StoreRelay | undefined;
  let relayStarting: Promise<void> | undefined;
  if (journal && storeServer) {
    const j = journal;
    relayStarting = import('./store/store-relay.ts')
      .then(({ StoreRelay }) => {
        if (closing || !j.db.open) return;
        relay = new StoreRelay({ journal: j, registerId: register.id, config: storeServer, clock: config.clock, log: (line) => log(`store: ${line}`), ...config.storeRelay });
        relay.onChange(pushStatus);
        relay.start();
        pushStatus();
      })
      .catch((err) => {
        log(`store relay could not start: ${redactForLog(err)}`);
      });
  }

  // The shared folio (issue 13 §3): with a store, purser postings are decided there under the guest's lock;
  // a pass adopts other desks' claims on this desk's cards and publishes what this desk decided alone.
  let folioShare: PurserFolioShare | undefined;
  let folioStore: PostgresSharedFolio | undefined;
  let folioTimer: NodeJS.Timeout | undefined;
  if (purser && storeServer) {
    const room = purser;
    void Promise.all([import('./store/shared-folio-store.ts'), import('./purser/purser-folio-share.ts')])
      .then(([{ PostgresSharedFolio }, { PurserFolioShare }]) => {
        if (closing) return;
        folioStore = new PostgresSharedFolio({ client: storeServer.client, log: (line) => log(`store: ${line}`) });
        const share = new PurserFolioShare({ repo: room.repo, service: room.service, queue: room.sender, store: folioStore, register: register.code, log: (line) => log(`purser: ${line}`) });
        folioShare = share;
        let passing = false;
        const pass = () => {
          if (passing || closing) return;
          passing = true;
          void share.syncOnce().finally(() => {
            passing = false;
          });
        };
        pass();
        folioTimer = setInterval(pass, config.sharedFolioPassMs ?? 15_000);
        folioTimer.unref();
      })
      .catch((err) => log(`shared folio could not start: ${redactForLog(err)}`));
  }

  function status(): StatusSnapshot {
    const d = devices.health();
    return {
      trainingMode: d.trainingMode,
      registerId: register.id,
      registerName: register.name,
      journal: journal ? openJournalHealth(journal) : { healthy: false, path: journalPath, schemaVersion: 0, message: journalProblem?.message },
      terminal: d.terminal,
      printer: d.printer,
      cardReader: d.cardReader,
      ...(relay ? { store: relay.status() } : {}),
    };
  }

  /** The ticket service, or the journal's refusal as an answer a person can act on. */
  function service(): TicketService {
    if (tickets) return tickets;
    throw new AppError('journal_unavailable', journalProblem?.message ?? 'The journal is closed.', {
      cause: journalProblem?.code,
    });
  }

  /**
   * New card and cash payments are refused before anything is sent while the journal
   * cannot take them: damaged (journal_corrupt), history missing (journal_corrupt),
   * or not writable now (journal_unavailable naming disk full / read-only).
   */
  function takingPayments(): void {
    journal?.assertWritable();
  }

  /** The payment room, or the journal's refusal. */
  function pay(): PaymentRoom {
    service();
    if (payments) return payments;
    throw new AppError('journal_unavailable', journalProblem?.message ?? 'The journal is closed.');
  }

  function info(): AppInfo {
    return {
      name: APP_NAME,
      version: config.version ?? DEFAULT_VERSION,
      registerId: register.id,
      registerName: register.name,
      currency,
      trainingMode: devices.health().trainingMode,
      cancelAfterSeconds,
    };
  }

  /** Staff and sign-in, or the journal's refusal. */
  function staffService(): StaffService {
    service();
    if (staff) return staff;
    throw new AppError('journal_unavailable', journalProblem?.message ?? 'The journal is closed.');
  }
  const requireManager = createManagerGuard(staffService);
  // Batch close (issue 11 §2): one service per open journal, built on first use.
  let batchService: BatchService | undefined;
  function batches(): BatchService {
    const room = pay();
    if (batchService?.repo && batchJournal === journal) return batchService;
    batchJournal = journal;
    batchService = new BatchService({
      journal: journal!,
      terminal: (id) => devices.terminal(id),
      gatewayReport: room.gateway.configured() ? (begin, end) => room.gateway.report({ begin, end }) : undefined,
      orphans: room.orphans,
      currency,
      registerCode: register.code,
      log: (line) => log?.(line),
    });
    return batchService;
  }
  let batchJournal: Journal | undefined;
  bindStaffCards(devices, () => staff);
  // A cabin card swiped on the card reader finds its guest for a purser screen waiting for one.
  const cabinCards = new CabinCardWaiters((folio) => {
    if (!purser) throw new AppError('journal_unavailable', journalProblem?.message ?? 'The journal is closed.');
    return purser.service.byCabinCard(folio);
  });
  cabinCards.bind(devices);

  // The composed object is typed Handlers: a command no domain handles is a compile error.
  const handlers: Handlers = {
    ...createStaffHandlers(staffService),
    'app.info': () => info(),
    'status.get': () => status(),
    ...ticketHandlers(service),
    ...paymentHandlers({
      tickets: service,
      coordinator: () => pay().coordinator,
      takingPayments,
      printAfterCash: (ticketId) => pay().receipts.printInBackground(ticketId),
      recoveryNotices: () => recoveryNotices(),
      // With a store: the cross-register duplicate check (its code may still be loading for the very first sale).
      ...(decisionsStarting ? { beforeCardSale: async (sale: Parameters<StoreDecisions['beforeCardSale']>[0]) => (await decisionsStarting)?.beforeCardSale(sale) } : {}),
    }),
    ...storeQueueHandlers({ queue: () => storeDecisions?.queue, registerId: register.id }),
    ...ticketMoveHandlers(() => storeDecisions?.moves, Boolean(storeServer)),
    ...reconcileHandlers({
      tickets: service,
      coordinator: () => pay().coordinator,
      finder: () => pay().finder,
      orphans: () => pay().orphans,
      gatewayConfigured: () => pay().gateway.configured(),
    }),
    ...receiptHandlers({ tickets: service, receipts: () => pay().receipts }),
    ...trainingHandlers(scenarios),
    ...deviceHandlers(devices),
    ...journalHandlers(() => {
      service();
      return journal!;
    }),
    ...createSettlementHandlers({
      journal: () => {
        service();
        return journal!;
      },
      registerId: register.id,
      currency,
      clock: config.clock,
      variances: batchVarianceSource(() => {
        try {
          return journal ? batches().repo : undefined;
        } catch {
          return undefined; // no payment room yet: no batch recorded anything
        }
      }),
    }),
    ...createBatchHandlers(batches),
    ...createReversalHandlers({ reversals: () => pay().reversals, inDoubt: () => pay().inDoubt, orphanActions: () => pay().orphanActions, coordinator: () => pay().coordinator }),
    ...purserHandlers({
      service: () => {
        pay();
        if (!purser) throw new AppError('journal_unavailable', journalProblem?.message ?? 'The journal is closed.');
        return purser.service;
      },
      sender: () => {
        pay();
        if (!purser) throw new AppError('journal_unavailable', journalProblem?.message ?? 'The journal is closed.');
        return purser.sender;
      },
      cabinCards: () => cabinCards,
      share: () => folioShare,
    }),
  };

  /** Attempts start-up recovery found; their outcome is read afresh each time, so a late resolution shows. */
  let recoveredIds: { attemptId: string; ticketId: string }[] = [];
  function recoveryNotices(): RecoveryNotice[] {
    if (recoveredIds.length === 0 || !payments || !tickets) return [];
    const t = tickets;
    const p = payments;
    return recoveredIds.flatMap(({ attemptId, ticketId }) => {
      const a = p.coordinator.attemptsOf(ticketId).find((x) => x.id === attemptId);
      if (!a) return [];
      return [{ attemptId, ticketId, ticketNumber: t.get(ticketId).number, amount: a.amountRequested, currency: a.currency, state: a.state, message: a.message }];
    });
  }

  // Each event is subscribed at its emitter: a payment change at the attempt outcome owner, a ticket change at
  // the ticket service (both call their listeners after the commit), status and recovery here. A subscriber (the
  // dispatcher's broadcast) is called by the emitter itself; this file is not on the way back to the screen.
  const subscriptions = new Set<() => void>();
  const sources: { [E in EventName]: (cb: (payload: Events[E]) => void) => (() => void) | undefined } = {
    'payment.changed': (cb) => payments?.coordinator.onAttemptChanged(cb),
    'ticket.changed': (cb) => {
      const off = tickets?.onTicketChanged(cb);
      return off && (() => void off());
    },
    'status.changed': (cb) => hub.subscribe('status.changed', cb),
    'recovery.reported': (cb) => hub.subscribe('recovery.reported', cb),
    'purser.changed': (cb) => hub.subscribe('purser.changed', cb),
  };
  const events: HostEvents = {
    subscribe(name, cb) {
      // No journal (or closed): no payment or ticket can change, so there is nothing to hear.
      const off = (sources[name] as (cb: (payload: Events[typeof name]) => void) => (() => void) | undefined)(cb);
      if (!off) return () => undefined;
      const unsubscribe = () => {
        subscriptions.delete(unsubscribe);
        off();
      };
      subscriptions.add(unsubscribe);
      return unsubscribe;
    },
  };

  // Clients that connect later ask status.get; this reaches those already listening.
  queueMicrotask(pushStatus);
  let closing: Promise<void> | undefined;
  const ready = devices.start().catch((err) => {
    process.stderr.write(`host: devices could not start: ${redactForLog(err)}\n`);
  });
  // The purser's queue resumes once the PIN pads can be asked; training mode has sample guests to work on.
  void ready.then(() => {
    if (!purser || closing) return;
    try {
      if (devices.health().trainingMode) purser.service.seedTrainingGuests();
    } catch (err) {
      log(`purser: sample guests not added: ${redactForLog(err)}`);
    }
    purser.sender.start();
  });
  // Attempts a crash left sent or in doubt are resolved once the PIN pad that took them can be asked.
  const recovered = ready.then(async () => {
    if (!payments || closing) return;
    try {
      const left = await payments.coordinator.recoverOnStartup();
      if (left.length > 0) {
        log(`recovery: ${left.map((a) => `${a.ecrRef}=${a.state}`).join(', ')}`);
        recoveredIds = left.map((a) => ({ attemptId: a.id, ticketId: a.ticketId }));
        hub.emit('recovery.reported', recoveryNotices());
      }
    } catch (err) {
      log(`recovery failed: ${redactForLog(err)}`);
    }
  });

  return {
    handlers,
    requireManager,
    events,
    devices,
    ready,
    recovered,
    get payments() {
      return payments?.coordinator;
    },
    status,
    close() {
      if (closing) return closing;
      // Refuse new work at once; the journal itself closes after the devices, which may still be journaling a change.
      hub.clear();
      for (const off of [...subscriptions]) off();
      staff?.close();
      staff = undefined;
      tickets = undefined;
      const p = payments;
      payments = undefined;
      const room = purser;
      purser = undefined;
      journalProblem ??= new AppError('journal_unavailable', 'The register host has shut down. Restart the app.');
      closing = (async () => {
        // Payments stop retrying first; closing the devices then ends a sale still out on a PIN pad as in doubt
        // (journaled, resolved at the next start) instead of waiting minutes for a customer who left.
        if (folioTimer) clearInterval(folioTimer);
        folioShare = undefined;
        await folioStore?.close().catch((err) => process.stderr.write(`host: closing the shared folio failed: ${redactForLog(err)}\n`));
        await room?.close().catch((err) => process.stderr.write(`host: closing the purser queue failed: ${redactForLog(err)}\n`));
        const paying = p?.close().catch((err) => process.stderr.write(`host: closing payments failed: ${redactForLog(err)}\n`));
        await devices.close().catch((err) => process.stderr.write(`host: closing devices failed: ${redactForLog(err)}\n`));
        await paying;
        // The relay reads the journal: it stops (recording what the store confirmed) before the journal closes.
        await relayStarting;
        await relay?.stop().catch((err) => process.stderr.write(`host: stopping the store relay failed: ${redactForLog(err)}\n`));
        relay = undefined;
        // The store's pushes read the journal too; the pool is given a moment to close, never the connect timeout.
        await decisionsStarting;
        await storeDecisions?.stop();
        storeDecisions = undefined;
        const side = await storeSide?.catch(() => undefined);
        if (side) await Promise.race([side.pool.end().catch(() => undefined), new Promise((r) => setTimeout(r, 500))]);
        journal?.close();
        journal = undefined;
        deviceRepo = undefined;
      })();
      return closing;
    },
  };
}

/** The payment side of one register: built over one journal and the device service. */
interface PaymentRoom {
  coordinator: PaymentCoordinator;
  receipts: ReceiptService;
  finder: MissingPaymentFinder;
  orphans: OrphanRepository;
  gateway: GatewaySwitch;
  reversals: ReversalService;
  inDoubt: InDoubtQueue;
  orphanActions: OrphanActions;
  close(): Promise<void>;
}

/**
 * Builds the payment side: the gateway switch, receipts, Find Missing (passed to
 * the coordinator as a port) and the coordinator over the PIN pads in use
 * (looked up per use: devices can be reassigned while the app runs). Link
 * events reach the resolution engine: a gateway answer after failures, or its
 * own probe of a link seen failing, checks the attempts waiting on it at once.
 */
function buildPayments(o: {
  journal: Journal;
  tickets: TicketService;
  devices: DeviceService;
  registerCode: string;
  currency: string;
  gateway?: GatewayConfig;
  store: ReceiptStore;
  version: string;
  tuning?: HostConfig['payments'];
  log: (line: string) => void;
  /** Told whether each gateway request was answered (the purser's sender resumes on a return). */
  onGatewayLink?: (ok: boolean) => void;
}): PaymentRoom {
  const { journal, tickets, devices } = o;
  let coordinator: PaymentCoordinator | undefined;
  const gateway = new GatewaySwitch(devices, {
    gateway: o.gateway,
    currency: o.currency,
    version: o.version,
    log: o.log,
    now: () => journal.now().getTime(),
    onLink: (ok) => {
      coordinator?.linkSeen('gateway', ok);
      o.onGatewayLink?.(ok);
    },
  });
  const orphans = new OrphanRepository(journal);
  const receipts = new ReceiptService({
    journal,
    printer: () => devices.printer() ?? null,
    training: () => devices.health().trainingMode,
    store: o.store,
    log: (e) => o.log(`receipts: ${e.event}${e.ticketId ? ` ticket=${e.ticketId}` : ''}${e.attemptId ? ` attempt=${e.attemptId}` : ''}${e.detail ? ` ${e.detail}` : ''}`),
  });
  const attempts = new AttemptRepository(journal);
  const finder = new MissingPaymentFinder({ journal, attempts, tickets, orphans, gateway, registerCode: o.registerCode });
  coordinator = new PaymentCoordinator({
    journal,
    tickets,
    attempts,
    registerCode: o.registerCode,
    // Every PIN pad in use on this register; payment.start names one of them (or gets the first).
    terminals: () => {
      const t = devices.activeTerminal();
      return t ? [t] : [];
    },
    gateway,
    // After every payment error; without a gateway it only logs that it could not ask.
    missingPayments: finder,
    autoFindMissing: true,
    receipts,
    ...(o.tuning?.lookupTimeoutMs !== undefined ? { lookupTimeoutMs: o.tuning.lookupTimeoutMs } : {}),
    ...(o.tuning?.backoff ? { backoff: o.tuning.backoff } : {}),
    // A PIN pad or gateway seen failing is probed each second while a payment waits on it, so its return is
    // noticed at once (issue 8: in doubt resolved within 2 s of the link returning, not at a 30 s backoff tick).
    linkProbeMs: o.tuning?.linkProbeMs ?? 1000,
    log: (e) => o.log(paymentLogLine(e)),
  });
  const c = coordinator;
  // A PIN pad's or the gateway's return is noticed by the resolution engine's own link probe (a report it must
  // answer), not by the device status: a PIN pad's connection can come back while it still refuses every frame.

  const pending = new Set<Promise<unknown>>();
  const reversals = new ReversalService({
    journal,
    attempts,
    outcome: c.outcome,
    resolution: c.resolution,
    terminals: () => {
      const t = devices.activeTerminal();
      return new Map(t ? [[t.id, t]] : []);
    },
    gateway: () => (gateway.configured() ? gateway : undefined),
    track: (p) => {
      const q = p.catch(() => undefined).finally(() => pending.delete(q));
      pending.add(q);
    },
    log: (event, attemptId, detail) => o.log(`reversals: ${event} attempt=${attemptId}${detail ? ` ${detail}` : ''}`),
  });
  const inDoubt = new InDoubtQueue({ journal, attempts, tickets, outcome: c.outcome, resolution: c.resolution, now: () => journal.now().getTime() });
  const orphanActions = new OrphanActions({ journal, attempts, orphans, tickets, outcome: c.outcome, reversals, registerCode: o.registerCode });

  return {
    coordinator: c,
    receipts,
    finder,
    orphans,
    gateway,
    reversals,
    inDoubt,
    orphanActions,
    async close() {
      await Promise.allSettled([...pending]);
      await c.close();
      await receipts.close();
    },
  };
}

function paymentLogLine(e: PaymentLogEntry): string {
  return ['payments:', e.event, e.attemptId && `attempt=${e.attemptId}`, e.ticketId && `ticket=${e.ticketId}`, e.ecrRef && `ref=${e.ecrRef}`, e.detail]
    .filter(Boolean)
    .join(' ');
}

/** Health of an open journal: its background integrity check decides. */
function openJournalHealth(journal: Journal): StatusSnapshot['journal'] {
  const base = { path: journal.path, schemaVersion: journal.schemaVersion };
  const lost = journal.lostHistory();
  if (lost) return { ...base, healthy: false, message: lost.message };
  const fault = journal.writeHealth();
  const integrity = journal.integrity();
  if (fault && integrity.state !== 'failed') return { ...base, healthy: false, message: fault.message };
  switch (integrity.state) {
    case 'checking':
      return { ...base, healthy: true, message: 'Checking the journal…' };
    case 'failed':
      return { ...base, healthy: false, message: integrity.message };
    case 'error':
      return { ...base, healthy: true, message: integrity.message };
    default:
      return { ...base, healthy: true };
  }
}

/** A small typed emitter; a throwing listener cannot break the others. */
function createEventHub(): HostEvents & { emit<E extends EventName>(name: E, payload: Events[E]): void; clear(): void } {
  const listeners = new Map<EventName, Set<(p: never) => void>>();
  return {
    subscribe(name, cb) {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(cb as (p: never) => void);
      return () => void set.delete(cb as (p: never) => void);
    },
    emit(name, payload) {
      for (const cb of listeners.get(name) ?? []) {
        try {
          (cb as (p: typeof payload) => void)(payload);
        } catch (err) {
          process.stderr.write(`host: ${name} listener failed: ${redactForLog(err)}\n`);
        }
      }
    },
    clear: () => listeners.clear(),
  };
}
