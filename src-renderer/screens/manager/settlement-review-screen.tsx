// The settlement review (issue 11 §2): every card settlement of this register
// with filters, sorting and the register's "show voided" setting; voided
// settlements are highlighted in red (seed 002). The list is virtualised
// (TanStack Virtual): only the rows in view exist in the page, and pages of
// PAGE_SIZE rows are fetched from the host as they come into view, so it stays
// smooth at 100,000 rows. Keys on the list: ↑/↓ one row, PgUp/PgDn one
// screenful, Home/End the ends. Manager screen.

import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { SETTLEMENT_ENTRY_MODES, SETTLEMENT_BRANDS, SETTLEMENT_STATUSES, type SettlementFilter, type SettlementRow } from '../../../src-shared/settlement-types.ts';
import { useAppActions, useAppState } from '../../store/store-context.ts';
import { formatMoney } from '../common/money-format.ts';
import { BRAND_LABELS, cardWords, EMPTY_FILTER_FORM, ENTRY_MODE_LABELS, filterFromForm, STATUS_LABELS, type FilterForm } from './settlement-words.ts';

const PAGE_SIZE = 100;
const ROW_HEIGHT = 36;
type Sort = 'time' | 'amount' | 'brand' | 'status';

/** The settlement review screen. */
export function SettlementReviewScreen() {
  const actions = useAppActions();
  const currency = useAppState((s) => s.appInfo?.currency ?? 'USD');
  const settings = useAppState((s) => s.settlementSettings);
  const [form, setForm] = useState<FilterForm>(EMPTY_FILTER_FORM);
  const [formError, setFormError] = useState<{ field: keyof FilterForm; message: string } | null>(null);
  // Opened from the batch screen: only that batch's settlements until "All settlements".
  const batch = useAppState((s) => s.settlementBatch);
  const batchFilter = (f: SettlementFilter): SettlementFilter => (batch ? { ...f, batchId: batch.batchId } : f);
  const [filter, setFilter] = useState<SettlementFilter>(() => batchFilter({}));
  // Leaving the review forgets the batch: F3 later opens it on every settlement.
  useEffect(() => () => actions.reviewBatchSettlements(null), []);
  const [sort, setSort] = useState<Sort>('time');
  const [direction, setDirection] = useState<'asc' | 'desc'>('desc');
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState(0);
  // Pages of the current query, by page number; a new query starts a new generation and drops them.
  const pages = useRef(new Map<number, SettlementRow[]>());
  const pending = useRef(new Set<number>());
  const generation = useRef(0);
  const [, setVersion] = useState(0);
  const listRef = useRef<HTMLDivElement>(null);
  const showVoided = settings?.showVoided ?? true;
  // The store's functions are the same objects in every state (useAppActions answers a new state object after any change).
  const { fetchSettlements, loadSettlementSettings } = actions;

  useEffect(() => {
    void loadSettlementSettings();
  }, [loadSettlementSettings]);

  const fetchPage = useCallback(
    async (page: number) => {
      if (pages.current.has(page) || pending.current.has(page)) return;
      const gen = generation.current;
      pending.current.add(page);
      const r = await fetchSettlements({ filter, sort, direction, offset: page * PAGE_SIZE, limit: PAGE_SIZE });
      if (gen !== generation.current) return;
      pending.current.delete(page);
      if (!r.ok) {
        setError(r.message);
        return;
      }
      setError(null);
      pages.current.set(page, r.value.rows);
      setTotal(r.value.total);
      setVersion((v) => v + 1);
    },
    [fetchSettlements, filter, sort, direction],
  );

  // A new filter, sort or setting: forget the pages and fetch the first one.
  useEffect(() => {
    generation.current++;
    pages.current = new Map();
    pending.current = new Set();
    setTotal(null);
    setSelected(0);
    void fetchPage(0);
  }, [fetchPage, showVoided]);

  const count = total ?? 0;
  const virtualizer = useVirtualizer({ count, getScrollElement: () => listRef.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();

  // Fetch the pages the rows in view (and the overscan) fall in.
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  useEffect(() => {
    if (total === null) return;
    for (let p = Math.floor(first / PAGE_SIZE); p <= Math.floor(last / PAGE_SIZE); p++) void fetchPage(p);
  }, [first, last, total, fetchPage]);

  const rowAt = (i: number): SettlementRow | undefined => pages.current.get(Math.floor(i / PAGE_SIZE))?.[i % PAGE_SIZE];

  const move = (to: number) => {
    if (count === 0) return;
    const i = Math.max(0, Math.min(count - 1, to));
    setSelected(i);
    virtualizer.scrollToIndex(i, { align: 'auto' });
  };
  const onListKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const screenful = Math.max(1, Math.floor((listRef.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1);
    const target: Record<string, number> = { ArrowDown: selected + 1, ArrowUp: selected - 1, PageDown: selected + screenful, PageUp: selected - screenful, Home: 0, End: count - 1 };
    if (!(e.key in target)) return;
    e.preventDefault();
    move(target[e.key]);
  };

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const r = filterFromForm(form, currency);
    if (!r.ok) {
      setFormError({ field: r.field, message: r.message });
      return;
    }
    setFormError(null);
    setFilter(batchFilter(r.filter));
  };
  const clear = () => {
    setForm(EMPTY_FILTER_FORM);
    setFormError(null);
    setFilter(batchFilter({}));
  };
  const allBatches = () => {
    actions.reviewBatchSettlements(null);
    setFilter(({ batchId: _dropped, ...rest }) => rest);
  };
  const sortBy = (s: Sort) => {
    if (s === sort) setDirection((d) => (d === 'asc' ? 'desc' : 'asc'));
    else {
      setSort(s);
      setDirection(s === 'time' || s === 'amount' ? 'desc' : 'asc');
    }
  };
  const field = <K extends keyof FilterForm>(k: K) => ({
    id: `settlement-filter-${k}`,
    value: form[k],
    'aria-invalid': formError?.field === k ? true : undefined,
    'aria-describedby': formError?.field === k ? 'settlement-filter-error' : undefined,
    onChange: (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value })),
  });
  const selectedRow = rowAt(selected);
  const time = useMemo(() => new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' }), []);
  const header = (s: Sort, label: string) => (
    <button type="button" className="settlement-sort" data-testid={`settlement-sort-${s}`} aria-pressed={sort === s} onClick={() => sortBy(s)}>
      {label}
      {sort === s ? (direction === 'asc' ? ' ▲' : ' ▼') : ''}
    </button>
  );

  return (
    <main className="manager-screen" data-testid="settlement-screen">
      <section className="panel">
        <h2>Settlement review</h2>
        {batch && (
          <p className="toolbar" data-testid="settlement-batch">
            <span>Settlements of the batch {batch.label}.</span>
            <button type="button" className="btn btn-small" onClick={allBatches} data-testid="settlement-all-batches">
              All settlements
            </button>
          </p>
        )}
        <form className="settlement-filters" onSubmit={apply} data-testid="settlement-filters" aria-label="Filters">
          <label htmlFor="settlement-filter-status">Status</label>
          <select {...field('status')}>
            <option value="">Any</option>
            {SETTLEMENT_STATUSES.map((s) => (
              <option key={s} value={s} disabled={!showVoided && (s === 'voided' || s === 'void')}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
          <label htmlFor="settlement-filter-brand">Card brand</label>
          <select {...field('brand')}>
            <option value="">Any</option>
            {SETTLEMENT_BRANDS.map((b) => (
              <option key={b} value={b}>
                {BRAND_LABELS[b]}
              </option>
            ))}
          </select>
          <label htmlFor="settlement-filter-entryMode">Entry mode</label>
          <select {...field('entryMode')}>
            <option value="">Any</option>
            {SETTLEMENT_ENTRY_MODES.map((m) => (
              <option key={m} value={m}>
                {ENTRY_MODE_LABELS[m]}
              </option>
            ))}
          </select>
          <label htmlFor="settlement-filter-minAmount">Amount from</label>
          <input {...field('minAmount')} inputMode="decimal" autoComplete="off" />
          <label htmlFor="settlement-filter-maxAmount">Amount to</label>
          <input {...field('maxAmount')} inputMode="decimal" autoComplete="off" />
          <label htmlFor="settlement-filter-from">From</label>
          <input {...field('from')} type="datetime-local" />
          <label htmlFor="settlement-filter-to">To</label>
          <input {...field('to')} type="datetime-local" />
          <label htmlFor="settlement-filter-reference">Reference</label>
          <input {...field('reference')} autoComplete="off" />
          <label htmlFor="settlement-filter-lastFour">Last four</label>
          <input {...field('lastFour')} inputMode="numeric" maxLength={4} autoComplete="off" />
          <div className="toolbar">
            <button type="submit" className="btn btn-primary" data-testid="settlement-apply">
              Apply filters
            </button>
            <button type="button" className="btn" onClick={clear} data-testid="settlement-clear">
              Clear
            </button>
            <label className="settlement-show-voided">
              <input
                type="checkbox"
                checked={showVoided}
                data-testid="settlement-show-voided"
                onChange={(e) => void actions.setShowVoided(e.target.checked).then((r) => !r.ok && setError(r.message))}
              />{' '}
              Show voided settlements
            </label>
          </div>
          {formError && (
            <p className="field-error" role="alert" id="settlement-filter-error">
              {formError.message}
            </p>
          )}
        </form>
        {error && (
          <p className="field-error" role="alert" data-testid="settlement-error">
            {error}
          </p>
        )}
        <p className="muted" role="status" data-testid="settlement-count">
          {total === null ? 'Loading…' : total === 1 ? '1 settlement' : `${total.toLocaleString()} settlements`}
          {!showVoided && ' (voided ones hidden)'}
        </p>
        <div className="settlement-head" role="group" aria-label="Columns; the buttons sort the list">
          <span>{header('time', 'Time')}</span>
          <span>Ticket</span>
          <span>{header('brand', 'Card')}</span>
          <span>Entry</span>
          <span>Reference</span>
          <span>{header('status', 'Status')}</span>
          <span className="num">{header('amount', 'Amount')}</span>
        </div>
        <div
          ref={listRef}
          className="settlement-list"
          role="listbox"
          aria-label="Settlements"
          tabIndex={0}
          onKeyDown={onListKey}
          aria-activedescendant={count > 0 ? `settlement-row-${selected}` : undefined}
          data-testid="settlement-list"
        >
          <div className="settlement-spacer" ref={(el) => {
              // Sizes through CSSOM: the CSP refuses style attributes.
              if (el) el.style.height = `${virtualizer.getTotalSize()}px`;
            }}>
            {items.map((v) => {
              const r = rowAt(v.index);
              const voided = r?.status === 'voided' || r?.status === 'void';
              return (
                <div
                  key={v.key}
                  id={`settlement-row-${v.index}`}
                  role="option"
                  aria-selected={v.index === selected}
                  className={`settlement-row${voided ? ' settlement-voided' : ''}${v.index === selected ? ' selected' : ''}`}
                  data-testid="settlement-row"
                  data-status={r?.status}
                  ref={(el) => {
                    if (el) el.style.transform = `translateY(${v.start}px)`;
                  }}
                  onClick={() => setSelected(v.index)}
                >
                  {r ? (
                    <>
                      <span>{time.format(new Date(r.createdAt))}</span>
                      <span>#{r.ticketNumber}</span>
                      <span>{cardWords(r.cardBrand, r.maskedPan)}</span>
                      <span>{ENTRY_MODE_LABELS[r.entryMode ?? 'unknown']}</span>
                      <span>{r.ecrRef}</span>
                      <span>{STATUS_LABELS[r.status]}</span>
                      <span className="num">{formatMoney(r.amount, r.currency)}</span>
                    </>
                  ) : (
                    <span className="muted">Loading…</span>
                  )}
                </div>
              );
            })}
          </div>
        </div>
        {total === 0 && (
          <p className="empty" data-testid="settlement-empty">
            No settlements match these filters.
          </p>
        )}
        {selectedRow && (
          <details className="settlement-detail" data-testid="settlement-detail">
            <summary>Technical detail of the selected settlement</summary>
            <p>
              Reference {selectedRow.ecrRef}; authorisation {selectedRow.authCode ?? 'none'}; processor reference {selectedRow.hostRef ?? 'none'}
              {selectedRow.hostReferenceNumber ? ` (host ${selectedRow.hostReferenceNumber})` : ''}; PIN pad {selectedRow.terminalId}; last change{' '}
              {time.format(new Date(selectedRow.updatedAt))}.
            </p>
          </details>
        )}
      </section>
    </main>
  );
}
