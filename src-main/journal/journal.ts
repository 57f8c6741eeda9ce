// The journal: one SQLite file holding every ticket, payment attempt and the
// event log that records each change, written in the same transaction
// (DESIGN §4). Everything else in main writes through this class.

import { randomUUID } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import type { JournalVerifyReport } from '../../src-shared/domain.ts';
import { EventAppender, type NewEvent } from './event-log.ts';
import { openJournalDatabase } from './journal-connection.ts';
import { failedStatus, journalDamagedError, startBackgroundCheck, type BackgroundCheck, type IntegrityStatus } from './journal-integrity.ts';
import { verifyJournalDetailed } from './journal-verify.ts';
import { startOffThreadVerify, type OffThreadVerify } from './journal-verify-off-thread.ts';
import { compareWithMark, MarkWriter, readMark, type ChainMark, type LostHistory } from './journal-high-water-mark.ts';
import { watchedFault, writeFault, writeFaultCause, type WriteFault } from './journal-write-health.ts';
import { AppError } from '../../src-shared/errors.ts';

/** How often the write watch looks at the disk (and, after a fault, tries a real write). */
const WATCH_MS = 500;

export { defaultJournalPath } from './journal-path.ts';

/** The better-sqlite3 connection type. */
export type Database = BetterSqlite3.Database;

/** How to open a journal. Clock and id generator are injectable for deterministic tests. */
export interface JournalOptions {
  path: string;
  clock?: () => Date;
  newId?: () => string;
  /**
   * 'background' (default): the full integrity_check runs in a child process
   * after opening; its verdict is integrity() / onIntegrityChange. 'none': not
   * run (the `journal verify` CLI, which runs it synchronously anyway).
   */
  integrityCheck?: 'background' | 'none';
}

/** An open journal. */
export class Journal {
  readonly db: Database;
  readonly path: string;
  readonly schemaVersion: number;
  private readonly clock: () => Date;
  private readonly idGen: () => string;
  private readonly events: EventAppender;
  private depth = 0;
  // One wrapper for every call: building a new db.transaction() per call costs more than the SQL.
  private readonly runInTransaction: BetterSqlite3.Transaction<(fn: () => unknown) => unknown>;
  private afterCommitQueue: (() => void)[] = [];
  private readonly commitListeners = new Set<() => void>();
  private integrityStatus: IntegrityStatus = { state: 'not_run', problems: [] };
  private readonly integrityListeners = new Set<(s: IntegrityStatus) => void>();
  private check: BackgroundCheck | undefined;
  private readonly mark: MarkWriter;
  private pendingMark: ChainMark | undefined;
  private lost: LostHistory | undefined;
  private fault: WriteFault | undefined;
  private readonly writeListeners = new Set<(f: WriteFault | undefined) => void>();
  private watch: ReturnType<typeof setInterval> | undefined;
  private verifying: { run: OffThreadVerify; report: Promise<JournalVerifyReport> } | undefined;

  /** Use openJournal(); this wraps an already opened and migrated connection. */
  constructor(db: Database, path: string, schemaVersion: number, opts: Pick<JournalOptions, 'clock' | 'newId'> = {}) {
    this.db = db;
    this.path = path;
    this.schemaVersion = schemaVersion;
    this.clock = opts.clock ?? (() => new Date());
    this.idGen = opts.newId ?? randomUUID;
    this.events = new EventAppender(db);
    this.runInTransaction = db.transaction((fn: () => unknown) => fn());
    this.mark = new MarkWriter(path);
  }

  /**
   * Checks the chain head against the high-water mark kept outside the WAL
   * (journal-high-water-mark.ts); records the head as the mark when there is
   * none yet. After this, history found missing blocks every write.
   */
  checkHighWaterMark(): LostHistory | undefined {
    const head = this.db.prepare('SELECT seq, hash FROM chain_head WHERE id = 1').get() as ChainMark | undefined;
    if (!head) return undefined;
    const mark = readMark(this.path);
    const hashAt = this.db.prepare('SELECT hash FROM events WHERE seq = ?').pluck();
    this.lost = compareWithMark(this.path, mark, head, (seq) => hashAt.get(seq) as string | undefined);
    if (!mark) {
      try {
        this.mark.record(head);
      } catch (err) {
        console.error('journal: the high-water mark could not be written', err instanceof Error ? err.message : err);
      }
    }
    return this.lost;
  }

  /** History found missing at open (the WAL deleted or damaged), or undefined. */
  lostHistory(): LostHistory | undefined {
    return this.lost;
  }

  /**
   * Why no write may reach the file at all (integrity check failed, history
   * missing), or undefined. Reading, export and verify still work.
   */
  writeBlock(): AppError | undefined {
    if (this.integrityStatus.state === 'failed') return journalDamagedError(this.integrityStatus);
    if (this.lost) return new AppError('journal_corrupt', this.lost.message, { reason: 'history_lost', expectedSeq: this.lost.expected.seq, foundSeq: this.lost.found.seq });
    return undefined;
  }

  /** The current write fault (disk full, read-only, disk error), or undefined when writes work. */
  writeHealth(): WriteFault | undefined {
    return this.fault;
  }

  /** Subscribes to write-fault changes (undefined: writes work again); returns the unsubscribe function. */
  onWriteHealthChange(cb: (f: WriteFault | undefined) => void): () => void {
    this.writeListeners.add(cb);
    return () => this.writeListeners.delete(cb);
  }

  /** Throws the AppError a new payment gets while the journal cannot take it: blocked or not writable. */
  assertWritable(): void {
    const block = this.writeBlock();
    if (block) throw block;
    if (this.fault) throw new AppError('journal_unavailable', this.fault.message, { cause: this.fault.cause });
  }

  /** Starts the once-every-WATCH_MS look at the disk (idempotent; stopped by close()). */
  startWriteWatch(): void {
    if (this.watch) return;
    this.watch = setInterval(() => this.lookAtDisk(), WATCH_MS);
    this.watch.unref();
    this.lookAtDisk();
  }

  private lookAtDisk(): void {
    if (!this.db.open || this.depth > 0) return;
    const seen = watchedFault(this.path);
    if (seen) {
      if (this.fault?.cause !== seen) this.setFault(writeFault(seen));
      return;
    }
    if (!this.fault || this.writeBlock()) return;
    // Space is back (or the mount writable): only a real write proves it. Same value, so nothing changes but the header page.
    try {
      this.db.pragma(`user_version = ${this.schemaVersion}`);
      this.setFault(undefined);
    } catch (err) {
      const cause = writeFaultCause(err);
      if (cause && cause !== this.fault.cause) this.setFault(writeFault(cause));
    }
  }

  private setFault(f: WriteFault | undefined): void {
    this.fault = f;
    for (const cb of this.writeListeners) {
      try {
        cb(f);
      } catch (err) {
        console.error('journal: write-health listener failed', err instanceof Error ? err.message : err);
      }
    }
  }

  /** The injected clock's time. */
  now(): Date {
    return this.clock();
  }

  /** The injected clock's time as an ISO 8601 UTC string, the form stored in every row. */
  nowIso(): string {
    return this.clock().toISOString();
  }

  /** A fresh id from the injected generator. */
  newId(): string {
    return this.idGen();
  }

  /**
   * Runs fn in one SQLite transaction (BEGIN IMMEDIATE; nested calls become
   * savepoints). fn must be synchronous: nothing may be awaited while the
   * write lock is held.
   */
  transact<T>(fn: () => T): T {
    if (this.depth === 0) {
      const block = this.writeBlock();
      if (block) throw block;
    }
    const queued = this.afterCommitQueue.length;
    const markBefore = this.pendingMark;
    this.depth++;
    try {
      const result = this.runInTransaction.immediate(fn) as T;
      this.depth--;
      if (this.depth === 0) this.afterOuterCommit();
      return result;
    } catch (err) {
      this.depth--;
      // Work registered inside the rolled-back (save)point must not run.
      this.afterCommitQueue.length = this.depth === 0 ? 0 : queued;
      // An event of a rolled-back savepoint must not move the mark past what commits.
      this.pendingMark = this.depth === 0 ? undefined : markBefore;
      const cause = writeFaultCause(err);
      if (!cause) throw err;
      // Named at once (status bar, every refusal), not left as a generic error with the cause on stderr.
      const fault = writeFault(cause);
      if (this.fault?.cause !== cause) this.setFault(fault);
      throw new AppError('journal_unavailable', fault.message, { cause }, { cause: err });
    }
  }

  private afterOuterCommit(): void {
    const m = this.pendingMark;
    this.pendingMark = undefined;
    // Still in a transaction: someone opened one on the raw connection (BEGIN outside transact()), so what
    // "committed" was only a savepoint and may yet roll back. The mark must never lead the file, so it waits.
    if (m && !this.db.inTransaction) {
      try {
        this.mark.record(m);
      } catch (err) {
        // The commit is durable; a lagging mark only weakens detection, it never raises a false alarm.
        console.error('journal: the high-water mark could not be written', err instanceof Error ? err.message : err);
      }
    }
    if (this.fault && !watchedFault(this.path)) this.setFault(undefined);
    this.flushAfterCommit();
    for (const cb of this.commitListeners) {
      try {
        cb();
      } catch (err) {
        console.error('journal: commit listener failed', err instanceof Error ? err.message : err);
      }
    }
  }

  /**
   * Calls cb after every outermost commit of transact() (the store relay wakes
   * on it instead of polling); returns the unsubscribe function.
   */
  onCommit(cb: () => void): () => void {
    this.commitListeners.add(cb);
    return () => this.commitListeners.delete(cb);
  }

  /**
   * Runs cb once the outermost transaction commits (at once when none is open);
   * dropped if it rolls back. For notifying listeners only of committed state.
   */
  afterCommit(cb: () => void): void {
    if (this.depth === 0) {
      cb();
      return;
    }
    this.afterCommitQueue.push(cb);
  }

  /**
   * Appends one event to the hash chain; only inside transact(). Refuses payloads
   * holding a full card number. `at` (default: now) lets the caller stamp the
   * event with the same instant as the row it writes alongside.
   */
  appendEvent(e: NewEvent, at: string = this.nowIso()): { seq: number; hash: string } {
    const appended = this.events.append(e, at);
    this.pendingMark = appended;
    return appended;
  }

  /**
   * integrity_check plus a walk of the whole hash chain and the state rebuild,
   * synchronously on this thread: seconds on a large journal, so for the CLI
   * and tests. The host uses verifyOffThread(). Its integrity verdict also updates integrity().
   */
  verify(): JournalVerifyReport {
    const { report, integrityProblems } = verifyJournalDetailed(this.db, this.path);
    this.takeVerdict(report, integrityProblems);
    return report;
  }

  /**
   * verify() on read-only connections off this thread (a worker and a child
   * process), so the register keeps answering while it runs. Presses while
   * one runs share its answer. Rejects with an AppError when it could not run.
   */
  verifyOffThread(): Promise<JournalVerifyReport> {
    if (this.verifying) return this.verifying.report;
    const run = startOffThreadVerify(this.path);
    const report = run.result
      .then(({ report, integrityProblems }) => {
        if (this.db.open) this.takeVerdict(report, integrityProblems);
        return report;
      })
      .finally(() => {
        if (this.verifying?.run === run) this.verifying = undefined;
      });
    this.verifying = { run, report };
    return report;
  }

  private takeVerdict(report: JournalVerifyReport, integrityProblems: string[]): void {
    if (!report.integrityOk) this.setIntegrity(failedStatus(this.path, integrityProblems));
    else if (this.integrityStatus.state !== 'failed') this.setIntegrity({ state: 'ok', problems: [] });
  }

  /** The background integrity check's verdict so far. */
  integrity(): IntegrityStatus {
    return this.integrityStatus;
  }

  /** Subscribes to integrity verdict changes; returns the unsubscribe function. */
  onIntegrityChange(cb: (s: IntegrityStatus) => void): () => void {
    this.integrityListeners.add(cb);
    return () => this.integrityListeners.delete(cb);
  }

  /**
   * Starts the full integrity_check in a child process on a read-only
   * connection (once); resolves with its verdict, never rejects.
   */
  checkIntegrityInBackground(): Promise<IntegrityStatus> {
    if (!this.check) {
      this.check = startBackgroundCheck(this.path);
      this.setIntegrity({ state: 'checking', problems: [] });
      void this.check.result.then((s) => {
        // A verdict after close() (the check was stopped) is no news; a synchronous verify may have settled it already.
        if (this.db.open && this.integrityStatus.state === 'checking') this.setIntegrity(s);
      });
    }
    return this.check.result;
  }

  /** Closes the connection (checkpointing the WAL) and stops a running background check. */
  close(): void {
    this.check?.stop();
    this.verifying?.run.stop();
    if (this.watch) clearInterval(this.watch);
    this.watch = undefined;
    this.mark.close();
    if (this.db.open) this.db.close();
  }

  private setIntegrity(s: IntegrityStatus): void {
    this.integrityStatus = s;
    for (const cb of this.integrityListeners) {
      try {
        cb(s);
      } catch (err) {
        console.error('journal: integrity listener failed', err instanceof Error ? err.message : err);
      }
    }
  }

  private flushAfterCommit(): void {
    const queue = this.afterCommitQueue;
    this.afterCommitQueue = [];
    for (const cb of queue) {
      try {
        cb();
      } catch (err) {
        // A listener's bug must not turn a committed change into a reported failure.
        console.error('journal: after-commit callback failed', err instanceof Error ? err.message : err);
      }
    }
  }
}

/**
 * Opens the journal at opts.path, creating it if the file does not exist, with
 * checks that do not grow with history; the full integrity_check then runs in
 * the background (opts.integrityCheck).
 * Throws AppError 'journal_newer_than_code' | 'journal_corrupt' | 'journal_unavailable'
 * with a message that says what to do; an existing file is never replaced.
 */
export function openJournal(opts: JournalOptions): Journal {
  const { db, schemaVersion } = openJournalDatabase(opts.path);
  const journal = new Journal(db, opts.path, schemaVersion, opts);
  journal.checkHighWaterMark();
  journal.startWriteWatch();
  if (opts.integrityCheck !== 'none') void journal.checkIntegrityInBackground();
  return journal;
}
