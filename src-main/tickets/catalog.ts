// The item catalogue, loaded from a JSON file and validated, so a typo in a
// price (12.5 instead of 1250) is refused at start-up instead of charged.

import fs from 'node:fs';
import { z } from 'zod';
import type { CatalogItem } from '../../src-shared/domain.ts';
import { AppError } from '../../src-shared/errors.ts';
import { MAX_AMOUNT, isKnownCurrency } from '../../src-shared/money.ts';
import { DEFAULT_CATALOG_PATH } from './catalog-path.ts';

export { DEFAULT_CATALOG_PATH };

const ItemSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, "_", "." or "-", at most 64'),
  name: z.string().min(1).max(80),
  price: z.number().int('price must be whole minor units (cents), e.g. 295 for $2.95').min(0).max(MAX_AMOUNT),
  currency: z.string().refine(isKnownCurrency, 'an ISO 4217 currency code such as USD'),
  category: z.string().min(1).max(40),
  hotkey: z.string().length(1).optional(),
});

const CatalogSchema = z
  .array(ItemSchema)
  .min(1)
  .superRefine((items, ctx) => {
    const seenIds = new Set<string>();
    const seenKeys = new Set<string>();
    for (const [i, item] of items.entries()) {
      if (seenIds.has(item.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate id "${item.id}"` });
      seenIds.add(item.id);
      if (item.hotkey !== undefined) {
        const k = item.hotkey.toLowerCase();
        if (seenKeys.has(k)) ctx.addIssue({ code: 'custom', path: [i, 'hotkey'], message: `hotkey "${item.hotkey}" is used twice` });
        seenKeys.add(k);
      }
    }
  });

/** Validates catalogue data; AppError 'invalid_request' naming the first bad field. */
export function parseCatalog(data: unknown, source = 'catalog'): CatalogItem[] {
  const r = CatalogSchema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new AppError(
      'invalid_request',
      `The catalogue ${source} is invalid at ${issue.path.join('.') || '(top)'}: ${issue.message}. Fix the file and start again.`,
      { source, issues: r.error.issues.slice(0, 10).map((x) => ({ path: x.path.join('.'), message: x.message })) },
    );
  }
  return r.data;
}

/** Reads and validates a catalogue file (default: assets/catalog.json). */
export function loadCatalog(file: string = DEFAULT_CATALOG_PATH): CatalogItem[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new AppError('invalid_request', `The catalogue file ${file} cannot be read (${(err as Error).message}). Check the path in the configuration.`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new AppError('invalid_request', `The catalogue file ${file} is not valid JSON (${(err as Error).message}). Fix the file and start again.`);
  }
  return parseCatalog(data, file);
}
