// Turns what a cashier typed into integer minor units, with a message a person
// can act on when it is not an amount.

import { parseDecimalString } from '../../src-shared/money.ts';

/** The parsed amount, or why it is not one. */
export type AmountInput = { ok: true; amount: number } | { ok: false; message: string };

/** Parses a typed amount ("20", "20.5", "20.50") in the ticket's currency; zero is refused. */
export function parseAmountInput(text: string, currency: string): AmountInput {
  const trimmed = text.trim();
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
