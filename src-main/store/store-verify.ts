// Store-side verify: recomputes every register's hash chain from the events
// the store holds, with the very canonical form and hash the register wrote
// them with (journal/event-log.ts eventHash over the stored payload text), so
// a row edited, removed or reordered in PostgreSQL is found there, without
// the register. Read-only: a register's role may run it.

import pg from 'pg';
import { eventHash, GENESIS_HASH, type StoredEvent } from '../journal/event-log.ts';

/** One break in a register's chain as stored. */
export interface StoreChainBreak {
  registerId: string;
  seq: number;
  /** gap: events missing before seq; prev_hash: does not link to the event before; hash: the content does not match its hash. */
  kind: 'gap' | 'prev_hash' | 'hash';
  detail: string;
}

/** The verdict for one register. */
export interface StoreRegisterVerdict {
  registerId: string;
  events: number;
  headSeq: number;
  ok: boolean;
}

/** The whole verify report. */
export interface StoreVerifyReport {
  ok: boolean;
  registers: StoreRegisterVerdict[];
  breaks: StoreChainBreak[];
}

/** An events row as PostgreSQL hands it back: seq (bigint) as text. */
type StoreEventRow = Omit<StoredEvent, 'seq'> & { seq: string };

/** Events read per query: memory stays flat whatever the history's length. */
const PAGE = 5000;
/** Breaks listed per register before the rest are only counted. */
const MAX_BREAKS = 50;

/** Verifies every register's chain (or only `registerId`'s) in the store at `config`. */
export async function verifyStore(config: pg.ClientConfig, opts: { registerId?: string } = {}): Promise<StoreVerifyReport> {
  const client = new pg.Client(config);
  await client.connect();
  try {
    return await verifyStoreWith(client, opts);
  } finally {
    await client.end();
  }
}

/** verifyStore on an open client. */
export async function verifyStoreWith(client: pg.ClientBase, opts: { registerId?: string } = {}): Promise<StoreVerifyReport> {
  const ids = opts.registerId
    ? [opts.registerId]
    : (await client.query<{ register_id: string }>('SELECT DISTINCT register_id FROM journal_events ORDER BY register_id')).rows.map((r) => r.register_id);
  const report: StoreVerifyReport = { ok: true, registers: [], breaks: [] };
  for (const registerId of ids) {
    let prevSeq = 0;
    let prevHash = GENESIS_HASH;
    let events = 0;
    let breaks = 0;
    const add = (b: Omit<StoreChainBreak, 'registerId'>) => {
      breaks++;
      if (breaks <= MAX_BREAKS) report.breaks.push({ registerId, ...b });
    };
    for (;;) {
      const page = await client.query<StoreEventRow>(
        'SELECT e.seq::text AS seq, e.at, e.entity, e.entity_id, e.type, e.payload, e.prev_hash, e.hash FROM journal_events e WHERE e.register_id = $1 AND e.seq > $2 ORDER BY e.seq LIMIT $3',
        [registerId, prevSeq, PAGE],
      );
      for (const e of page.rows) {
        const seq = Number(e.seq);
        events++;
        if (seq !== prevSeq + 1) add({ seq, kind: 'gap', detail: `events ${prevSeq + 1}-${seq - 1} are missing` });
        else if (e.prev_hash !== prevHash) add({ seq, kind: 'prev_hash', detail: 'does not link to the event before it' });
        const computed = eventHash(e.prev_hash, { ...e, seq });
        if (computed !== e.hash) add({ seq, kind: 'hash', detail: `${e.entity}.${e.type}: content does not match its hash (changed after it was written)` });
        prevSeq = seq;
        prevHash = e.hash;
      }
      if (page.rows.length < PAGE) break;
    }
    report.registers.push({ registerId, events, headSeq: prevSeq, ok: breaks === 0 });
    if (breaks > 0) report.ok = false;
  }
  return report;
}
