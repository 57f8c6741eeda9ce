// The driver's side of the chaos host: starts it, sends requests, SIGKILLs it
// and starts it again on the same journal. A request outstanding when the host
// dies rejects with HostGoneError, so the cashier logic can tell "the register
// crashed" from "the register said no".

import type { ChildProcess } from 'node:child_process';
import type { AttemptSnapshot } from '../../src-shared/domain.ts';
import { BROKEN_ENV, KILL_ENV, KILL_POINTS, type HostAnswers, type HostLine, type HostRequest, type KillPoint } from './chaos-host-protocol.ts';
import { startTsChild, type Child } from './chaos-processes.ts';

/** The host died (killed or crashed) before answering. */
export class HostGoneError extends Error {}

/** The host did not answer in time: a hang, which the register must never do. */
export class HostTimeoutError extends Error {}

/** The host answered with an error. */
export class HostRefusedError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** The store's cross-register duplicate warning (the cashier must confirm). */
    readonly warning?: 'cross_register_duplicate',
  ) {
    super(message);
  }
}

/** Where the host finds its journal and peers. */
export interface HostArgs {
  journal: string;
  gateway: string;
  key: string;
  tcpPort: number;
  serialPath: string;
  httpPort: number;
  logFile: string;
  /** A deliberately broken register (the harness's own tests only). */
  broken?: string;
  /** Store runs: this register's code and its store URL (through its link proxy); serial and HTTP PIN pads are then left out. */
  store?: { registerCode: string; url: string };
}

/**
 * Another host program spoken to over the same line protocol (the folio chaos
 * run's host, scripts/chaos/folio-chaos-host.ts): its script, arguments, log,
 * its own named kill points (armed through KILL_ENV) and a broken variant
 * (through BROKEN_ENV).
 */
export interface HostSpawn {
  script: string;
  argv: string[];
  logFile: string;
  points: readonly string[];
  broken?: string;
}

/** Why the host died: a named point, a random SIGKILL during a request, or one during start-up. */
export type KillCause = KillPoint | 'random' | 'startup_timer';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * A chaos host that can be killed and restarted: the payments register host
 * by default, or another program speaking the same protocol (HostSpawn), with
 * its own requests (Req) and answers (Ans).
 */
export class ChaosHost<Req extends { cmd: string } = HostRequest, Ans = HostAnswers> {
  /** SIGKILLs delivered. */
  kills = 0;
  /** SIGKILLs by cause (every named point listed, hit or not, plus random and startup_timer). */
  readonly killsBy: Record<string, number>;
  /** Starts, first one included. */
  starts = 0;
  #child: Child<HostLine> | undefined;
  #pending = new Map<number, Pending>();
  #nextId = 1;
  readonly #listeners = new Set<(s: AttemptSnapshot) => void>();

  readonly #spawn: HostSpawn;

  constructor(args: HostArgs | HostSpawn) {
    this.#spawn =
      'script' in args
        ? args
        : {
            script: 'scripts/chaos/chaos-host.ts',
            argv: [
              '--journal', args.journal, '--gateway', args.gateway, '--key', args.key, '--tcp', String(args.tcpPort),
              // A store run's registers have a register code and the store instead of the serial and HTTP PIN pads.
              ...(args.store ? ['--register-code', args.store.registerCode, '--store-url', args.store.url] : ['--serial', args.serialPath, '--http', String(args.httpPort)]),
            ],
            logFile: args.logFile,
            points: KILL_POINTS,
            ...(args.broken ? { broken: args.broken } : {}),
          };
    this.killsBy = { ...Object.fromEntries(this.#spawn.points.map((p) => [p, 0])), random: 0, startup_timer: 0 };
  }

  /**
   * Starts the host (recovery runs first) and waits until it is ready. With
   * killAfterMs, SIGKILLs it that long after the spawn if it is not ready yet
   * (a crash during recovery); start() then rejects.
   */
  async start(killAfterMs?: number, killAt: readonly string[] = []): Promise<void> {
    const a = this.#spawn;
    let ready = false;
    let timer: NodeJS.Timeout | undefined;
    const onSpawn = (proc: ChildProcess): void => {
      if (killAfterMs === undefined) return;
      timer = setTimeout(() => {
        if (ready) return;
        this.#count('startup_timer');
        proc.kill('SIGKILL');
      }, killAfterMs);
    };
    const child = await startTsChild<HostLine>(
      a.script,
      a.argv,
      {
        logFile: a.logFile,
        readyTimeoutMs: 60_000,
        isReady: (l) => {
          const line = l as { event?: string; point?: string };
          // The host killed itself during its recovery (an armed kill point).
          if (line.event === 'kill_point' && line.point) this.#count(line.point);
          return line.event === 'ready';
        },
        onSpawn,
        env: { [KILL_ENV]: killAt.join(','), [BROKEN_ENV]: a.broken ?? '' },
      },
    ).finally(() => {
      ready = true;
      clearTimeout(timer);
    });
    this.starts++;
    this.#child = child;
    child.lines.on('line', (line) => this.#onLine(line));
    void child.exited.then(() => {
      if (this.#child === child) this.#child = undefined;
      this.#failAll(new HostGoneError('the host exited'));
    });
  }

  /** True while a host process is running. */
  get running(): boolean {
    return this.#child !== undefined;
  }

  /** SIGKILLs the host now (no-op when it is not running); `chaos` false for a kill that is not one of the run's random kills. */
  async kill(chaos = true): Promise<void> {
    const child = this.#child;
    if (!child) return;
    if (chaos) this.#count('random');
    this.#child = undefined;
    child.proc.kill('SIGKILL');
    await child.exited;
    this.#failAll(new HostGoneError('the host was killed'));
  }

  /** Sends one request; rejects with HostGoneError, HostRefusedError or a timeout Error. */
  request<C extends Req['cmd']>(req: Extract<Req, { cmd: C }>, timeoutMs = 60_000): Promise<Ans[C & keyof Ans]> {
    const child = this.#child;
    if (!child) return Promise.reject(new HostGoneError('the host is not running'));
    const id = this.#nextId++;
    return new Promise<Ans[C & keyof Ans]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new HostTimeoutError(`chaos host did not answer ${req.cmd} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      // A host that just killed itself: the exit handler rejects with HostGoneError.
      if (child.proc.stdin!.writable) child.proc.stdin!.write(`${JSON.stringify({ id, ...req })}\n`);
    });
  }

  /** Listens to attempt snapshots; returns the unsubscribe function. */
  onAttempt(cb: (s: AttemptSnapshot) => void): () => void {
    this.#listeners.add(cb);
    return () => this.#listeners.delete(cb);
  }

  /** Asks the host to close cleanly; SIGKILL if it does not within the grace time. */
  async shutdown(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    await this.request({ cmd: 'shutdown' } as Extract<Req, { cmd: Req['cmd'] }>, 10_000).catch(() => undefined);
    await child.stop('SIGKILL', 5000);
  }

  #onLine(line: string): void {
    let msg: HostLine;
    try {
      msg = JSON.parse(line) as HostLine;
    } catch {
      return;
    }
    if ('event' in msg) {
      if (msg.event === 'attempt') for (const l of this.#listeners) l(msg.snapshot);
      if (msg.event === 'kill_point') this.#count(msg.point);
      return;
    }
    const p = this.#pending.get(msg.re);
    if (!p) return;
    this.#pending.delete(msg.re);
    clearTimeout(p.timer);
    if (msg.ok) p.resolve(msg.value);
    else p.reject(new HostRefusedError(msg.error.code, msg.error.message, msg.error.warning));
  }

  #count(cause: string): void {
    this.kills++;
    this.killsBy[cause]++;
  }

  #failAll(err: Error): void {
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.#pending.clear();
  }
}

/** What a run keeps about its one host: its lanes share one restart. */
export interface HostLanes {
  host: { readonly running: boolean; readonly kills: number };
  restarting?: Promise<void>;
  log: (line: string) => void;
}

/** Sends through `send` once `ensure` has the host up, asking again (20 times at most) when the host was killed meanwhile. */
export async function askThroughKills<T>(ensure: () => Promise<void>, send: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    await ensure();
    try {
      return await send();
    } catch (err) {
      if (!(err instanceof HostGoneError) || i >= 20) throw err;
    }
  }
}

/**
 * Brings a killed host back: one restart shared by every lane, up to 20 starts,
 * each of which `startOnce` may arrange to be killed in (the runs test recovery
 * that dies half-way). `label` names the run in the log and the error.
 */
export async function restartKilledHost(lanes: HostLanes, startOnce: () => Promise<void>, label: string): Promise<void> {
  while (!lanes.host.running) {
    lanes.restarting ??= (async () => {
      for (let i = 0; i < 20; i++) {
        try {
          await startOnce();
          return;
        } catch {
          lanes.log(`${label}: host killed during start-up (${lanes.host.kills} kills)`);
        }
      }
      throw new Error(`the ${label} host did not come up after 20 starts`);
    })().finally(() => (lanes.restarting = undefined));
    await lanes.restarting;
  }
}
