// The chaos host: a register built from the real parts (journal file,
// TicketService, PaymentCoordinator, three PaxTerminals on TCP / serial / HTTP,
// the Cardknox client) driven over stdin/stdout by the chaos driver, which
// SIGKILLs it at random moments and starts it again on the same journal.
// On start it recovers (resolves every sent / in_doubt attempt) and then says
// it is ready.
//   chaos-host.ts --journal PATH --gateway URL --key K --tcp PORT --serial PATH --http PORT
//   (store runs: --register-code C --store-url URL, the TCP PIN pad only)

import fs from 'node:fs';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { createPaxTerminal } from '../../drivers/pax/pax-terminal-factory.ts';
import type { PaxTerminal } from '../../drivers/pax/pax-terminal.ts';
import { AppError } from '../../src-shared/errors.ts';
import { redactText } from '../../src-shared/card.ts';
import { isUnresolved } from '../../src-shared/payment-state-machine.ts';
import { CardknoxClient } from '../../src-main/gateways/cardknox-client.ts';
import { openJournal } from '../../src-main/journal/journal.ts';
import { PaymentCoordinator } from '../../src-main/payments/payment-coordinator.ts';
import { AttemptRepository } from '../../src-main/journal/attempt-repository.ts';
import { MissingPaymentFinder } from '../../src-main/reconcile/find-missing.ts';
import { OrphanRepository } from '../../src-main/reconcile/orphan-repository.ts';
import { TicketService } from '../../src-main/tickets/ticket-service.ts';
import { IpcDispatcher } from '../../src-main/ipc/ipc-dispatcher.ts';
import { BatchService } from '../../src-main/settlement/batch-service.ts';
import { createBatchHandlers } from '../../src-main/settlement/batch-handlers.ts';
import { createReversalHandlers } from '../../src-main/settlement/reversal-handlers.ts';
import { ReversalService } from '../../src-main/settlement/reversal-service.ts';
import { createManagerGuard, createStaffHandlers } from '../../src-main/staff/staff-handlers.ts';
import { StaffService } from '../../src-main/staff/staff-service.ts';
import { TEST_HASH_PARAMS } from '../../src-main/staff/staff-test-rig.ts';
import type { Handlers } from '../../src-shared/ipc-contract.ts';
import type { ManagerSession } from '../../src-shared/staff.ts';
import type { HostAnswers, HostLine, HostRequest, JournalDump, KillPoint, TicketView } from './chaos-host-protocol.ts';
import { BROKEN_ENV, KILL_ENV, KILL_POINTS, PAD_IDS } from './chaos-host-protocol.ts';
import { brokenSeams, isBrokenRegister } from './chaos-broken-registers.ts';
import { CHAOS_REGISTER, storeRegister } from './chaos-register.ts';
import { BROKEN_STORE_REGISTERS, startChaosStoreParts } from './chaos-store-register.ts';


/** Prices a ticket total is rung from (the total is any whole number of cents). */
const CATALOG = [
  { id: 'd1000', name: 'Ten', price: 1000, currency: 'USD', category: 'chaos' },
  { id: 'd100', name: 'One', price: 100, currency: 'USD', category: 'chaos' },
  { id: 'd1', name: 'Cent', price: 1, currency: 'USD', category: 'chaos' },
];

/** Short waits: a lost answer must become in_doubt in about a second, not minutes. */
const PAX_TIMEOUTS = { transactionMs: 1500, adminMs: 1000, cancelMs: 600, batchMs: 3000, connectMs: 700 };

const { values: args } = parseArgs({
  options: {
    journal: { type: 'string' },
    gateway: { type: 'string' },
    key: { type: 'string' },
    tcp: { type: 'string' },
    serial: { type: 'string' },
    http: { type: 'string' },
    'register-code': { type: 'string' },
    'store-url': { type: 'string' },
  },
  strict: true,
});
// A store run's register has its own code and only its TCP PIN pad.
const storeRun = args['store-url'] !== undefined;
for (const k of storeRun ? (['journal', 'gateway', 'key', 'tcp', 'register-code'] as const) : (['journal', 'gateway', 'key', 'tcp', 'serial', 'http'] as const)) {
  if (!args[k]) {
    process.stderr.write(`chaos-host: --${k} is required\n`);
    process.exit(2);
  }
}

const out = (line: HostLine): void => void process.stdout.write(`${JSON.stringify(line)}\n`);
const logLine = (e: object): void => void process.stderr.write(`${JSON.stringify({ t: Date.now(), pid: process.pid, ...e })}\n`);

const register = storeRun ? storeRegister(args['register-code']!) : CHAOS_REGISTER;
const journal = openJournal({ path: args.journal! });
// Store runs: the outbox relay deletes every row it sent, and the old cells it leaves in free space run a
// masked number, an auth code and a processor reference together where the card-data scan cannot split them
// into columns (seen: "128486" + "1000000034" + "xxxxxxxxxxxx1111", Luhn-valid by chance). Zeroing freed
// cells keeps the scan able to tell; the register's own journal settings are the journal's business.
if (storeRun) journal.db.pragma('secure_delete = ON');
const tickets = new TicketService(journal, { register, currency: 'USD', catalog: CATALOG });
const client = new CardknoxClient({
  url: args.gateway!,
  key: args.key!,
  softwareName: 'CashierDeskChaos',
  softwareVersion: '0.1',
  currency: 'USD',
  timeoutMs: 1500,
});
const terminals: PaxTerminal[] = [
  createPaxTerminal({ id: PAD_IDS[0], transport: 'tcp', host: '127.0.0.1', port: Number(args.tcp), timeouts: PAX_TIMEOUTS }),
  ...(args.serial ? [createPaxTerminal({ id: PAD_IDS[1], transport: 'serial', serialPath: args.serial, timeouts: PAX_TIMEOUTS })] : []),
  ...(args.http ? [createPaxTerminal({ id: PAD_IDS[2], transport: 'http', host: '127.0.0.1', port: Number(args.http), timeouts: PAX_TIMEOUTS })] : []),
];
// Kill points armed now (from the environment at spawn, then by 'start' requests); each fires once.
const armed = new Set<KillPoint>((process.env[KILL_ENV] ?? '').split(',').filter((p): p is KillPoint => (KILL_POINTS as readonly string[]).includes(p)));
function atPoint(point: KillPoint): void {
  if (!armed.has(point)) return;
  // Written synchronously so the driver learns which point killed us before the pipe closes.
  fs.writeSync(1, `${JSON.stringify({ event: 'kill_point', point } satisfies HostLine)}\n`);
  process.kill(process.pid, 'SIGKILL');
}
const broken = process.env[BROKEN_ENV] ?? '';
const brokenStore = (BROKEN_STORE_REGISTERS as readonly string[]).includes(broken);
if (broken !== '' && !isBrokenRegister(broken) && !brokenStore) {
  process.stderr.write(`chaos-host: unknown ${BROKEN_ENV} ${broken}\n`);
  process.exit(2);
}

const attempts = new AttemptRepository(journal);
const orphans = new OrphanRepository(journal);
const finder = new MissingPaymentFinder({
  journal,
  attempts,
  tickets,
  orphans,
  gateway: client,
  registerCode: register.code,
  beforeAttach: () => atPoint('find_missing_attach'),
});
const coordinator = new PaymentCoordinator({
  journal,
  tickets,
  attempts,
  missingPayments: finder,
  registerCode: register.code,
  terminals,
  gateway: client,
  saleTimeoutMs: PAX_TIMEOUTS.transactionMs,
  lookupTimeoutMs: PAX_TIMEOUTS.adminMs,
  backoff: { initialMs: 100, maxMs: 1000 },
  // How late this world's bank may be, counted from the attempt's creation: a PIN pad busy with sales
  // queued ahead (its host wait is 5 s each) sends ours seconds late, and the late-charge fault then lands
  // up to 7 s after that (seed 20261122 saw a request reach the processor 5.1 s after the attempt was sent).
  // Real registers wait 90 s (the default).
  hostSettleMs: 20_000,
  log: (e) => logLine(e),
  testSeams: {
    ...(broken !== '' && isBrokenRegister(broken) ? brokenSeams(broken) : {}),
    atPoint: (point) => atPoint(point),
  },
});
coordinator.onAttemptChanged((snapshot) => out({ event: 'attempt', snapshot }));

// Store runs: relay, duplicate check, charge and queue pushes, through this register's link proxy.
const store = storeRun
  ? startChaosStoreParts({ storeUrl: args['store-url']!, registerId: register.id, registerName: register.name, journal, coordinator, tickets, orphans, terminals, broken, log: logLine })
  : undefined;

// The manager's side (issue 11 §6): voids, refunds and batch close through the register's own services and
// IPC handlers, behind the real dispatcher and its manager guard, with a manager signed in by PIN.
const pendingReversals = new Set<Promise<unknown>>();
const reversals = new ReversalService({
  journal,
  attempts,
  outcome: coordinator.outcome,
  resolution: coordinator.resolution,
  terminals: () => new Map(terminals.map((t) => [t.id, t])),
  gateway: () => client,
  timeoutMs: PAX_TIMEOUTS.transactionMs,
  track: (p) => {
    const q = p.catch(() => undefined).finally(() => pendingReversals.delete(q));
    pendingReversals.add(q);
  },
  log: (event, attemptId, detail) => {
    logLine({ event: `reversal_${event}`, attemptId, detail });
    // Journaled as sent, nothing on the wire yet: the reversal's own "after commit" point.
    if (event === 'reversal_sent') atPoint('reversal_sent');
  },
});
const batches = new BatchService({
  journal,
  terminal: (id) => terminals.find((t) => t.id === id),
  gatewayReport: (begin, end) => client.report({ begin, end }),
  orphans,
  currency: 'USD',
  registerCode: register.code,
  log: (line) => logLine({ event: 'batch', detail: line }),
});
// Sessions do not go idle during a run: the harness's manager acts minutes apart.
const staff = new StaffService(journal, { registerId: register.id, hashParams: TEST_HASH_PARAMS, idleSeconds: 86_400 });
const notHere = (): never => {
  throw new AppError('invalid_request', 'Not part of the chaos register.');
};
// Only the commands the harness's manager uses; the dispatcher refuses the rest as unknown to this register.
const dispatcher = new IpcDispatcher(
  {
    ...createStaffHandlers(() => staff),
    ...createReversalHandlers({ reversals: () => reversals, inDoubt: notHere, orphanActions: notHere, coordinator: () => coordinator }),
    ...createBatchHandlers(() => batches),
  } as Handlers,
  { requireManager: createManagerGuard(() => staff), log: (e) => logLine({ event: 'ipc', ...e }) },
);
const CHAOS_MANAGER_PIN = '24680';
let manager: ManagerSession | undefined;
let ipcId = 0;

/** Sends one IPC command as the register's UI would; a refusal becomes the AppError it carried. */
async function ipc<T>(method: string, params: object, session?: string): Promise<T> {
  const r = await dispatcher.dispatch(JSON.stringify({ kind: 'request', id: ++ipcId, method, params, ...(session ? { session } : {}) }), 'chaos');
  if (!r.ok) throw new AppError(r.error.code as never, r.error.message);
  return r.result as T;
}

/** The manager's session: the manager is added once per journal (as staff-cli does), then signs in by PIN. */
async function managerSession(): Promise<string> {
  if (manager) return manager.token;
  if (staff.repo.activeManagers() === 0) await staff.add({ name: 'Chaos Manager', role: 'manager', pin: CHAOS_MANAGER_PIN }, 'chaos-setup');
  manager = await ipc<ManagerSession>('staff.signIn', { pin: CHAOS_MANAGER_PIN });
  return manager.token;
}

async function asManager<T>(method: string, params: object): Promise<T> {
  return ipc<T>(method, params, await managerSession());
}

/** Batches with their lines and the sale invoices of each (the PIN pad's attempts in its window). */
function batchViews(): NonNullable<JournalDump['batches']> {
  const rows = journal.db.prepare('SELECT id, terminal_id AS terminalId, status, opened_at AS openedAt, closed_at AS closedAt FROM batches ORDER BY opened_at').all() as {
    id: string; terminalId: string; status: 'open' | 'closed'; openedAt: string; closedAt: string | null;
  }[];
  const invoices = journal.db.prepare(
    "SELECT DISTINCT invoice FROM payment_attempts WHERE terminal_id = ? AND kind IN ('sale', 'capture') AND created_at >= ? AND (? IS NULL OR created_at < ?)",
  ).pluck();
  return rows.map((b) => ({ id: b.id, terminalId: b.terminalId, status: b.status, lines: batches.repo.lines(b.id), invoices: invoices.all(b.terminalId, b.openedAt, b.closedAt, b.closedAt) as string[] }));
}

function createTicket(total: number): HostAnswers['createTicket'] {
  const t = tickets.create();
  const parts: [string, number][] = [
    ['d1000', Math.floor(total / 1000)],
    ['d100', Math.floor((total % 1000) / 100)],
    ['d1', total % 100],
  ];
  for (const [item, qty] of parts) if (qty > 0) tickets.addLine(t.id, item, qty);
  return tickets.get(t.id);
}

/** Starts a sale; with cancelAfterMs, the cashier presses Cancel that long after the attempt was sent. */
async function start(ticketId: string, amount: number, terminalId: string, cancelAfterMs?: number, confirmDuplicate = false): Promise<HostAnswers['start']> {
  // As payment.start does: no card is read for a ticket the coordinator will refuse anyway.
  if (store && !coordinator.attemptsOf(ticketId).some((a) => isUnresolved(a.state))) await store.beforeSale(ticketId, amount, terminalId, confirmDuplicate);
  if (cancelAfterMs === undefined) return coordinator.start(ticketId, amount, terminalId);
  let timer: NodeJS.Timeout | undefined;
  const stop = coordinator.onAttemptChanged((s) => {
    if (s.ticketId !== ticketId || s.state !== 'sent' || timer) return;
    timer = setTimeout(() => {
      coordinator.cancel(s.id).catch((err: unknown) => logLine({ event: 'chaos_cancel_failed', detail: String(err) }));
    }, cancelAfterMs);
  });
  try {
    return await coordinator.start(ticketId, amount, terminalId);
  } finally {
    stop();
  }
}

/** Resolution passes until nothing is unresolved or the deadline passes. */
async function settle(timeoutMs: number): Promise<HostAnswers['settle']> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = coordinator.attempts.findUnresolved();
    if (left.length === 0 || Date.now() > deadline) return { unresolved: left.length };
    await Promise.all(left.map((r) => coordinator.resolve(r.id).catch(() => undefined)));
    await new Promise((r) => setTimeout(r, 100));
  }
}

function view(ticketId: string): TicketView {
  return { ticket: tickets.get(ticketId), attempts: coordinator.attempts.findByTicket(ticketId) };
}

function dump(): JournalDump {
  const ids = journal.db.prepare('SELECT id FROM tickets ORDER BY number').all() as { id: string }[];
  const all = ids.map((r) => view(r.id));
  const queued = orphans.listOpen().map((o) => ({ refNum: o.refNum, invoice: o.invoice, amount: o.amount }));
  const voided = journal.db
    .prepare("SELECT r.original_attempt_id FROM reversals r JOIN payment_attempts a ON a.id = r.reversal_attempt_id WHERE r.kind = 'void' AND a.state = 'approved'")
    .pluck()
    .all() as string[];
  return { tickets: all.map((v) => v.ticket), attempts: all.flatMap((v) => v.attempts), orphans: queued, batches: batchViews(), voided };
}

async function handle(req: HostRequest): Promise<unknown> {
  switch (req.cmd) {
    case 'createTicket':
      return createTicket(req.total);
    case 'start':
      if (req.killAt) armed.add(req.killAt);
      return start(req.ticketId, req.amount, req.terminalId, req.cancelAfterMs, req.confirmDuplicate);
    case 'ticket':
      return view(req.ticketId);
    case 'waitResolved':
      return coordinator.waitForResolution(req.attemptId, req.timeoutMs);
    case 'settle':
      return settle(req.timeoutMs);
    case 'findMissing': {
      const r = await coordinator.findMissing();
      return { attached: r.attached.length };
    }
    case 'dump':
      return dump();
    case 'reverse':
      if (req.killAt) armed.add(req.killAt);
      return asManager('reversal.start', { attemptId: req.attemptId, reason: req.reason, ...(req.amount !== undefined ? { amount: req.amount } : {}) });
    case 'batchOpen':
      return asManager('batch.open', { terminalId: req.terminalId });
    case 'batchResolve':
      return asManager('batch.resolve', { lineId: req.lineId, resolution: req.resolution });
    case 'batchSignOff':
      return asManager('batch.signOff', { lineId: req.lineId, reason: req.reason });
    case 'batchClose':
      return asManager('batch.close', { terminalId: req.terminalId });
    case 'storeFlush':
      if (!store) throw new AppError('invalid_request', 'This register has no store.');
      await store.flush(req.timeoutMs);
      return { ok: true };
    case 'shutdown':
      await Promise.allSettled([...pendingReversals]);
      await store?.stop();
      await coordinator.close();
      for (const t of terminals) await t.close();
      journal.close();
      setImmediate(() => process.exit(0));
      return { ok: true };
    default:
      throw new AppError('invalid_request', `Unknown chaos host command ${(req as { cmd: string }).cmd}`);
  }
}

async function main(): Promise<void> {
  const recovered = await coordinator.recoverOnStartup();
  out({ event: 'ready', recovered: recovered.length, stillUnresolved: recovered.filter((s) => isUnresolved(s.state)).length });
  const rl = readline.createInterface({ input: process.stdin });
  rl.on('line', (line) => {
    let msg: { id: number } & HostRequest;
    try {
      msg = JSON.parse(line) as { id: number } & HostRequest;
    } catch {
      logLine({ event: 'chaos_bad_line' });
      return;
    }
    handle(msg).then(
      (value) => out({ re: msg.id, ok: true, value }),
      (err: unknown) => {
        // Not a refusal of the register's, or one that says it is a bug: kept with its stack for the post-mortem
        // (the driver only counts it as 'internal').
        if (!(err instanceof AppError) || err.code === 'internal') {
          logLine({ event: 'chaos_host_error', cmd: msg.cmd, detail: err instanceof Error ? redactText(err.stack ?? err.message) : redactText(String(err)) });
        }
        out({
          re: msg.id,
          ok: false,
          error:
            err instanceof AppError
              ? { code: err.code, message: err.message, ...(err.details?.crossRegisterDuplicate === true ? { warning: 'cross_register_duplicate' } : {}) }
              : { code: 'internal', message: err instanceof Error ? err.message : String(err) },
        });
      },
    );
  });
  // The driver closing our stdin means it is gone: do not linger.
  rl.on('close', () => process.exit(0));
}

void main().catch((err: unknown) => {
  logLine({ event: 'chaos_host_failed', detail: err instanceof Error ? err.stack : String(err) });
  process.exit(1);
});
