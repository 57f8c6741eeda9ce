// The one rule of cross-register duplicate detection (issue 13 §3), pure so
// the register's warning before a charge and the store's flag after it judge
// a pair the same way. Two approved charges are a possible duplicate when they
// are for the same amount (and currency) on different tickets (any register),
// within the window (default 10 minutes), on the same card: the same token
// when both charges have one, else the same masked number and brand, and the
// same expiry when both know it. This is what processors' own duplicate
// checks key on (card number + amount + time window: Braintree's "duplicate
// transaction checking", ExactPay's "Duplicate Time", Helcim's "suspected
// duplicates"), only across every register of the store, which no single PIN
// pad or processor account sees.

/** What is known of a card: never a full number (invariant 6). */
export interface CardIdentity {
  /** The PIN pad's reusable token for the card, when it gave one. */
  token?: string | null;
  /** First 6 / last 4 at most. */
  maskedPan?: string | null;
  brand?: string | null;
  /** Expiry as MMYY (or MM/YY), when the PIN pad reported it. */
  expiry?: string | null;
}

/** One approved card charge as the store knows it. */
export interface StoreCharge {
  registerId: string;
  /** The register's name as people call it (for words only). */
  registerName?: string | null;
  ticketId: string;
  attemptId: string;
  /** Minor units approved. */
  amount: number;
  currency: string;
  card: CardIdentity;
  /** Epoch ms the charge was approved (the register's clock). */
  at: number;
}

/** A charge about to be made, as the register knows it before the PIN pad reads the card. */
export interface ChargeProbe {
  registerId: string;
  ticketId: string;
  amount: number;
  currency: string;
  at: number;
  /** The card, once read (tokenize); absent when only the amount is known. */
  card?: CardIdentity;
}

/** Default window: a re-rung ticket on another register comes within minutes. */
export const DEFAULT_DUPLICATE_WINDOW_MS = 10 * 60_000;

function norm(v: string | null | undefined): string | undefined {
  const t = v?.trim();
  return t ? t.toUpperCase().replace(/[^0-9A-Z*X_]/g, '') : undefined;
}

/**
 * True when two masked forms can be the same card: both end in four digits,
 * and where both show a digit at the same place it is the same digit. The PIN
 * pad masks as 411111******1111, the gateway's report (an attempt Find Missing
 * completed) as xxxxxxxxxxxx1111: the same card, one without its first six.
 */
function masksAgree(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || !/\d{4}$/.test(a) || !/\d{4}$/.test(b)) return false;
  if (a.length !== b.length) return a.slice(-4) === b.slice(-4);
  for (let i = 0; i < a.length; i++) if (/\d/.test(a[i]) && /\d/.test(b[i]) && a[i] !== b[i]) return false;
  return true;
}

/** True when both identities name the same card (see file comment); false when either knows too little. */
export function sameCard(a: CardIdentity, b: CardIdentity): boolean {
  const ta = norm(a.token);
  const tb = norm(b.token);
  if (ta && tb) return ta === tb;
  if (!masksAgree(norm(a.maskedPan), norm(b.maskedPan))) return false;
  if (norm(a.brand) !== norm(b.brand)) return false;
  const ea = norm(a.expiry);
  const eb = norm(b.expiry);
  return !ea || !eb || ea === eb;
}

/** True when the two are on different tickets (a ticket is its register's: the same id on two registers is two tickets). */
function otherTicket(a: { registerId: string; ticketId: string }, b: { registerId: string; ticketId: string }): boolean {
  return a.registerId !== b.registerId || a.ticketId !== b.ticketId;
}

/**
 * The earlier charges a probe may duplicate, newest first: same amount and
 * currency, another ticket, within the window; and the same card when the
 * probe's card is known (without it, every same-amount charge is a candidate).
 */
export function duplicateCandidates(charges: readonly StoreCharge[], probe: ChargeProbe, windowMs = DEFAULT_DUPLICATE_WINDOW_MS): StoreCharge[] {
  return charges
    .filter(
      (c) =>
        c.amount === probe.amount &&
        c.currency === probe.currency &&
        otherTicket(c, probe) &&
        Math.abs(probe.at - c.at) <= windowMs &&
        (probe.card === undefined || sameCard(c.card, probe.card)),
    )
    .sort((x, y) => y.at - x.at);
}

/** A pair the store flags for the manager: `later` possibly charged the customer `earlier` already paid. */
export interface DuplicatePair {
  earlier: StoreCharge;
  later: StoreCharge;
}

/** Stable key of a pair (the store's flag is unique on it, so flagging twice flags once). */
export function pairKey(p: DuplicatePair): string {
  return `${p.earlier.registerId}/${p.earlier.attemptId}~${p.later.registerId}/${p.later.attemptId}`;
}

/**
 * Every possible-duplicate pair among the charges (each later charge paired
 * with each earlier one it matches), oldest pair first. Sorted by time then
 * by register and attempt, so the pair's order never depends on input order.
 */
export function duplicatePairs(charges: readonly StoreCharge[], windowMs = DEFAULT_DUPLICATE_WINDOW_MS): DuplicatePair[] {
  const byTime = [...charges].sort((a, b) => a.at - b.at || a.registerId.localeCompare(b.registerId) || a.attemptId.localeCompare(b.attemptId));
  const pairs: DuplicatePair[] = [];
  // Sliding window: charges sorted by time, each compared with those at most windowMs older.
  let start = 0;
  for (let i = 0; i < byTime.length; i++) {
    const later = byTime[i];
    while (later.at - byTime[start].at > windowMs) start++;
    for (let j = start; j < i; j++) {
      const earlier = byTime[j];
      if (earlier.amount === later.amount && earlier.currency === later.currency && otherTicket(earlier, later) && sameCard(earlier.card, later.card)) {
        pairs.push({ earlier, later });
      }
    }
  }
  return pairs;
}
