import assert from 'node:assert/strict';
import { test } from 'node:test';
import Papa from 'papaparse';
import type { EndOfDayReport } from '../../../src-shared/settlement-types.ts';
import { SettlementFilter } from '../../../src-shared/settlement-types.ts';
import { cardWords, EMPTY_FILTER_FORM, filterFromForm, reportCsvRows } from './settlement-words.ts';

test('the filter form becomes a filter the host accepts, amounts in minor units', () => {
  const r = filterFromForm({ ...EMPTY_FILTER_FORM, brand: 'visa', minAmount: '$10', maxAmount: '1,250.50', lastFour: ' 4242 ', reference: 'r1t5p1', from: '2026-03-10T09:00' }, 'USD');
  assert.equal(r.ok, true);
  if (!r.ok) return;
  assert.deepEqual({ ...r.filter, from: undefined }, { brands: ['visa'], minAmount: 1000, maxAmount: 125050, lastFour: '4242', reference: 'r1t5p1', from: undefined });
  assert.equal(r.filter.from, new Date('2026-03-10T09:00').toISOString());
  assert.equal(SettlementFilter.safeParse(r.filter).success, true);
  assert.deepEqual(filterFromForm(EMPTY_FILTER_FORM, 'USD'), { ok: true, filter: {} });
});

test('what cannot be a filter is refused in plain words, naming the field', () => {
  const bad = (patch: Partial<typeof EMPTY_FILTER_FORM>) => filterFromForm({ ...EMPTY_FILTER_FORM, ...patch }, 'USD');
  assert.deepEqual(bad({ minAmount: 'ten' }), { ok: false, field: 'minAmount', message: '"ten" is not an amount. Type it like 12.50.' });
  assert.equal((bad({ minAmount: '20', maxAmount: '10' }) as { field: string }).field, 'maxAmount');
  assert.equal((bad({ lastFour: '42' }) as { field: string }).field, 'lastFour');
  assert.equal((bad({ reference: 'R1 T5' }) as { field: string }).field, 'reference');
  assert.equal((bad({ from: '2026-03-11T00:00', to: '2026-03-10T00:00' }) as { field: string }).field, 'to');
});

test('a card reads as brand and last four, never more', () => {
  assert.equal(cardWords('visa', '411111******4242'), 'Visa ending 4242');
  assert.equal(cardWords(null, null), 'Unknown card');
});

test('the report as CSV: every section, amounts as decimals, a formula-looking cell escaped', () => {
  const t = (count: number, amount: number) => ({ count, amount });
  const report: EndOfDayReport = {
    date: '2026-03-10', currency: 'USD', from: 'a', to: 'b', generatedAt: 'c',
    tenders: { cash: t(2, 3000), card: t(4, 870000) }, netAmount: 872400,
    byBrand: [{ brand: 'visa', ...t(4, 870000) }], byEntryMode: [{ entryMode: 'chip', ...t(4, 870000) }],
    byHour: [{ hour: 9, startsAt: 'x', cash: t(1, 1500), card: t(0, 0) }],
    voids: t(1, 3000), refunds: t(1, 600), orphans: { open: t(1, 2200), resolved: t(0, 0) }, inDoubt: t(0, 0),
    variances: { recorded: false, message: 'none' },
  };
  const rows = reportCsvRows(report);
  assert.deepEqual(rows[0], ['Section', 'Item', 'Count', 'Amount (USD)']);
  assert.deepEqual(rows[2], ['Tender', 'Card', 4, '8700.00']);
  assert.deepEqual(rows.at(-1), ['Variances', 'None recorded', '', '']);
  const csv = Papa.unparse([...rows, ['=HYPERLINK("x")', '-1', 1, '1.00']], { escapeFormulae: true });
  assert.match(csv, /^Section,Item,Count,Amount \(USD\)\r\n/);
  assert.match(csv, /Tender,Card,4,8700\.00/);
  assert.match(csv, /"'=HYPERLINK\(""x""\)"/, 'a cell a spreadsheet would run is escaped');
});
