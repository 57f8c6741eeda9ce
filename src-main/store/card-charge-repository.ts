// Approved card charges of every register in the store, and the flag the
// store raises for the manager on each cross-register duplicate pair
// (issue 13 §3). A register pushes its charges when it can reach the store
// (CardChargeSync: at once, and everything since its last mark after a cut),
// so a pair is flagged when the second of the two arrives, whichever order
// they arrive in and however late. Pushes of one amount are serialised by a
// transaction-scoped advisory lock, so two registers pushing matching charges
// at the same moment still see each other's and flag the pair once.

import pg from 'pg';
import { duplicateCandidates, DEFAULT_DUPLICATE_WINDOW_MS, type CardIdentity, type ChargeProbe, type StoreCharge } from './cross-register-duplicate-rule.ts';
import { enqueueItem, type Queryable } from './manager-queue-repository.ts';
import { inTransaction } from './pg-transaction.ts';

/** A charge as a register pushes it. */
export interface ChargeRecord extends StoreCharge {
  invoice: string;
}

interface ChargeRowDb {
  register_id: string;
  register_name: string | null;
  attempt_id: string;
  ticket_id: string;
  invoice: string;
  amount: string;
  currency: string;
  card_token: string | null;
  masked_pan: string | null;
  card_brand: string | null;
  card_expiry: string | null;
  approved_at: Date;
}

function fromDb(r: ChargeRowDb): ChargeRecord {
  const card: CardIdentity = { token: r.card_token, maskedPan: r.masked_pan, brand: r.card_brand, expiry: r.card_expiry };
  return { registerId: r.register_id, registerName: r.register_name, attemptId: r.attempt_id, ticketId: r.ticket_id, invoice: r.invoice, amount: Number(r.amount), currency: r.currency, card, at: r.approved_at.getTime() };
}


/** Same-amount charges around `at` (± window) in the store, any register. */
async function chargesNear(c: Queryable, amount: number, currency: string, at: number, windowMs: number): Promise<ChargeRecord[]> {
  const r = await c.query<ChargeRowDb>(
    `SELECT * FROM card_charges WHERE currency = $1 AND amount = $2 AND approved_at BETWEEN $3 AND $4`,
    [currency, amount, new Date(at - windowMs), new Date(at + windowMs)],
  );
  return r.rows.map(fromDb);
}

/** What the cashier's warning needs: earlier charges of the store a charge about to be made may duplicate, newest first. */
export async function findPossibleDuplicates(pool: Queryable, probe: ChargeProbe, windowMs = DEFAULT_DUPLICATE_WINDOW_MS): Promise<ChargeRecord[]> {
  const near = await chargesNear(pool, probe.amount, probe.currency, probe.at, windowMs);
  return duplicateCandidates(near, probe, windowMs).filter((c) => c.at <= probe.at + 1000) as ChargeRecord[];
}

/** Words the manager reads on a flagged pair (no card data beyond the last four). */
export function duplicateSummary(earlier: ChargeRecord, later: ChargeRecord): string {
  const registerName = (c: ChargeRecord): string => c.registerName ?? 'another register';
  const last4 = (later.card.maskedPan ?? '').slice(-4);
  const minutes = Math.max(0, Math.round((later.at - earlier.at) / 60_000));
  const card = last4 ? `The card ending ${last4}` : 'The same card';
  return `${card} paid the same amount twice ${minutes === 0 ? 'within a minute' : `${minutes} minute${minutes === 1 ? '' : 's'} apart`}: on ${registerName(earlier)} and on ${registerName(later)}. Check with the customer whether both purchases are theirs; refund the second if not.`;
}

/**
 * Records charges in the store (idempotent on register + attempt) and flags
 * every new cross-register duplicate pair in the manager queue. Resolves with
 * the number of charges newly recorded and pairs newly flagged.
 */
export async function recordCharges(pool: pg.Pool, charges: readonly ChargeRecord[], windowMs = DEFAULT_DUPLICATE_WINDOW_MS): Promise<{ recorded: number; flagged: number }> {
  let recorded = 0;
  let flagged = 0;
  for (const ch of charges) {
    const r = await inTransaction(pool, async (c) => {
      // One amount at a time across the store: a concurrent push of a matching charge waits for ours.
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`card_charge:${ch.currency}:${ch.amount}`]);
      const ins = await c.query(
        `INSERT INTO card_charges (register_id, attempt_id, ticket_id, invoice, amount, currency, card_token, masked_pan, card_brand, card_expiry, approved_at, register_name)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING`,
        [ch.registerId, ch.attemptId, ch.ticketId, ch.invoice, ch.amount, ch.currency, ch.card.token ?? null, ch.card.maskedPan ?? null, ch.card.brand ?? null, ch.card.expiry ?? null, new Date(ch.at), ch.registerName ?? null],
      );
      if (ins.rowCount === 0) return { recorded: 0, flagged: 0 };
      const near = await chargesNear(c, ch.amount, ch.currency, ch.at, windowMs);
      let n = 0;
      for (const other of duplicateCandidates(near, { ...ch, card: ch.card }, windowMs)) {
        const [earlier, later] = other.at < ch.at || (other.at === ch.at && other.registerId < ch.registerId) ? [other as ChargeRecord, ch] : [ch, other as ChargeRecord];
        const added = await enqueueItem(c, {
          kind: 'cross_register_duplicate',
          registerId: later.registerId,
          ...(later.registerName ? { registerName: later.registerName } : {}),
          itemKey: `${earlier.registerId}/${earlier.attemptId}~${later.registerId}/${later.attemptId}`,
          summary: duplicateSummary(earlier, later),
          amount: later.amount,
          currency: later.currency,
          detail: { earlierInvoice: earlier.invoice, laterInvoice: later.invoice, earlierRegister: earlier.registerId, laterRegister: later.registerId, earlierAt: earlier.at, laterAt: later.at },
        });
        if (added) n++;
      }
      return { recorded: 1, flagged: n };
    });
    recorded += r.recorded;
    flagged += r.flagged;
  }
  return { recorded, flagged };
}

/** The newest approval time the store holds for a register (its push mark), or undefined. */
export async function lastChargeAt(pool: pg.Pool, registerId: string): Promise<number | undefined> {
  const r = await pool.query<{ at: Date | null }>('SELECT max(approved_at) AS at FROM card_charges WHERE register_id = $1', [registerId]);
  return r.rows[0]?.at?.getTime();
}

/**
 * The duplicate guard's store query: through the pool, and once more on a
 * fresh connection when the pooled one fails (a connection the link or the
 * store dropped meanwhile fails at once, and the pool may hold several such;
 * a store really out of reach fails the fresh one too, and fast).
 */
export function recentChargesPort(pool: pg.Pool, client: pg.ClientConfig): (probe: ChargeProbe, windowMs: number) => Promise<ChargeRecord[]> {
  return async (probe, windowMs) => {
    try {
      return await findPossibleDuplicates(pool, probe, windowMs);
    } catch {
      const c = new pg.Client(client);
      c.on('error', () => undefined);
      try {
        await c.connect();
        return await findPossibleDuplicates(c, probe, windowMs);
      } finally {
        await c.end().catch(() => undefined);
      }
    }
  };
}
