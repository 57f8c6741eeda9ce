// Turns what a cashier typed into integer minor units, with a message a person
// can act on when it is not an amount.

import { parseDecimalString } from '../../../src-shared/money.ts';

/** The parsed amount, or why it is not one. */
export type AmountInput = { ok: true; amount: number } | { ok: false; message: string };

/** Parses a typed amount ("20", "20.5", "20.50") in the ticket's currency; zero is refused. */
export function parseAmountInput(text: string, currency: string): AmountInput {
  // "$20", "1,500" and "20." are how people write money: drop the symbol, thousands separators and a bare trailing point.
  const trimmed = text.trim().replace(/^[$€£¥]\s*/, '').replace(/,(?=\d{3}(\D|$))/g, '').replace(/\.$/, '');
  if (trimmed === '') return { ok: false, message: 'Type the amount received, like 20.00.' };
  let amount: number;
  try {
    amount = parseDecimalString(trimmed, currency);
  } catch (err) {
    return { ok: false, message: err instanceof Error ? err.message : `"${trimmed}" is not an amount.` };
  }
  if (amount === 0) return { ok: false, message: 'The amount received must be more than zero.' };
  return { ok: true, amount };
}

/**
 * Quick-cash amounts for what is due: the exact amount, then the next round
 * amounts a customer hands over (next whole unit, next 5, 10, 20, 50, 100),
 * at most `max`, in minor units, ascending and distinct.
 */
export function quickCashAmounts(due: number, minorPerUnit: number, max = 4): number[] {
  if (due <= 0) return [];
  const out = [due];
  for (const step of [1, 5, 10, 20, 50, 100]) {
    const unit = step * minorPerUnit;
    const next = Math.ceil(due / unit) * unit;
    if (!out.includes(next)) out.push(next);
    if (out.length >= max) break;
  }
  return out.sort((a, b) => a - b);
}

/** A tender this far above what is due (and at least 100 units over) is more likely a typo than a banknote. */
export function isImplausibleTender(tendered: number, due: number, minorPerUnit: number): boolean {
  return tendered > due * 5 && tendered - due >= 100 * minorPerUnit;
}
