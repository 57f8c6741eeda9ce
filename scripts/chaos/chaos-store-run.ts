// The store's chaos run (issue 13 §5): a throw-away PostgreSQL cluster, four
// headless registers (chaos hosts, each with its own journal, its own PIN pad
// simulator on TCP and its own store-link proxy), one gateway simulator (the
// one processor ledger). Cashiers pay tickets on every register at once;
// some re-ring a customer another register just charged (the store must warn,
// and the cashier then does not charge); meanwhile links are cut and
// restored, registers and PostgreSQL are SIGKILLed at random and started
// again. At the end every register settles, runs Find Missing Payments and
// catches its relay up; then the invariants are read from the ground truth
// (each journal file, the store's rows in arrival order, the processor's
// ledger) by src-main/store/store-invariants.ts.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { LedgerEntry } from '../../drivers/pax/simulator/processor-ledger.ts';
import type { PaxFault } from '../../drivers/pax/simulator/pax-simulator-faults.ts';
import { isUnresolved } from '../../src-shared/payment-state-machine.ts';
import {
  crossRegisterDoubleCharges,
  invoicePairKey,
  offlineStalls,
  replicationCounts,
  slotsChargedTwice,
  unaccountedCharges,
  type CutWindow,
  type JournalEventRef,
  type ReplicationCounts,
  type StoreEventRef,
} from '../../src-main/store/store-invariants.ts';
import { startStoreLinkProxy, type StoreLinkProxy } from '../../src-main/store/store-link-proxy-test-rig.ts';
import { startStoreTestCluster, type StoreTestCluster } from '../../src-main/store/store-test-rig.ts';
import { CHAOS_GATEWAY_KEY } from './chaos-fleet.ts';
import { ChaosHost, HostGoneError, HostRefusedError, HostTimeoutError } from './chaos-host-client.ts';
import { PAD_IDS, type HostAnswers, type HostRequest } from './chaos-host-protocol.ts';
import { httpJson, startTsChild, type Child } from './chaos-processes.ts';
import { ChaosRandom } from './chaos-random.ts';
import { storeRegister } from './chaos-register.ts';

/** Knobs of a store run. */
export interface StoreChaosOptions {
  registers: number;
  payments: number;
  seed: number;
  /** Chance a ticket re-rings a customer another register just charged (default 0.2). */
  rerungRate?: number;
  /** Chance a payment gets a PIN pad fault (default 0.15). */
  faultRate?: number;
  /** Chance a register is SIGKILLed during a payment (default 0.05). */
  killRate?: number;
  /** Mean time between disruptions (mostly link cuts), ms (default 1000), and between PostgreSQL kills (default 8000). */
  cutEveryMs?: number;
  storeKillEveryMs?: number;
  /** A deliberately broken register for the harness's own tests: every register is built so. */
  broken?: 'ignores_store_warning' | 'relay_skips_event';
  dir?: string;
  log?: (line: string) => void;
}

/** The counts of a store run. */
export interface StoreChaosTally extends ReplicationCounts {
  registers: number;
  slotsChargedTwice: number;
  unaccounted: number;
  crossRegisterDoubleCharges: number;
  offlineStalls: number;
  unresolved: number;
  /** Detail (not failing): warnings the store gave, cashier confirmations, pairs flagged, cuts, kills. */
  warned: number;
  confirmed: number;
  flagged: number;
  cuts: number;
  registerKills: number;
  storeKills: number;
  offlineSales: number;
  findings: string[];
}

/** What a store run found. */
export interface StoreChaosResult {
  line: string;
  passed: boolean;
  tally: StoreChaosTally;
  ms: number;
  dir: string;
}

/** The final line. */
export function storeChaosLine(t: StoreChaosTally): string {
  return (
    `store: registers=${t.registers} events=${t.events} replicated_once=${t.replicatedOnce} missing=${t.missing} duplicated=${t.duplicated} ` +
    `cross_register_double_charges=${t.crossRegisterDoubleCharges} out_of_order=${t.outOfOrder} altered=${t.altered} slots_charged_twice=${t.slotsChargedTwice} ` +
    `unaccounted_charges=${t.unaccounted} offline_stalls=${t.offlineStalls} unresolved=${t.unresolved} ` +
    `warned=${t.warned} confirmed=${t.confirmed} flagged=${t.flagged} offline_sales=${t.offlineSales} cuts=${t.cuts} register_kills=${t.registerKills} store_kills=${t.storeKills}`
  );
}

/** True when every failing count is 0 and every event was replicated exactly once. */
export function storeChaosPassed(t: StoreChaosTally): boolean {
  return (
    t.events > 0 &&
    t.replicatedOnce === t.events &&
    t.missing + t.duplicated + t.outOfOrder + t.altered + t.slotsChargedTwice + t.unaccounted + t.crossRegisterDoubleCharges + t.offlineStalls + t.unresolved === 0
  );
}

const PAD_FAULTS: PaxFault['kind'][] = ['drop_response', 'delay', 'reset_mid_frame', 'corrupt_lrc'];
const PAD = PAD_IDS[0];

interface Reg {
  code: string;
  id: string;
  host: ChaosHost;
  proxy: StoreLinkProxy;
  padControl: string;
  journalPath: string;
  restarting?: Promise<void>;
  /** Bumped on every cut and restore of this register's link. */
  linkEpoch: number;
  cutSince?: number;
}

interface Paid {
  registerCode: string;
  ticketNumber: number;
  total: number;
  at: number;
}

interface Ctx {
  /** The harness's own connection to the store (not through any register's proxy). */
  store: pg.Pool;
  o: Required<Omit<StoreChaosOptions, 'broken' | 'dir' | 'log'>> & Pick<StoreChaosOptions, 'broken'>;
  regs: Reg[];
  cluster: StoreTestCluster;
  log: (line: string) => void;
  /** Bumped on every PostgreSQL kill and restart. */
  storeEpoch: number;
  storeDown: boolean;
  paid: Paid[];
  /** Card payments started, with what the harness knew of the store link around it. */
  starts: { registerCode: string; ticketId: string; from: number; to: number; linkOk: boolean }[];
  confirmedTickets: Set<string>;
  warned: number;
  cutWindows: CutWindow[];
  cuts: number;
  storeKills: number;
  /** Disruptions so far, and registers SIGKILLed by them (the cashiers' own kills are counted by each host). */
  disruptions: number;
  registerKills: number;
  hangs: string[];
}

/** Runs a store chaos run end to end; never leaves a process behind. */
export async function runStoreChaos(options: StoreChaosOptions): Promise<StoreChaosResult> {
  const started = Date.now();
  const dir = options.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-store-chaos-'));
  const log = options.log ?? (() => undefined);
  const o = { rerungRate: 0.2, faultRate: 0.15, killRate: 0.05, cutEveryMs: 1000, storeKillEveryMs: 8000, ...options };
  const children: Child<unknown>[] = [];
  const regs: Reg[] = [];
  let cluster: StoreTestCluster | undefined;
  let disrupting: NodeJS.Timeout | undefined;
  let storePool: pg.Pool | undefined;
  try {
    cluster = await startStoreTestCluster();
    const storeUrl = await cluster.createStoreDatabase('store');
    const gw = await startTsChild<{ url: string; processorUrl: string; controlUrl: string }>(
      'src-main/gateways/simulator/gateway-simulator-cli.ts',
      ['--port', '0', '--key', CHAOS_GATEWAY_KEY],
      { logFile: path.join(dir, 'gateway.log') },
    );
    children.push(gw);
    const pads = await Promise.all(
      Array.from({ length: o.registers }, (_, i) =>
        startTsChild<{ tcpPort: number; controlPort: number }>(
          'drivers/pax/simulator/pax-simulator-cli.ts',
          ['--port', '0', '--device-id', `pad-reg${i + 1}`, '--processor-url', gw.info.processorUrl, '--control-port', '0', '--card-time-ms', '30'],
          { logFile: path.join(dir, `pad-reg${i + 1}.log`) },
        ),
      ),
    );
    children.push(...pads);
    for (let i = 0; i < o.registers; i++) {
      const { code, id } = storeRegister(String(i + 1));
      const proxy = await startStoreLinkProxy({ host: '127.0.0.1', port: cluster.port });
      const journalPath = path.join(dir, `${id}.sqlite`);
      const host = new ChaosHost({
        journal: journalPath,
        gateway: gw.info.url,
        key: CHAOS_GATEWAY_KEY,
        tcpPort: pads[i].info.tcpPort,
        serialPath: '',
        httpPort: 0,
        logFile: path.join(dir, `${id}.log`),
        store: { registerCode: code, url: proxy.urlFor(storeUrl) },
        ...(o.broken ? { broken: o.broken } : {}),
      });
      regs.push({ code, id, host, proxy, padControl: `http://127.0.0.1:${pads[i].info.controlPort}`, journalPath, linkEpoch: 0 });
    }
    await Promise.all(regs.map((r) => r.host.start()));
    log(`chaos-store: cluster, simulators and ${o.registers} registers up after ${Date.now() - started} ms`);
    storePool = new pg.Pool({ connectionString: storeUrl, max: 2, connectionTimeoutMillis: 1000 });
    storePool.on('error', () => undefined);
    const ctx: Ctx = { store: storePool, o, regs, cluster, log, storeEpoch: 0, storeDown: false, paid: [], starts: [], confirmedTickets: new Set(), warned: 0, cutWindows: [], cuts: 0, storeKills: 0, disruptions: 0, registerKills: 0, hangs: [] };

    // Links cut and restored, PostgreSQL killed and restarted, while the cashiers work.
    const rng = new ChaosRandom(o.seed ^ 0x57073);
    let disruption = Promise.resolve();
    const disrupt = (): void => {
      disrupting = setTimeout(() => {
        disruption = disruption.then(() => disruptOnce(ctx, rng)).catch((err: unknown) => log(`chaos-store: disruption failed: ${String(err)}`));
        disrupt();
      }, rng.int(o.cutEveryMs / 2, o.cutEveryMs * 1.5));
    };
    disrupt();
    const perRegister = Math.ceil(o.payments / o.registers);
    let n = 0;
    await Promise.all(
      regs.map(async (reg) => {
        for (let k = 0; k < perRegister && n < o.payments; k++) await payTicket(ctx, reg, n++);
      }),
    );
    clearTimeout(disrupting);
    await disruption;
    log(`chaos-store: ${n} tickets driven after ${Date.now() - started} ms`);

    // Quiet the world: every link back, the store up; each register settles, reconciles and catches its relay up.
    if (ctx.storeDown) await restartStore(ctx);
    for (const r of regs) if (r.proxy.isCut) restoreLink(ctx, r);
    const dumps = new Map<string, HostAnswers['dump']>();
    for (const r of regs) {
      await withHost(ctx, r, { cmd: 'settle', timeoutMs: 60_000 }, 90_000);
      await withHost(ctx, r, { cmd: 'findMissing' }, 120_000);
      await withHost(ctx, r, { cmd: 'storeFlush', timeoutMs: 60_000 }, 90_000).catch((err: unknown) => log(`chaos-store: ${r.id} could not catch up: ${String(err)}`));
      dumps.set(r.code, await withHost(ctx, r, { cmd: 'dump' }, 120_000));
    }
    for (const r of regs) await r.host.shutdown();
    const ledger = (await httpJson<{ entries: LedgerEntry[] }>(`${gw.info.controlUrl}/ledger`, { timeoutMs: 60_000 })).entries;
    fs.writeFileSync(path.join(dir, 'processor-ledger.json'), JSON.stringify(ledger));
    const tally = await tallyStore(ctx, storeUrl, ledger, dumps);
    for (const f of tally.findings) log(`chaos-store: finding: ${f}`);
    return { line: storeChaosLine(tally), passed: storeChaosPassed(tally) && ctx.hangs.length === 0, tally, ms: Date.now() - started, dir };
  } finally {
    clearTimeout(disrupting);
    await storePool?.end().catch(() => undefined);
    await Promise.allSettled(regs.map((r) => r.host.kill(false)));
    await Promise.allSettled(regs.map((r) => r.proxy.close()));
    await Promise.allSettled(children.map((c) => c.stop('SIGTERM', 3000)));
    await cluster?.stop().catch(() => undefined);
  }
}

/** One disruption: mostly a link cut (restored 0.5-3 s later), sometimes a SIGKILL of PostgreSQL (restarted 0.3-1.5 s later). */
async function disruptOnce(ctx: Ctx, rng: ChaosRandom): Promise<void> {
  ctx.disruptions++;
  // Every run kills PostgreSQL and a register at least once (a short run might draw neither), then at random.
  const killRegister = (ctx.registerKills === 0 && ctx.disruptions >= 3) || (ctx.disruptions > 1 && rng.chance(0.1));
  if (killRegister) {
    const reg = rng.pick(ctx.regs);
    if (reg.host.running) {
      ctx.registerKills++;
      ctx.log(`chaos-store: ${reg.id} SIGKILLed at ${Date.now()}`);
      await reg.host.kill();
      // Its cashier's next request starts it again (recovery first), as after any crash.
      return;
    }
  }
  const killStore = (ctx.storeKills === 0 && ctx.disruptions >= 5) || (ctx.disruptions > 1 && rng.chance(ctx.o.cutEveryMs / ctx.o.storeKillEveryMs));
  if (!ctx.storeDown && killStore) {
    ctx.storeDown = true;
    ctx.storeEpoch++;
    ctx.storeKills++;
    await ctx.cluster.kill();
    ctx.log(`chaos-store: PostgreSQL SIGKILLed at ${Date.now()}`);
    await sleep(rng.int(300, 1500));
    await restartStore(ctx);
    return;
  }
  const reg = rng.pick(ctx.regs);
  if (reg.proxy.isCut) return;
  reg.proxy.cut();
  reg.linkEpoch++;
  reg.cutSince = Date.now();
  ctx.cuts++;
  const ms = rng.int(500, 3000);
  ctx.log(`chaos-store: ${reg.id} link cut at ${reg.cutSince} for ${ms} ms`);
  setTimeout(() => restoreLink(ctx, reg), ms).unref();
}

async function restartStore(ctx: Ctx): Promise<void> {
  await ctx.cluster.restart();
  ctx.storeDown = false;
  ctx.storeEpoch++;
  ctx.log(`chaos-store: PostgreSQL restarted at ${Date.now()}`);
}

function restoreLink(ctx: Ctx, reg: Reg): void {
  if (!reg.proxy.isCut) return;
  reg.proxy.restore();
  reg.linkEpoch++;
  const from = reg.cutSince ?? Date.now();
  const to = Date.now();
  const started = ctx.starts.filter((s) => s.registerCode === reg.code && s.from >= from && s.from <= to).length;
  ctx.cutWindows.push({ registerCode: reg.code, from, to, started });
  reg.cutSince = undefined;
}

/** One ticket on one register: a random total, or (re-rung) the total another register just charged. */
async function payTicket(ctx: Ctx, reg: Reg, n: number): Promise<void> {
  const rng = new ChaosRandom(Math.imul(ctx.o.seed + 1, 0x9e3779b1) ^ Math.imul(n + 1, 0x85ebca6b));
  const now = Date.now();
  const elsewhere = ctx.paid.filter((p) => p.registerCode !== reg.code && now - p.at < 5 * 60_000);
  let rerung = elsewhere.length > 0 && rng.chance(ctx.o.rerungRate) ? rng.pick(elsewhere) : undefined;
  // Re-ring only a customer the store already knows was charged (else no register could be warned yet).
  if (rerung && !(await inStore(ctx, rerung))) rerung = undefined;
  const total = rerung?.total ?? rng.int(100, 30_000);
  const ticket = await withHost(ctx, reg, { cmd: 'createTicket', total });
  for (let action = 0; action < 8; action++) {
    const view = await withHost(ctx, reg, { cmd: 'ticket', ticketId: ticket.id });
    if (view.ticket.status !== 'open' || view.ticket.due === 0) {
      ctx.paid.push({ registerCode: reg.code, ticketNumber: ticket.number, total, at: Date.now() });
      return;
    }
    const pending = view.attempts.find((a) => isUnresolved(a.state));
    if (pending) {
      await guarded(ctx, reg, rng, reg.host.request({ cmd: 'waitResolved', attemptId: pending.id, timeoutMs: 20_000 }, 30_000));
      continue;
    }
    if (rng.chance(ctx.o.faultRate)) await httpJson(`${reg.padControl}/fault`, { body: { fault: faultOf(rng), once: true } }).catch(() => undefined);
    const confirm = ctx.confirmedTickets.has(ticket.id);
    const s = { registerCode: reg.code, ticketId: ticket.id, from: Date.now(), to: 0, linkOk: false };
    const epochs = [reg.linkEpoch, ctx.storeEpoch];
    const linkUp = !reg.proxy.isCut && !ctx.storeDown;
    ctx.starts.push(s);
    const answer = await guarded(ctx, reg, rng, reg.host.request({ cmd: 'start', ticketId: ticket.id, amount: view.ticket.due, terminalId: PAD, ...(confirm ? { confirmDuplicate: true } : {}) }, 60_000));
    s.to = Date.now();
    s.linkOk = linkUp && !reg.proxy.isCut && !ctx.storeDown && epochs[0] === reg.linkEpoch && epochs[1] === ctx.storeEpoch;
    if (answer instanceof HostRefusedError && answer.warning === 'cross_register_duplicate') {
      ctx.warned++;
      if (rerung) {
        // The same customer: the first payment stands, nothing is charged here.
        ctx.log(`chaos-store: ${reg.id} ticket ${ticket.number} warned (re-rung customer of till ${rerung.registerCode}); not charged`);
        return;
      }
      // Another purchase that happens to match: the cashier confirms.
      ctx.confirmedTickets.add(ticket.id);
    }
  }
}

/** Whether the store has recorded the paid ticket's charge (asked directly; false when PostgreSQL is down). */
async function inStore(ctx: Ctx, p: Paid): Promise<boolean> {
  const r = await ctx.store.query("SELECT 1 FROM card_charges WHERE invoice LIKE $1 LIMIT 1", [`R${p.registerCode}T${p.ticketNumber}P%`]).catch(() => undefined);
  return (r?.rowCount ?? 0) > 0;
}

function faultOf(rng: ChaosRandom): PaxFault {
  const kind = rng.pick(PAD_FAULTS);
  return kind === 'delay' ? { kind, ms: rng.int(100, 2500) } : ({ kind } as PaxFault);
}

/** Awaits a request; a SIGKILL may land 0-800 ms into it (then the register starts again). Resolves the refusal, if any. */
async function guarded(ctx: Ctx, reg: Reg, rng: ChaosRandom, request: Promise<unknown>): Promise<unknown> {
  const killAfter = rng.chance(ctx.o.killRate) ? rng.int(0, 800) : undefined;
  let killing: Promise<void> | undefined;
  const timer = killAfter === undefined ? undefined : setTimeout(() => (killing = reg.host.kill()), killAfter);
  let result: unknown;
  try {
    result = await request;
  } catch (err) {
    if (err instanceof HostTimeoutError) {
      ctx.hangs.push(`${reg.id}: ${err.message}`);
      await reg.host.kill(false);
    } else if (!(err instanceof HostRefusedError) && !(err instanceof HostGoneError)) throw err;
    result = err;
  } finally {
    clearTimeout(timer);
    await killing;
  }
  if (!reg.host.running) await ensureHost(reg);
  return result;
}

async function ensureHost(reg: Reg): Promise<void> {
  while (!reg.host.running) {
    reg.restarting ??= reg.host.start().finally(() => (reg.restarting = undefined));
    await reg.restarting.catch(() => undefined);
  }
}

async function withHost<C extends HostRequest['cmd']>(ctx: Ctx, reg: Reg, req: Extract<HostRequest, { cmd: C }>, timeoutMs = 60_000): Promise<HostAnswers[C]> {
  for (let i = 0; ; i++) {
    await ensureHost(reg);
    try {
      return await reg.host.request(req, timeoutMs);
    } catch (err) {
      if (!(err instanceof HostGoneError) || i >= 20) throw err;
    }
  }
}

/** The counts, from the journal files, the store and the processor ledger. */
async function tallyStore(ctx: Ctx, storeUrl: string, ledger: LedgerEntry[], dumps: Map<string, HostAnswers['dump']>): Promise<StoreChaosTally> {
  const journals = new Map<string, JournalEventRef[]>();
  for (const r of ctx.regs) {
    const db = new Database(r.journalPath, { readonly: true });
    try {
      journals.set(r.id, db.prepare('SELECT seq, hash FROM events ORDER BY seq').all() as JournalEventRef[]);
    } finally {
      db.close();
    }
  }
  const c = new pg.Client({ connectionString: storeUrl });
  await c.connect();
  try {
    const events = (await c.query<{ registerId: string; seq: string; hash: string }>('SELECT register_id AS "registerId", seq, hash FROM journal_events ORDER BY received_at, seq')).rows.map(
      (e): StoreEventRef => ({ registerId: e.registerId, seq: Number(e.seq), hash: e.hash }),
    );
    const approved = new Map<string, number>();
    for (const row of (
      await c.query<{ invoice: string; n: number }>(
        "SELECT row_data->>'invoice' AS invoice, count(*)::int AS n FROM journal_rows_current WHERE table_name = 'payment_attempts' AND op = 'upsert' AND row_data->>'kind' = 'sale' AND row_data->>'state' IN ('approved', 'reversed') GROUP BY 1",
      )
    ).rows)
      approved.set(row.invoice, row.n);
    const orphanRefNums = new Set(
      (await c.query<{ ref: string }>("SELECT row_data->>'ref_num' AS ref FROM journal_rows_current WHERE table_name = 'orphan_payments' AND op = 'upsert'")).rows.map((r) => r.ref),
    );
    const flagRows = (
      await c.query<{ detail: { earlierInvoice: string; laterInvoice: string } }>("SELECT detail FROM manager_queue WHERE kind = 'cross_register_duplicate'")
    ).rows;
    const flagged = new Set(flagRows.map((r) => invoicePairKey(r.detail.earlierInvoice, r.detail.laterInvoice)));
    const recordedAt = new Map(
      (await c.query<{ invoice: string; at: Date }>('SELECT invoice, recorded_at AS at FROM card_charges')).rows.map((r) => [r.invoice, r.at.getTime()]),
    );
    const findings: string[] = [];
    const repl = replicationCounts(journals, events);
    // Which start of which ticket made an invoice, from each register's dump (its journal).
    const startOf = new Map<string, (typeof ctx.starts)[number]>();
    const confirmed = new Set<string>();
    for (const [, dump] of dumps) {
      for (const a of dump.attempts) {
        if (a.kind !== 'sale') continue;
        const s = ctx.starts.filter((x) => x.ticketId === a.ticketId && x.from <= Date.parse(a.createdAt) + 1000).at(-1);
        if (s) startOf.set(a.invoice, s);
        if (ctx.confirmedTickets.has(a.ticketId)) confirmed.add(a.invoice);
      }
    }
    const storeCouldWarn = (earlier: string, later: string): boolean => {
      const s = startOf.get(later);
      const known = recordedAt.get(earlier);
      // Unknown start (a ticket the harness did not drive) or an earlier charge the store learnt of later: no warning was possible.
      return s !== undefined && s.linkOk && known !== undefined && known < s.from;
    };
    const doubles = crossRegisterDoubleCharges(ledger, { flagged, confirmed, storeCouldWarn });
    for (const d of doubles) {
      const [earlier, later] = d.split('>');
      const st = startOf.get(later);
      findings.push(`cross-register double charge ${d} (later started ${st?.from}-${st?.to} link ${st?.linkOk ? 'up' : 'down'}; earlier in the store at ${recordedAt.get(earlier)})`);
    }
    const unaccounted = unaccountedCharges(ledger, { approvedInvoices: approved, orphanRefNums });
    for (const u of unaccounted.slice(0, 20)) findings.push(`charge ${u.refNum} on ${u.invoice} is in no store journal and no orphan queue`);
    const stalls = offlineStalls(ledger, ctx.cutWindows.filter((w) => w.to - w.from >= 1500));
    for (const w of stalls) findings.push(`register ${w.registerCode} sold nothing while cut off for ${w.to - w.from} ms with ${w.started} payments started`);
    if (repl.missing + repl.duplicated + repl.outOfOrder + repl.altered > 0) findings.push(`replication: ${JSON.stringify(repl)}`);
    const unresolved = [...dumps.values()].reduce((n, d) => n + d.attempts.filter((a) => isUnresolved(a.state)).length, 0);
    const offlineSales = ledger.filter((e) =>
      ctx.cutWindows.some((w) => e.invoice.startsWith(`R${w.registerCode}T`) && e.enteredAt >= w.from && e.enteredAt <= w.to && e.status !== 'declined'),
    ).length;
    return {
      registers: ctx.regs.length,
      ...repl,
      slotsChargedTwice: slotsChargedTwice(ledger),
      unaccounted: unaccounted.length,
      crossRegisterDoubleCharges: doubles.length,
      offlineStalls: stalls.length,
      unresolved,
      warned: ctx.warned,
      confirmed: ctx.confirmedTickets.size,
      flagged: flagged.size,
      cuts: ctx.cuts,
      registerKills: ctx.regs.reduce((k, r) => k + r.host.kills, 0),
      storeKills: ctx.storeKills,
      offlineSales,
      findings,
    };
  } finally {
    await c.end();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
