// The end-of-day report (issue 11 §5): cash and card totals of a day by brand,
// entry mode and hour, with charts; voids, refunds, orphans, payments in
// doubt and batch variances ("none recorded" until batch close records them).
// Export as CSV (papaparse's unparse, downloaded through a Blob link, which
// works alike in Electron and browser mode) and print (the print stylesheet
// leaves out everything but the report). Manager screen.

import { useCallback, useEffect, useMemo, useState } from 'react';
import Papa from 'papaparse';
import type { EndOfDayReport, Tally } from '../../../src-shared/settlement-types.ts';
import { currencyExponent } from '../../../src-shared/money.ts';
import { useAppActions } from '../../store/store-context.ts';
import { formatMoney } from '../common/money-format.ts';
import { ReportBarChart } from './report-bar-chart.tsx';
import { BRAND_LABELS, ENTRY_MODE_LABELS, reportCsvRows } from './settlement-words.ts';

/** The end-of-day report screen. */
export function EndOfDayScreen() {
  // The store's function is the same object in every state (useAppActions answers a new state object after any change).
  const { endOfDay } = useAppActions();
  const [date, setDate] = useState('');
  const [report, setReport] = useState<EndOfDayReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(
    async (day?: string) => {
      setLoading(true);
      const r = await endOfDay(day || undefined);
      setLoading(false);
      if (!r.ok) {
        setError(r.message);
        return;
      }
      setError(null);
      setReport(r.value);
      setDate(r.value.date);
    },
    [endOfDay],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const exportCsv = () => {
    if (!report) return;
    // escapeFormulae: a cell starting with = + - @ is quoted, so a spreadsheet never runs it.
    const csv = Papa.unparse(reportCsvRows(report), { escapeFormulae: true });
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `end-of-day-${report.date}.csv`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  const charts = useMemo(() => {
    if (!report) return null;
    const major = (minor: number) => minor / 10 ** currencyExponent(report.currency);
    return {
      hours: report.byHour.map((h) => `${String(h.hour).padStart(2, '0')}:00`),
      hourSeries: [
        { name: 'Cash', values: report.byHour.map((h) => major(h.cash.amount)), color: '#2e7d32' },
        { name: 'Card', values: report.byHour.map((h) => major(h.card.amount)), color: '#1565c0' },
      ],
      brands: report.byBrand.map((b) => BRAND_LABELS[b.brand]),
      brandSeries: [{ name: 'Card', values: report.byBrand.map((b) => major(b.amount)), color: '#1565c0' }],
      modes: report.byEntryMode.map((m) => ENTRY_MODE_LABELS[m.entryMode]),
      modeSeries: [{ name: 'Card', values: report.byEntryMode.map((m) => major(m.amount)), color: '#6a1b9a' }],
    };
  }, [report]);

  const money = (t: Tally | number) => (report ? formatMoney(typeof t === 'number' ? t : t.amount, report.currency) : '');
  const line = (label: string, t: Tally, testId?: string) => (
    <tr key={label} data-testid={testId}>
      <th scope="row">{label}</th>
      <td className="num">{t.count}</td>
      <td className="num">{money(t)}</td>
    </tr>
  );

  return (
    <main className="manager-screen end-of-day" data-testid="end-of-day-screen">
      <section className="panel">
        <h2>End of day{report ? `: ${new Date(`${report.date}T12:00:00`).toLocaleDateString(undefined, { dateStyle: 'full' })}` : ''}</h2>
        <form
          className="toolbar no-print"
          onSubmit={(e) => {
            e.preventDefault();
            void load(date);
          }}
        >
          <label htmlFor="end-of-day-date">Day</label>
          <input id="end-of-day-date" type="date" value={date} onChange={(e) => setDate(e.target.value)} data-testid="end-of-day-date" />
          <button type="submit" className="btn btn-primary" data-testid="end-of-day-show">
            Show
          </button>
          <button type="button" className="btn" onClick={exportCsv} disabled={!report} data-testid="end-of-day-csv">
            Export CSV
          </button>
          <button type="button" className="btn" onClick={() => window.print()} disabled={!report} data-testid="end-of-day-print">
            Print
          </button>
        </form>
        {loading && <p className="muted" role="status">Adding up the day…</p>}
        {error && (
          <p className="field-error" role="alert" data-testid="end-of-day-error">
            {error}
          </p>
        )}
        {report && charts && (
          <div className="report-grid">
            <table className="grid-table" data-testid="end-of-day-tenders">
              <caption>Takings</caption>
              <thead>
                <tr>
                  <th scope="col">Tender</th>
                  <th scope="col" className="num">Count</th>
                  <th scope="col" className="num">Amount</th>
                </tr>
              </thead>
              <tbody>
                {line('Cash', report.tenders.cash, 'end-of-day-cash')}
                {line('Card', report.tenders.card, 'end-of-day-card')}
                {line('Refunds', report.refunds)}
                <tr>
                  <th scope="row">Net</th>
                  <td />
                  <td className="num" data-testid="end-of-day-net">
                    {money(report.netAmount)}
                  </td>
                </tr>
              </tbody>
            </table>
            <table className="grid-table" data-testid="end-of-day-exceptions">
              <caption>Voids, refunds and exceptions</caption>
              <thead>
                <tr>
                  <th scope="col">What</th>
                  <th scope="col" className="num">Count</th>
                  <th scope="col" className="num">Amount</th>
                </tr>
              </thead>
              <tbody>
                {line('Voided card payments', report.voids, 'end-of-day-voids')}
                {line('Refunds', report.refunds)}
                {line('Orphan payments still open', report.orphans.open)}
                {line('Orphan payments resolved', report.orphans.resolved)}
                {line('Card payments still in doubt', report.inDoubt)}
                {report.variances.recorded ? (
                  <>
                    {line('Batch variances', report.variances.lines)}
                    {line('Batch variances still open', report.variances.open)}
                  </>
                ) : (
                  <tr data-testid="end-of-day-variances">
                    <th scope="row">Batch variances</th>
                    <td colSpan={2}>{report.variances.message}</td>
                  </tr>
                )}
              </tbody>
            </table>
            <ReportBarChart label="Takings by hour" labels={charts.hours} series={charts.hourSeries} testId="end-of-day-chart-hours" />
            <ReportBarChart label="Card takings by brand" labels={charts.brands} series={charts.brandSeries} testId="end-of-day-chart-brands" />
            <ReportBarChart label="Card takings by entry mode" labels={charts.modes} series={charts.modeSeries} testId="end-of-day-chart-modes" />
            <table className="grid-table" data-testid="end-of-day-brands">
              <caption>Card by brand and entry mode</caption>
              <tbody>
                {report.byBrand.map((b) => line(BRAND_LABELS[b.brand], b))}
                {report.byEntryMode.map((m) => line(ENTRY_MODE_LABELS[m.entryMode], m))}
                {report.byBrand.length === 0 && (
                  <tr>
                    <td colSpan={3}>No card payments on this day.</td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </main>
  );
}
