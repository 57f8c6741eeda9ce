// The end-of-day report (issue 11 §5): cash and card totals of one local day,
// by brand, entry mode and hour, with the day's voids, refunds, orphans,
// payments still in doubt and batch variances. Aggregated by SQL on the
// journal's own connection: one pass over the day's settlements through the
// settled-time index of migration 0090, plus small ones for cash, reversals,
// orphans and doubt. The bench (settlement-filter-100k-vs-10k) prints its
// time on a day of 100,000 card payments: well over 50 ms there, so the host
// runs it in a worker (end-of-day-report-off-thread.ts).
//
// Variances come from batch close, which records them (issue 11 §2); until a
// variance source is given the report says none are recorded instead of
// showing a zero nobody measured.

import type BetterSqlite3 from 'better-sqlite3';
import type { CardBrand, EntryMode } from '../../src-shared/card.ts';
import type { EndOfDayReport, Tally, VarianceDaySummary } from '../../src-shared/settlement-types.ts';
import { MOVED_CASH_PREFIX } from '../../src-shared/domain.ts';
import { AppError } from '../../src-shared/errors.ts';
import { SETTLED_WHERE } from '../journal/migrations/0090-settlement-indexes.ts';

/** Where the day's variances come from: batch close fills it; undefined when none was recorded in the window. */
export type VarianceSource = (window: { from: string; to: string }) => VarianceDaySummary | undefined;

/** What the report says while no batch module records variances. */
export const NO_VARIANCES: VarianceDaySummary = {
  recorded: false,
  message: 'None recorded: variances are found when a batch is closed, and no batch close recorded any for this day.',
};

const tally = (): Tally => ({ count: 0, amount: 0 });
const add = (t: Tally, count: number, amount: number) => {
  t.count += count;
  t.amount += amount;
};

/** YYYY-MM-DD of a time in the register's local time zone. */
export function localDate(at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${p(at.getMonth() + 1)}-${p(at.getDate())}`;
}

/** The local day's hour boundaries: the start of each local hour (23 to 25 of them around a clock change) and the next midnight. */
export function dayHours(date: string): { starts: { hour: number; at: Date }[]; end: Date } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const [y, mo, d] = m ? [Number(m[1]), Number(m[2]) - 1, Number(m[3])] : [NaN, NaN, NaN];
  const start = new Date(y, mo, d);
  if (!m || Number.isNaN(start.getTime()) || localDate(start) !== date) throw new AppError('invalid_request', `There is no date ${date}. Give a date as YYYY-MM-DD.`);
  const end = new Date(y, mo, d + 1);
  const starts: { hour: number; at: Date }[] = [];
  // Stepping by real hours finds every local hour that exists that day, once, whatever the clock change.
  for (let t = start.getTime(); t < end.getTime(); t += 3_600_000) {
    const at = new Date(t);
    starts.push({ hour: at.getHours(), at });
  }
  return { starts, end };
}

/** Builds end-of-day reports from one journal connection. */
export class EndOfDayReporter {
  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly opts: { currency: string; clock: () => Date; variances?: VarianceSource },
  ) {}

  /** The report of a local date (default: today on the register's clock). */
  report(date?: string): EndOfDayReport {
    const day = date ?? localDate(this.opts.clock());
    const { starts, end } = dayHours(day);
    const from = starts[0].at.toISOString();
    const to = end.toISOString();
    // Each row's hour: the index of the last hour start at or before it, as one CASE over bound parameters.
    const bounds: Record<string, string> = {};
    const whens = starts.slice(1).map((s, i) => {
      bounds[`h${i}`] = s.at.toISOString();
      return `WHEN created_at < @h${i} THEN ${i}`;
    });
    const hourSql = whens.length > 0 ? `CASE ${whens.join(' ')} ELSE ${starts.length - 1} END` : '0';
    const window = { from, to, currency: this.opts.currency };

    const byHour = starts.map((s) => ({ hour: s.hour, startsAt: s.at.toISOString(), cash: tally(), card: tally() }));
    const card = tally();
    const refunds = tally();
    const brands = new Map<string, Tally>();
    const modes = new Map<string, Tally>();
    const settled = this.db
      .prepare(
        `SELECT ${hourSql} AS h, kind, state, coalesce(card_brand, 'unknown') AS brand, coalesce(entry_mode, 'unknown') AS mode, count(*) AS n, sum(amount_approved) AS amount
         FROM payment_attempts WHERE ${SETTLED_WHERE} AND created_at >= @from AND created_at < @to AND currency = @currency
         GROUP BY 1, 2, 3, 4, 5`,
      )
      .all({ ...window, ...bounds }) as { h: number; kind: string; state: string; brand: string; mode: string; n: number; amount: number }[];
    for (const r of settled) {
      if (r.state !== 'approved') continue; // voided ones are counted as voids, by when they were reversed
      if (r.kind === 'refund') add(refunds, r.n, r.amount);
      if (r.kind !== 'sale' && r.kind !== 'capture') continue;
      add(card, r.n, r.amount);
      add(byHour[r.h].card, r.n, r.amount);
      brands.set(r.brand, brands.get(r.brand) ?? tally());
      add(brands.get(r.brand)!, r.n, r.amount);
      modes.set(r.mode, modes.get(r.mode) ?? tally());
      add(modes.get(r.mode)!, r.n, r.amount);
    }

    const cash = tally();
    const cashRows = this.db
      .prepare(`SELECT ${hourSql} AS h, count(*) AS n, sum(applied) AS amount FROM cash_tenders WHERE created_at >= @from AND created_at < @to AND currency = @currency AND id NOT LIKE '${MOVED_CASH_PREFIX}%' GROUP BY 1`)
      .all({ ...window, ...bounds }) as { h: number; n: number; amount: number }[];
    for (const r of cashRows) {
      add(cash, r.n, r.amount);
      add(byHour[r.h].cash, r.n, r.amount);
    }

    const one = (sql: string): Tally => {
      const r = this.db.prepare(sql).get(window) as { n: number; amount: number | null };
      return { count: r.n, amount: r.amount ?? 0 };
    };
    const voids = one(
      `SELECT count(*) AS n, sum(amount_approved) AS amount FROM payment_attempts
       WHERE state = 'reversed' AND kind IN ('sale', 'capture') AND updated_at >= @from AND updated_at < @to AND currency = @currency`,
    );
    const inDoubt = one(
      `SELECT count(*) AS n, sum(amount_requested) AS amount FROM payment_attempts
       WHERE state IN ('sent', 'in_doubt') AND created_at >= @from AND created_at < @to AND currency = @currency`,
    );
    const orphanRows = this.db
      .prepare('SELECT status, count(*) AS n, sum(amount) AS amount FROM orphan_payments WHERE created_at >= @from AND created_at < @to AND currency = @currency GROUP BY status')
      .all(window) as { status: 'open' | 'resolved'; n: number; amount: number }[];
    const orphans = { open: tally(), resolved: tally() };
    for (const r of orphanRows) add(orphans[r.status], r.n, r.amount);

    const largest = <K extends string>(m: Map<string, Tally>, key: K) =>
      [...m].map(([k, t]) => ({ [key]: k, ...t }) as Record<K, string> & Tally).sort((a, b) => b.amount - a.amount || b.count - a.count || a[key].localeCompare(b[key]));

    return {
      date: day,
      currency: this.opts.currency,
      from,
      to,
      generatedAt: this.opts.clock().toISOString(),
      tenders: { cash, card },
      netAmount: cash.amount + card.amount - refunds.amount,
      byBrand: largest(brands, 'brand') as ({ brand: CardBrand | 'unknown' } & Tally)[],
      byEntryMode: largest(modes, 'entryMode') as ({ entryMode: EntryMode | 'unknown' } & Tally)[],
      byHour,
      voids,
      refunds,
      orphans,
      inDoubt,
      variances: this.opts.variances?.({ from, to }) ?? NO_VARIANCES,
    };
  }
}
