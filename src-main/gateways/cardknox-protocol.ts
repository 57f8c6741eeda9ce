// Wire details of the Cardknox-style gateway, shared by the client and the
// simulator so both always speak the same dialect. Each choice names the
// independent public code it follows (repo + path). Where sources disagree we
// accept every form on input and send what the majority sends.
//
// ENDPOINTS (issue 7 item 10). The configuration holds the gateway's base
// address; the paths are derived from it:
//   /gateway      transactions, form-encoded in and out
//                 (Cardknox/cardknox-node cardknox.js: transactionUrl
//                 "https://x1.cardknox.com/gateway"; TheScripters/Cardknox-API-Wrapper
//                 src/Cardknox.NET/CardknoxRequest.cs: Url ".../gateway", posted
//                 with WebClient.UploadValues = form)
//   /gatewayjson  transactions, JSON in and out
//                 (cardknox/cardknox-sdk-js src/constants.js: GATEWAY_URL
//                 "https://x1.cardknox.com/gatewayjson"; Moshe844/Cardknox-reporting-api server.js)
//   /reportjson   reports (report:all, report:approved…), JSON in and out
//                 (Moshe844/Cardknox-reporting-api server.js posts report:* with
//                 xBeginDate/xEndDate to "https://x1.cardknox.com/reportjson"; none
//                 of the four SDKs above wraps reports)
// dlehren/omnipay-cardknox src/Gateway.php configures the bare base
// "https://x1.cardknox.com/" as its endpoint: an operator may paste either the
// base or an old full ".../gateway" URL, so gatewayEndpoints() accepts both.
//
// DATES (item 11). Every date we send or read is UTC (the simulator keeps its
// ledger in UTC; the real gateway's zone is not stated by any public source we
// found, so a lookup opens its window well before the attempt (15 minutes by
// default, payment-coordinator.ts) and matches by invoice). We SEND
// "YYYY-MM-DD HH:mm:ss.SSS": the milliseconds keep many rows from sharing one
// instant, which paging ("move the begin time to the last row") relies on. We
// ACCEPT on input (report windows at the simulator, xEnteredDate in rows):
//   "2026-11-30"                 a date alone: the whole day (begin 00:00:00.000, end 23:59:59.999)
//   "2026-11-30 13:05:09[.123]"  with or without milliseconds (also with "T" and a trailing "Z")
//   "11/30/2026[ 1:05:09 PM]"    MM/DD/YYYY, 24-hour or 12-hour time: the real report rows
//                                captured in Moshe844/Cardknox-reporting-api test.txt read
//                                "1/2/2023 10:49:06 AM"
// Begin and end are both inclusive.
//
// REFERENCES AND CARDS (item 12). Every transaction, a void included, gets its
// own xRefNum (dlehren/omnipay-cardknox tests/Mock/VoidSuccess.txt and
// CaptureSuccess.txt: a follow-up answers xRefNum plus xRefNumCurrent, a number
// of its own). The simulator gives voids, captures and incremental
// authorisations their own reference; a later follow-up may name the original
// or any of them. Masked numbers are sent as real answers carry them: first digit,
// "x" for every hidden digit, last four, e.g. "4xxxxxxxxxxx2224"
// (omnipay-cardknox tests/Mock/PurchaseSuccess.txt, AuthorizeSuccess.txt,
// VoidSuccess.txt, RefundSuccess.txt). The client also reads the first-6/last-4
// form ("411111******1111") the PAX side uses.
//
// CARD-ON-FILE COMMANDS (issue 12 §5, the purser). All by xRefNum of the
// original, each answered with an xRefNum of its own, each taking an optional
// xInvoice of its own (the purser's queue record) so the duplicate check and a
// report by invoice see it:
//   cc:authonly  authorisation by xToken + xAmount (already used by payments).
//   cc:adjust    incremental authorisation: xRefNum + xAmount. Sources:
//                TheScripters/Cardknox-API-Wrapper src/Cardknox.NET/Cardknox.cs
//                (CCAdjust: "used to change a previous authorization to a higher or
//                lower amount. The refNumber from related authorization is required",
//                refuses an amount <= 0) and src/Cardknox.NET/CardknoxResponse.cs
//                (xRefNumCurrent "Returned when using a command that modifies an
//                existing transaction, such as cc:void, cc:capture, or cc:adjust");
//                mfried40/Cardknox-Api-Wrapper-node
//                src/classes/Requests/CreditCard/CCAdjustRequest.ts (xRefNum, xAmount,
//                xInvoice). MISSING SOURCE: whether cc:adjust's xAmount is the amount
//                ADDED or the NEW TOTAL; no public source says, nor documents an
//                "incremental" flag. We send the amount added (what Stripe, checkout.com
//                and triPOS incremental authorisations take), and the simulator reads it
//                so: if the real gateway reads a new total, the hold ends LOWER than
//                meant (a later capture is declined, nobody is over-held), the safer
//                way to be wrong. Confirm with Cardknox before going live.
//   cc:capture   xRefNum + xAmount (the amount to settle; absent: the authorised
//                total): mfried40/Cardknox-Api-Wrapper-node .../CCCaptureRequest.ts
//                (xRefNum, xAmount, xInvoice); TheScripters/Cardknox-API-Wrapper
//                src/Cardknox.NET/Operations/CC.cs CCCapture (RefNum on a Sale's fields).
//   cc:voidrelease  releases an authorisation not captured: mfried40/Cardknox-Api-
//                Wrapper-node .../CCVoidReleaseRequest.ts (xRefNum), TheScripters
//                .../Operations/CC.cs CCVoidRelease (RefNum); activemerchant-style
//                Cardknox wrappers map void_release to it. cc:void stays for a capture or sale not yet
//                settled, cc:refund (xRefNum + xAmount) for a settled one.
// Public callers of Cardknox reports and webhooks switch on xCommand values
// "cc:void" and "cc:voidrelease" (code found by the search index without its
// repository name), so a void is a transaction with a row of its own: the
// simulator reports one, under the void's own invoice (or the original's when
// it names none), and still marks the original xVoid=1.
//
// FIELD NAMES. Field names are matched case-insensitively on input: public
// callers send "xkey"/"xversion" as well as "xKey"/"xVersion", and read
// "xMaskedCardnumber" from report rows (Moshe844/Cardknox-reporting-api
// server.js). We send the canonical camel case every SDK above uses.
//
// UNCONFIRMED DETAILS (protocols.md marks them so); our choices:
// 1. Duplicate answer: xResult "D" with xError "Duplicate Transaction"; the
//    original approval is given in xDuplicateRefNum / xDuplicateAuthCode /
//    xDuplicateAmount. The client matches the text case-insensitively on D or E.
// 2. Report answer: xResult "A", xRecordsReturned, and xReportData holding the
//    rows as a JSON array of objects (inside a form-encoded answer it is a
//    JSON string; the client reads both).
// 3. Report filters: an operator prefix on the value; "=" is an exact match,
//    no prefix is a case-sensitive "contains".
// 4. Card types and entry methods are named as in CARD_TYPES / ENTRY_METHODS.

import type { CardBrand, EntryMode } from '../../src-shared/card.ts';

/** API version we speak. */
export const CARDKNOX_VERSION = '5.0.0';

/** Fields every request must carry. */
export const REQUIRED_FIELDS = ['xKey', 'xVersion', 'xSoftwareName', 'xSoftwareVersion', 'xCommand'] as const;

/** Text of the duplicate answer. */
export const DUPLICATE_TEXT = 'Duplicate Transaction';

/**
 * The processor's refusal of a refund before the charge is settled: the text
 * seed 002 table 4-11 #5 quotes from the cruise system's gateway. Refund only
 * after settlement, void before it, is how processors work: Braintree
 * ("If the transaction has not yet begun settlement, use Transaction: Void
 * instead", developer.paypal.com braintree reference transaction/refund), and
 * Drupal's commerce_braintree (src/ErrorHelper.php, HostedFields.php: on
 * "cannot refund unless settled" a refund of the whole balance is voided
 * instead, a partial one is refused "until the original transaction has
 * settled"). The Cardknox WooCommerce and Magento modules send cc:voidrefund
 * for a whole order and cc:refund for a part. We refund first and void on
 * this refusal (reversal-service.ts), so the kind journaled is the kind done.
 */
export const NOT_SETTLED_TEXT = 'Unable to refund a transaction until it has been settled';

/** Whether a refusal's text is the processor's "not settled yet" (matched loosely: case, punctuation). */
export function isNotSettledText(text: string): boolean {
  return /until it has been settled/i.test(text);
}

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

/** Epoch milliseconds to the gateway's date format (UTC, with milliseconds). */
export function formatGatewayDate(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) throw new RangeError(`Not a valid time: ${ms}`);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`
  );
}

const ISO_LIKE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z?)?$/;
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(?: ?([AaPp][Mm]))?)?$/;

/**
 * A gateway date to epoch milliseconds (UTC); null when it is not one. A date
 * alone is the start of that day, or its last millisecond with `endOfDay`
 * (the end of a report window).
 */
export function parseGatewayDate(text: string, opts: { endOfDay?: boolean } = {}): number | null {
  const t = text.trim();
  let y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number;
  let dateOnly: boolean;
  const iso = ISO_LIKE.exec(t);
  const us = iso ? null : US_DATE.exec(t);
  if (iso) {
    [y, mo, d] = [+iso[1], +iso[2], +iso[3]];
    dateOnly = iso[4] === undefined;
    [h, mi, s] = [Number(iso[4] ?? 0), Number(iso[5] ?? 0), Number(iso[6] ?? 0)];
    ms = Number((iso[7] ?? '0').padEnd(3, '0'));
  } else if (us) {
    [mo, d, y] = [+us[1], +us[2], +us[3]];
    dateOnly = us[4] === undefined;
    [h, mi, s] = [Number(us[4] ?? 0), Number(us[5] ?? 0), Number(us[6] ?? 0)];
    ms = Number((us[7] ?? '0').padEnd(3, '0'));
    const half = us[8]?.toUpperCase();
    if (half) {
      if (h < 1 || h > 12) return null;
      h = (h % 12) + (half === 'PM' ? 12 : 0);
    }
  } else return null;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  const at = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  // Date.UTC rolls 2024-02-31 over to March; refuse instead.
  const check = new Date(at);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  return dateOnly && opts.endOfDay ? at + 86_400_000 - 1 : at;
}

/** The three endpoints of a gateway, derived from its base address. */
export interface GatewayEndpoints {
  /** Base address, ending in "/". */
  base: string;
  /** Transactions, form-encoded. */
  gateway: string;
  /** Transactions, JSON. */
  gatewayJson: string;
  /** Reports, JSON. */
  report: string;
}

/** Endpoint paths under the base address (see the header for sources). */
export const ENDPOINT_PATHS = { gateway: 'gateway', gatewayJson: 'gatewayjson', report: 'reportjson' } as const;

/**
 * The endpoints of a gateway from its base address, or from an old full
 * endpoint URL (".../gateway", ".../gatewayjson", ".../reportjson"), whose
 * base is derived. Throws a RangeError for anything that is not an http(s) URL.
 */
export function gatewayEndpoints(url: string): GatewayEndpoints {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw new RangeError('The gateway address is not a URL');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new RangeError('The gateway address must start with http:// or https://');
  u.search = '';
  u.hash = '';
  const known = new RegExp(`/(?:${Object.values(ENDPOINT_PATHS).join('|')})/?$`, 'i');
  const path = u.pathname.replace(known, '/');
  u.pathname = path.endsWith('/') ? path : `${path}/`;
  const base = u.toString();
  return {
    base,
    gateway: new URL(ENDPOINT_PATHS.gateway, base).toString(),
    gatewayJson: new URL(ENDPOINT_PATHS.gatewayJson, base).toString(),
    report: new URL(ENDPOINT_PATHS.report, base).toString(),
  };
}

/** Canonical names of every field we read, for case-insensitive matching. */
const KNOWN_FIELDS = [
  'xKey', 'xVersion', 'xSoftwareName', 'xSoftwareVersion', 'xCommand', 'xAmount', 'xToken', 'xInvoice',
  'xAllowDuplicate', 'xRefNum', 'xRefNumCurrent', 'xTip', 'xTax', 'xBeginDate', 'xEndDate', 'xMaxRecords',
  'xCardNum', 'xMagstripe', 'xCVV', 'xExp', 'xResult', 'xStatus', 'xError', 'xErrorCode', 'xAuthCode',
  'xAuthAmount', 'xBatch', 'xMaskedCardNumber', 'xCardType', 'xEntryMethod', 'xDate', 'xRecordsReturned',
  'xReportData', 'xEnteredDate', 'xCurrency', 'xResponseError', 'xVoid', 'xDeviceId', 'xDuplicateRefNum',
  'xDuplicateAuthCode', 'xDuplicateAmount',
] as const;
const CANONICAL = new Map<string, string>(KNOWN_FIELDS.map((k) => [k.toLowerCase(), k]));

/**
 * The same fields under their canonical names ("xkey" → "xKey",
 * "xMaskedCardnumber" → "xMaskedCardNumber"); unknown names are kept as they
 * are. JSON numbers and booleans become strings, as a form would carry them.
 */
export function canonicalFields(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(raw)) {
    const name = CANONICAL.get(k.toLowerCase()) ?? k;
    out[name] = typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
  }
  return out;
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
