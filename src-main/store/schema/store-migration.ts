// The shape of one store schema migration (PostgreSQL). Like the journal's
// (src-main/journal/migrations/migration.ts), but `up` is async: it runs on a
// pg client inside the one migration transaction (PostgreSQL DDL is
// transactional, so a failed step leaves the store as it was).
//
// Numbers: 0001-0009 are the replication tables (store-relay branch),
// 0010 and up what the store decides (store-decisions branch).

import type pg from 'pg';

/** One store schema step. */
export interface StoreMigration {
  version: number;
  name: string;
  up(client: pg.ClientBase): Promise<void>;
}

/**
 * The group role every register's login role is a member of. Each migration
 * grants it exactly what registers need on the tables it creates: no DDL, and
 * on replicated tables only INSERT and SELECT (a register can add its history
 * but never rewrite it).
 */
export const REGISTER_GROUP_ROLE = 'cashier_register';
