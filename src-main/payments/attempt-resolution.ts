// The resolution engine (DESIGN §3): every attempt whose outcome is unknown has
// ONE record here (running pass, retry timer, retry count, what the cashier
// sees, whether a PIN pad called it a duplicate, an answer the journal could
// not take). A pass asks the PIN pad, then the gateway, for the attempt's own
// kind of record (attempt-resolver.ts); the only backoff between passes lives
// here. A link that comes back (a PIN pad answering again, the gateway
// answering again) checks every attempt waiting on it at once instead of at
// its next backoff tick. It never resends and never reverses (invariants 2, 5).

import type { PaymentTerminal } from '../../drivers/terminal.ts';
import type { AttemptSnapshot } from '../../src-shared/domain.ts';
import { isUnresolved, type DoubtReason } from '../../src-shared/payment-state-machine.ts';
import type { AttemptRepository, AttemptRow } from '../journal/attempt-repository.ts';
import type { WriteFaultCause } from '../journal/journal-write-health.ts';
import type { AttemptOutcome } from './attempt-outcome.ts';
import { lookUpAttempt, type LookupOutcome } from './attempt-resolver.ts';
import { RESOLVING, stateMessage, unjournaledPaymentMessage } from './payment-messages.ts';
import type { GatewayReportPort, Timers } from './payment-ports.ts';

/** A link an attempt's resolution waits on: one PIN pad, or the gateway. */
export type PaymentLink = { terminalId: string } | 'gateway';

/** The one record of an unresolved attempt. */
interface UnresolvedAttempt {
  pass?: Promise<AttemptSnapshot>;
  timer?: unknown;
  retries: number;
  /** What the cashier sees while it is worked on. */
  progress?: string;
  /** A PIN pad called it a duplicate: a lookup that finds nothing never makes it "not charged". */
  claimedCharged: boolean;
  /** Its outcome reached us but the journal could not take it (disk full, read-only). */
  unjournaled?: WriteFaultCause;
  /** The PIN pad it was sent to. */
  terminalId?: string;
  /** Links its last pass found silent (keys of linkKey): only their return kicks it. */
  waitingOn?: Set<string>;
  /** A link came back while a pass ran: if that pass learns nothing, the next one runs at once, not after backoff. */
  rerun?: boolean;
}

/** How the engine is built. */
export interface AttemptResolutionOptions {
  attempts: AttemptRepository;
  outcome: AttemptOutcome;
  terminals: () => Map<string, PaymentTerminal>;
  gateway?: GatewayReportPort;
  timers: Timers;
  now: () => number;
  /** A sale still out on a PIN pad (the sale path's), awaited before asking about it. */
  inflight: (attemptId: string) => Promise<unknown> | undefined;
  lookupTimeoutMs: number;
  gatewayWindowMs: number;
  hostSettleMs: number;
  /** Backoff between passes, ms. Default 1 000 doubling to 30 000. */
  backoff?: { initialMs: number; maxMs: number };
  /**
   * While an attempt waits on a link seen failing, that link is probed this
   * often (ms; a PIN pad's identify, a tiny gateway report) so its return is
   * noticed within about this long instead of at the next backoff tick (up to
   * 30 s). Unset: no probing (link events then come only from requests and the
   * device service's status probes).
   */
  linkProbeMs?: number;
  /** Test seam: replaces the lookup (the chaos run's hasty resolver). */
  resolver?: typeof lookUpAttempt;
  track: (p: Promise<unknown>) => void;
  log: (event: string, attemptId: string, ecrRef?: string) => void;
}

/** Resolves attempts in doubt (see file comment). */
export class AttemptResolution {
  private readonly records = new Map<string, UnresolvedAttempt>();
  /** Links last seen failing: a success on one of them kicks its waiting attempts. */
  private readonly downLinks = new Map<string, PaymentLink>();
  private watch: unknown;
  private probing = false;
  private closed = false;

  constructor(private readonly o: AttemptResolutionOptions) {}

  private record(attemptId: string): UnresolvedAttempt {
    let r = this.records.get(attemptId);
    if (!r) this.records.set(attemptId, (r = { retries: 0, claimedCharged: false }));
    return r;
  }

  /** True while a pass runs or a retry waits. */
  isWorking(attemptId: string): boolean {
    const r = this.records.get(attemptId);
    return r?.pass !== undefined || r?.timer !== undefined;
  }

  /** The words the cashier sees for an unresolved attempt, if the engine has any. */
  progressOf(attemptId: string): string | undefined {
    return this.records.get(attemptId)?.progress;
  }

  /** Lays live progress and unjournaled outcomes over the journal's snapshot. */
  overlay(row: AttemptRow, s: AttemptSnapshot): AttemptSnapshot {
    if (!isUnresolved(row.state)) {
      s.message = stateMessage(row.state, row);
      return s;
    }
    const r = this.records.get(row.id);
    if (r?.unjournaled) {
      // The journal still says "sent"; what we know is that the card may have been charged.
      s.state = 'in_doubt';
      s.message = unjournaledPaymentMessage(r.unjournaled);
      return s;
    }
    s.message = r?.progress ?? stateMessage(row.state, row);
    return s;
  }

  /** Marks an attempt in doubt (journaled, emitted) and remembers where it was sent. */
  doubt(row: AttemptRow, reason: DoubtReason, facts: { resultCode?: string; resultText?: string } = {}): void {
    const r = this.record(row.id);
    r.progress = RESOLVING.checkingTerminal;
    r.terminalId = row.terminalId;
    this.o.outcome.transition(row.id, { type: 'doubt', reason }, facts);
  }

  /** Shows a step to the cashier (emitted when it changes). */
  setProgress(attemptId: string, message: string): void {
    const r = this.record(attemptId);
    if (r.progress === message) return;
    r.progress = message;
    this.o.outcome.emit(this.o.attempts.get(attemptId));
  }

  /** An outcome the journal could not take: in doubt in memory until the journal is writable again. */
  markUnjournaled(attemptId: string, cause: WriteFaultCause): void {
    this.record(attemptId).unjournaled = cause;
  }

  /** The journal can be written again: every attempt with an unjournaled outcome is checked now. */
  journalWritable(): void {
    for (const [id, r] of this.records) {
      if (!r.unjournaled) continue;
      r.unjournaled = undefined;
      this.kick(id);
    }
  }

  /** Forgets an attempt that is resolved. */
  clear(attemptId: string): void {
    const r = this.records.get(attemptId);
    if (r?.timer !== undefined) this.o.timers.clear(r.timer);
    // A pass still running keeps its place so joiners find it; it ends by itself.
    if (r?.pass) {
      r.timer = undefined;
      r.progress = undefined;
      r.claimedCharged = false;
      r.retries = 0;
      return;
    }
    this.records.delete(attemptId);
  }

  /**
   * "Duplicate" means "already charged": fetch the original approval through the
   * same lookup, recorded as a duplicate's source, without charging again. Found
   * nothing: the attempt stays in doubt and is retried after backoff, never "not charged".
   */
  async duplicate(row: AttemptRow, facts: { resultCode?: string; resultText?: string }): Promise<AttemptSnapshot> {
    const r = this.record(row.id);
    r.claimedCharged = true;
    r.terminalId = row.terminalId;
    this.setProgress(row.id, RESOLVING.duplicateFetching);
    const found = await this.lookup(row, () => undefined);
    if (found.kind === 'approved') {
      const source = found.source === 'terminal_lookup' ? 'terminal_duplicate' : 'gateway_duplicate';
      return this.approve(row.id, source, found.facts);
    }
    const current = this.o.attempts.get(row.id);
    if (current.state === 'sent') this.doubt(current, 'bad_response', facts);
    this.setProgress(row.id, RESOLVING.duplicateNotFound);
    this.kick(row.id, true);
    return this.snapshot(row.id);
  }

  /** Runs one pass now (joining one already running) and resolves with the attempt after it. */
  resolve(attemptId: string): Promise<AttemptSnapshot> {
    const r = this.record(attemptId);
    if (r.pass) return r.pass;
    if (r.timer !== undefined) {
      this.o.timers.clear(r.timer);
      r.timer = undefined;
    }
    r.rerun = false;
    const pass = this.pass(attemptId).finally(() => {
      const now = this.records.get(attemptId);
      if (now?.pass === pass) now.pass = undefined;
      if (now && now.pass === undefined && now.timer === undefined && now.progress === undefined && !now.unjournaled && !now.claimedCharged) this.records.delete(attemptId);
    });
    r.pass = pass;
    return pass;
  }

  /** Starts a pass in the background (or after backoff) unless one is running. */
  kick(attemptId: string, afterBackoff = false): void {
    if (this.closed) return;
    if (afterBackoff) return this.scheduleRetry(attemptId);
    if (this.records.get(attemptId)?.pass) return;
    this.o.track(
      this.resolve(attemptId).catch((err) => {
        const cause = writeFaultOf(err);
        if (cause) this.markUnjournaled(attemptId, cause);
        throw err;
      }),
    );
  }

  /**
   * A link answered (ok) or failed. A link that answers after failing has come
   * back: every attempt waiting on it is checked now, not at its next backoff tick.
   */
  linkSeen(link: PaymentLink, ok: boolean): void {
    const key = linkKey(link);
    if (!ok) {
      this.downLinks.set(key, link);
      this.watchLinks();
      return;
    }
    if (!this.downLinks.delete(key)) return;
    this.linkReturned(link);
  }

  /** Checks at once every attempt waiting on the link (a PIN pad: its own attempts; the gateway: all). */
  linkReturned(link: PaymentLink): void {
    if (this.closed) return;
    const key = linkKey(link);
    for (const [id, r] of this.records) {
      // Only attempts whose last pass could not reach this link: one that just heard from it learns nothing new.
      if (!r.waitingOn?.has(key)) continue;
      if (r.pass) {
        r.rerun = true;
        continue;
      }
      if (r.timer === undefined) continue;
      this.o.log('link_returned', id, key);
      this.kick(id);
    }
  }

  /** Probes the links seen failing while attempts wait on them (see linkProbeMs). */
  private watchLinks(): void {
    const every = this.o.linkProbeMs;
    if (every === undefined || this.closed || this.watch !== undefined) return;
    this.watch = this.o.timers.set(() => {
      this.watch = undefined;
      void this.probeLinks().finally(() => {
        if (this.downLinks.size > 0 && [...this.records.values()].some((r) => r.timer !== undefined || r.pass)) this.watchLinks();
      });
    }, every);
  }

  private async probeLinks(): Promise<void> {
    if (this.probing || this.closed) return;
    this.probing = true;
    try {
      await Promise.all(
        [...this.downLinks.values()].map(async (link) => {
          let ok = false;
          try {
            if (link === 'gateway') {
              if (!this.o.gateway?.probe) return;
              await this.o.gateway.probe();
            } else {
              const t = this.o.terminals().get(link.terminalId);
              if (!t) return;
              // A report request, not identify(): a PIN pad can answer who it is (or a driver can know it
              // already) while it refuses transactions; an answered report means lookups work again.
              await t.lookup(PROBE_REF, { timeoutMs: this.o.lookupTimeoutMs });
            }
            ok = true;
          } catch {
            ok = false;
          }
          this.linkSeen(link, ok);
        }),
      );
    } finally {
      this.probing = false;
    }
  }

  /** Stops retrying; resolves once the passes running now have ended. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.watch !== undefined) this.o.timers.clear(this.watch);
    this.watch = undefined;
    const passes: Promise<unknown>[] = [];
    for (const r of this.records.values()) {
      if (r.timer !== undefined) this.o.timers.clear(r.timer);
      r.timer = undefined;
      if (r.pass) passes.push(r.pass);
    }
    await Promise.allSettled(passes);
  }

  // ── one pass ─────────────────────────────────────────────────────────────

  private async pass(attemptId: string): Promise<AttemptSnapshot> {
    // Let a sale still out on the PIN pad answer (or time out) before asking about it.
    const sale = this.o.inflight(attemptId);
    if (sale) await sale.catch(() => undefined);
    let row = this.o.attempts.get(attemptId);
    if (row.state === 'sent' && !this.o.inflight(attemptId)) {
      // Sent by a process that is gone (the host skipped recoverOnStartup): its answer can never arrive here.
      this.doubt(row, 'crash');
      row = this.o.attempts.get(attemptId);
    }
    if (row.state !== 'in_doubt') return this.snapshot(attemptId);
    this.record(attemptId).terminalId = row.terminalId;
    const outcome = await this.lookup(row, (message) => this.setProgress(attemptId, message));
    const current = this.o.attempts.get(attemptId);
    if (current.state !== 'in_doubt') return this.snapshot(attemptId);
    this.o.log(`resolution_${outcome.kind}`, attemptId, row.ecrRef);
    if (outcome.kind === 'approved') return this.approve(attemptId, outcome.source, outcome.facts);
    if (outcome.kind === 'absent' && !this.records.get(attemptId)?.claimedCharged) {
      this.o.outcome.transition(attemptId, { type: 'confirm_absent' });
      this.clear(attemptId);
      return this.snapshot(attemptId);
    }
    this.setProgress(attemptId, outcome.kind === 'unknown' ? outcome.message : RESOLVING.duplicateNotFound);
    const r = this.record(attemptId);
    if (r.rerun) {
      // A link came back during this pass: ask again now rather than after backoff (once; the flag is spent).
      r.rerun = false;
      // After this pass has let go of its record (its finally), so the kick is not joined to it.
      this.o.timers.set(() => this.kick(attemptId), 0);
    } else this.scheduleRetry(attemptId);
    return this.snapshot(attemptId);
  }

  /** The lookup, noting which links answered so a link's return is noticed. */
  private async lookup(row: AttemptRow, onStep: (message: string) => void): Promise<LookupOutcome> {
    const terminal = this.o.terminals().get(row.terminalId);
    const outcome = await (this.o.resolver ?? lookUpAttempt)(
      row,
      {
        terminal,
        gateway: this.o.gateway,
        now: this.o.now(),
        lookupTimeoutMs: this.o.lookupTimeoutMs,
        gatewayWindowMs: this.o.gatewayWindowMs,
        hostSettleMs: this.o.hostSettleMs,
      },
      onStep,
    );
    if (outcome.kind === 'unknown') {
      const waiting = new Set<string>();
      if (!outcome.terminalAnswered) waiting.add(linkKey({ terminalId: row.terminalId }));
      if (!outcome.gatewayAnswered) waiting.add(linkKey('gateway'));
      this.record(row.id).waitingOn = waiting;
      if (terminal) this.linkSeen({ terminalId: row.terminalId }, outcome.terminalAnswered);
      if (this.o.gateway) this.linkSeen('gateway', outcome.gatewayAnswered);
    }
    return outcome;
  }

  private approve(attemptId: string, source: Parameters<AttemptOutcome['approve']>[1], facts: Parameters<AttemptOutcome['approve']>[2]): AttemptSnapshot {
    this.clear(attemptId);
    this.o.outcome.approve(attemptId, source, facts);
    return this.snapshot(attemptId);
  }

  private scheduleRetry(attemptId: string): void {
    const r = this.record(attemptId);
    if (this.closed || r.timer !== undefined) return;
    const n = r.retries++;
    const { initialMs, maxMs } = this.o.backoff ?? DEFAULT_BACKOFF;
    const delay = Math.min(maxMs, initialMs * 2 ** Math.min(n, 20));
    r.timer = this.o.timers.set(() => {
      r.timer = undefined;
      if (!this.closed) this.o.track(this.resolve(attemptId));
    }, delay);
  }

  private snapshot(attemptId: string): AttemptSnapshot {
    return this.o.outcome.snapshot(this.o.attempts.get(attemptId));
  }
}

/** ECR reference of the link probe's report request: no attempt ever has it (references are R<register>T<ticket>P<slot>). */
const PROBE_REF = 'LINKPROBE';

/** Default backoff between resolution passes: 1 s doubling to 30 s. */
export const DEFAULT_BACKOFF = { initialMs: 1000, maxMs: 30_000 } as const;

function linkKey(link: PaymentLink): string {
  return link === 'gateway' ? 'gateway' : `terminal:${link.terminalId}`;
}

/** The write fault named by a journal refusal (disk full, read-only, disk error), or undefined for any other error. */
export function writeFaultOf(err: unknown): WriteFaultCause | undefined {
  if (!(err && typeof err === 'object' && 'code' in err) || (err as { code: unknown }).code !== 'journal_unavailable') return undefined;
  const cause = (err as { details?: { cause?: unknown } }).details?.cause;
  return cause === 'disk full' || cause === 'read-only' || cause === 'disk error' ? cause : undefined;
}
