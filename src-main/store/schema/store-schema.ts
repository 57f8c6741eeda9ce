// Applies the store's numbered migrations (schema/index.ts) and checks the
// version a register meets. One transaction for the whole run, under an
// advisory lock, so two migrators (two `store migrate`, or a test starting
// several stores) never interleave, and a failed step leaves no half schema.
// A store whose schema is NEWER than this code is refused, never touched:
// older code could misread tables a newer release changed.

import pg from 'pg';
import { LATEST_STORE_SCHEMA_VERSION, STORE_MIGRATIONS } from './index.ts';
import type { StoreMigration } from './store-migration.ts';

/** Any number: only store migrators take this advisory lock. */
const MIGRATION_LOCK = 0x5707e;

/** Why a store's schema cannot be used by this code. */
export class StoreSchemaError extends Error {
  override readonly name = 'StoreSchemaError';
  constructor(
    /** newer: the store was upgraded by a newer release; older: `npm run store -- migrate` has not run. */
    readonly kind: 'newer' | 'older',
    readonly storeVersion: number,
    readonly knownVersion: number,
  ) {
    super(
      kind === 'newer'
        ? `The store database has schema version ${storeVersion}, newer than this release knows (${knownVersion}). ` +
            'Update this register (or the store tools) to the release the store was upgraded with; nothing was changed.'
        : `The store database has schema version ${storeVersion}, older than this release needs (${knownVersion}). ` +
            'Run "npm run store -- migrate" with the store administrator\'s URL; registers cannot change the schema.',
    );
  }
}

const CREATE_VERSION_TABLE = `
  CREATE TABLE IF NOT EXISTS schema_version (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`;

/** The store's schema version (0: no schema yet). Reads only; needs SELECT on schema_version. */
export async function storeSchemaVersion(client: pg.ClientBase): Promise<number> {
  const exists = await client.query<{ t: string | null }>("SELECT to_regclass('schema_version')::text AS t");
  if (!exists.rows[0].t) return 0;
  const r = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_version');
  return r.rows[0].v ?? 0;
}

/** Throws StoreSchemaError unless the store's schema is exactly the one this code knows. */
export async function assertStoreSchema(client: pg.ClientBase, known = LATEST_STORE_SCHEMA_VERSION): Promise<number> {
  const v = await storeSchemaVersion(client);
  if (v > known) throw new StoreSchemaError('newer', v, known);
  if (v < known) throw new StoreSchemaError('older', v, known);
  return v;
}

/**
 * Brings the store's schema up to date (needs a role that may create tables
 * and roles: the store administrator, never a register). Throws
 * StoreSchemaError('newer') without changing anything when the store is ahead.
 */
export async function migrateStore(
  config: pg.ClientConfig,
  migrations: readonly StoreMigration[] = STORE_MIGRATIONS,
): Promise<{ from: number; to: number }> {
  const known = migrations.length ? migrations[migrations.length - 1].version : 0;
  const client = new pg.Client(config);
  await client.connect();
  try {
    await client.query('BEGIN');
    try {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query(CREATE_VERSION_TABLE);
      const from = await storeSchemaVersion(client);
      if (from > known) throw new StoreSchemaError('newer', from, known);
      for (const m of migrations) {
        if (m.version <= from) continue;
        await m.up(client);
        await client.query('INSERT INTO schema_version (version, name) VALUES ($1, $2)', [m.version, m.name]);
      }
      await client.query('COMMIT');
      return { from, to: Math.max(from, known) };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  } finally {
    await client.end();
  }
}
