// The shared manager queue in the store (issue 13 §3): orphans, in-doubt
// attempts and variances of every register, and the cross-register duplicate
// pairs the store flags, in one list. A manager claims an item before acting
// on it; the claim takes the row with SELECT … FOR UPDATE SKIP LOCKED, so two
// managers claiming at the same moment never get the same item (the second
// skips the locked row instead of waiting for it and then taking it too). A
// claim is kept in the row (status 'claimed', by whom, when) and lapses after
// claimTtlMs, so a manager who walked away does not hold an item for ever.

import type pg from 'pg';

/** A pool or a client: anything that runs a query. */
export type Queryable = Pick<pg.ClientBase, 'query'>;
import { AppError } from '../../src-shared/errors.ts';

/** What kind of item. */
export type QueueKind = 'orphan' | 'in_doubt' | 'variance' | 'cross_register_duplicate';

/** An item as a register (or the store's duplicate flag) adds it. */
export interface NewQueueItem {
  kind: QueueKind;
  registerId: string;
  /** The register's name as people call it. */
  registerName?: string;
  itemKey: string;
  summary: string;
  amount?: number;
  currency?: string;
  detail?: Record<string, unknown>;
}

/** An item of the queue. */
export interface QueueItem extends NewQueueItem {
  id: number;
  status: 'open' | 'claimed' | 'done';
  claimedBy: string | null;
  /** The holder's name, for people. */
  claimedName: string | null;
  claimedAt: number | null;
  doneNote: string | null;
  createdAt: number;
}

interface QueueRowDb {
  id: string;
  kind: QueueKind;
  register_id: string;
  register_name: string | null;
  item_key: string;
  summary: string;
  amount: string | null;
  currency: string | null;
  detail: Record<string, unknown>;
  status: QueueItem['status'];
  claimed_by: string | null;
  claimed_name: string | null;
  claimed_at: Date | null;
  done_note: string | null;
  created_at: Date;
}

function fromDb(r: QueueRowDb): QueueItem {
  return {
    id: Number(r.id),
    kind: r.kind,
    registerId: r.register_id,
    ...(r.register_name !== null ? { registerName: r.register_name } : {}),
    itemKey: r.item_key,
    summary: r.summary,
    ...(r.amount !== null ? { amount: Number(r.amount) } : {}),
    ...(r.currency !== null ? { currency: r.currency } : {}),
    detail: r.detail,
    status: r.status,
    claimedBy: r.claimed_by,
    claimedName: r.claimed_name,
    claimedAt: r.claimed_at?.getTime() ?? null,
    doneNote: r.done_note,
    createdAt: r.created_at.getTime(),
  };
}

/** Adds an item unless it is there already (unique on kind, register and key); true when added. */
export async function enqueueItem(c: Queryable, item: NewQueueItem): Promise<boolean> {
  const r = await c.query(
    `INSERT INTO manager_queue (kind, register_id, item_key, summary, amount, currency, detail, register_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (kind, register_id, item_key) DO NOTHING`,
    [item.kind, item.registerId, item.itemKey, item.summary, item.amount ?? null, item.currency ?? null, JSON.stringify(item.detail ?? {}), item.registerName ?? null],
  );
  return r.rowCount === 1;
}

/** Refused claims and actions, in plain words for the manager. */
export const TAKEN_BY_ANOTHER = 'Another manager is already working on this item. Pick another one, or wait until they are done.';
export const ALREADY_DONE = 'This item has already been dealt with.';

/** The shared queue of one store. */
export class ManagerQueueRepository {
  constructor(
    private readonly pool: pg.Pool,
    private readonly opts: { now: () => number; claimTtlMs?: number } = { now: () => Date.now() },
  ) {}

  private get ttl(): number {
    return this.opts.claimTtlMs ?? 30 * 60_000;
  }

  /** Adds an item unless present; true when added. */
  add(item: NewQueueItem): Promise<boolean> {
    return enqueueItem(this.pool, item);
  }

  /**
   * A register's open items of the kinds it reports, as it sees them now: new
   * ones are added, and those it no longer has open (resolved on the
   * register) are marked done. Items a manager claimed stay claimed until done.
   */
  async syncRegister(registerId: string, kinds: readonly QueueKind[], open: readonly NewQueueItem[], registerName?: string): Promise<{ added: number; closed: number }> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      let added = 0;
      for (const item of open) if (await enqueueItem(c, registerName && !item.registerName ? { ...item, registerName } : item)) added++;
      const keys = open.map((i) => `${i.kind}:${i.itemKey}`);
      const closed = await c.query(
        `UPDATE manager_queue SET status = 'done', done_at = $4, done_note = 'Settled on the register'
         WHERE register_id = $1 AND kind = ANY($2) AND status <> 'done' AND NOT (kind || ':' || item_key = ANY($3))`,
        [registerId, kinds, keys, new Date(this.opts.now())],
      );
      await c.query('COMMIT');
      return { added, closed: closed.rowCount ?? 0 };
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }

  /** Items not done (claimed ones included, with who holds them), oldest first. */
  async listOpen(limit = 500): Promise<QueueItem[]> {
    const r = await this.pool.query<QueueRowDb>(`SELECT * FROM manager_queue WHERE status <> 'done' ORDER BY created_at, id LIMIT $1`, [limit]);
    return r.rows.map(fromDb);
  }

  /** One item; AppError not_found. */
  async get(id: number): Promise<QueueItem> {
    const r = await this.pool.query<QueueRowDb>('SELECT * FROM manager_queue WHERE id = $1', [id]);
    if (r.rows.length === 0) throw new AppError('not_found', 'That item is no longer in the queue.', { id });
    return fromDb(r.rows[0]);
  }

  /**
   * Claims an item for a manager: the given one, or the oldest claimable one.
   * Claimable: open, or claimed longer ago than the claim lasts (or, named by
   * id, already this manager's). Resolves undefined when nothing is claimable (taking the
   * next); AppError conflict when the given item is another manager's.
   */
  async claim(manager: string, id?: number, c?: Queryable, managerName = manager): Promise<QueueItem | undefined> {
    const now = new Date(this.opts.now());
    const stale = new Date(this.opts.now() - this.ttl);
    const run = async (db: Queryable): Promise<QueueItem | undefined> => {
      const r = await db.query<QueueRowDb>(
        `WITH next AS (
           SELECT id FROM manager_queue
           WHERE ($2::bigint IS NULL OR id = $2)
             AND (status = 'open' OR (status = 'claimed' AND (claimed_at < $4 OR ($2::bigint IS NOT NULL AND claimed_by = $1))))
           ORDER BY created_at, id
           LIMIT 1
           FOR UPDATE SKIP LOCKED
         )
         UPDATE manager_queue q SET status = 'claimed', claimed_by = $1, claimed_name = $5, claimed_at = $3 FROM next WHERE q.id = next.id RETURNING q.*`,
        [manager, id ?? null, now, stale, managerName],
      );
      return r.rows[0] ? fromDb(r.rows[0]) : undefined;
    };
    const got = await run(c ?? this.pool);
    if (got || id === undefined) return got;
    const item = await this.get(id);
    throw new AppError('conflict', item.status === 'done' ? ALREADY_DONE : TAKEN_BY_ANOTHER, { id });
  }

  /** Gives a claimed item back to the queue (only its holder can). */
  async release(manager: string, id: number): Promise<void> {
    const r = await this.pool.query(`UPDATE manager_queue SET status = 'open', claimed_by = NULL, claimed_name = NULL, claimed_at = NULL WHERE id = $1 AND status = 'claimed' AND claimed_by = $2`, [id, manager]);
    if (r.rowCount === 0) await this.refuse(id);
  }

  /** Marks an item dealt with, with the manager's note (only the holder of the claim can). */
  async complete(manager: string, id: number, note: string): Promise<QueueItem> {
    const r = await this.pool.query<QueueRowDb>(
      `UPDATE manager_queue SET status = 'done', done_at = $3, done_note = $4 WHERE id = $1 AND status = 'claimed' AND claimed_by = $2 RETURNING *`,
      [id, manager, new Date(this.opts.now()), note],
    );
    if (r.rows.length === 0) await this.refuse(id);
    return fromDb(r.rows[0]);
  }

  private async refuse(id: number): Promise<never> {
    const item = await this.get(id);
    if (item.status === 'done') throw new AppError('conflict', ALREADY_DONE, { id });
    throw new AppError('conflict', item.status === 'open' ? 'Take this item first, then act on it.' : TAKEN_BY_ANOTHER, { id });
  }
}
