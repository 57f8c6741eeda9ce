// Store schema 0001: the register group role and every register's journal
// events, exactly as its SQLite journal holds them (payload as the stored
// canonical JSON text, not jsonb: jsonb reorders keys and drops duplicates, so
// the hash chain could not be recomputed from it). One row per (register, seq):
// the relay's INSERT ... ON CONFLICT (register_id, seq) DO NOTHING makes a
// resent batch harmless.

import { REGISTER_GROUP_ROLE, type StoreMigration } from './store-migration.ts';

const migration: StoreMigration = {
  version: 1,
  name: 'journal-events',
  async up(client) {
    // Roles are per cluster, not per database: a second store database on the same cluster finds it made.
    await client.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${REGISTER_GROUP_ROLE}') THEN
          CREATE ROLE ${REGISTER_GROUP_ROLE} NOLOGIN;
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN
        NULL; -- created at the same moment by a migration of another database
      END $$;
    `);
    await client.query(`
      REVOKE CREATE ON SCHEMA public FROM PUBLIC;
      GRANT USAGE ON SCHEMA public TO ${REGISTER_GROUP_ROLE};
      GRANT SELECT ON schema_version TO ${REGISTER_GROUP_ROLE};
      CREATE TABLE journal_events (
        register_id text NOT NULL CHECK (register_id ~ '^[A-Za-z0-9_-]{1,64}$'),
        seq bigint NOT NULL CHECK (seq > 0),
        at text NOT NULL,
        entity text NOT NULL,
        entity_id text NOT NULL,
        type text NOT NULL,
        payload text NOT NULL,
        prev_hash text NOT NULL CHECK (length(prev_hash) = 64),
        hash text NOT NULL CHECK (length(hash) = 64),
        received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (register_id, seq)
      );
      CREATE INDEX journal_events_entity ON journal_events (entity, entity_id);
      GRANT SELECT, INSERT ON journal_events TO ${REGISTER_GROUP_ROLE};
    `);
  },
};

export default migration;
