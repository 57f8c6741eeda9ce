// The shape of one schema migration. Files are named NNNN-name.ts in steps of
// 10 so a fix can slot in between two releases without renumbering.

import type BetterSqlite3 from 'better-sqlite3';

/** One schema step; `up` runs inside the single migration transaction. */
export interface Migration {
  version: number;
  name: string;
  up(db: BetterSqlite3.Database): void;
}
