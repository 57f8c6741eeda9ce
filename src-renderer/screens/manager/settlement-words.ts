// Words and form handling of the settlement review and the end-of-day report,
// kept pure so they can be tested: labels for statuses, brands and entry
// modes, the filter form turned into a settlement.list filter (or the reason
// it cannot be), and the report as CSV rows.

import type { CardBrand, EntryMode } from '../../../src-shared/card.ts';
import type { EndOfDayReport, SettlementFilter, SettlementStatus } from '../../../src-shared/settlement-types.ts';
import { parseDecimalString } from '../../../src-shared/money.ts';
import { formatMoney } from '../common/money-format.ts';

export const STATUS_LABELS: Record<SettlementStatus, string> = { approved: 'Approved', voided: 'Voided', refund: 'Refund', void: 'Void' };

export const BRAND_LABELS: Record<CardBrand | 'unknown', string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  amex: 'American Express',
  discover: 'Discover',
  diners: 'Diners Club',
  jcb: 'JCB',
  other: 'Other card',
  unknown: 'Unknown card',
};

export const ENTRY_MODE_LABELS: Record<EntryMode, string> = {
  chip: 'Chip',
  contactless: 'Contactless',
  swipe: 'Swiped',
  fallback_swipe: 'Swiped (chip failed)',
  manual: 'Keyed in',
  scanner: 'Scanned',
  unknown: 'Not reported',
};

/** The filter form as typed: every field text (or '' for "any"). */
export interface FilterForm {
  status: '' | SettlementStatus;
  brand: '' | CardBrand | 'unknown';
  entryMode: '' | EntryMode;
  minAmount: string;
  maxAmount: string;
  /** datetime-local values, in the screen's time zone. */
  from: string;
  to: string;
  reference: string;
  lastFour: string;
}

export const EMPTY_FILTER_FORM: FilterForm = { status: '', brand: '', entryMode: '', minAmount: '', maxAmount: '', from: '', to: '', reference: '', lastFour: '' };

/** The form as a settlement.list filter, or the first problem in plain words. */
export function filterFromForm(form: FilterForm, currency: string): { ok: true; filter: SettlementFilter } | { ok: false; field: keyof FilterForm; message: string } {
  const filter: SettlementFilter = {};
  if (form.status) filter.statuses = [form.status];
  if (form.brand) filter.brands = [form.brand];
  if (form.entryMode) filter.entryModes = [form.entryMode];
  for (const field of ['minAmount', 'maxAmount'] as const) {
    const text = form[field].trim().replace(/^[$€£¥]\s*/, '').replace(/,(?=\d{3}(\D|$))/g, '');
    if (!text) continue;
    try {
      filter[field] = parseDecimalString(text, currency);
    } catch {
      return { ok: false, field, message: `"${form[field]}" is not an amount. Type it like 12.50.` };
    }
  }
  if (filter.minAmount !== undefined && filter.maxAmount !== undefined && filter.minAmount > filter.maxAmount) {
    return { ok: false, field: 'maxAmount', message: 'The highest amount is below the lowest.' };
  }
  for (const field of ['from', 'to'] as const) {
    if (!form[field]) continue;
    const t = new Date(form[field]);
    if (Number.isNaN(t.getTime())) return { ok: false, field, message: 'Pick a date and time.' };
    filter[field] = t.toISOString();
  }
  if (filter.from && filter.to && filter.from > filter.to) return { ok: false, field: 'to', message: 'The end is before the start.' };
  const reference = form.reference.trim();
  if (reference) {
    if (!/^[A-Za-z0-9-]{1,64}$/.test(reference)) return { ok: false, field: 'reference', message: 'A reference is letters and digits, like R1T42P1.' };
    filter.reference = reference;
  }
  const lastFour = form.lastFour.trim();
  if (lastFour) {
    if (!/^\d{4}$/.test(lastFour)) return { ok: false, field: 'lastFour', message: 'Type the last four digits of the card.' };
    filter.lastFour = lastFour;
  }
  return { ok: true, filter };
}

/** The card as a person reads it: brand and last four. */
export function cardWords(brand: CardBrand | null, maskedPan: string | null): string {
  const last = maskedPan && /\d{4}$/.test(maskedPan) ? ` ending ${maskedPan.slice(-4)}` : '';
  return `${BRAND_LABELS[brand ?? 'unknown']}${last}`;
}

/** The end-of-day report as CSV rows (section, item, count, amount in major units, amount text), for papaparse's unparse. */
export function reportCsvRows(r: EndOfDayReport): (string | number)[][] {
  const money = (minor: number) => formatMoney(minor, r.currency, 'en-US');
  const decimal = (minor: number) => money(minor).replace(/[^0-9.-]/g, '');
  const rows: (string | number)[][] = [['Section', 'Item', 'Count', `Amount (${r.currency})`]];
  const row = (section: string, item: string, t: { count: number; amount: number }) => rows.push([section, item, t.count, decimal(t.amount)]);
  row('Tender', 'Cash', r.tenders.cash);
  row('Tender', 'Card', r.tenders.card);
  rows.push(['Tender', 'Net (cash + card − refunds)', '', decimal(r.netAmount)]);
  for (const b of r.byBrand) row('Card brand', BRAND_LABELS[b.brand], b);
  for (const m of r.byEntryMode) row('Entry mode', ENTRY_MODE_LABELS[m.entryMode], m);
  for (const h of r.byHour) {
    row('Hour', `${String(h.hour).padStart(2, '0')}:00 cash`, h.cash);
    row('Hour', `${String(h.hour).padStart(2, '0')}:00 card`, h.card);
  }
  row('Exceptions', 'Voids', r.voids);
  row('Exceptions', 'Refunds', r.refunds);
  row('Exceptions', 'Orphans open', r.orphans.open);
  row('Exceptions', 'Orphans resolved', r.orphans.resolved);
  row('Exceptions', 'In doubt', r.inDoubt);
  if (r.variances.recorded) {
    row('Variances', 'All lines', r.variances.lines);
    row('Variances', 'Open', r.variances.open);
    for (const v of r.variances.byType) row('Variances', v.label, v);
  } else {
    rows.push(['Variances', 'None recorded', '', '']);
  }
  return rows;
}
