// Money is integer minor units with an ISO 4217 currency (DESIGN §1, invariant 7).
// Decimal strings exist only at the edges (the gateway's "12.50", a screen) and
// are converted here, with integer arithmetic only.

/** An amount of money: integer minor units plus currency. */
export interface Money {
  /** Integer minor units (cents for USD). */
  amount: number;
  /** ISO 4217 code, upper case. */
  currency: string;
}

const EXPONENTS: Record<string, number> = {
  USD: 2, EUR: 2, GBP: 2, CAD: 2, AUD: 2, NZD: 2, CHF: 2, SEK: 2, NOK: 2, DKK: 2,
  MXN: 2, BRL: 2, CNY: 2, HKD: 2, SGD: 2, INR: 2, ZAR: 2, PLN: 2, CZK: 2,
  JPY: 0, KRW: 0, ISK: 0, CLP: 0, VND: 0,
  BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3,
};

/** The largest amount accepted anywhere: 10^11 minor units (a billion dollars). */
export const MAX_AMOUNT = 100_000_000_000;

/** Number of decimal places of a currency. Throws for an unknown currency. */
export function currencyExponent(currency: string): number {
  const e = EXPONENTS[currency];
  if (e === undefined) throw new RangeError(`Unknown currency "${currency}". Use an ISO 4217 code such as USD.`);
  return e;
}

/** True when the code is a currency this app knows. */
export function isKnownCurrency(currency: string): boolean {
  return Object.prototype.hasOwnProperty.call(EXPONENTS, currency);
}

/** True for a safe, non-negative integer amount within MAX_AMOUNT. */
export function isValidAmount(amount: unknown): amount is number {
  return typeof amount === 'number' && Number.isSafeInteger(amount) && amount >= 0 && amount <= MAX_AMOUNT;
}

/** Throws a RangeError unless the amount is a valid non-negative integer of minor units. */
export function assertAmount(amount: unknown, what = 'amount'): asserts amount is number {
  if (!isValidAmount(amount)) {
    throw new RangeError(`${what} must be a whole number of minor units between 0 and ${MAX_AMOUNT}, got ${String(amount)}`);
  }
}

/** Minor units to a plain decimal string: 1250 USD → "12.50", 5 JPY → "5". */
export function toDecimalString(amount: number, currency: string): string {
  assertAmount(amount);
  const exp = currencyExponent(currency);
  if (exp === 0) return String(amount);
  const s = String(amount).padStart(exp + 1, '0');
  return `${s.slice(0, -exp)}.${s.slice(-exp)}`;
}

/**
 * A plain decimal string to minor units: "12.50" USD → 1250. Rejects signs,
 * exponents, thousands separators and more decimals than the currency has.
 */
export function parseDecimalString(text: string, currency: string): number {
  const exp = currencyExponent(currency);
  const m = /^(\d{1,12})(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new RangeError(`"${text}" is not an amount; write it like 12.50`);
  const frac = m[2] ?? '';
  if (frac.length > exp) throw new RangeError(`"${text}" has more decimals than ${currency} allows (${exp})`);
  const amount = Number(m[1]) * 10 ** exp + Number(frac.padEnd(exp, '0') || '0');
  assertAmount(amount);
  return amount;
}

/** For people: 1250 USD → "$12.50". */
export function formatMoney(amount: number, currency: string): string {
  const exp = currencyExponent(currency);
  const negative = amount < 0;
  const body = toDecimalString(Math.abs(amount), currency);
  const symbol = currency === 'USD' ? '$' : currency === 'EUR' ? '€' : currency === 'GBP' ? '£' : `${currency} `;
  void exp;
  return `${negative ? '-' : ''}${symbol}${body}`;
}
