// The purser screens' view models, kept pure so they can be tested without a
// browser: the cards with their authorisation and settlement records, the Pay
// invoice form (a negative amount turns Pay into Refund, tables 4-11 and 4-12;
// direct sale only without a card on file, table 4-10), the folio with its
// running balance, the PIN pad chooser and the parameter inputs.

import type { DeviceHealth, DeviceSnapshot } from '../../../src-shared/domain.ts';
import { parseDecimalString, toDecimalString } from '../../../src-shared/money.ts';
import type {
  CardOnFileSnapshot,
  CardTypeCode,
  FolioLine,
  GuestDetail,
  PurserParameter,
  PurserParameterValue,
  PurserPaymentMethod,
  PurserRecord,
} from '../../../src-shared/purser-types.ts';

/** One card with its own records, oldest first. */
export interface CardView {
  card: CardOnFileSnapshot;
  authorisations: PurserRecord[];
  settlements: PurserRecord[];
}

/** The guest's cards by routing order, each with its records; records of no card (a cash refund) apart. */
export function cardViews(detail: Pick<GuestDetail, 'cards' | 'records'>): { cards: CardView[]; withoutCard: PurserRecord[] } {
  const cards = [...detail.cards]
    .sort((a, b) => a.routingOrder - b.routingOrder)
    .map((card) => {
      const own = detail.records.filter((r) => r.cardId === card.cardId);
      return { card, authorisations: own.filter((r) => r.family === 'authorisation'), settlements: own.filter((r) => r.family === 'settlement') };
    });
  const known = new Set(detail.cards.map((c) => c.cardId));
  return { cards, withoutCard: detail.records.filter((r) => r.cardId === null || !known.has(r.cardId)) };
}

/** The card ids in a new routing order after moving one card up (-1) or down (+1); unchanged at an end. */
export function moveInRouting(cards: readonly Pick<CardOnFileSnapshot, 'cardId' | 'routingOrder'>[], cardId: string, by: -1 | 1): string[] {
  const ids = [...cards].sort((a, b) => a.routingOrder - b.routingOrder).map((c) => c.cardId);
  const i = ids.indexOf(cardId);
  const j = i + by;
  if (i < 0 || j < 0 || j >= ids.length) return ids;
  [ids[i], ids[j]] = [ids[j], ids[i]];
  return ids;
}

/** A folio line with the balance after it. */
export interface FolioRow {
  line: FolioLine;
  balanceAfter: number;
}

/** The folio oldest first, each line with the running balance (postings add, payments subtract). */
export function folioRows(folio: readonly FolioLine[]): FolioRow[] {
  let balance = 0;
  return [...folio]
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
    .map((line) => {
      balance += line.amount;
      return { line, balanceAfter: balance };
    });
}

/** A typed signed amount: "-50", "−50.00", "$20" → minor units; zero refused. */
export function parseSignedAmount(text: string, currency: string): { ok: true; amount: number } | { ok: false; message: string } {
  const t = text
    .trim()
    .replace(/^[−–]/, '-')
    .replace(/^(-?)\s*[$€£¥]\s*/, '$1')
    .replace(/,(?=\d{3}(\D|$))/g, '')
    .replace(/\.$/, '');
  if (t === '' || t === '-') return { ok: false, message: 'Type the amount, like 120.00 (a refund: -50.00).' };
  const negative = t.startsWith('-');
  let amount: number;
  try {
    amount = parseDecimalString(negative ? t.slice(1) : t, currency);
  } catch {
    return { ok: false, message: `"${text.trim()}" is not an amount. Type it like 120.00, or -50.00 for a refund.` };
  }
  if (amount === 0) return { ok: false, message: 'The amount must not be zero.' };
  return { ok: true, amount: negative ? -amount : amount };
}

/** A way to pay the invoice as the form offers it. */
export interface PayMethodChoice {
  method: PurserPaymentMethod;
  label: string;
  /** Why it cannot be chosen now (null: it can). */
  unavailable: string | null;
}

/** The Pay invoice form as it stands. */
export interface PayInvoiceView {
  /** Minor units when the text is an amount. */
  amount: number | null;
  error: string | null;
  /** A negative amount is a refund: the Refund button replaces Pay (table 4-12). */
  action: 'pay' | 'refund';
  methods: PayMethodChoice[];
  /** The method to send (the chosen one if it is available, else the first available). */
  method: PurserPaymentMethod;
  /** The card a 'card' payment settles on (the first active card by routing order). */
  card: CardOnFileSnapshot | null;
  needsPinPad: boolean;
  canSubmit: boolean;
}

/** The Pay invoice form: amount text and chosen method → what to show and send. */
export function payInvoiceView(
  detail: Pick<GuestDetail, 'cards' | 'balance' | 'paymentDepartment'>,
  amountText: string,
  chosen: PurserPaymentMethod | null,
  currency: string,
): PayInvoiceView {
  const parsed = amountText.trim() === '' ? null : parseSignedAmount(amountText, currency);
  const amount = parsed?.ok ? parsed.amount : null;
  const action = amount !== null && amount < 0 ? 'refund' : 'pay';
  const active = [...detail.cards].filter((c) => c.active).sort((a, b) => a.routingOrder - b.routingOrder);
  const dept = detail.paymentDepartment;
  const department = dept.kind === 'card' ? dept.cardId : null;
  const card = active.find((c) => c.cardId === department) ?? active[0] ?? null;
  const methods: PayMethodChoice[] = [
    { method: 'card', label: 'Card on file', unavailable: card ? null : 'No active card on file.' },
    { method: 'cash', label: 'Cash', unavailable: null },
    {
      method: 'direct_sale',
      label: action === 'refund' ? 'Another card on the PIN pad' : 'Direct sale on the PIN pad',
      // Table 4-10: a direct sale is for a guest with no card on file; a refund may go to another card (4-12 #3, #4).
      unavailable: action === 'refund' || detail.cards.every((c) => !c.active) ? null : 'Direct sale is for a guest with no card on file.',
    },
  ];
  const usable = methods.filter((m) => m.unavailable === null);
  const fallback: PurserPaymentMethod = detail.paymentDepartment.kind === 'card' && card ? 'card' : 'cash';
  const method = usable.find((m) => m.method === chosen)?.method ?? usable.find((m) => m.method === fallback)?.method ?? usable[0].method;
  return {
    amount,
    error: parsed && !parsed.ok ? parsed.message : null,
    action,
    methods,
    method,
    card: method === 'card' ? card : null,
    needsPinPad: method === 'direct_sale',
    canSubmit: amount !== null,
  };
}

/** The settlement record a payment made (for the void confirmation of table 4-11). */
export function settlementOfPayment(records: readonly PurserRecord[], paymentId: string): PurserRecord | undefined {
  return records.find((r) => r.paymentId === paymentId && r.family === 'settlement' && (r.kind === 'settlement' || r.kind === 'refund'));
}

/** A PIN pad the purser may register a card on. */
export interface PinPadChoice {
  id: string;
  name: string;
  /** The one in use on this register. */
  inUse: boolean;
}

/** The PIN pads to choose from: the one in use (the training one in training mode) first, then the others configured here. */
export function pinPadChoices(terminal: DeviceHealth | undefined, devices: readonly DeviceSnapshot[] | null): PinPadChoice[] {
  const out: PinPadChoice[] = [];
  if (terminal?.configured && terminal.id) out.push({ id: terminal.id, name: terminal.name ?? 'PIN pad', inUse: true });
  for (const d of devices ?? []) {
    if (d.kind !== 'pin_pad' || d.removed || out.some((c) => c.id === d.id)) continue;
    out.push({ id: d.id, name: d.name, inUse: false });
  }
  return out;
}

/** What the parameter form holds for one parameter: text for numbers, a list for card types. */
export type ParameterDraft = string | CardTypeCode[];

/** The form's starting text for a value. */
export function parameterDraft(p: Pick<PurserParameter, 'kind'>, value: PurserParameterValue, currency: string, exponent: number): ParameterDraft {
  if (Array.isArray(value)) return [...value];
  if (p.kind === 'amount') return (value / 10 ** exponent).toFixed(exponent);
  void currency;
  return String(value);
}

/** Checks what was typed or picked for a parameter; the value to send, or why not in words. */
export function parseParameterDraft(
  p: Pick<PurserParameter, 'kind' | 'label' | 'choices' | 'min' | 'max'>,
  draft: ParameterDraft,
  currency: string,
  money: (minor: number) => string,
): { ok: true; value: PurserParameterValue } | { ok: false; message: string } {
  if (p.kind === 'card_types') {
    if (!Array.isArray(draft)) return { ok: false, message: `Pick the card types for ${p.label}.` };
    return { ok: true, value: [...new Set(draft)] };
  }
  if (Array.isArray(draft)) return { ok: false, message: `${p.label} needs one value.` };
  const text = draft.trim();
  let value: number;
  if (p.kind === 'amount') {
    try {
      value = parseDecimalString(text.replace(/^[$€£¥]\s*/, '').replace(/,(?=\d{3}(\D|$))/g, ''), currency);
    } catch {
      return { ok: false, message: `${p.label}: type an amount like 50.00.` };
    }
  } else {
    if (!/^\d{1,9}$/.test(text)) return { ok: false, message: p.kind === 'seconds' ? `${p.label}: type a whole number of seconds.` : `${p.label}: pick one of the choices.` };
    value = Number(text);
  }
  if (p.kind === 'switch' || p.kind === 'choice') {
    if (p.choices && !p.choices.some((c) => c.value === value)) return { ok: false, message: `${p.label}: pick one of the choices.` };
    return { ok: true, value };
  }
  const show = (n: number) => (p.kind === 'amount' ? money(n) : `${n} s`);
  if (p.min !== null && value < p.min) return { ok: false, message: `${p.label} must be at least ${show(p.min)}.` };
  if (p.max !== null && value > p.max) return { ok: false, message: `${p.label} must be at most ${show(p.max)}.` };
  return { ok: true, value };
}

/** Minor units as the text an amount field starts with: 12050 USD → "120.50", -5000 → "-50.00", 0 → "". */
export function editableAmount(minor: number, currency: string): string {
  if (minor === 0) return '';
  return `${minor < 0 ? '-' : ''}${toDecimalString(Math.abs(minor), currency)}`;
}

/**
 * The cabin card number from what reached the field: a keyboard-style reader
 * types the card's track 2 (";7702<cabin>=<card number>?", the format of
 * drivers/hid/card-classifier.ts), a purser types the number printed on it.
 * Null when it is neither.
 */
export function cabinCardNumber(text: string): string | null {
  const t = text.trim();
  const track = /^;?\d{2,13}=(\d{4,19})\??$/.exec(t);
  if (track) return track[1];
  const typed = t.replace(/[\s-]/g, '');
  return /^\d{4,19}$/.test(typed) ? typed : null;
}

/** Records declined in `next` that were not declined in `prev` (the sender's answers arriving while the guest is open). */
export function newlyDeclined(prev: Pick<GuestDetail, 'records'> | null, next: Pick<GuestDetail, 'records'>): PurserRecord[] {
  if (!prev) return [];
  const before = new Set(prev.records.filter((r) => r.status === 2).map((r) => r.recordId));
  return next.records.filter((r) => r.status === 2 && !before.has(r.recordId));
}
