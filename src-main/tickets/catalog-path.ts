// Kept apart from catalog.ts so callers that only need the path do not load zod.

import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The catalogue shipped with the app. */
export const DEFAULT_CATALOG_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../assets/catalog.json');
