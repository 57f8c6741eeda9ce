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

/** Where a card number sits in a text: [start, end) offsets. */
export interface PanSpan {
  start: number;
  end: number;
}

// Card numbers are printed and typed in groups: 4-4-4-4, 4-6-5 (Amex),
// 4-6-4 (Diners), 4-4-4-4-3. Groups of 3 to 6 digits joined by one space or
// dash are read as one number. Longer groups are not joined, so ids such as
// UUIDs (8-4-4-4-12) and ISO dates can never add up to a "card number";
// a group must stand alone (no letter or digit touching it), or the digit
// tail of a hex UUID segment ("ab123456-1234-…") would count as a group.
const GROUPED = /(?<![0-9A-Za-z])\d{3,6}(?:[ -]\d{3,6})+(?![0-9A-Za-z])/g;
const UNBROKEN = /\d{13,19}/g;

/**
 * Every unmasked card number in a text: a run of 13-19 digits that passes
 * Luhn, written unbroken or in groups separated by single spaces or dashes.
 */
export function findFullPans(text: string): PanSpan[] {
  const spans: PanSpan[] = [];
  for (const m of text.matchAll(UNBROKEN)) {
    if (luhnValid(m[0])) spans.push({ start: m.index, end: m.index + m[0].length });
  }
  for (const m of text.matchAll(GROUPED)) {
    // Offsets of each group inside the run, so any window of whole groups can be tried.
    const groups: PanSpan[] = [];
    for (const g of m[0].matchAll(/\d+/g)) groups.push({ start: m.index + g.index, end: m.index + g.index + g[0].length });
    for (let i = 0; i < groups.length; i++) {
      let digits = '';
      for (let j = i; j < groups.length; j++) {
        digits += text.slice(groups[j].start, groups[j].end);
        if (digits.length > 19) break;
        if (j > i && digits.length >= 13 && luhnValid(digits)) spans.push({ start: groups[i].start, end: groups[j].end });
      }
    }
  }
  return spans;
}

/**
 * True when a string looks like it holds an unmasked card number (see
 * findFullPans). Used as a last guard before anything is written to the
 * journal or a log.
 */
export function containsFullPan(text: string): boolean {
  return findFullPans(text).length > 0;
}

/** The text with every card number findFullPans finds masked to first 6 / last 4. */
export function maskFullPans(text: string): string {
  const spans = findFullPans(text);
  if (spans.length === 0) return text;
  // Overlapping finds (a grouped run and a window inside it) merge into one masked stretch.
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let at = 0;
  for (const s of spans) {
    if (s.end <= at) continue;
    const start = Math.max(s.start, at);
    out += text.slice(at, start) + maskPan(text.slice(start, s.end));
    at = s.end;
  }
  return out + text.slice(at);
}
