// Builds a customer receipt as ESC/POS bytes with @point-of-sale/receipt-printer-encoder.
// A receipt is paper that leaves the store, so it is the last guard of
// invariant 6: any text holding a full card number is refused before a single
// byte is encoded, and card numbers must arrive already masked.

import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import type { CardBrand, EntryMode } from '../../src-shared/card.ts';
import { containsFullPan } from '../../src-shared/card.ts';
import { AppError } from '../../src-shared/errors.ts';
import { formatMoney, isKnownCurrency, toDecimalString } from '../../src-shared/money.ts';

/** One sold line. */
export interface ReceiptItem {
  description: string;
  quantity: number;
  /** Line total, integer minor units. */
  amount: number;
}

/** One payment applied to the ticket. */
export interface ReceiptTender {
  kind: 'card' | 'cash' | 'folio';
  /** Amount applied, integer minor units. */
  amount: number;
  /** Masked card number (first 6 / last 4), never a full number. */
  maskedPan?: string;
  brand?: CardBrand;
  authCode?: string;
  entryMode?: EntryMode;
  /** How the approval was obtained when not the usual way, e.g. "Recovered approval". */
  approvalSource?: string;
  /** Cash handed over and change given, minor units. */
  tendered?: number;
  change?: number;
}

/** Everything printed on a receipt. */
export interface ReceiptData {
  storeName: string;
  headerLines?: string[];
  ticketNumber: string | number;
  registerId?: string;
  cashier?: string;
  /** Already formatted for people (time comes from the injected clock upstream). */
  timestamp: string;
  currency: string;
  items: ReceiptItem[];
  totals: { subtotal: number; tax?: number; total: number };
  tenders: ReceiptTender[];
  footerLines?: string[];
  /** Training mode: the receipt is marked so it cannot pass as a real one. */
  training?: boolean;
}

/** Printer layout options. */
export interface ReceiptLayout {
  /** Characters per line in font A; 42 fits 80 mm paper, 32 fits 58 mm. */
  columns?: number;
}

/** The banner printed at top and bottom in training mode. */
export const TRAINING_BANNER = 'TRAINING - NOT A RECEIPT';

const MASKED_PAN = /^\d{0,6}[*Xx]{2,}\d{0,4}$/;
const BRAND_NAMES: Record<CardBrand, string> = {
  visa: 'VISA', mastercard: 'MASTERCARD', amex: 'AMEX', discover: 'DISCOVER', diners: 'DINERS', jcb: 'JCB', other: 'CARD',
};

function refuse(message: string): never {
  throw new AppError('invalid_request', message);
}

/** Every string anywhere in a value, so no field can smuggle a card number past the guard. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => strings(v, out));
  return out;
}

function validate(data: ReceiptData): void {
  if (strings(data).some(containsFullPan)) {
    refuse('Receipt refused: it contains a full card number. Only masked numbers (first 6 / last 4) may be printed.');
  }
  if (!isKnownCurrency(data.currency)) refuse(`Receipt refused: unknown currency "${data.currency}".`);
  const amounts: Array<[string, number | undefined]> = [
    ['subtotal', data.totals.subtotal], ['tax', data.totals.tax], ['total', data.totals.total],
    ...data.items.map((i, n): [string, number] => [`item ${n + 1} amount`, i.amount]),
    ...data.tenders.flatMap((t, n): Array<[string, number | undefined]> => [
      [`tender ${n + 1} amount`, t.amount], [`tender ${n + 1} tendered`, t.tendered], [`tender ${n + 1} change`, t.change],
    ]),
  ];
  for (const [what, amount] of amounts) {
    if (amount !== undefined && !Number.isSafeInteger(amount)) refuse(`Receipt refused: ${what} must be whole minor units, got ${amount}.`);
  }
  for (const t of data.tenders) {
    if (t.maskedPan !== undefined && !MASKED_PAN.test(t.maskedPan)) {
      refuse('Receipt refused: a card number is not masked. Print only the first 6 and last 4 digits.');
    }
  }
}

// The encoder's default code pages lack some currency signs; a code keeps the receipt legible.
function money(amount: number, currency: string): string {
  const text = formatMoney(amount, currency);
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  return `${amount < 0 ? '-' : ''}${currency} ${toDecimalString(Math.abs(amount), currency)}`;
}

function tenderLines(t: ReceiptTender, currency: string): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  if (t.kind === 'card') {
    rows.push([`${BRAND_NAMES[t.brand ?? 'other']} ${t.maskedPan ?? ''}`.trim(), money(t.amount, currency)]);
    if (t.entryMode && t.entryMode !== 'unknown') rows.push([`  Entry: ${t.entryMode.replace('_', ' ')}`, '']);
    if (t.authCode) rows.push([`  Auth code: ${t.authCode}`, '']);
    if (t.approvalSource) rows.push([`  ${t.approvalSource}`, '']);
  } else {
    rows.push([t.kind === 'cash' ? 'CASH' : 'FOLIO', money(t.amount, currency)]);
    if (t.tendered !== undefined) rows.push(['  Tendered', money(t.tendered, currency)]);
    if (t.change !== undefined) rows.push(['  Change', money(t.change, currency)]);
  }
  return rows;
}

function banner(encoder: ReceiptPrinterEncoder): void {
  encoder.align('center').bold(true).invert(true).line(TRAINING_BANNER).invert(false).bold(false).align('left');
}

/** Encodes a receipt to ESC/POS bytes; throws an AppError for card data or bad amounts. */
export function buildReceipt(data: ReceiptData, layout: ReceiptLayout = {}): Uint8Array {
  validate(data);
  const columns = layout.columns ?? 42;
  const amountWidth = 14;
  const cols = [{ width: columns - amountWidth - 1, marginRight: 1 }, { width: amountWidth, align: 'right' as const }];
  const e = new ReceiptPrinterEncoder({ language: 'esc-pos', columns });
  // Automatic code page selection costs ~20x the encoding time; only non-ASCII text needs it.
  e.initialize().codepage(strings(data).every((t) => /^[\x20-\x7e]*$/.test(t)) ? 'cp437' : 'auto');
  if (data.training) banner(e);
  e.align('center').bold(true).line(data.storeName).bold(false);
  for (const l of data.headerLines ?? []) e.line(l);
  e.align('left').newline();
  e.line(`Ticket ${data.ticketNumber}${data.registerId ? `  Register ${data.registerId}` : ''}`);
  if (data.cashier) e.line(`Cashier ${data.cashier}`);
  e.line(data.timestamp).rule();
  e.table(cols, data.items.map((i) => [i.quantity === 1 ? i.description : `${i.quantity} x ${i.description}`, money(i.amount, data.currency)]));
  e.rule();
  const totals: Array<[string, string]> = [['Subtotal', money(data.totals.subtotal, data.currency)]];
  if (data.totals.tax !== undefined) totals.push(['Tax', money(data.totals.tax, data.currency)]);
  e.table(cols, totals);
  e.bold(true).table(cols, [['TOTAL', money(data.totals.total, data.currency)]]).bold(false).rule();
  e.table(cols, data.tenders.flatMap((t) => tenderLines(t, data.currency)));
  if (data.footerLines?.length) {
    e.newline().align('center');
    for (const l of data.footerLines) e.line(l);
    e.align('left');
  }
  if (data.training) banner(e);
  const bytes = e.cut('partial').encode();
  // Table layout joins cells; check the final text too so no concatenation forms a card number.
  if (containsFullPan(Buffer.from(bytes).toString('latin1'))) {
    refuse('Receipt refused: its printed text would contain a full card number.');
  }
  return bytes;
}
