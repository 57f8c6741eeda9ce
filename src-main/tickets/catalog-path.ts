// Kept apart from catalog.ts so callers that only need the path do not load zod.
//
// The catalogue lives in assets/ at the app root, beside package.json. How far
// up that is depends on how main runs: from source (src-main/tickets/), compiled
// by tsc (dist-main/src-main/tickets/) or packaged (app.asar/dist-main/...;
// Electron's fs reads inside the archive). So walk up instead of counting "..".

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const RELATIVE = path.join('assets', 'catalog.json');

/**
 * The catalogue under the nearest folder, from `fromDir` upwards, that holds
 * both package.json and assets/catalog.json; the nearest package.json folder's
 * path when none has the file (so the error names where it was expected).
 */
export function findCatalogPath(fromDir: string): string {
  let firstRoot: string | undefined;
  for (let dir = path.resolve(fromDir); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) {
      const candidate = path.join(dir, RELATIVE);
      if (fs.existsSync(candidate)) return candidate;
      firstRoot ??= candidate;
    }
    if (path.dirname(dir) === dir) return firstRoot ?? path.join(path.resolve(fromDir), RELATIVE);
  }
}

/** The catalogue shipped with the app. */
export const DEFAULT_CATALOG_PATH = findCatalogPath(path.dirname(fileURLToPath(import.meta.url)));
