// One PIN pad, one workstation (seed 002 table 4-14): a PIN pad talks to one
// ECR at a time, and a second app driving it mid-payment would mix two
// customers' transactions. Before a PIN pad's driver is opened the app takes a
// lock on the pad's address; a second app asking for the same pad is refused
// with the seed's words, naming who holds it.
//
// PinPadLockRegistry is the seam: this file's registry covers every app on
// this machine (one lock file per address in a shared directory, created with
// O_EXCL, so exactly one creator wins); the store server (a later issue) adds
// one across machines behind the same interface.
//
// A lock lives as long as its process: released on close, on a normal exit
// (the exit hook), and after a kill -9 the next asker finds the holder's pid
// dead and takes the lock over. Limits: a lock written by another workstation
// on a shared directory cannot have its pid checked and is honoured until
// released; a dead holder's pid reused by an unrelated process keeps the lock
// until that process ends (the file names the holder: a manager can delete it).

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../src-shared/errors.ts';
import type { PinPadSettings } from '../../src-shared/device-settings.ts';

/** Who holds a PIN pad. */
export interface PinPadLockHolder {
  /** The application holding it, e.g. "Cashier Desk register R1". */
  application: string;
  /** The workstation (host name) it runs on. */
  workstation: string;
  /** Its process id on that workstation. */
  pid: number;
  /** When it took the lock (ISO 8601, injected clock). */
  since: string;
}

/** A lock held on one PIN pad; release it when its driver closes. */
export interface PinPadLock {
  readonly address: string;
  release(): Promise<void>;
}

/** Where PIN pad locks are taken (this machine now; across machines through the store server later). */
export interface PinPadLockRegistry {
  /**
   * Takes the lock on a PIN pad's address (see pinPadAddress). Rejects with
   * AppError 'pin_pad_in_use' when another app holds it. Re-entrant within one
   * process: each acquire needs its own release.
   */
  acquire(address: string): Promise<PinPadLock>;
  /** Who holds the PIN pad now, if anyone alive does. */
  holder(address: string): Promise<PinPadLockHolder | undefined>;
  /** True when the current holder is this process (the app itself). */
  heldHere(address: string): boolean;
}

/**
 * One acquire's handle on a re-entrant lock: release counts down the acquires
 * of `key` in `counts` (a second release of the same handle does nothing) and
 * runs `onLast` when the last one is released. Both registries count the same way.
 */
export function countedPinPadLock(address: string, counts: Map<string, number>, key: string, onLast: () => void | Promise<void>): PinPadLock {
  let released = false;
  return {
    address,
    release: async () => {
      if (released) return;
      released = true;
      const n = (counts.get(key) ?? 1) - 1;
      if (n > 0) {
        counts.set(key, n);
        return;
      }
      counts.delete(key);
      await onLast();
    },
  };
}

/** The address a PIN pad's lock is keyed on: host:port (TCP, HTTP) or the serial device path. */
export function pinPadAddress(settings: PinPadSettings): string {
  if (settings.transport === 'serial') return path.resolve(settings.serialPath);
  return `${settings.host.trim().toLowerCase()}:${settings.port}`;
}

/** The refusal shown to the purser or manager, in the seed's words (table 4-14 #2). */
export function pinPadInUseError(address: string, holder: PinPadLockHolder): AppError {
  return new AppError('pin_pad_in_use', `The PIN pad ${address} is in use by ${holder.application} on workstation ${holder.workstation}`, {
    address,
    application: holder.application,
    workstation: holder.workstation,
    since: holder.since,
  });
}

/** Options of the file-backed registry. */
export interface FilePinPadLockRegistryOptions {
  /** The name other apps see in the refusal. */
  application: string;
  /** Lock directory; default CASHIER_DESK_LOCK_DIR or <os tmpdir>/cashier-desk-pin-pad-locks. */
  dir?: string;
  /** Default CASHIER_DESK_WORKSTATION or the host name. */
  workstation?: string;
  clock?: () => Date;
}

/** The default lock directory, shared by every app on this machine. */
export function defaultPinPadLockDir(): string {
  return process.env.CASHIER_DESK_LOCK_DIR || path.join(os.tmpdir(), 'cashier-desk-pin-pad-locks');
}

/** How long a lock file may stay unreadable before it counts as a crashed writer's (ms). */
const HALF_WRITTEN_GRACE_MS = 2000;
/** Tries at taking a lock that keeps changing under us (stale takeovers racing). */
const MAX_TRIES = 5;

/** Locks of every registry of this process, released on exit. */
const heldFiles = new Set<string>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const file of heldFiles) {
      try {
        fs.unlinkSync(file);
      } catch {
        // Gone already; the next asker would find our pid dead anyway.
      }
    }
  });
}

/** True when a process with this pid exists on this machine (EPERM: it exists, under another user). */
function pidAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseHolder(text: string): PinPadLockHolder | undefined {
  try {
    const v = JSON.parse(text) as Partial<PinPadLockHolder>;
    if (typeof v.application === 'string' && typeof v.workstation === 'string' && Number.isSafeInteger(v.pid) && typeof v.since === 'string') {
      return { application: v.application, workstation: v.workstation, pid: v.pid as number, since: v.since };
    }
  } catch {
    // Unreadable: handled by the caller.
  }
  return undefined;
}

/** The file-backed registry (see file comment). */
export class FilePinPadLockRegistry implements PinPadLockRegistry {
  readonly dir: string;
  private readonly me: Omit<PinPadLockHolder, 'since'>;
  private readonly clock: () => Date;
  /** Re-entrant holds of this registry: file → count. */
  private readonly counts = new Map<string, number>();

  constructor(opts: FilePinPadLockRegistryOptions) {
    this.dir = opts.dir ?? defaultPinPadLockDir();
    this.me = {
      application: opts.application,
      workstation: opts.workstation ?? (process.env.CASHIER_DESK_WORKSTATION || os.hostname()),
      pid: process.pid,
    };
    this.clock = opts.clock ?? (() => new Date());
  }

  /** The lock file of an address: a readable slug plus a hash, so different addresses never share a file. */
  fileOf(address: string): string {
    const slug = address.replace(/[^A-Za-z0-9._-]+/g, '_').slice(-60);
    const hash = createHash('sha256').update(address).digest('hex').slice(0, 12);
    return path.join(this.dir, `${slug}-${hash}.lock`);
  }

  heldHere(address: string): boolean {
    return (this.counts.get(this.fileOf(address)) ?? 0) > 0;
  }

  async holder(address: string): Promise<PinPadLockHolder | undefined> {
    const file = this.fileOf(address);
    const read = this.readLive(file);
    return read.kind === 'live' ? read.holder : undefined;
  }

  async acquire(address: string): Promise<PinPadLock> {
    const file = this.fileOf(address);
    const held = this.counts.get(file) ?? 0;
    if (held > 0) {
      this.counts.set(file, held + 1);
      return this.handle(address, file);
    }
    fs.mkdirSync(this.dir, { recursive: true });
    for (let attempt = 0; attempt < MAX_TRIES; attempt++) {
      if (this.tryCreate(file)) {
        this.counts.set(file, 1);
        heldFiles.add(file);
        installExitHook();
        return this.handle(address, file);
      }
      const read = this.readLive(file);
      if (read.kind === 'live') {
        // Our own pid in a file we do not count: a registry of this process with
        // another name, or a leftover of ours. Another app in this process is
        // still another holder only if its name differs.
        if (read.holder.pid === process.pid && read.holder.workstation === this.me.workstation && read.holder.application === this.me.application) {
          this.counts.set(file, 1);
          heldFiles.add(file);
          return this.handle(address, file);
        }
        throw pinPadInUseError(address, read.holder);
      }
      if (read.kind === 'young') {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      if (read.kind === 'stale') this.takeOver(file, read.text);
      // 'gone' or taken over: try creating again.
    }
    const last = this.readLive(file);
    if (last.kind === 'live') throw pinPadInUseError(address, last.holder);
    throw new AppError('device_error', `The PIN pad ${address} could not be locked for this workstation (its lock file keeps changing). Try again.`, { address });
  }

  private handle(address: string, file: string): PinPadLock {
    return countedPinPadLock(address, this.counts, file, () => {
      heldFiles.delete(file);
      // Only our own lock is removed: one taken over after we were presumed dead stays.
      const read = this.readLive(file);
      if (read.kind === 'live' && read.holder.pid === process.pid && read.holder.application === this.me.application) {
        try {
          fs.unlinkSync(file);
        } catch {
          // Already gone.
        }
      }
    });
  }

  /** O_EXCL create with our holder record; false when the file exists. */
  private tryCreate(file: string): boolean {
    let fd: number;
    try {
      fd = fs.openSync(file, 'wx', 0o644);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw new AppError('device_error', `The PIN pad lock directory ${this.dir} cannot be written (${(err as Error).message}). Check its permissions.`, {
        dir: this.dir,
      });
    }
    try {
      fs.writeSync(fd, JSON.stringify({ ...this.me, since: this.clock().toISOString() } satisfies PinPadLockHolder));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    return true;
  }

  /**
   * What the lock file says: a live holder; 'stale' (holder dead, or
   * unreadable for longer than a write takes); 'young' (unreadable, maybe being
   * written right now); 'gone'.
   */
  private readLive(
    file: string,
  ): { kind: 'live'; holder: PinPadLockHolder } | { kind: 'stale'; text: string } | { kind: 'young' } | { kind: 'gone' } {
    let text: string;
    let mtimeMs: number;
    try {
      text = fs.readFileSync(file, 'utf8');
      mtimeMs = fs.statSync(file).mtimeMs;
    } catch {
      return { kind: 'gone' };
    }
    const holder = parseHolder(text);
    if (!holder) return Date.now() - mtimeMs < HALF_WRITTEN_GRACE_MS ? { kind: 'young' } : { kind: 'stale', text };
    // A holder on another workstation (a shared directory) cannot be checked here: honoured.
    if (holder.workstation !== this.me.workstation || pidAlive(holder.pid)) return { kind: 'live', holder };
    return { kind: 'stale', text };
  }

  /**
   * Removes a stale lock, atomically: it is renamed aside first, so of two
   * apps taking over the same stale lock only one moves it; if what was moved
   * is not what was judged stale (a racer's fresh lock), it is put back.
   */
  private takeOver(file: string, staleText: string): void {
    const aside = `${file}.${process.pid}.${Date.now()}.stale`;
    try {
      fs.renameSync(file, aside);
    } catch {
      return; // someone else moved it first
    }
    let moved = '';
    try {
      moved = fs.readFileSync(aside, 'utf8');
    } catch {
      // unreadable: treat as the stale one
    }
    if (moved !== '' && moved !== staleText) {
      try {
        fs.linkSync(aside, file);
      } catch {
        // A third app already locked it: its lock stands, ours will be refused.
      }
    }
    try {
      fs.unlinkSync(aside);
    } catch {
      // best effort
    }
  }
}
