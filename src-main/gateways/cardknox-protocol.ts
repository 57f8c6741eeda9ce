// Wire details of the Cardknox-style gateway, shared by the client and the
// simulator so both always speak the same dialect.
//
// UNCONFIRMED DETAILS (protocols.md marks them so). Every choice we made for
// them lives in this file and nowhere else:
// 1. Report dates (xBeginDate, xEndDate, xEnteredDate): "YYYY-MM-DD HH:mm:ss.SSS"
//    in UTC. Milliseconds keep many rows from sharing one instant, which is
//    what paging "move the begin time to the last row" relies on. Begin and
//    end are both inclusive.
// 2. Duplicate answer: xResult "D" with xError "Duplicate Transaction"; the
//    original approval is given in xDuplicateRefNum / xDuplicateAuthCode /
//    xDuplicateAmount. The client matches the text case-insensitively on D or E.
// 3. Report answer: xResult "A", xRecordsReturned, and xReportData holding the
//    rows as a JSON array of objects with string values (inside a form-encoded
//    answer it is a JSON string).
// 4. Report filters: an operator prefix on the value; "=" is an exact match,
//    no prefix is a case-sensitive "contains".
// 5. Card types and entry methods are named as in CARD_TYPES / ENTRY_METHODS.

import type { CardBrand, EntryMode } from '../../src-shared/card.ts';

/** API version we speak. */
export const CARDKNOX_VERSION = '5.0.0';

/** Fields every request must carry. */
export const REQUIRED_FIELDS = ['xKey', 'xVersion', 'xSoftwareName', 'xSoftwareVersion', 'xCommand'] as const;

/** Text of the duplicate answer. */
export const DUPLICATE_TEXT = 'Duplicate Transaction';

/** Where the duplicate answer carries the original approval. */
export const DUPLICATE_FIELDS = {
  refNum: 'xDuplicateRefNum',
  authCode: 'xDuplicateAuthCode',
  amount: 'xDuplicateAmount',
} as const;

/** Most rows one report page may return. */
export const MAX_REPORT_RECORDS = 1000;

/** Operator prefix for an exact-match report filter. */
export const EXACT_MATCH_PREFIX = '=';

/** True when a gateway text says "already charged". */
export function isDuplicateText(text: string): boolean {
  return /duplicate transaction/i.test(text);
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Epoch milliseconds to the gateway's date format. */
export function formatGatewayDate(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) throw new RangeError(`Not a valid time: ${ms}`);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`
  );
}

/** The gateway's date format to epoch milliseconds; null when it is not one. */
export function parseGatewayDate(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(text.trim());
  if (!m) return null;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], Number((m[7] ?? '0').padEnd(3, '0')));
  // Date.UTC rolls 2024-02-31 over to March; refuse instead.
  return formatGatewayDate(ms).startsWith(`${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]}`) ? ms : null;
}

/** xCardType names by brand. */
export const CARD_TYPES: Record<CardBrand, string> = {
  visa: 'Visa',
  mastercard: 'MasterCard',
  amex: 'Amex',
  discover: 'Discover',
  diners: 'Diners',
  jcb: 'JCB',
  other: 'Unknown',
};

/** Brand of an xCardType name ("other" for anything unknown). */
export function brandOfCardType(cardType: string): CardBrand {
  const lower = cardType.toLowerCase();
  for (const [brand, name] of Object.entries(CARD_TYPES)) if (name.toLowerCase() === lower) return brand as CardBrand;
  return 'other';
}

/** xEntryMethod names by entry mode. */
export const ENTRY_METHODS: Record<EntryMode, string> = {
  manual: 'Keyed',
  swipe: 'Swiped',
  contactless: 'Contactless',
  scanner: 'Scanned',
  chip: 'Chip',
  fallback_swipe: 'Fallback',
  unknown: 'Unknown',
};

/** Entry mode of an xEntryMethod name ("unknown" for anything unknown). */
export function entryModeOfMethod(method: string): EntryMode {
  for (const [mode, name] of Object.entries(ENTRY_METHODS)) if (name === method) return mode as EntryMode;
  return 'unknown';
}

/** A flat set of wire fields. */
export type WireFields = Record<string, string>;

/** Form-encodes wire fields. */
export function encodeForm(fields: WireFields): string {
  return new URLSearchParams(fields).toString();
}

/** Decodes a form-encoded body; a repeated field keeps its last value. */
export function decodeForm(body: string): WireFields {
  const out: WireFields = {};
  for (const [k, v] of new URLSearchParams(body)) out[k] = v;
  return out;
}
