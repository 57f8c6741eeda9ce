// The manager's settlement review on a journal of 100,000 settlements against
// one of 10,000: 10 means linear, less is better. A typical filter (brand +
// amount range + last four, first page of 100 sorted by time, with the total
// count) through SettlementQuery on a real journal file, the way
// settlement.list runs it. The journals are bulk-built with their hash chain
// (settlement-test-rig.ts), all on one local day, so the same files also
// time the end-of-day report's SQL over 100,000 card payments (over 50 ms
// there, so the host runs it in a worker thread) and a page fetched
// at the end of the list (End key, deep scroll). Result: median(100k) / median(10k).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CardBrand, EntryMode } from '../src-shared/card.ts';
import { mulberry32 } from '../src-shared/seeded-random.ts';
import { SettlementListRequest } from '../src-shared/settlement-types.ts';
import { openJournal } from '../src-main/journal/journal.ts';
import { EndOfDayReporter } from '../src-main/settlement/end-of-day-report.ts';
import { SettlementQuery } from '../src-main/settlement/settlement-query.ts';
import { journalSettlements, type SettlementSpec } from '../src-main/settlement/settlement-test-rig.ts';
import { median } from './bench-stats.ts';

const SIZES = [10_000, 100_000];
const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const BRANDS: CardBrand[] = ['visa', 'visa', 'mastercard', 'mastercard', 'amex', 'discover', 'jcb'];
const MODES: EntryMode[] = ['chip', 'chip', 'contactless', 'contactless', 'swipe', 'manual'];
const DAY = new Date(2026, 2, 10, 7, 0).getTime();
const FILTER = SettlementListRequest.parse({ filter: { brands: ['visa'], minAmount: 1000, maxAmount: 5000, lastFour: '4242' }, sort: 'time', direction: 'desc', limit: 100 });

function specs(n: number): SettlementSpec[] {
  const rnd = mulberry32(20261130 + n);
  // 16 hours of trading; about one settlement in 100 is voided. Last fours come from 100 cards, so each recurs.
  return Array.from({ length: n }, (_, i) => ({
    amount: 100 + Math.floor(rnd() * 9900),
    at: new Date(DAY + Math.floor((i * 16 * 3600_000) / n)).toISOString(),
    brand: BRANDS[Math.floor(rnd() * BRANDS.length)],
    entryMode: MODES[Math.floor(rnd() * MODES.length)],
    lastFour: i % 100 === 0 ? '4242' : String(1000 + Math.floor(rnd() * 100)),
    state: rnd() < 0.01 ? ('reversed' as const) : ('approved' as const),
  }));
}

const time = (fn: () => unknown): number => {
  const t = performance.now();
  fn();
  return performance.now() - t;
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-bench-settlement-'));
try {
  const filterMs: Record<number, number> = {};
  for (const size of SIZES) {
    const journal = openJournal({ path: path.join(dir, `journal-${size}.sqlite`), integrityCheck: 'none' });
    try {
      const built = time(() => journalSettlements(journal, specs(size)));
      const query = new SettlementQuery(journal.db);
      const page = query.list(FILTER, true);
      if (page.rows.length === 0 || page.total < page.rows.length) throw new Error(`the filter found nothing in ${size}`);
      const bad = page.rows.find((r) => r.cardBrand !== 'visa' || r.amount < 1000 || r.amount > 5000 || !r.maskedPan?.endsWith('4242'));
      if (bad) throw new Error(`the filter let through ${JSON.stringify(bad)}`);
      const runs = Array.from({ length: RUNS }, () => time(() => query.list(FILTER, true)));
      filterMs[size] = median(runs);
      const all = SettlementListRequest.parse({});
      const deep = median(Array.from({ length: 5 }, () => time(() => query.list({ ...all, offset: size - 100 }, true))));
      const reporter = new EndOfDayReporter(journal.db, { currency: 'USD', clock: () => new Date(DAY) });
      const report = reporter.report();
      if (report.tenders.card.count + report.voids.count !== size) throw new Error(`the report counted ${report.tenders.card.count} + ${report.voids.count} of ${size}`);
      const eod = median(Array.from({ length: 5 }, () => time(() => reporter.report())));
      console.log(
        `${size} settlements (built in ${(built / 1000).toFixed(1)} s): filter median ${filterMs[size].toFixed(2)} ms (${page.total} match); ` +
          `last page median ${deep.toFixed(1)} ms; end-of-day report median ${eod.toFixed(1)} ms`,
      );
    } finally {
      journal.close();
    }
  }
  const [small, large] = SIZES;
  console.log(`settlement filter at 100k: ${filterMs[large].toFixed(2)} ms (goal <= 100 ms)`);
  console.log(`bench settlement-filter-100k-vs-10k: ${(filterMs[large] / filterMs[small]).toFixed(2)}`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
