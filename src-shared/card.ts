// Card facts that may be stored and shown (brand, entry mode, a masked number)
// and every guard of invariant 6 (DESIGN §1): masking, redaction of free text,
// the masked forms devices and gateways write. The one home of card-number
// handling: drivers, main and scripts import it from here. Nothing here can hold
// a full card number.

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
 * True when a digit run starts like a card number of a network that issues
 * cards at a till, with a length that network uses (ISO/IEC 7812 issuer
 * identification ranges as the networks publish them: Visa 4; Mastercard
 * 51-55 and 2221-2720; Mir 2200-2204; American Express 34, 37; Diners 30, 36,
 * 38, 39; JCB 35; Discover, UnionPay, Maestro, RuPay and the other 6s; Maestro
 * 50, 56-58). Scanners pair it with Luhn to tell a stored card number from two
 * numbers that merely sit next to each other (one in ten such runs passes Luhn
 * alone). Masking never relies on it: masking a non-card number costs nothing.
 */
export function hasIssuerPrefix(digits: string): boolean {
  if (!/^\d{12,19}$/.test(digits)) return false;
  const n = digits.length;
  const p2 = Number(digits.slice(0, 2));
  const p4 = Number(digits.slice(0, 4));
  switch (digits[0]) {
    case '4':
      return n === 13 || n === 16 || n === 19;
    case '2':
      return (p4 >= 2221 && p4 <= 2720 && n === 16) || (p4 >= 2200 && p4 <= 2204 && n >= 16);
    case '3':
      if (p2 === 34 || p2 === 37) return n === 15;
      if (p2 === 35) return n >= 16;
      return (p2 === 30 || p2 === 36 || p2 === 38 || p2 === 39) && n >= 14;
    case '5':
      if (p2 >= 51 && p2 <= 55) return n === 16;
      return (p2 === 50 || (p2 >= 56 && p2 <= 58)) && n >= 12;
    case '6':
      return n >= 12;
    default:
      return false;
  }
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

// ---------------------------------------------------------------------------
// Redaction of free text (logs, error messages, device texts)

// Track 1 (%B...^NAME^...?) and track 2 (;PAN=...?) sentinels, matched loosely on purpose.
const TRACK_1 = /%B\d{12,19}\^[^?]*\??/g;
const TRACK_2 = /;\d{12,19}=[^?]*\??/g;

/**
 * Last guard before text reaches a log or an error message: card numbers
 * (Luhn-valid 13-19 digit runs, unbroken or in spaced/dashed groups) masked and
 * track data removed.
 */
export function redactText(text: string): string {
  return maskFullPans(text.replace(TRACK_1, '[track data removed]').replace(TRACK_2, '[track data removed]'));
}

/** A value fit for an error's details or a log: every string in it passed through redactText. */
export function redactValue<T>(v: T): T {
  if (typeof v === 'string') return redactText(v) as T;
  if (Array.isArray(v)) return v.map(redactValue) as T;
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = redactValue(x);
    return out as T;
  }
  return v;
}

/** A log-safe one-line description of a thrown value. */
export function redactForLog(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return redactText(text);
}

/** True when text holds a run of at least 13 digits, the shortest card number. */
function hasLongDigitRun(text: string): boolean {
  let run = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++run >= 13) return true;
    } else run = 0;
  }
  return false;
}

/**
 * Masks every unbroken card-number-like run (13-19 Luhn-valid digits) in free
 * text; grouped numbers are left alone. The PAX codec's guard on every text a
 * terminal sends or receives: it runs on each decoded frame, so it is a scan
 * first (nearly every text has no such run) and never the grouped search.
 */
export function maskUnbrokenPans(text: string): string {
  if (!hasLongDigitRun(text)) return text;
  return text.replace(/\d{13,19}/g, (run) => (luhnValid(run) ? maskPan(run) : run));
}

// ---------------------------------------------------------------------------
// Masked numbers: safe to keep, in the forms devices and gateways write them

/**
 * An account field from a device as it may be kept: masked when it holds more
 * real digits than a masked number may, or is a whole Luhn-valid number.
 */
export function guardAccountNumber(n: string | undefined): string | undefined {
  if (n === undefined || n === '') return undefined;
  let digits = 0;
  for (let i = 0; i < n.length; i++) {
    const c = n.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
  }
  // luhnValid accepts digits only: a number with any other character fails it.
  return digits > 10 || (digits === n.length && luhnValid(n)) ? maskPan(n) : n;
}

/** A masked number fit to store: at most 10 digits and at least one mask character (the journal's tables CHECK both). */
export function safeMaskedPan(value: string): string {
  const digits = value.replace(/\D/g, '').length;
  if (digits > 10) return maskPan(value);
  return /[*Xx]/.test(value) ? value : `****${value}`;
}

/**
 * A masked card number as real gateway answers carry it: first digit, "x" for
 * each hidden digit, last four ("4xxxxxxxxxxx2224"), from any masked form
 * ("411111******1111"). Length is kept; null when there are not five digits to
 * show or the text holds more digits than a mask may (never a full number).
 */
export function toGatewayMasked(masked: string): string | null {
  const chars = masked.replace(/[\s-]/g, '');
  if (!/^[0-9*xX#]+$/.test(chars)) return null;
  const digits = chars.replace(/\D/g, '');
  if (digits.length > 10 || chars.length < 12 || !/^\d/.test(chars) || !/\d{4}$/.test(chars)) return null;
  return `${chars[0]}${'x'.repeat(chars.length - 5)}${chars.slice(-4)}`;
}

/** What is kept of a masked number read from a gateway. */
export interface MaskedCard {
  /** The masked number as received (mask characters and at most 10 digits). */
  masked: string;
  /** Leading digits shown (1 in the gateway form, 6 in the first-6 form, possibly none). */
  first: string;
  last4: string;
}

/**
 * Reads a masked number in either form the sources show: "4xxxxxxxxxxx2224"
 * (gateway answers) or "411111******1111" (first 6 / last 4). Null for anything
 * else, and for any text with more than 10 digits: a full card number is never
 * taken in, even by mistake.
 */
export function parseMaskedCardNumber(text: string): MaskedCard | null {
  const t = text.trim();
  const m = /^(\d{0,6})([*xX#]{2,15})(\d{4})$/.exec(t);
  if (!m || m[1].length + m[3].length > 10) return null;
  return { masked: t, first: m[1], last4: m[3] };
}
