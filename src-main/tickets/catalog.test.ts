import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../../src-shared/errors.ts';
import { loadCatalog, parseCatalog } from './catalog.ts';

test('the shipped catalogue loads: a dozen USD items with integer prices and unique hotkeys', () => {
  const items = loadCatalog();
  assert.ok(items.length >= 12);
  assert.ok(items.every((i) => Number.isInteger(i.price) && i.currency === 'USD' && i.hotkey));
  assert.equal(new Set(items.map((i) => i.hotkey)).size, items.length);
  assert.equal(items.find((i) => i.id === 'coffee')?.price, 295);
});

test('a decimal price, an unknown field or a duplicate id is refused with the place to fix', () => {
  const ok = { id: 'a', name: 'A', price: 100, currency: 'USD', category: 'x' };
  const bad = (data: unknown, where: RegExp) =>
    assert.throws(() => parseCatalog(data), (e: unknown) => e instanceof AppError && e.code === 'invalid_request' && where.test(e.message));
  bad([{ ...ok, price: 2.95 }], /0\.price.*whole minor units/);
  bad([{ ...ok, colour: 'red' }], /colour|Unrecognized/i);
  bad([ok, ok], /1\.id.*duplicate/);
  bad([{ ...ok, currency: 'XYZ' }], /currency/);
  assert.throws(() => loadCatalog('/nonexistent/catalog.json'), /cannot be read/);
});
