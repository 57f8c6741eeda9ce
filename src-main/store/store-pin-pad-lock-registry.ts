// The PIN-pad-per-workstation lock across machines (seed 002 table 4-14),
// behind devices/pin-pad-lock.ts's PinPadLockRegistry, used instead of the
// file-backed one when a store is configured: one row per PIN pad address in
// the store's pin_pad_leases, taken with one INSERT … ON CONFLICT DO UPDATE
// … WHERE the lease lapsed (or is already ours), which PostgreSQL runs
// atomically under the row's lock, so of two workstations asking at once
// exactly one gets the row. A lease, not a lock for ever: the holder renews
// it while it holds the PIN pad; a workstation that crashed or lost the store
// stops renewing, and once the lease lapses another may take the pad. Lease
// times are the store's clock (clock_timestamp()), the one clock every
// workstation shares; two machines' own clocks may disagree by minutes.
//
// Without the store (unreachable), a register must still sell its own tickets:
// with a fallback (the machine's file-backed registry, as the host builds it)
// the PIN pad is locked on this machine only and the log says so; without
// one, acquire is refused in plain words.

import type pg from 'pg';
import { AppError } from '../../src-shared/errors.ts';
import { countedPinPadLock, pinPadInUseError, type PinPadLock, type PinPadLockHolder, type PinPadLockRegistry } from '../devices/pin-pad-lock.ts';

/** How the store-backed registry is built. */
export interface StorePinPadLockRegistryOptions {
  pool: pg.Pool;
  /** The name other workstations see in the refusal. */
  application: string;
  workstation: string;
  /** Process id (default this process's). */
  pid?: number;
  /** How long a lease lasts unless renewed, ms (default 30 000); renewed every third of it. */
  leaseMs?: number;
  /** Used when the store cannot be reached (see file comment). */
  fallback?: PinPadLockRegistry;
  log?: (line: string) => void;
}

interface LeaseRow {
  application: string;
  workstation: string;
  pid: number;
  taken_at: Date;
}

/** The store-backed registry (see file comment). */
export class StorePinPadLockRegistry implements PinPadLockRegistry {
  private readonly counts = new Map<string, number>();
  private readonly renewals = new Map<string, NodeJS.Timeout>();
  private readonly pid: number;
  private readonly leaseMs: number;

  constructor(private readonly o: StorePinPadLockRegistryOptions) {
    this.pid = o.pid ?? process.pid;
    this.leaseMs = o.leaseMs ?? 30_000;
  }

  heldHere(address: string): boolean {
    return (this.counts.get(address) ?? 0) > 0 || (this.o.fallback?.heldHere(address) ?? false);
  }

  async holder(address: string): Promise<PinPadLockHolder | undefined> {
    const r = await this.o.pool.query<LeaseRow>('SELECT application, workstation, pid, taken_at FROM pin_pad_leases WHERE pad_address = $1 AND lease_until > clock_timestamp()', [address]);
    const h = r.rows[0];
    return h ? { application: h.application, workstation: h.workstation, pid: h.pid, since: h.taken_at.toISOString() } : undefined;
  }

  async acquire(address: string): Promise<PinPadLock> {
    const held = this.counts.get(address) ?? 0;
    if (held > 0) {
      this.counts.set(address, held + 1);
      return this.handle(address);
    }
    let r: pg.QueryResult<LeaseRow>;
    try {
      r = await this.o.pool.query<LeaseRow>(
        `INSERT INTO pin_pad_leases AS l (pad_address, application, workstation, pid, taken_at, lease_until)
         VALUES ($1, $2, $3, $4, clock_timestamp(), clock_timestamp() + make_interval(secs => $5::double precision / 1000))
         ON CONFLICT (pad_address) DO UPDATE
           SET application = EXCLUDED.application, workstation = EXCLUDED.workstation, pid = EXCLUDED.pid,
               taken_at = CASE WHEN l.workstation = EXCLUDED.workstation AND l.application = EXCLUDED.application AND l.pid = EXCLUDED.pid THEN l.taken_at ELSE EXCLUDED.taken_at END,
               lease_until = EXCLUDED.lease_until
           WHERE l.lease_until <= clock_timestamp() OR (l.workstation = EXCLUDED.workstation AND l.application = EXCLUDED.application AND l.pid = EXCLUDED.pid)
         RETURNING application, workstation, pid, taken_at`,
        [address, this.o.application, this.o.workstation, this.pid, this.leaseMs],
      );
    } catch (err) {
      if (this.o.fallback) {
        this.o.log?.(`PIN pad ${address}: the store cannot be reached; locked on this workstation only (${err instanceof Error ? err.message : String(err)})`);
        return this.o.fallback.acquire(address);
      }
      throw new AppError('store_unavailable', 'The store cannot be reached, so this PIN pad cannot be checked as free. Try again when the store link is back.', {
        address,
        cause: err instanceof Error ? err.message : String(err),
      });
    }
    if (r.rows.length === 0) {
      const h = await this.holder(address);
      // Lapsed between the two statements: ask again.
      if (!h) return this.acquire(address);
      throw pinPadInUseError(address, h);
    }
    this.counts.set(address, 1);
    const timer = setInterval(() => void this.renew(address), Math.max(50, Math.floor(this.leaseMs / 3)));
    timer.unref();
    this.renewals.set(address, timer);
    return this.handle(address);
  }

  /** Stops renewing every lease without giving it back (a crash, as the other workstations see it). For tests. */
  abandonAll(): void {
    for (const t of this.renewals.values()) clearInterval(t);
    this.renewals.clear();
    this.counts.clear();
  }

  private async renew(address: string): Promise<void> {
    await this.o.pool
      .query(
        'UPDATE pin_pad_leases SET lease_until = clock_timestamp() + make_interval(secs => $5::double precision / 1000) WHERE pad_address = $1 AND application = $2 AND workstation = $3 AND pid = $4',
        [address, this.o.application, this.o.workstation, this.pid, this.leaseMs],
      )
      .catch(() => undefined); // The store is away: the lease runs out, as it must.
  }

  private handle(address: string): PinPadLock {
    return countedPinPadLock(address, this.counts, address, async () => {
      clearInterval(this.renewals.get(address));
      this.renewals.delete(address);
      await this.o.pool.query('DELETE FROM pin_pad_leases WHERE pad_address = $1 AND application = $2 AND workstation = $3 AND pid = $4', [
        address,
        this.o.application,
        this.o.workstation,
        this.pid,
      ]);
    });
  }

}
