import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppError } from '../../src-shared/errors.ts';
import { DEFAULT_CATALOG_PATH, loadCatalog, parseCatalog } from './catalog.ts';
import { findCatalogPath } from './catalog-path.ts';

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

test('the catalogue path is found from the source tree, from tsc output in dist-main/ and from inside a packaged app folder', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-catalog-'));
  try {
    assert.equal(DEFAULT_CATALOG_PATH, path.resolve(import.meta.dirname, '../../assets/catalog.json'));
    // The layout electron-builder packs into app.asar: package.json, assets/, dist-main/src-main/tickets/.
    const app = path.join(root, 'app');
    const compiled = path.join(app, 'dist-main', 'src-main', 'tickets');
    fs.mkdirSync(compiled, { recursive: true });
    fs.mkdirSync(path.join(app, 'assets'));
    fs.writeFileSync(path.join(app, 'package.json'), '{"type":"module"}');
    fs.copyFileSync(DEFAULT_CATALOG_PATH, path.join(app, 'assets', 'catalog.json'));
    // A package.json without assets on the way up (e.g. {"type":"module"} in dist-main) is passed over.
    fs.writeFileSync(path.join(app, 'dist-main', 'package.json'), '{"type":"module"}');
    assert.equal(findCatalogPath(compiled), path.join(app, 'assets', 'catalog.json'));
    assert.ok(loadCatalog(findCatalogPath(compiled)).length >= 12);
    // No catalogue anywhere: the nearest app root's expected path, so the error says where to put it.
    const bare = path.join(root, 'bare', 'dist-main', 'x');
    fs.mkdirSync(bare, { recursive: true });
    fs.writeFileSync(path.join(root, 'bare', 'package.json'), '{}');
    assert.equal(findCatalogPath(bare), path.join(root, 'bare', 'assets', 'catalog.json'));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
