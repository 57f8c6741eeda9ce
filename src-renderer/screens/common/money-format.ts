// Money for people, with Intl: the register's currency in the screen's locale,
// thousands separators included ("$1,500.00"). Amounts stay integer minor units
// everywhere else; this is the only place they become text on screen.

import { currencyExponent } from '../../../src-shared/money.ts';

const formatters = new Map<string, Intl.NumberFormat>();

/** 150000 USD → "$1,500.00" (en-US); the locale is the screen's unless given. */
export function formatMoney(amount: number, currency: string, locale?: string): string {
  const key = `${locale ?? ''}|${currency}`;
  let f = formatters.get(key);
  if (!f) {
    const digits = currencyExponent(currency);
    f = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
    formatters.set(key, f);
  }
  return f.format(amount / 10 ** currencyExponent(currency));
}
