// Last guard before text reaches a log or an error message: anything that looks
// like a full card number or magnetic track is masked (invariant 6).

import { maskFullPans } from '../../src-shared/card.ts';

// Track 1 (%B...^NAME^...?) and track 2 (;PAN=...?) sentinels, matched loosely on purpose.
const TRACK_1 = /%B\d{12,19}\^[^?]*\??/g;
const TRACK_2 = /;\d{12,19}=[^?]*\??/g;

/** Masks card numbers (Luhn-valid 13-19 digit runs, unbroken or in spaced/dashed groups) and track data in a string. */
export function redactText(text: string): string {
  return maskFullPans(text.replace(TRACK_1, '[track data removed]').replace(TRACK_2, '[track data removed]'));
}

/** A value fit for an error's details: every string in it passed through redactText. */
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
