// One folio chaos run (issue 12 §6): N guests, each with a random folio life
// on the purser room of a host process (folio-chaos-host.ts): card
// registrations on the PIN pad, online and offline (its host link down: a
// temporary token), the decline card now and then (an initial authorisation
// declined), postings raising incremental authorisations, a manual "add
// authorisation" (sometimes for an amount the issuer declines), checkout
// (settlement, part in cash now and then), voids and refunds; meanwhile the
// gateway goes offline for a while, one-shot faults lose answers, the
// processor's duplicate check and the auto-increment parameter change in
// phases, the processor settles its batch, and the host is SIGKILLed at
// random and at the sender's named points, then restarted on its journal.
// After a quiet final drain the processor's truth is tallied
// (folio-chaos-tally.ts). Reuses the payments chaos run's machinery: host
// client, child processes, seeded random.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FaultSpec } from '../../src-main/gateways/simulator/gateway-faults.ts';
import { askThroughKills, ChaosHost, HostGoneError, HostRefusedError, HostTimeoutError, restartKilledHost } from './chaos-host-client.ts';
import { ChaosRandom, streamRandom } from './chaos-random.ts';
import { startFolioFleet, type FolioFleet } from './folio-chaos-fleet.ts';
import { FOLIO_KILL_POINTS, type FolioAnswers, type FolioKillPoint, type FolioRequest } from './folio-chaos-protocol.ts';
import { folioLine, folioPassed, parseDoorLog, tallyFolio, type FolioTally } from './folio-chaos-tally.ts';

/** Knobs of a run. */
export interface FolioChaosOptions {
  folios: number;
  seed: number;
  /** Chance a purser action is SIGKILLed 0-300 ms into it (default 0.04). */
  killRate?: number;
  /** Chance a purser action first arms a named kill point (default 0.06). */
  pointKillRate?: number;
  /** Chance a posting is preceded by a one-shot gateway fault that loses an answer (default 0.15). */
  faultRate?: number;
  /** Only these of FOLIO_FAULT_KINDS (default: all). */
  faultKinds?: readonly FolioFaultKind[];
  /** Chance the gateway goes offline before a posting (default 0.06) and a registration is made with the PIN pad offline (default the same ×3). */
  offlineRate?: number;
  /** Processor and PIN pad duplicate checks: on and off in phases of 25 guests (default), or always on / off. */
  duplicateChecks?: 'alternate' | 'on' | 'off';
  /** Auto incremental authorisation: on and off in phases of 25 guests (default), or always on / off. */
  autoIncrements?: 'alternate' | 'on' | 'off';
  /** The processor's capture tolerance (default: its own, 15 %); the broken-checkout test makes it lax. */
  processorTolerancePercent?: number;
  /** Fail unless every named kill point was hit (default: runs of 40+ guests). */
  requireEveryPoint?: boolean;
  /** How long the final drain may take, ms (default 45 s). */
  drainMs?: number;
  /** A deliberately broken host (the harness's own tests; folio-chaos-broken.ts). */
  broken?: string;
  dir?: string;
  log?: (line: string) => void;
}

/** What a run found. */
export interface FolioChaosResult {
  line: string;
  /** Kills per point, the other line. */
  killsLine: string;
  passed: boolean;
  tally: FolioTally;
  kills: number;
  killsBy: Record<string, number>;
  missedPoints: string[];
  ms: number;
  dir: string;
}

/** Test cards the PIN pad simulator reads (well-known test numbers, not real cards). */
const CARDS = ['4111111111111111', '5555555555554444', '4012888888881881', '378282246310005'];
/** The simulators' decline card: an initial authorisation declined. */
const DECLINE_CARD = '4000000000000002';
/** An amount ending in 51 cents the simulated issuer declines (pax-simulator-rules.ts DECLINE_CENTS). */
const declinedAmount = (rng: ChaosRandom): number => rng.int(10, 150) * 100 + 51;

type Host = ChaosHost<FolioRequest, FolioAnswers>;

interface Ctx {
  rng: ChaosRandom;
  fleet: FolioFleet;
  host: Host;
  opts: Required<Omit<FolioChaosOptions, 'dir' | 'log' | 'broken' | 'requireEveryPoint' | 'processorTolerancePercent' | 'faultKinds'>> & { faultKinds?: readonly FolioFaultKind[] };
  log: (line: string) => void;
  restarting?: Promise<void>;
  hangs: string[];
  /**
   * Named points armed and the host's kill count at that point when armed: an arm dies with the host that
   * held it, so a restart (before the quiet end) arms again those not hit since. Otherwise a pass held up by
   * one unanswered request while the driver runs through the last guests, then a kill elsewhere, could leave
   * a short run without a kill at some point for reasons of timing alone.
   */
  armed: Map<FolioKillPoint, number>;
  refusals: Map<string, number>;
  gatewayOffline: number;
  padOffline: number;
  /** Set for the quiet end: no more kills. */
  quiet: boolean;
}

/** Runs the folio chaos run end to end; never leaves a process behind. */
export async function runFolioChaos(options: FolioChaosOptions): Promise<FolioChaosResult> {
  const started = Date.now();
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-folio-chaos-'));
  const opts = { killRate: 0.04, pointKillRate: 0.06, faultRate: 0.15, offlineRate: 0.06, duplicateChecks: 'alternate' as const, autoIncrements: 'alternate' as const, drainMs: 45_000, ...options };
  const log = options.log ?? (() => undefined);
  const fleet = await startFolioFleet(dir);
  const host: Host = new ChaosHost<FolioRequest, FolioAnswers>({
    script: 'scripts/chaos/folio-chaos-host.ts',
    argv: ['--journal', path.join(dir, 'journal.sqlite'), '--gateway', fleet.gatewayUrl, '--key', fleet.key, '--tcp', String(fleet.tcpPort)],
    logFile: path.join(dir, 'host.log'),
    points: FOLIO_KILL_POINTS,
    ...(options.broken ? { broken: options.broken } : {}),
  });
  const ctx: Ctx = { rng: new ChaosRandom(opts.seed ^ 0xf011), fleet, host, opts, log, hangs: [], armed: new Map(), refusals: new Map(), gatewayOffline: 0, padOffline: 0, quiet: false };
  const onSignal = (signal: NodeJS.Signals): void => {
    void Promise.allSettled([host.kill(), fleet.stop()]).then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (options.processorTolerancePercent !== undefined) await fleet.setRules({ captureTolerancePercent: options.processorTolerancePercent });
    await host.start();
    // Passes every quarter second (the host quarters the interval), a short wait on the PIN pad.
    await withHost(ctx, { cmd: 'setParameter', name: 'resendIntervalSeconds', value: 1 });
    await withHost(ctx, { cmd: 'setParameter', name: 'onlineTimeoutSeconds', value: 5 });
    log(`folio chaos: simulators and host up after ${Date.now() - started} ms`);
    for (let n = 0; n < opts.folios; n++) {
      if (n % 25 === 0) await phase(ctx, n);
      if (n % 20 === 19) await fleet.settle();
      await folio(ctx, n);
      if ((n + 1) % 25 === 0) log(`folio chaos: ${n + 1}/${opts.folios} guests, ${host.kills} kills`);
    }
    log(`folio chaos: all guests driven after ${Date.now() - started} ms`);

    // Quiet: both links back, no more kills armed by the driver, then let the sender drain.
    ctx.quiet = true;
    await fleet.gatewayOffline(false);
    await fleet.padOffline(false);
    let open = -1;
    // A drain checks its deadline between passes, and a pass may wait out a few request timeouts: a minute's grace.
    for (let i = 0; i < 3 && open !== 0; i++) open = (await withHost(ctx, { cmd: 'drain', timeoutMs: Math.round(opts.drainMs / 3) }, opts.drainMs + 60_000)).open;
    log(`folio chaos: final drain left ${open} open after ${Date.now() - started} ms`);
    const dump = await withHost(ctx, { cmd: 'dump' }, 60_000);
    await host.shutdown();
    const ledger = await fleet.ledger();
    const requests = await fleet.requests();
    await fleet.stop();
    const doorLog = parseDoorLog(fs.readFileSync(fleet.gatewayLog, 'utf8'));
    fs.writeFileSync(path.join(dir, 'processor-truth.json'), JSON.stringify({ ledger, requests }));
    const tally = tallyFolio({ ledger, requests, doorLog }, dump);
    for (const f of tally.findings) log(`folio chaos: finding: ${f}`);
    const killsBy = { ...host.killsBy };
    const missedPoints = FOLIO_KILL_POINTS.filter((p) => killsBy[p] === 0);
    const requireEveryPoint = options.requireEveryPoint ?? opts.folios >= 40;
    log(
      `folio chaos: detail payments=${dump.payments.length} processor_entries=${ledger.length} door_requests=${tally.doorRequests} requests_repeated=${tally.requestsRepeated} phantoms=${tally.phantoms} ` +
        `captures_declined=${tally.capturesDeclined} paid_but_not_captured=${tally.paidButNotCaptured} declined=${JSON.stringify(tally.declined)} gateway_offline_periods=${ctx.gatewayOffline} pad_offline_registrations=${ctx.padOffline} host_starts=${host.starts} ` +
        `refusals=${JSON.stringify(Object.fromEntries(ctx.refusals))} hangs=${ctx.hangs.length}`,
    );
    if (requireEveryPoint && missedPoints.length > 0) log(`folio chaos: FAILED: no kill at ${missedPoints.join(', ')}`);
    const passed = folioPassed(tally) && ctx.hangs.length === 0 && (!requireEveryPoint || missedPoints.length === 0);
    return {
      line: folioLine(tally),
      killsLine: `folio: kills=${host.kills} ${Object.entries(killsBy).map(([p, k]) => `${p}=${k}`).join(' ')}`,
      passed,
      tally,
      kills: host.kills,
      killsBy,
      missedPoints,
      ms: Date.now() - started,
      dir,
    };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await host.shutdown().catch(() => undefined);
    await host.kill(false);
    await fleet.stop();
  }
}

/** Every 25 guests: the duplicate checks and the auto-increment switch change, a manager picks the decline rule (4-18). */
async function phase(ctx: Ctx, n: number): Promise<void> {
  const odd = Math.floor(n / 25) % 2 === 1;
  const { duplicateChecks, autoIncrements } = ctx.opts;
  // A real processor's duplicate window is no guarantee: half the run goes without it.
  const checking = duplicateChecks === 'alternate' ? !odd : duplicateChecks === 'on';
  await ctx.fleet.setDuplicateCheck(checking);
  const auto = autoIncrements === 'alternate' ? !odd : autoIncrements === 'on';
  await act(ctx, ctx.rng, { cmd: 'setParameter', name: 'autoIncrementalAuthEnabled', value: auto ? 1 : 0 });
  await act(ctx, ctx.rng, { cmd: 'setParameter', name: 'disableCardAndPostingOnDecline', value: ctx.rng.int(0, 2) });
  ctx.log(`folio chaos: from guest ${n + 1}: duplicate checks ${checking ? 'on' : 'off'}, auto increments ${auto ? 'on' : 'off'}`);
}

/** One guest's stay. */
async function folio(ctx: Ctx, n: number): Promise<void> {
  const rng = streamRandom(ctx.opts.seed, n);
  const { fleet } = ctx;
  const added = await withHost(ctx, { cmd: 'addGuest', name: `Chaos Guest ${n + 1}`, cabin: String(5000 + n) });
  const guestId = added.guestId;
  let padOfflineSteps = 0;
  let gatewayOfflineSteps = 0;
  const cards = rng.chance(0.15) ? 2 : 1;
  for (let c = 0; c < cards; c++) {
    const offline = rng.chance(ctx.opts.offlineRate * 3);
    if (offline) {
      await fleet.padOffline(true);
      ctx.padOffline++;
      padOfflineSteps = rng.int(1, 3);
    }
    await fleet.presentCard(rng.chance(0.08) ? DECLINE_CARD : rng.pick(CARDS));
    await act(ctx, rng, { cmd: 'register', guestId });
  }
  const postings = rng.int(1, 6);
  for (let i = 0; i < postings; i++) {
    if (gatewayOfflineSteps === 0 && rng.chance(ctx.opts.offlineRate)) {
      await fleet.gatewayOffline(true);
      ctx.gatewayOffline++;
      gatewayOfflineSteps = rng.int(1, 5);
    } else if (rng.chance(ctx.opts.faultRate)) await fleet.gatewayFault(loseAnAnswer(rng, ctx.opts.faultKinds));
    await act(ctx, rng, { cmd: 'post', guestId, amount: rng.int(300, 25_000) });
    if (rng.chance(0.12)) {
      const card = (await withHost(ctx, { cmd: 'guest', guestId })).cards.find((x) => x.active);
      if (card) await act(ctx, rng, { cmd: 'addAuthorisation', cardId: card.cardId, amount: rng.chance(0.3) ? declinedAmount(rng) : rng.int(1000, 20_000) });
    }
    if (padOfflineSteps > 0 && --padOfflineSteps === 0) await fleet.padOffline(false);
    if (gatewayOfflineSteps > 0 && --gatewayOfflineSteps === 0) {
      await fleet.gatewayOffline(false);
      await act(ctx, rng, { cmd: 'send' });
    }
  }
  if (padOfflineSteps > 0) await fleet.padOffline(false);
  if (gatewayOfflineSteps > 0) await fleet.gatewayOffline(false);

  // Checkout: the card invoices go to pays the balance (part in cash now and then), else cash.
  const view = await withHost(ctx, { cmd: 'guest', guestId });
  if (view.balance > 0) {
    let due = view.balance;
    if (view.paymentDepartment.kind === 'card') {
      if (rng.chance(0.15) && due > 1) {
        const cash = rng.int(1, due - 1);
        await act(ctx, rng, { cmd: 'checkout', guestId, amount: cash, method: 'cash' });
        due -= cash;
      }
      await act(ctx, rng, { cmd: 'checkout', guestId, amount: due, method: 'card' });
    } else await act(ctx, rng, { cmd: 'checkout', guestId, amount: due, method: 'cash' });
  }
  // Afterwards: the guest disputes the card payment (void), or part of it is given back (refund). Often the
  // settlement has gone out first and the processor's day has closed (a refund needs a settled capture; a void
  // of a settlement not sent yet sends nothing at all, 4-11 #1).
  const dispute = rng.chance(0.16) ? rng.pick(['void', 'refund'] as const) : undefined;
  if (!dispute) return;
  const after = await withHost(ctx, { cmd: 'guest', guestId });
  const card = after.payments.find((p) => p.method === 'card' && p.amount > 0 && p.status === 'posted' && !p.voidOf);
  if (!card) return;
  if (rng.chance(0.7)) {
    await act(ctx, rng, { cmd: 'send' });
    if (rng.chance(0.7)) await fleet.settle();
  }
  if (dispute === 'void') await act(ctx, rng, { cmd: 'voidPayment', paymentId: card.paymentId });
  else await act(ctx, rng, { cmd: 'refund', guestId, amount: rng.int(1, card.amount) });
}

/**
 * Gateway faults that leave the host without an answer: processed and the
 * connection dropped, processed and never answered, answered only after the
 * client gave up (1.5 s; the request is processed late), or the lookup's
 * report failing.
 */
export const FOLIO_FAULT_KINDS = ['drop_after_commit', 'hang_after_commit', 'late', 'report_5xx'] as const;

/** One fault kind. */
export type FolioFaultKind = (typeof FOLIO_FAULT_KINDS)[number];

/** A one-shot gateway fault after which the host must look up what became of its request. */
function loseAnAnswer(rng: ChaosRandom, only?: readonly FolioFaultKind[]): FaultSpec {
  const commands = [rng.pick(['cc:adjust', 'cc:capture', 'cc:voidrelease', 'cc:refund', 'cc:void'])];
  const weights: [FolioFaultKind, number][] = [
    ['drop_after_commit', 4],
    ['hang_after_commit', 1],
    ['late', 1],
    ['report_5xx', 1],
  ];
  switch (rng.weighted(weights.filter(([k]) => !only || only.includes(k)))) {
    case 'drop_after_commit':
      return { kind: 'drop_after_commit', commands };
    case 'hang_after_commit':
      return { kind: 'hang', commit: true, commands };
    case 'late':
      return { kind: 'delay', delayMs: rng.int(1600, 2500), commands };
    case 'report_5xx':
      return { kind: 'http_5xx', commands: ['report:all'], times: rng.int(1, 3) };
  }
}

/**
 * One purser action under threat: by chance a named kill point is armed first
 * (points not hit yet favoured), or a SIGKILL lands 0-300 ms into it. The
 * purser saying no is normal life; a request never answered is a hang.
 */
async function act<C extends FolioRequest['cmd']>(ctx: Ctx, rng: ChaosRandom, req: Extract<FolioRequest, { cmd: C }>): Promise<void> {
  await ensureHost(ctx);
  const { host } = ctx;
  if (!ctx.quiet && rng.chance(ctx.opts.pointKillRate)) {
    const during = FOLIO_KILL_POINTS.filter((p) => p !== 'startup');
    const point = rng.weighted(during.map((p) => [p, host.killsBy[p] === 0 ? 4 : 1] as const));
    await host.request({ cmd: 'arm', point }, 10_000).catch(() => undefined);
    ctx.armed.set(point, host.killsBy[point]);
  }
  const killAfter = !ctx.quiet && rng.chance(ctx.opts.killRate) ? rng.int(0, 300) : undefined;
  let killing: Promise<void> | undefined;
  const timer = killAfter === undefined ? undefined : setTimeout(() => (killing = host.kill()), killAfter);
  try {
    await host.request(req, 60_000);
  } catch (err) {
    if (err instanceof HostTimeoutError) {
      ctx.hangs.push(err.message);
      ctx.log(`folio chaos: HANG: ${err.message}`);
      await host.kill(false);
    } else if (err instanceof HostRefusedError) ctx.refusals.set(err.code, (ctx.refusals.get(err.code) ?? 0) + 1);
    else if (!(err instanceof HostGoneError)) throw err;
  } finally {
    clearTimeout(timer);
    await killing;
  }
  await ensureHost(ctx);
}

/** Sends a request, restarting the host (and asking again) when it was killed meanwhile. */
function withHost<C extends FolioRequest['cmd']>(ctx: Ctx, req: Extract<FolioRequest, { cmd: C }>, timeoutMs = 60_000): Promise<FolioAnswers[C]> {
  return askThroughKills(
    () => ensureHost(ctx),
    async () => (await ctx.host.request(req, timeoutMs)) as FolioAnswers[C],
  );
}

/** Starts the host again after a kill; some restarts die in their start-up pass (the named point, or a timer). */
function ensureHost(ctx: Ctx): Promise<void> {
  return restartKilledHost(
    ctx,
    () => {
      const atStartup = !ctx.quiet && ctx.rng.chance(ctx.host.killsBy.startup === 0 ? 0.6 : 0.15);
      const killAfter = !ctx.quiet && !atStartup && ctx.rng.chance(0.1) ? ctx.rng.int(50, 1500) : undefined;
      const again = ctx.quiet ? [] : [...ctx.armed].filter(([p, at]) => ctx.host.killsBy[p] === at).map(([p]) => p);
      return ctx.host.start(killAfter, atStartup ? ['startup', ...again] : again);
    },
    'folio chaos',
  );
}
