// ISO/IEC 7813 financial track formats (protocols.md). These parsers only say
// whether a track has the financial layout and split it; deciding what the card
// is belongs to card-classifier.ts. Nothing here logs or keeps what it parses.

/** Fields of a financial track 1 (format code B). */
export interface FinancialTrack1 {
  /** Primary account number: sensitive, never store or log. */
  pan: string;
  /** Cardholder name as encoded (SURNAME/GIVEN). */
  name: string;
  /** Expiry as YYMM. */
  expiry: string;
  /** Three-digit service code. */
  serviceCode: string;
  /** Issuer's discretionary data. */
  discretionary: string;
}

/** Fields of a financial track 2. */
export interface FinancialTrack2 {
  /** Primary account number: sensitive, never store or log. */
  pan: string;
  /** Expiry as YYMM. */
  expiry: string;
  /** Three-digit service code. */
  serviceCode: string;
  /** Issuer's discretionary data. */
  discretionary: string;
}

/** Longest track 1 allowed by ISO 7813, sentinels included. */
export const TRACK1_MAX_LENGTH = 79;
/** Longest track 2 allowed by ISO 7813, sentinels included. */
export const TRACK2_MAX_LENGTH = 40;

const TRACK1 = /^%B(\d{1,19})\^([^^]{2,26})\^(\d{4})(\d{3})([^?]*)\?$/;
const TRACK2 = /^;(\d{1,19})=(\d{4})(\d{3})([0-9]*)\?$/;

/** Splits a financial track 1, or returns null when it does not have that layout. */
export function parseFinancialTrack1(track: string): FinancialTrack1 | null {
  if (track.length > TRACK1_MAX_LENGTH) return null;
  const m = TRACK1.exec(track);
  if (!m) return null;
  return { pan: m[1], name: m[2].trim(), expiry: m[3], serviceCode: m[4], discretionary: m[5] };
}

/** Splits a financial track 2, or returns null when it does not have that layout. */
export function parseFinancialTrack2(track: string): FinancialTrack2 | null {
  if (track.length > TRACK2_MAX_LENGTH) return null;
  const m = TRACK2.exec(track);
  if (!m) return null;
  return { pan: m[1], expiry: m[2], serviceCode: m[3], discretionary: m[4] };
}

/**
 * The characters between a track's start and end sentinels, or null when the
 * sentinels are missing.
 */
export function trackBody(track: string, startSentinel: '%' | ';'): string | null {
  if (track.length < 2 || track[0] !== startSentinel || track[track.length - 1] !== '?') return null;
  return track.slice(1, -1);
}
