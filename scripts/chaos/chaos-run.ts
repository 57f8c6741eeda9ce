// One chaos run (issue 4 §5, issue 14): N tickets paid by a random cashier on
// three PIN pads (TCP, serial, HTTP) with random faults, random SIGKILLs of
// the register host and kills at named points, the simulators' duplicate
// checks switched on and off in turns, then reconciliation against the
// processor's ledger and its log of every sale request, counted before and
// after the harness's own Find Missing run. See chaos-tally.ts for the counts.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CardknoxClient } from '../../src-main/gateways/cardknox-client.ts';
import { isUnresolved } from '../../src-shared/payment-state-machine.ts';
import { armFault, faultLabel, pickFault } from './chaos-faults.ts';
import { CHAOS_GATEWAY_KEY, startFleet, type Fleet } from './chaos-fleet.ts';
import { askThroughKills, ChaosHost, HostGoneError, HostRefusedError, HostTimeoutError, restartKilledHost } from './chaos-host-client.ts';
import { KILL_POINTS, PAD_IDS, type HostAnswers, type HostRequest, type KillPoint, type PadId } from './chaos-host-protocol.ts';
import { ChaosRandom, streamRandom } from './chaos-random.ts';
import { CHAOS_REGISTER_CODE } from './chaos-register.ts';
import { chaosLine, chaosPassed, lineAgreesWithLedger, tallyChaos, tallyCounts, type ChaosTally } from './chaos-tally.ts';

/** Knobs of a run. */
export interface ChaosOptions {
  payments: number;
  seed: number;
  /** Cashiers working at once (default 3: one per PIN pad, retries may cross). */
  lanes?: number;
  /** Chance a cashier action gets a fault (default 0.3). */
  faultRate?: number;
  /** Chance the host is SIGKILLed during a cashier action (default 0.08). */
  killRate?: number;
  /** Chance a cashier's payment arms a kill at a named point (default 0.05). */
  pointKillRate?: number;
  /** Chance a manager voids or refunds an earlier paid ticket after a ticket (default 0.07). */
  reversalRate?: number;
  /** Tickets per duplicate-check phase: on for the first phase, off for the next, and so on (default 25). */
  duplicatePhase?: number;
  /** Duplicate checks of the processor and PIN pads: in turns (default), or off (on) throughout. */
  duplicateChecks?: 'alternate' | 'off' | 'on';
  /** Only these fault kinds (see FAULT_KINDS; default: all). */
  faultKinds?: readonly string[];
  /** Fail the run unless every named kill point was hit (default: when payments >= 300). */
  requireEveryPoint?: boolean;
  /** A deliberately broken register (the harness's own tests only; see chaos-broken-registers.ts). */
  broken?: string;
  /** Folder for the journal and the logs (default: a new temp folder). */
  dir?: string;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

/** What a run found. */
export interface ChaosResult {
  line: string;
  passed: boolean;
  /** Counts after the harness's Find Missing run (the line's). */
  tally: ChaosTally;
  /** Counts before it. */
  before: ChaosTally;
  kills: number;
  /** Kills by cause (every named point, plus random and startup_timer). */
  killsBy: Record<string, number>;
  /** Faults armed, by label. */
  faults: Record<string, number>;
  /** Tickets driven with the duplicate checks on and off. */
  duplicateCheck: { on: number; off: number };
  /** Manager reversals asked for, by kind (full, partial, over: above what is left, which must be refused). */
  reversals: Record<string, number>;
  ms: number;
  dir: string;
}

const MAX_ACTIONS_PER_TICKET = 10;
const DECLINE_CARD = '4000000000000002';

interface Ctx {
  /** Decisions about restarts; tickets draw from their own streams (streamRandom). */
  rng: ChaosRandom;
  fleet: Fleet;
  host: ChaosHost;
  opts: Required<Omit<ChaosOptions, 'dir' | 'log' | 'broken' | 'requireEveryPoint' | 'faultKinds'>> & { faultKinds?: readonly string[] };
  log: (line: string) => void;
  restarting?: Promise<void>;
  stray: number;
  /** The register's refusals by error code (attempt_unresolved when a cashier did not wait…). */
  refusals: Map<string, number>;
  /** Requests the host never answered (each a bug: every wait has a timeout). */
  hangs: string[];
  faults: Map<string, number>;
  duplicateCheck: { on: number; off: number };
  /** Tickets paid, for the manager to void or refund later. */
  paid: string[];
  reversals: Map<string, number>;
  /** Batch lines the harness's manager found the processor ledger contradicts (it then does not close that batch). */
  contradicted: number;
  /** The end of day has closed the PIN pads' batches: a part of a payment can be refunded now (before, it is refused). */
  batchesClosed: boolean;
}

/** Runs the chaos run end to end; never leaves a process behind. */
export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const started = Date.now();
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-chaos-'));
  const opts = { lanes: 3, faultRate: 0.3, reversalRate: 0.07, killRate: 0.08, pointKillRate: 0.05, duplicatePhase: 25, duplicateChecks: 'alternate' as const, ...options };
  const log = options.log ?? (() => undefined);
  const fleet = await startFleet(dir, { cardTimeMs: 40 });
  const host = new ChaosHost({
    journal: path.join(dir, 'journal.sqlite'),
    gateway: fleet.gatewayUrl,
    key: CHAOS_GATEWAY_KEY,
    tcpPort: fleet.tcpPort,
    serialPath: fleet.serialPath,
    httpPort: fleet.httpPort,
    logFile: path.join(dir, 'host.log'),
    ...(options.broken ? { broken: options.broken } : {}),
  });
  // The restart stream (kills during recovery) is apart from the tickets' streams.
  const ctx: Ctx = {
    rng: new ChaosRandom(opts.seed ^ 0x5eed),
    fleet,
    host,
    opts,
    log,
    stray: 0,
    refusals: new Map(),
    hangs: [],
    faults: new Map(),
    duplicateCheck: { on: 0, off: 0 },
    paid: [],
    reversals: new Map(),
    contradicted: 0,
    batchesClosed: false,
  };
  const managerRng = new ChaosRandom(opts.seed ^ 0xba7c);
  // Interrupted (Ctrl-C, CI timeout): take the simulators and the host down with us.
  const onSignal = (signal: NodeJS.Signals): void => {
    void Promise.allSettled([host.kill(), fleet.stop()]).then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await host.start();
    log(`chaos: simulators and host up after ${Date.now() - started} ms`);
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < opts.payments) {
        const n = next++;
        // A real processor's duplicate window is no guarantee: half the run goes without either check.
        const checking = opts.duplicateChecks === 'alternate' ? Math.floor(n / opts.duplicatePhase) % 2 === 0 : opts.duplicateChecks === 'on';
        if (n % opts.duplicatePhase === 0) {
          await fleet.setDuplicateCheck(checking);
          log(`chaos: duplicate checks ${checking ? 'on' : 'off'} from ticket ${n + 1}`);
        }
        ctx.duplicateCheck[checking ? 'on' : 'off']++;
        await payTicket(ctx, n);
        if (streamRandom(ctx.opts.seed ^ 0x57a7, n).chance(0.03)) await strayCharge(ctx, n);
        const managing = streamRandom(ctx.opts.seed ^ 0x2e7e, n);
        if (managing.chance(opts.reversalRate)) await managerReversal(ctx, managing);
        if ((n + 1) % 25 === 0) log(`chaos: ${n + 1}/${opts.payments} tickets, ${host.kills} kills`);
      }
    };
    await Promise.all(Array.from({ length: opts.lanes }, lane));
    log(`chaos: all tickets driven after ${Date.now() - started} ms`);
    // The manager's end of day, faults and kills still on: close every PIN pad's batch, then refund a few
    // tickets of the closed batches (a void is no longer possible).
    for (const pad of PAD_IDS) await closeBatch(ctx, managerRng, pad);
    ctx.batchesClosed = true;
    for (let i = 0; i < Math.max(3, Math.round(opts.payments / 50)); i++) await managerReversal(ctx, managerRng);
    log(`chaos: batches closed and refunds after close done after ${Date.now() - started} ms`);

    // Quiet the world, let the register resolve everything, count, then reconcile and count again.
    await fleet.clearFaults();
    // One refund of more than is left, asked with nothing going wrong: a random one may have been cut off by a
    // kill, and the run must show every time that the register refuses it (and the ledger that nothing moved).
    await managerReversal(ctx, managerRng, { mode: 'over' });
    const settled = await withHost(ctx, { cmd: 'settle', timeoutMs: 60_000 }, 90_000);
    log(`chaos: settle left ${settled.unresolved} unresolved`);
    const dumpBefore = await withHost(ctx, { cmd: 'dump' }, 120_000);
    const found = await withHost(ctx, { cmd: 'findMissing' }, 120_000);
    log(`chaos: Find Missing Payments attached ${found.attached}`);
    const dump = await withHost(ctx, { cmd: 'dump' }, 120_000);
    await host.shutdown();
    const truth = { ledger: await fleet.ledger(), requests: await fleet.requests() };
    // Kept with the journal for the post-mortem of a failing run (masked card data only).
    fs.writeFileSync(path.join(dir, 'processor-truth.json'), JSON.stringify(truth));
    const before = tallyChaos(truth, dumpBefore, CHAOS_REGISTER_CODE);
    const tally = tallyChaos(truth, dump, CHAOS_REGISTER_CODE);
    for (const f of tally.findings) log(`chaos: finding: ${f}`);
    const killsBy = { ...host.killsBy };
    const missed = KILL_POINTS.filter((p) => killsBy[p] === 0);
    const requireEveryPoint = options.requireEveryPoint ?? opts.payments >= 300;
    log(
      `chaos: detail tickets=${dump.tickets.length} attempts=${dump.attempts.length} sale_requests=${truth.requests.length} stray_charges=${ctx.stray} ` +
        `unpaid_tickets=${tally.unpaidTickets} host_starts=${host.starts} duplicate_check_on=${ctx.duplicateCheck.on} duplicate_check_off=${ctx.duplicateCheck.off} ` +
        `faults=${JSON.stringify(Object.fromEntries(ctx.faults))} reversals=${JSON.stringify(Object.fromEntries(ctx.reversals))} lines_contradicted=${ctx.contradicted} refusals=${JSON.stringify(Object.fromEntries(ctx.refusals))} hangs=${ctx.hangs.length}`,
    );
    log(`chaos: kills per point: ${Object.entries(killsBy).map(([p, n]) => `${p}=${n}`).join(' ')}`);
    if (requireEveryPoint && missed.length > 0) log(`chaos: FAILED: no kill at ${missed.join(', ')}`);
    log(`chaos: before Find Missing: ${tallyCounts(before)}`);
    log(`chaos: after Find Missing:  ${tallyCounts(tally)}`);
    // Counted before forgiving: the run fails on either tally (before it, only the stray charges no register
    // sent may still wait for the harness's run to queue them), on a hang, and on a named point never hit.
    const passed =
      chaosPassed({ ...before, orphansUnflagged: 0 }) && chaosPassed(tally) && ctx.hangs.length === 0 && (!requireEveryPoint || missed.length === 0);
    return {
      line: chaosLine(opts.payments, tally, host.kills, killsBy),
      passed,
      tally,
      before,
      kills: host.kills,
      killsBy,
      faults: Object.fromEntries(ctx.faults),
      duplicateCheck: { ...ctx.duplicateCheck },
      reversals: Object.fromEntries(ctx.reversals),
      ms: Date.now() - started,
      dir,
    };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await host.shutdown().catch(() => undefined);
    await host.kill();
    await fleet.stop();
  }
}

/** One ticket: ring a random total, then pay it like a hurried cashier would. */
async function payTicket(ctx: Ctx, n: number): Promise<void> {
  const { host } = ctx;
  // Each ticket has its own stream, so its decisions do not depend on how the lanes interleave.
  const rng = streamRandom(ctx.opts.seed, n);
  const total = rng.int(100, 30_000);
  const ticket = await withHost(ctx, { cmd: 'createTicket', total });
  let pad: PadId = PAD_IDS[n % PAD_IDS.length];
  for (let action = 0; action < MAX_ACTIONS_PER_TICKET; action++) {
    const view = await withHost(ctx, { cmd: 'ticket', ticketId: ticket.id });
    if (view.ticket.status !== 'open' || view.ticket.due === 0) {
      if (view.attempts.some((a) => a.kind === 'sale' && a.state === 'approved')) ctx.paid.push(ticket.id);
      return;
    }
    const pending = view.attempts.find((a) => isUnresolved(a.state));
    // "Checking…" on screen: most cashiers wait; an impatient one presses Pay again (the register must refuse).
    if (pending && rng.chance(0.75)) {
      await underKillThreat(ctx, rng, host.request({ cmd: 'waitResolved', attemptId: pending.id, timeoutMs: 20_000 }, 30_000));
      continue;
    }
    const behaviour = rng.weighted<string>([['same', 5], ['other_terminal', 2], ['other_amount', 1.5], ['cancel', 1]]);
    if (behaviour === 'other_terminal') pad = rng.pick(PAD_IDS.filter((p) => p !== pad));
    const due = view.ticket.due;
    const amount = behaviour === 'other_amount' && due > 1 ? rng.int(1, due - 1) : due;
    const cancelAfterMs = behaviour === 'cancel' ? rng.int(0, 80) : undefined;
    const setup: Promise<void>[] = [];
    if (rng.chance(ctx.opts.faultRate)) {
      const f = pickFault(rng, ctx.opts.faultKinds);
      ctx.faults.set(faultLabel(f), (ctx.faults.get(faultLabel(f)) ?? 0) + 1);
      ctx.log(`chaos: ticket ${ticket.number} ${behaviour} on ${pad}, fault ${faultLabel(f)}`);
      setup.push(armFault(ctx.fleet, pad, f));
    }
    if (rng.chance(0.06)) setup.push(ctx.fleet.presentCard(pad, DECLINE_CARD));
    await Promise.all(setup);
    const killAt = rng.chance(ctx.opts.pointKillRate) ? pickPoint(ctx, rng) : undefined;
    await underKillThreat(ctx, rng, host.request({ cmd: 'start', ticketId: ticket.id, amount, terminalId: pad, cancelAfterMs, ...(killAt ? { killAt } : {}) }, 60_000));
  }
}

/**
 * A manager voids or refunds (part of) a card payment of an earlier paid
 * ticket through reversal.start, as the Void or refund… dialog does: the whole
 * rest, a part, or more than is left (which the register must refuse). A
 * fault may be armed on its PIN pad or the gateway, a kill at the named point
 * reversal_sent (journaled, nothing sent yet) or at a random moment.
 */
async function managerReversal(ctx: Ctx, rng: ChaosRandom, forced?: { mode: 'over' }): Promise<void> {
  if (ctx.paid.length === 0) return;
  let sales: Awaited<ReturnType<typeof ticketSales>> = [];
  // A forced ask looks further for a ticket with an approved card sale; a random one takes the first pick.
  for (let tries = forced ? 20 : 1; tries > 0 && sales.length === 0; tries--) sales = await ticketSales(ctx, rng.pick(ctx.paid));
  if (sales.length === 0) return;
  const original = rng.pick(sales);
  let mode = forced?.mode ?? rng.weighted<string>([['full', 4], ['partial', 4.5], ['over', 1.5]]);
  let amount = mode === 'partial' && original.amountApproved > 1 ? rng.int(1, original.amountApproved - 1) : mode === 'over' ? original.amountApproved + rng.int(1, 500) : undefined;
  const pad = (PAD_IDS as readonly string[]).includes(original.terminalId) ? (original.terminalId as PadId) : PAD_IDS[0];
  // A forced ask runs in a quiet world (no fault, no kill) so the run always shows the register refusing it.
  if (!forced && rng.chance(ctx.opts.faultRate)) {
    const f = pickFault(rng, ctx.opts.faultKinds);
    ctx.faults.set(faultLabel(f), (ctx.faults.get(faultLabel(f)) ?? 0) + 1);
    await armFault(ctx.fleet, pad, f);
  }
  const killChance = forced ? 0 : ctx.host.killsBy.reversal_sent === 0 ? Math.max(0.4, ctx.opts.pointKillRate) : ctx.opts.pointKillRate * 2;
  const killAt: KillPoint | undefined = rng.chance(killChance) ? 'reversal_sent' : undefined;
  // A part asked while the batch is open is refused before anything is journaled: a kill armed for it would never
  // fire, so that manager gives the whole payment back instead.
  if (killAt && mode === 'partial' && !ctx.batchesClosed) {
    mode = 'full';
    amount = undefined;
  }
  ctx.reversals.set(mode, (ctx.reversals.get(mode) ?? 0) + 1);
  ctx.log(`chaos: manager ${mode} reversal of ${original.ecrRef}${amount !== undefined ? ` for ${amount}` : ''}${killAt ? ', kill armed' : ''}`);
  const reason = `Chaos run: customer asked for a ${mode === 'full' ? 'full' : 'partial'} refund`;
  const asked = ctx.host.request({ cmd: 'reverse', attemptId: original.id, reason, ...(amount !== undefined ? { amount } : {}), ...(killAt ? { killAt } : {}) }, 60_000);
  if (forced) await asked.catch((err: unknown) => ignoreRefusal(ctx, err));
  else await underKillThreat(ctx, rng, asked);
}

/** The approved card sales of a ticket. */
async function ticketSales(ctx: Ctx, ticketId: string) {
  const view = await withHost(ctx, { cmd: 'ticket', ticketId });
  return view.attempts.filter((a) => a.kind === 'sale' && a.state === 'approved');
}

/**
 * Closes a PIN pad's batch as a manager would: let the register settle what is
 * in doubt, open the batch, check each open line against the processor's
 * ledger, resolve (charges the register has no record of go to the orphan
 * queue) or sign it off with the reason, then close. A line the ledger
 * contradicts is left open and the batch is not closed (the tally counts it).
 * Faults and kills go on throughout; a refused or killed step is tried again.
 */
async function closeBatch(ctx: Ctx, rng: ChaosRandom, pad: PadId): Promise<void> {
  for (let round = 0; round < 6; round++) {
    await withHost(ctx, { cmd: 'settle', timeoutMs: 20_000 }, 40_000);
    let snapshot: HostAnswers['batchOpen'];
    try {
      snapshot = await withHost(ctx, { cmd: 'batchOpen', terminalId: pad });
    } catch (err) {
      ignoreRefusal(ctx, err);
      continue;
    }
    const open = snapshot.lines.filter((l) => l.status === 'open');
    if (open.some((l) => l.type === 'in_doubt')) continue;
    const ledger = await ctx.fleet.ledger();
    const { attempts } = await withHost(ctx, { cmd: 'dump' }, 120_000);
    const contradicted = open.filter((l) => !lineAgreesWithLedger(l, ledger, attempts));
    if (contradicted.length > 0) {
      ctx.contradicted += contradicted.length;
      for (const l of contradicted) ctx.log(`chaos: batch of ${pad}: line ${l.type} on ${l.invoice ?? 'the totals'} is not what the processor ledger shows; batch left open`);
      return;
    }
    for (const l of open) {
      const why = `Checked against the processor's ledger: ${l.type.replace(/_/g, ' ')} confirmed for ${l.invoice ?? 'the batch totals'}`;
      const queues = l.type === 'charged_not_recorded' || l.type === 'duplicate_charge';
      await withHost(ctx, queues ? { cmd: 'batchResolve', lineId: l.id, resolution: why } : { cmd: 'batchSignOff', lineId: l.id, reason: why }).catch((err: unknown) => ignoreRefusal(ctx, err));
    }
    if (rng.chance(ctx.opts.faultRate)) {
      const f = pickFault(rng, ctx.opts.faultKinds);
      ctx.faults.set(faultLabel(f), (ctx.faults.get(faultLabel(f)) ?? 0) + 1);
      await armFault(ctx.fleet, pad, f);
    }
    let closed = false;
    await underKillThreat(ctx, rng, ctx.host.request({ cmd: 'batchClose', terminalId: pad }, 60_000).then(() => void (closed = true)));
    ctx.log(`chaos: batch of ${pad} ${closed ? 'closed' : 'not closed, trying again'}`);
    if (closed) return;
  }
  ctx.log(`chaos: batch of ${pad} could not be closed after 6 rounds`);
}

/** A named point to kill at during a payment; points not hit yet are favoured, so every run reaches each. */
function pickPoint(ctx: Ctx, rng: ChaosRandom): KillPoint {
  const during: KillPoint[] = ['after_commit', 'pad_charged', 'find_missing_attach'];
  return rng.weighted(during.map((p) => [p, ctx.host.killsBy[p] === 0 ? 4 : 1] as const));
}

/**
 * Awaits a host request while, by chance, a SIGKILL lands 0-800 ms into it;
 * restarts the host after a kill. Refusals are normal; a request the host
 * never answers is a hang: noted, the host is killed and started again.
 */
async function underKillThreat(ctx: Ctx, rng: ChaosRandom, request: Promise<unknown>): Promise<void> {
  const killAfter = rng.chance(ctx.opts.killRate) ? rng.int(0, 800) : undefined;
  let killing: Promise<void> | undefined;
  const timer = killAfter === undefined ? undefined : setTimeout(() => (killing = ctx.host.kill()), killAfter);
  try {
    await request;
  } catch (err) {
    if (err instanceof HostTimeoutError) {
      ctx.hangs.push(err.message);
      ctx.log(`chaos: HANG: ${err.message}`);
      await ctx.host.kill(false);
    } else ignoreRefusal(ctx, err);
  } finally {
    clearTimeout(timer);
    await killing;
  }
  if (!ctx.host.running) await ensureHost(ctx);
}

/** A charge keyed at the gateway with an invoice no register sent: Find Missing must put it in the orphan queue. */
async function strayCharge(ctx: Ctx, n: number): Promise<void> {
  const client = new CardknoxClient({ url: ctx.fleet.gatewayUrl, key: CHAOS_GATEWAY_KEY, softwareName: 'ChaosVirtualTerminal', softwareVersion: '0.1', currency: 'USD', timeoutMs: 5000 });
  const r = await client.sale({ amount: { amount: 100 + ((n * 7919) % 9_900), currency: 'USD' }, token: 'tok_visa', invoice: `STRAY${n}` }).catch(() => undefined);
  if (r?.outcome === 'approved') ctx.stray++;
}

/** Sends a request, restarting the host (and asking again) when it was killed meanwhile. */
function withHost<C extends HostRequest['cmd']>(ctx: Ctx, req: Extract<HostRequest, { cmd: C }>, timeoutMs = 60_000): Promise<HostAnswers[C]> {
  return askThroughKills(
    () => ensureHost(ctx),
    () => ctx.host.request(req, timeoutMs),
  );
}

/** Starts the host again after a kill; sometimes kills it again during its recovery. Lanes share one restart. */
function ensureHost(ctx: Ctx): Promise<void> {
  return restartKilledHost(
    ctx,
    () => {
      // Some restarts die in their recovery: at the named point (armed at spawn) or at a random moment.
      const atRecovery = ctx.rng.chance(ctx.host.killsBy.startup_recovery === 0 ? 0.5 : 0.15);
      const killAfter = !atRecovery && ctx.rng.chance(0.15) ? ctx.rng.int(50, 1500) : undefined;
      return ctx.host.start(killAfter, atRecovery ? ['startup_recovery'] : []);
    },
    'chaos',
  );
}

function ignoreRefusal(ctx: Ctx, err: unknown): void {
  // The register saying no (attempt unresolved, amount too high…) is normal cashier life.
  if (err instanceof HostRefusedError) {
    ctx.refusals.set(err.code, (ctx.refusals.get(err.code) ?? 0) + 1);
    return;
  }
  if (err instanceof HostGoneError) return;
  throw err;
}
