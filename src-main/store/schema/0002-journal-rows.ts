// Store schema 0002: the state rows each event changes (tickets, attempts,
// orphans, ...), as versions: one row per change the register's outbox
// recorded, keyed (register_id, change_seq) like the events, so the relay's
// insert is idempotent the same way and registers need no UPDATE right.
// journal_rows_current is the latest version of every row, what the store's
// decisions read.

import { REGISTER_GROUP_ROLE, type StoreMigration } from './store-migration.ts';

const migration: StoreMigration = {
  version: 2,
  name: 'journal-rows',
  async up(client) {
    await client.query(`
      CREATE TABLE journal_rows (
        register_id text NOT NULL CHECK (register_id ~ '^[A-Za-z0-9_-]{1,64}$'),
        change_seq bigint NOT NULL CHECK (change_seq > 0),
        table_name text NOT NULL,
        row_key text NOT NULL,
        op text NOT NULL CHECK (op IN ('upsert', 'delete')),
        row_data jsonb,
        received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (register_id, change_seq),
        CHECK ((op = 'delete') = (row_data IS NULL))
      );
      CREATE INDEX journal_rows_by_key ON journal_rows (register_id, table_name, row_key, change_seq DESC);
      CREATE VIEW journal_rows_current AS
        SELECT DISTINCT ON (register_id, table_name, row_key)
               register_id, table_name, row_key, change_seq, op, row_data, received_at
          FROM journal_rows
         ORDER BY register_id, table_name, row_key, change_seq DESC;
      GRANT SELECT, INSERT ON journal_rows TO ${REGISTER_GROUP_ROLE};
      GRANT SELECT ON journal_rows_current TO ${REGISTER_GROUP_ROLE};
    `);
  },
};

export default migration;
