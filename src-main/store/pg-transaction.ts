// One PostgreSQL transaction on a client of a pool, for every store repository
// (card charges, ticket ownership, the shared folio): BEGIN, the work, COMMIT,
// or ROLLBACK on any error, and a client whose link broke is not handed on.

import type pg from 'pg';

/** Runs fn in one transaction on a client of the pool. */
export async function inTransaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>, stage?: { committing: boolean }): Promise<T> {
  const c = await pool.connect();
  // A link that breaks while the client is out emits 'error' on it besides rejecting the query in flight; the
  // rejection is what is acted on, and an unheard 'error' event would take the whole register down.
  const onError = (): void => undefined;
  c.on('error', onError);
  let broken = false;
  try {
    await c.query('BEGIN');
    const r = await fn(c);
    // From here a lost answer leaves the outcome unknown (the caller that cares passes `stage`).
    if (stage) stage.committing = true;
    await c.query('COMMIT');
    return r;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw err;
  } finally {
    c.off('error', onError);
    // A client whose link broke is discarded, not handed to the next caller.
    c.release(broken);
  }
}
