// Every migration, in order. Add new files here; versions must increase.

import type { Migration } from './migration.ts';
import initial from './0010-initial.ts';

/** All migrations, ascending by version. */
export const MIGRATIONS: readonly Migration[] = [initial];

/** The schema version this code writes. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
