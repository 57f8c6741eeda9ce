// payment_attempts_unresolved (state) WHERE state IN ('sent', 'in_doubt')
// duplicates payment_attempts_one_unresolved (ticket_id) under the same WHERE:
// the planner answers "every unresolved attempt" (start-up recovery) by
// scanning the unique partial index, which holds exactly those rows, and the
// per-ticket check by searching it. Yet every attempt entering or leaving
// sent / in_doubt (send, doubt, approve, decline, every resolution) rewrote a
// page of both, one WAL page per payment step for nothing.
// 0060-drop-attempts-unresolved-index.test.ts checks the plans.

import type { Migration } from './migration.ts';

const migration: Migration = {
  version: 60,
  name: 'drop-attempts-unresolved-index',
  up(db) {
    db.exec('DROP INDEX IF EXISTS payment_attempts_unresolved');
  },
};

export default migration;
