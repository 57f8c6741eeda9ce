// The shared folio's decisions in PostgreSQL (store schema 0020; the desk side
// is purser/purser-folio-share.ts). Every request that can change what a guest
// owes or what is authorised runs in ONE transaction that first locks the
// guest's row in folio_guests (SELECT ... FOR UPDATE): two desks posting to the
// same guest at once are decided one after the other, and the second reads the
// first's line and the first's claimed increment. The increment row is the
// claim: its reference is the gateway invoice the card's desk sends it under.
//
// Why the card's desk sends (and not the desk that posted): the token and the
// processor's reference of the authorisation stay on the desk that registered
// the card, as they do now; the store holds no card data, only which card
// (register + card id) and what it holds. A claim waits for that desk's next
// pass when the posting was made elsewhere.
//
// The manager's flags go through ManagerFlagQueue: a store table of our own
// until the shared manager queue (store-decisions branch) can take them.

import pg from 'pg';
import { incrementAmount } from '../purser/purser-authorisation-plan.ts';
import { inTransaction } from './pg-transaction.ts';
import { OfflineLimitReached, type ClaimedIncrement, type FolioFlag, type FolioLineIn, type IncrementRule, type PublishedAuthorisation, type PublishedCard, type SharedFolioStore } from '../purser/purser-folio-share.ts';

/** Where a flag for the manager goes (the shared manager queue once it exists). */
export interface ManagerFlagQueue {
  raise(client: pg.ClientBase, flag: FolioFlag): Promise<void>;
  list(client: pg.ClientBase): Promise<FolioFlag[]>;
}

/** The flags in the shared folio's own table (store schema 0020). */
export const FOLIO_FLAGS_TABLE: ManagerFlagQueue = {
  async raise(client, f) {
    await client.query('INSERT INTO folio_flags (guest_key, kind, refs, detail, raised_by) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (kind, guest_key, refs) DO NOTHING', [f.guestKey, f.kind, f.refs, f.detail, f.raisedBy]);
  },
  async list(client) {
    const r = await client.query<{ guest_key: string; kind: 'double_increment'; refs: string[]; detail: FolioFlag['detail']; raised_by: string }>('SELECT guest_key, kind, refs, detail, raised_by FROM folio_flags ORDER BY id');
    return r.rows.map((x) => ({ guestKey: x.guest_key, kind: x.kind, refs: x.refs, detail: x.detail, raisedBy: x.raised_by }));
  },
};

export interface PostgresSharedFolioOptions {
  /** The store's connection (store-config.ts parseStoreUrl(...).client). */
  client: pg.ClientConfig;
  connectTimeoutMs?: number;
  queryTimeoutMs?: number;
  flagQueue?: ManagerFlagQueue;
  /** How the guest is locked for a decision (default: its folio_guests row FOR UPDATE). Tests build a broken variant with none. */
  lockGuest?: (client: pg.ClientBase, guestKey: string) => Promise<void>;
  /** Called in the transaction after the totals are read, before a claim is written (tests line two desks up here). */
  afterRead?: (guestKey: string) => Promise<void>;
  log?: (line: string) => void;
}

/** The guest's row FOR UPDATE: the one lock every decision on the guest takes. */
export async function lockGuestRow(client: pg.ClientBase, guestKey: string): Promise<void> {
  await client.query('SELECT 1 FROM folio_guests WHERE guest_key = $1 FOR UPDATE', [guestKey]);
}

type ClaimRow = { reference: string; guest_key: string; owner_register: string; card_id: string; amount: string; claimed_by: string; posting_line_id: string | null; state: 'claimed' | 'adopted' };
const claimOf = (r: ClaimRow): ClaimedIncrement => ({
  reference: r.reference,
  guestKey: r.guest_key,
  ownerRegister: r.owner_register,
  cardId: r.card_id,
  amount: Number(r.amount),
  claimedBy: r.claimed_by,
  postingLineId: r.posting_line_id,
  state: r.state,
});

// What the guest's cards hold: authorisations not declined on cards still active.
const AUTHORISED = `
  SELECT COALESCE(SUM(a.amount), 0)::bigint AS n FROM folio_authorisations a
    JOIN folio_cards c ON c.owner_register = a.owner_register AND c.card_id = a.card_id
   WHERE a.guest_key = $1 AND a.status <> 2 AND c.active AND a.reference <> ALL($2::text[])`;

/** The shared folio in PostgreSQL (see file comment). */
export class PostgresSharedFolio implements SharedFolioStore {
  private readonly pool: pg.Pool;
  private readonly flagQueue: ManagerFlagQueue;

  constructor(private readonly o: PostgresSharedFolioOptions) {
    this.pool = new pg.Pool({ ...o.client, max: 4, connectionTimeoutMillis: o.connectTimeoutMs ?? 2000, query_timeout: o.queryTimeoutMs ?? 5000, idleTimeoutMillis: 10_000 });
    // A dropped idle connection (the store went away) is not a crash: the next request reconnects or fails.
    this.pool.on('error', (err) => o.log?.(`shared folio: idle store connection lost: ${err.message}`));
    this.flagQueue = o.flagQueue ?? FOLIO_FLAGS_TABLE;
  }

  async post(req: { register: string; guestKey: string; lines: FolioLineIn[]; cards?: PublishedCard[]; authorisations?: PublishedAuthorisation[]; rule: IncrementRule }): Promise<{ claim: ClaimedIncrement | null; flags: FolioFlag[] }> {
    return inTransaction(this.pool, async (c) => {
      const key = req.guestKey;
      await c.query('INSERT INTO folio_guests (guest_key) VALUES ($1) ON CONFLICT DO NOTHING', [key]);
      await (this.o.lockGuest ?? lockGuestRow)(c, key);
      const cards = req.cards ?? [];
      if (cards.length > 0) {
        await c.query(
          `INSERT INTO folio_cards (owner_register, card_id, guest_key, routing_order, active, registered_at)
           SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[], $5::bool[], $6::text[])
           ON CONFLICT (owner_register, card_id) DO UPDATE SET routing_order = EXCLUDED.routing_order, active = EXCLUDED.active, updated_at = clock_timestamp()`,
          [req.register, cards.map((x) => x.cardId), cards.map(() => key), cards.map((x) => x.routingOrder), cards.map((x) => x.active), cards.map((x) => x.registeredAt)],
        );
      }
      const auths = req.authorisations ?? [];
      let fresh: { reference: string; amount: number; card_id: string }[] = [];
      if (auths.length > 0) {
        // xmax = 0 on the returned row: inserted now, i.e. an authorisation the store had not seen (made on the desk alone).
        const r = await c.query<{ reference: string; amount: string; card_id: string; kind: string; inserted: boolean }>(
          `INSERT INTO folio_authorisations (reference, guest_key, owner_register, card_id, kind, amount, status, origin, state, adopted_at)
           SELECT r, $2, $1, cid, k, amt, st, 'local', 'adopted', clock_timestamp() FROM unnest($3::text[], $4::text[], $5::text[], $6::bigint[], $7::smallint[]) AS u(r, cid, k, amt, st)
           ON CONFLICT (reference) DO UPDATE SET kind = EXCLUDED.kind, amount = EXCLUDED.amount, status = EXCLUDED.status
           RETURNING reference, amount, card_id, kind, (xmax = 0) AS inserted`,
          [req.register, key, auths.map((a) => a.reference), auths.map((a) => a.cardId), auths.map((a) => a.kind), auths.map((a) => a.amount), auths.map((a) => a.status)],
        );
        fresh = r.rows.filter((x) => x.inserted && x.kind === 'increment').map((x) => ({ reference: x.reference, amount: Number(x.amount), card_id: x.card_id }));
      }
      const inserted = req.lines.length
        ? (
            await c.query<{ line_id: string }>(
              `INSERT INTO folio_lines (register_id, line_id, guest_key, amount, description)
               SELECT $1, l, $2, a, d FROM unnest($3::text[], $4::bigint[], $5::text[]) AS u(l, a, d)
               ON CONFLICT (register_id, line_id) DO NOTHING RETURNING line_id`,
              [req.register, key, req.lines.map((l) => l.lineId), req.lines.map((l) => l.amount), req.lines.map((l) => l.description)],
            )
          ).rows.map((r) => r.line_id)
        : [];
      const total = Number((await c.query<{ n: string }>('SELECT COALESCE(SUM(amount), 0)::bigint AS n FROM folio_lines WHERE guest_key = $1', [key])).rows[0].n);
      const authorised = async (without: string[]) => Number((await c.query<{ n: string }>(AUTHORISED, [key, without])).rows[0].n);
      const flags: FolioFlag[] = [];
      for (const f of fresh) {
        // An increment the desk raised alone while what the others hold already covered the folio: two increments for one shortfall.
        const without = await authorised([f.reference]);
        const onActive = (await c.query('SELECT 1 FROM folio_cards WHERE owner_register = $1 AND card_id = $2 AND active', [req.register, f.card_id])).rowCount === 1;
        if (!onActive || without < total) continue;
        const other = await c.query<{ reference: string }>(
          "SELECT reference FROM folio_authorisations WHERE guest_key = $1 AND kind = 'increment' AND status <> 2 AND reference <> $2 ORDER BY created_at DESC LIMIT 1",
          [key, f.reference],
        );
        const flag: FolioFlag = { guestKey: key, kind: 'double_increment', refs: [...other.rows.map((x) => x.reference), f.reference], detail: { folioTotal: total, authorisedWithout: without, amount: f.amount }, raisedBy: req.register };
        await this.flagQueue.raise(c, flag);
        flags.push(flag);
      }
      const held = await authorised([]);
      await this.o.afterRead?.(key);
      let claim: ClaimedIncrement | null = null;
      // Only new lines raise an increment (as a posting does on a desk): a pass that re-sends known lines decides nothing.
      const amount = inserted.length > 0 ? incrementAmount(total - held, req.rule) : 0;
      if (amount > 0) {
        const card = await c.query<{ owner_register: string; card_id: string }>(
          'SELECT owner_register, card_id FROM folio_cards WHERE guest_key = $1 AND active ORDER BY routing_order, registered_at, owner_register LIMIT 1',
          [key],
        );
        const chosen = card.rows[0];
        const offline = req.rule.offline;
        let withinLimit = true;
        if (chosen && offline) {
          // Waiting to be authorised on that card: every desk's outstanding records and the claims not answered yet.
          const waiting = Number(
            (
              await c.query<{ n: string }>('SELECT COALESCE(SUM(amount), 0)::bigint AS n FROM folio_authorisations WHERE owner_register = $1 AND card_id = $2 AND status = 0', [
                chosen.owner_register,
                chosen.card_id,
              ])
            ).rows[0].n,
          );
          withinLimit = waiting + amount <= offline.limitPerCard;
          // Thrown inside the transaction: the line is rolled back with it, nothing is decided.
          if (!withinLimit && offline.atLimit === 'refuse') throw new OfflineLimitReached(waiting);
        }
        if (chosen && withinLimit) {
          const { owner_register: owner, card_id: cardId } = chosen;
          const n = Number((await c.query<{ n: string }>("SELECT nextval('folio_reference_seq') AS n")).rows[0].n);
          // The owner's code first, S for the store, the number in decimal: a desk's own references
          // (purser-repository.ts recordReference) always carry G, C and R parts, so the two never meet.
          const reference = `${owner.toUpperCase()}S${n}`;
          const r = await c.query<ClaimRow>(
            `INSERT INTO folio_authorisations (reference, guest_key, owner_register, card_id, kind, amount, status, origin, state, claimed_by, posting_line_id)
             VALUES ($1, $2, $3, $4, 'increment', $5, 0, 'store', 'claimed', $6, $7) RETURNING *`,
            [reference, key, owner, cardId, amount, req.register, inserted.at(-1)],
          );
          claim = claimOf(r.rows[0]);
        }
      } else if (inserted.length === 0 && req.lines.length > 0) {
        // The same lines again (the desk did not hear the answer): the claim they made then, if any.
        const r = await c.query<ClaimRow>("SELECT * FROM folio_authorisations WHERE claimed_by = $1 AND posting_line_id = ANY($2::text[]) AND origin = 'store' ORDER BY created_at LIMIT 1", [
          req.register,
          req.lines.map((l) => l.lineId),
        ]);
        claim = r.rows[0] ? claimOf(r.rows[0]) : null;
      }
      return { claim, flags };
    });
  }

  async claimsFor(register: string): Promise<ClaimedIncrement[]> {
    const r = await this.pool.query<ClaimRow>("SELECT * FROM folio_authorisations WHERE owner_register = $1 AND state = 'claimed' ORDER BY created_at, reference", [register]);
    return r.rows.map(claimOf);
  }

  async markAdopted(register: string, references: string[]): Promise<void> {
    await this.pool.query("UPDATE folio_authorisations SET state = 'adopted', adopted_at = clock_timestamp() WHERE owner_register = $1 AND reference = ANY($2::text[]) AND state = 'claimed'", [register, references]);
  }

  async lines(guestKeys: string[], afterSeq: number): Promise<{ seq: number; register: string; lineId: string; guestKey: string; amount: number; description: string }[]> {
    const r = await this.pool.query<{ seq: string; register_id: string; line_id: string; guest_key: string; amount: string; description: string }>(
      'SELECT seq, register_id, line_id, guest_key, amount, description FROM folio_lines WHERE guest_key = ANY($1::text[]) AND seq > $2 ORDER BY seq',
      [guestKeys, afterSeq],
    );
    return r.rows.map((x) => ({ seq: Number(x.seq), register: x.register_id, lineId: x.line_id, guestKey: x.guest_key, amount: Number(x.amount), description: x.description }));
  }

  async flags(): Promise<FolioFlag[]> {
    const c = await this.pool.connect();
    try {
      return await this.flagQueue.list(c);
    } finally {
      c.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
