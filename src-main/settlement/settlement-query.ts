// The settlement review's query (issue 11 §2): every card payment that moved
// money, filtered, sorted and paged straight from the journal's SQLite file.
//
// Settlements are keyed on attempt kind and state (SETTLED_WHERE), not on a
// table of their own, so voids, refunds and reversals made by the later void
// and refund work show up here as soon as they are journaled: an approved
// sale or capture is "approved", a reversed one "voided", an approved refund
// "refund" and an approved void "void". "Show voided" off hides both the
// voided originals and the void records.
//
// Paging is offset/limit with the total count of the filter: the virtualised
// list jumps anywhere (End, a dragged scrollbar), which keyset paging cannot.
// The partial indexes of migration 0090 keep the default sort (time) and the
// last-four filter from reading every attempt.

import type BetterSqlite3 from 'better-sqlite3';
import type { SettlementListRequest, SettlementPage, SettlementRow, SettlementStatus } from '../../src-shared/settlement-types.ts';
import { SETTLED_WHERE } from '../journal/migrations/0090-settlement-indexes.ts';

/** The status a settlement row shows, as SQL over the payment_attempts row aliased `a`. */
const STATUS_SQL = "CASE WHEN a.state = 'reversed' THEN 'voided' WHEN a.kind = 'refund' THEN 'refund' WHEN a.kind = 'void' THEN 'void' ELSE 'approved' END";

/** Each status as a condition on kind and state (used for the status filter, so no CASE stands in the index's way). */
const STATUS_WHERE: Record<SettlementStatus, string> = {
  approved: "(state = 'approved' AND kind IN ('sale', 'capture'))",
  voided: "state = 'reversed'",
  refund: "(state = 'approved' AND kind = 'refund')",
  void: "(state = 'approved' AND kind = 'void')",
};

/** What "show voided" off leaves out. */
const HIDE_VOIDED = "state <> 'reversed' AND kind <> 'void'";

/**
 * ORDER BY of each sort over the attempts aliased `a`, `rid` naming their rowid; the time and rowid
 * tie-breaks make paging stable (the indexes hold rowid, so no extra sort).
 */
const ORDER: Record<SettlementListRequest['sort'], (dir: 'ASC' | 'DESC', rid: string) => string> = {
  time: (d, rid) => `a.created_at ${d}, ${rid} ${d}`,
  amount: (d, rid) => `a.amount_approved ${d}, a.created_at ${d}, ${rid} ${d}`,
  brand: (d, rid) => `coalesce(a.card_brand, 'unknown') ${d}, a.created_at DESC, ${rid} DESC`,
  status: (d, rid) => `${STATUS_SQL} ${d}, a.created_at DESC, ${rid} DESC`,
};

/** The WHERE of a filter, with its named parameters. */
export function settlementWhere(filter: SettlementListRequest['filter'], showVoided: boolean): { sql: string; params: Record<string, unknown> } {
  const terms = [SETTLED_WHERE];
  const params: Record<string, unknown> = {};
  if (!showVoided) terms.push(HIDE_VOIDED);
  if (filter.statuses) terms.push(`(${filter.statuses.map((s) => STATUS_WHERE[s]).join(' OR ')})`);
  if (filter.brands) {
    const known = filter.brands.filter((b) => b !== 'unknown');
    const parts = known.map((b, i) => {
      params[`brand${i}`] = b;
      return `@brand${i}`;
    });
    const alts = [];
    if (parts.length > 0) alts.push(`card_brand IN (${parts.join(', ')})`);
    if (filter.brands.includes('unknown')) alts.push('card_brand IS NULL');
    terms.push(`(${alts.join(' OR ')})`);
  }
  if (filter.entryModes) {
    const known = filter.entryModes.filter((m) => m !== 'unknown');
    const parts = known.map((m, i) => {
      params[`mode${i}`] = m;
      return `@mode${i}`;
    });
    const alts = [];
    if (parts.length > 0) alts.push(`entry_mode IN (${parts.join(', ')})`);
    if (filter.entryModes.includes('unknown')) alts.push("(entry_mode IS NULL OR entry_mode = 'unknown')");
    terms.push(`(${alts.join(' OR ')})`);
  }
  if (filter.minAmount !== undefined) {
    terms.push('amount_approved >= @minAmount');
    params.minAmount = filter.minAmount;
  }
  if (filter.maxAmount !== undefined) {
    terms.push('amount_approved <= @maxAmount');
    params.maxAmount = filter.maxAmount;
  }
  // Rows hold toISOString() text, which sorts as time does; inputs are brought to the same form.
  if (filter.from !== undefined) {
    terms.push('created_at >= @from');
    params.from = new Date(filter.from).toISOString();
  }
  if (filter.to !== undefined) {
    terms.push('created_at <= @to');
    params.to = new Date(filter.to).toISOString();
  }
  if (filter.reference !== undefined) {
    terms.push('(ecr_ref = @reference COLLATE NOCASE OR host_ref = @reference OR host_reference_number = @reference OR auth_code = @reference)');
    params.reference = filter.reference;
  }
  if (filter.lastFour !== undefined) {
    terms.push('substr(masked_pan, -4) = @lastFour');
    params.lastFour = filter.lastFour;
  }
  if (filter.batchId !== undefined) {
    // The same window batch close checks: the batch's PIN pad, from its opening to its close (still open: to now).
    terms.push(
      '(terminal_id = (SELECT terminal_id FROM batches WHERE id = @batchId) AND created_at >= (SELECT opened_at FROM batches WHERE id = @batchId)' +
        " AND created_at < coalesce((SELECT closed_at FROM batches WHERE id = @batchId), '9999'))",
    );
    params.batchId = filter.batchId;
  }
  return { sql: terms.join(' AND '), params };
}

/**
 * The purser's money movements (issue 12, migration 0130) as payment-attempt
 * columns, so the same filters and sorts apply: a settlement approved at the
 * gateway is a capture, one voided before it was sent is a reversed capture
 * and its void record a void (seed 002: both highlighted, shown only with the
 * purser's "Show Void Settlement" parameter), refunds are refunds, a direct
 * sale on the PIN pad a sale. The guest stands where a ticket would.
 */
const PURSER_AS_ATTEMPTS = `
  SELECT -r.seq AS rid, r.id, r.guest_id AS ticket_id, g.name AS guest_name, g.cabin AS cabin,
    CASE r.kind WHEN 'settlement' THEN 'capture' WHEN 'direct_sale' THEN 'sale' ELSE r.kind END AS kind,
    CASE WHEN r.voided = 1 AND r.kind <> 'void' THEN 'reversed' ELSE 'approved' END AS state,
    r.amount AS amount_approved, @currency AS currency, c.brand AS card_brand,
    CASE c.entry_method WHEN 'I' THEN 'chip' WHEN 'A' THEN 'swipe' WHEN 'T' THEN 'contactless' END AS entry_mode,
    c.masked_pan, r.approval_code AS auth_code, r.reference AS ecr_ref, r.ref_num AS host_ref, NULL AS host_reference_number,
    coalesce(r.terminal_id, 'gateway') AS terminal_id, r.created_at, r.updated_at
  FROM purser_records r JOIN guests g ON g.id = r.guest_id LEFT JOIN guest_cards c ON c.id = r.card_id
  WHERE (r.kind IN ('settlement', 'refund', 'direct_sale') AND r.status = 1 AND r.voided = 0
      OR r.kind IN ('settlement', 'void') AND r.voided = 1
        AND coalesce((SELECT value FROM purser_parameters WHERE name = 'showVoidedSettlement'), '1') = '1')`;

/** The attempts' columns the review reads, beside PURSER_AS_ATTEMPTS. */
const ATTEMPT_COLUMNS = `rowid AS rid, id, ticket_id, NULL AS guest_name, NULL AS cabin, kind, state, amount_approved, currency, card_brand, entry_mode,
  masked_pan, auth_code, ecr_ref, host_ref, host_reference_number, terminal_id, created_at, updated_at`;

/** Reads settlement pages from one journal connection. */
export class SettlementQuery {
  private readonly pages = new Map<string, BetterSqlite3.Statement>();
  private readonly counts = new Map<string, BetterSqlite3.Statement>();
  private readonly purserRows: BetterSqlite3.Statement | undefined;

  constructor(
    private readonly db: BetterSqlite3.Database,
    /** The register's currency (the purser's records carry none of their own). */
    private readonly currency = 'USD',
  ) {
    const hasPurser = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'purser_records'").get() !== undefined;
    this.purserRows = hasPurser ? db.prepare("SELECT EXISTS (SELECT 1 FROM purser_records WHERE kind IN ('settlement', 'refund', 'direct_sale', 'void'))").pluck() : undefined;
  }

  /**
   * The rows the review reads: the payment attempts, joined by the purser's
   * money movements once the journal has any (a register without a purser
   * keeps the attempts' indexes for every sort).
   */
  private source(): { from: string; purser: boolean } {
    if (this.purserRows?.get() !== 1) return { from: 'payment_attempts', purser: false };
    return { from: `(SELECT ${ATTEMPT_COLUMNS} FROM payment_attempts UNION ALL ${PURSER_AS_ATTEMPTS})`, purser: true };
  }

  /** One page of the settlements matching the request, and how many match in all. */
  list(req: SettlementListRequest, showVoided: boolean): SettlementPage {
    const { from, purser } = this.source();
    if (purser) return this.listWithPurser(req, showVoided, from);
    const { sql, params } = settlementWhere(req.filter, showVoided);
    const dir = req.direction === 'asc' ? 'ASC' : 'DESC';
    const count = this.statement(this.counts, `SELECT count(*) FROM payment_attempts WHERE ${sql}`).pluck();
    const total = count.get(params) as number;
    // Filter, sort and skip on the attempts alone (the partial indexes apply, and a page deep in the list
    // skips rows without touching tickets); only the page's rows meet their tickets.
    const page = this.statement(
      this.pages,
      `SELECT a.id AS attemptId, a.ticket_id AS ticketId, t.number AS ticketNumber, a.ecr_ref AS ecrRef, ${STATUS_SQL} AS status,
              a.amount_approved AS amount, a.currency, a.card_brand AS cardBrand, a.entry_mode AS entryMode, a.masked_pan AS maskedPan, a.auth_code AS authCode,
              a.host_ref AS hostRef, a.host_reference_number AS hostReferenceNumber, a.terminal_id AS terminalId, a.created_at AS createdAt, a.updated_at AS updatedAt
       FROM (SELECT a.rowid AS rid, a.* FROM payment_attempts AS a WHERE ${sql} ORDER BY ${ORDER[req.sort](dir, 'a.rowid')} LIMIT @limit OFFSET @offset) AS a
       JOIN tickets t ON t.id = a.ticket_id
       ORDER BY ${ORDER[req.sort](dir, 'a.rid')}`,
    );
    const rows = page.all({ ...params, limit: req.limit, offset: req.offset }) as SettlementRow[];
    return { rows, total, offset: req.offset, showVoided };
  }

  /** list() over the attempts and the purser's records together (the purser's voided ones follow its own parameter). */
  private listWithPurser(req: SettlementListRequest, showVoided: boolean, from: string): SettlementPage {
    const { sql, params } = settlementWhere(req.filter, showVoided);
    const dir = req.direction === 'asc' ? 'ASC' : 'DESC';
    const all = { ...params, currency: this.currency };
    const total = this.statement(this.counts, `SELECT count(*) FROM ${from} WHERE ${sql}`).pluck().get(all) as number;
    const page = this.statement(
      this.pages,
      `SELECT a.id AS attemptId, a.ticket_id AS ticketId, coalesce(t.number, 0) AS ticketNumber, a.guest_name AS guestName, a.cabin, a.ecr_ref AS ecrRef, ${STATUS_SQL} AS status,
              a.amount_approved AS amount, a.currency, a.card_brand AS cardBrand, a.entry_mode AS entryMode, a.masked_pan AS maskedPan, a.auth_code AS authCode,
              a.host_ref AS hostRef, a.host_reference_number AS hostReferenceNumber, a.terminal_id AS terminalId, a.created_at AS createdAt, a.updated_at AS updatedAt
       FROM (SELECT * FROM ${from} AS a WHERE ${sql} ORDER BY ${ORDER[req.sort](dir, 'a.rid')} LIMIT @limit OFFSET @offset) AS a
       LEFT JOIN tickets t ON t.id = a.ticket_id
       ORDER BY ${ORDER[req.sort](dir, 'a.rid')}`,
    );
    const rows = (page.all({ ...all, limit: req.limit, offset: req.offset }) as (SettlementRow & { guestName: string | null; cabin: string | null })[]).map(({ guestName, cabin, ...row }) =>
      guestName === null ? row : { ...row, guestName, cabin: cabin ?? '' },
    );
    return { rows, total, offset: req.offset, showVoided };
  }

  /** The query plan of a request (tests and the bench check that the indexes are used). */
  plan(req: SettlementListRequest, showVoided: boolean): string[] {
    const { sql, params } = settlementWhere(req.filter, showVoided);
    const dir = req.direction === 'asc' ? 'ASC' : 'DESC';
    return (this.db.prepare(`EXPLAIN QUERY PLAN SELECT a.id FROM payment_attempts AS a WHERE ${sql} ORDER BY ${ORDER[req.sort](dir, 'a.rowid')} LIMIT 100`).all(params) as { detail: string }[]).map((r) => r.detail);
  }

  private statement(cache: Map<string, BetterSqlite3.Statement>, sql: string): BetterSqlite3.Statement {
    let s = cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      // Filters combine into a bounded number of shapes; the cache still must not grow without end.
      if (cache.size > 200) cache.clear();
      cache.set(sql, s);
    }
    return s;
  }
}
