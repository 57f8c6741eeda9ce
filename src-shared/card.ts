// Card facts that may be stored and shown: brand, entry mode and a masked
// number. Nothing here can hold a full card number (DESIGN §1, invariant 6).

/** Card brand, as shown on screens and receipts. */
export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'discover' | 'diners' | 'jcb' | 'other';

/** How the card was read. */
export type EntryMode = 'manual' | 'swipe' | 'contactless' | 'scanner' | 'chip' | 'fallback_swipe' | 'unknown';

/** Luhn check over a digit string. */
export function luhnValid(digits: string): boolean {
  if (!/^\d{2,19}$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * Masks a card number to first 6 / last 4 (fewer when the number is short),
 * keeping any mask characters already present. The result never holds more
 * than 10 real digits, so it is safe to store.
 */
export function maskPan(pan: string): string {
  const clean = pan.replace(/[\s-]/g, '');
  if (clean.length <= 10) return clean.replace(/\d/g, '*');
  const first = clean.slice(0, 6);
  const last = clean.slice(-4);
  return `${first}${'*'.repeat(clean.length - 10)}${last}`;
}

/**
 * True when a string looks like an unmasked card number: a run of 13-19 digits
 * that passes Luhn. Used as a last guard before anything is written to the
 * journal or a log.
 */
export function containsFullPan(text: string): boolean {
  const runs = text.match(/\d{13,19}/g);
  return !!runs && runs.some((r) => luhnValid(r));
}
