// The outbox relay (issue 13 §2): the only writer to PostgreSQL from a
// register. It runs beside the sale path, never on it: no sale awaits it, it
// reads the journal in small synchronous batches between transactions, and
// everything it does with the store is asynchronous I/O. A store that is down
// only grows the backlog (shown in the status bar).
//
// Exactly once, in order: on every connect the relay asks the store where its
// copy of this register's history ends (the marks) and sends what follows, in
// seq order, in batches the store takes with ON CONFLICT DO NOTHING. A batch
// the store committed but whose answer was lost (either side killed, link
// cut) is simply not resent after the next connect, and resent harmlessly if
// the marks were read before it landed.

import type { StoreLinkHealth } from '../../src-shared/domain.ts';
import type { Journal } from '../journal/journal.ts';
import { JournalOutboxReader, type OutboxEvent } from './journal-outbox-reader.ts';
import type { StoreConfig } from './store-config.ts';
import { StoreHistoryMismatch, StoreLink, type StoreMarks } from './store-link.ts';
import { StoreSchemaError } from './schema/store-schema.ts';

/** How the relay is set up; everything but journal, registerId and config has a default. */
export interface StoreRelayOptions {
  journal: Journal;
  registerId: string;
  config: StoreConfig;
  /** Most events (and most row changes) per INSERT (default 500). */
  batchSize?: number;
  /** Wait between attempts while the store cannot be reached, doubling (default 250 ms up to 5 s). */
  backoff?: { initialMs: number; maxMs: number };
  /** Wait before asking again a store that refused this register (default 30 s). */
  refusedRetryMs?: number;
  /** Look at the journal at least this often even without a commit signal (default 1 s). */
  idlePollMs?: number;
  /** Connect and query time limits: a link that swallows packets is given up on and retried (default 5 s / 15 s). */
  connectTimeoutMs?: number;
  queryTimeoutMs?: number;
  /** Record the confirmed marks and prune the outbox at most this often (default 1 s). */
  ackIntervalMs?: number;
  /** Recompute the backlog for the status bar at most this often while sales come in (default 250 ms). */
  statusIntervalMs?: number;
  clock?: () => Date;
  log?: (line: string) => void;
  /** Called after each batch the store confirmed (bench and tests: the replication lag). */
  onBatchSent?: (b: { lastSeq: number; events: number; rows: number; at: number }) => void;
}

/** The relay of one register. */
export class StoreRelay {
  private readonly reader: JournalOutboxReader;
  private readonly o: Required<Omit<StoreRelayOptions, 'onBatchSent' | 'log' | 'clock'>> & Pick<StoreRelayOptions, 'onBatchSent'>;
  private readonly clock: () => Date;
  private readonly log: (line: string) => void;
  private link: StoreLink | undefined;
  private connecting: StoreLink | undefined;
  private eventsAcked: number;
  private rowsAcked: number;
  private joined = false;
  private joinFailureLogged = false;
  private running: Promise<void> | undefined;
  private stopped = false;
  private kicked = false;
  private wake: (() => void) | undefined;
  private health: StoreLinkHealth;
  private readonly listeners = new Set<(h: StoreLinkHealth) => void>();
  private lastAck = 0;
  private ackedEvents = -1;
  private ackedRows = -1;
  private statusTimer: ReturnType<typeof setTimeout> | undefined;
  private unsubscribe: (() => void) | undefined;
  private readonly caughtUpWaiters = new Set<() => void>();

  constructor(opts: StoreRelayOptions) {
    this.o = {
      journal: opts.journal,
      registerId: opts.registerId,
      config: opts.config,
      batchSize: opts.batchSize ?? 500,
      backoff: opts.backoff ?? { initialMs: 250, maxMs: 5000 },
      refusedRetryMs: opts.refusedRetryMs ?? 30_000,
      idlePollMs: opts.idlePollMs ?? 1000,
      connectTimeoutMs: opts.connectTimeoutMs ?? 5000,
      queryTimeoutMs: opts.queryTimeoutMs ?? 15_000,
      ackIntervalMs: opts.ackIntervalMs ?? 1000,
      statusIntervalMs: opts.statusIntervalMs ?? 250,
      onBatchSent: opts.onBatchSent,
    };
    this.clock = opts.clock ?? (() => new Date());
    this.log = opts.log ?? ((line) => process.stderr.write(`store: ${line}\n`));
    this.reader = new JournalOutboxReader(opts.journal);
    // Until the store answers, the last marks this journal recorded say what is waiting.
    const local = this.reader.state();
    this.eventsAcked = local.eventsAcked;
    this.rowsAcked = local.rowsAcked;
    this.health = { state: 'connecting', since: this.clock().toISOString(), ...this.backlogNow() };
  }

  /** Starts relaying (idempotent). */
  start(): void {
    if (this.running || this.stopped) return;
    this.unsubscribe = this.o.journal.onCommit(() => this.kick());
    this.running = this.run();
  }

  /** Something was committed: send it soon. */
  kick(): void {
    this.kicked = true;
    this.wake?.();
    this.scheduleStatus();
  }

  /** The link and backlog as the status bar shows them. */
  status(): StoreLinkHealth {
    return this.health;
  }

  /** Subscribes to status changes; returns the unsubscribe function. */
  onChange(cb: (h: StoreLinkHealth) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** Resolves once everything committed so far is in the store (tests, bench); rejects after timeoutMs. */
  whenCaughtUp(timeoutMs = 10_000): Promise<void> {
    const target = this.reader.head();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.link && this.eventsAcked >= target && this.reader.rowChanges(this.rowsAcked, 1).length === 0) {
          clearTimeout(timer);
          this.caughtUpWaiters.delete(check);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        this.caughtUpWaiters.delete(check);
        reject(new Error(`store relay: not caught up within ${timeoutMs} ms (store has ${this.eventsAcked} of ${target} events; ${this.health.state})`));
      }, timeoutMs);
      this.caughtUpWaiters.add(check);
      check();
    });
  }

  /** Stops relaying, records the confirmed marks, closes the connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.statusTimer) clearTimeout(this.statusTimer);
    this.wake?.();
    // A connect hanging on a link that swallows packets is abandoned, not waited out.
    await this.connecting?.close();
    await this.running;
    await this.link?.close();
    this.link = undefined;
    if (this.o.journal.db.open) this.acknowledge(true);
  }

  private async run(): Promise<void> {
    let backoff = this.o.backoff.initialMs;
    while (!this.stopped) {
      try {
        this.joinOnce();
        if (!this.link) await this.connect();
        if (this.stopped) break;
        const sent = await this.sendBatch();
        backoff = this.o.backoff.initialMs;
        if (!sent) {
          // Caught up: the bar says so now, not at the next status tick.
          this.publish({ ...this.health, ...this.backlogNow() });
          for (const w of [...this.caughtUpWaiters]) w();
          this.acknowledge(false);
          await this.sleep(this.o.idlePollMs, true);
        }
      } catch (err) {
        const link = this.link;
        this.link = undefined;
        await link?.close();
        if (this.stopped) break;
        if (err instanceof StoreSchemaError || err instanceof StoreHistoryMismatch) {
          this.setState('refused', err instanceof StoreSchemaError ? storeSchemaWords(err) : 'the store holds another history under this register\'s name', err);
          await this.sleep(this.o.refusedRetryMs, false);
        } else {
          this.setState('unreachable', undefined, err);
          await this.sleep(backoff, false);
          backoff = Math.min(backoff * 2, this.o.backoff.maxMs);
        }
      }
    }
  }

  /** Switches the outbox on once (it queues every existing row); a journal that cannot be written retries next pass. */
  private joinOnce(): void {
    if (this.joined) return;
    try {
      this.reader.join();
      this.joined = true;
    } catch (err) {
      // Said once, not at every pass: events still flow, rows follow once the journal takes writes again.
      if (!this.joinFailureLogged) this.log(`the journal could not start recording row changes for the store yet: ${err instanceof Error ? err.message : String(err)}`);
      this.joinFailureLogged = true;
    }
  }

  private async connect(): Promise<void> {
    const link = new StoreLink(this.o.config.client, this.o.registerId, { connectMs: this.o.connectTimeoutMs, queryMs: this.o.queryTimeoutMs });
    this.connecting = link;
    let marks: StoreMarks;
    try {
      marks = await link.connect();
    } finally {
      this.connecting = undefined;
    }
    if (this.stopped) {
      await link.close();
      return;
    }
    try {
      if (marks.eventsSeq > 0) {
        const local = this.o.journal.db.prepare('SELECT hash FROM events WHERE seq = ?').pluck().get(marks.eventsSeq) as string | undefined;
        if (local !== marks.eventsHash) {
          throw new StoreHistoryMismatch(
            local === undefined
              ? `the store holds ${marks.eventsSeq} events for register ${this.o.registerId}, this journal only ${this.reader.head()}`
              : `event ${marks.eventsSeq} of register ${this.o.registerId} differs between the store and this journal`,
          );
        }
      }
      if (marks.rowsSeq < this.reader.state().rowsAcked) {
        // The store lost row versions this journal already pruned (restored from a backup): send every row again.
        this.log(`the store has row changes up to ${marks.rowsSeq}, fewer than it confirmed before: sending every row again`);
        this.reader.requeueEveryRow();
      }
    } catch (err) {
      await link.close();
      throw err;
    }
    this.link = link;
    this.eventsAcked = marks.eventsSeq;
    this.rowsAcked = marks.rowsSeq;
    this.setState('connected');
  }

  /** Sends the next batch; false when there was nothing to send. */
  private async sendBatch(): Promise<boolean> {
    const link = this.link!;
    const events: OutboxEvent[] = this.reader.events(this.eventsAcked, this.o.batchSize);
    const rows = this.joined ? this.reader.rowChanges(this.rowsAcked, this.o.batchSize) : [];
    if (events.length === 0 && rows.length === 0) return false;
    await link.send(events, rows);
    if (events.length) this.eventsAcked = events[events.length - 1].seq;
    if (rows.length) this.rowsAcked = rows[rows.length - 1].change_seq;
    this.o.onBatchSent?.({ lastSeq: this.eventsAcked, events: events.length, rows: rows.length, at: performance.now() });
    this.acknowledge(false);
    this.scheduleStatus();
    return true;
  }

  /** Records the confirmed marks in the journal and prunes the outbox, at most once per ackIntervalMs. */
  private acknowledge(now: boolean): void {
    if (this.eventsAcked === this.ackedEvents && this.rowsAcked === this.ackedRows) return;
    const t = performance.now();
    if (!now && t - this.lastAck < this.o.ackIntervalMs) return;
    if (!this.link && !now) return;
    if (this.reader.acknowledge(this.eventsAcked, this.rowsAcked)) {
      this.lastAck = t;
      this.ackedEvents = this.eventsAcked;
      this.ackedRows = this.rowsAcked;
    }
  }

  private sleep(ms: number, wakeOnKick: boolean): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (wakeOnKick && this.kicked) {
      this.kicked = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        this.kicked = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      // A commit wakes an idle relay at once; a store being retried is not hammered by every sale.
      this.wake = wakeOnKick ? done : () => (this.stopped ? done() : undefined);
    });
  }

  private backlogNow(): { backlogEvents: number; backlogSales: number } {
    try {
      const b = this.reader.backlog(this.eventsAcked);
      return { backlogEvents: b.events, backlogSales: b.sales };
    } catch {
      return { backlogEvents: this.health?.backlogEvents ?? 0, backlogSales: this.health?.backlogSales ?? 0 };
    }
  }

  private scheduleStatus(): void {
    if (this.statusTimer || this.stopped) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = undefined;
      if (!this.stopped && this.o.journal.db.open) this.publish({ ...this.health, ...this.backlogNow() });
    }, this.o.statusIntervalMs);
    this.statusTimer.unref?.();
  }

  private setState(state: StoreLinkHealth['state'], detail?: string, err?: unknown): void {
    if (state !== this.health.state) {
      const why = err instanceof Error ? `: ${err.message}` : '';
      this.log(`${state === 'connected' ? `connected to ${this.o.config.display}` : `${state} (${this.o.config.display})${why}`}`);
    }
    const since = state === this.health.state ? this.health.since : this.clock().toISOString();
    const next: StoreLinkHealth = { state, since, ...this.backlogNow() };
    if (detail) next.detail = detail;
    this.publish(next);
  }

  private publish(h: StoreLinkHealth): void {
    const same = JSON.stringify(h) === JSON.stringify(this.health);
    this.health = h;
    if (same) return;
    for (const cb of this.listeners) {
      try {
        cb(h);
      } catch (err) {
        this.log(`status listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}

/** The schema refusal in words a manager can act on (no version numbers on the cashier's bar). */
function storeSchemaWords(err: StoreSchemaError): string {
  return err.kind === 'newer' ? 'the store was upgraded by a newer release: update this register' : 'the store has not been upgraded for this release yet';
}
