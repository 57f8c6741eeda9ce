// Indexes for the manager's settlement review and end-of-day report (issue 11
// §2 and §5), and no more: each one serves a filter or sort that would
// otherwise read every payment attempt ever taken.
//
// The settlement ones are partial: only attempts that moved money (approved or
// reversed sales, captures, refunds and voids), so the many declined, aborted
// and not-charged attempts cost them nothing, and nothing is written to them
// until an attempt is approved. A query uses them only when its WHERE repeats
// SETTLED_WHERE word for word (SQLite's rule for partial indexes), hence the
// exported constant that settlement/settlement-query.ts builds on.
//
// - settled time: sort by time (the default) and a time range, paged;
// - settled last four: the last-four filter (substr(masked_pan, -4)) goes
//   straight to the few matching settlements, in time order;
// - settled amount: sort by amount and an amount range;
// - reversed: the report's voids of a day, by the time they were reversed;
// - cash tenders by time: the report's cash of a day;
// - register settings: the latest value of a register setting (an event, see
//   settlement/settlement-settings-repository.ts) without walking the log.
//
// IF NOT EXISTS: a journal set back to an older user_version by hand (tests of
// earlier migrations do) already has them.

import type { Migration } from './migration.ts';

/** The attempts that are settlements. Queries must repeat it exactly to use the partial indexes. */
export const SETTLED_WHERE = "kind IN ('sale', 'capture', 'refund', 'void') AND state IN ('approved', 'reversed')";

const migration: Migration = {
  version: 90,
  name: 'settlement-indexes',
  up(db) {
    db.exec(`
      CREATE INDEX IF NOT EXISTS payment_attempts_settled_time ON payment_attempts(created_at) WHERE ${SETTLED_WHERE};
      CREATE INDEX IF NOT EXISTS payment_attempts_settled_last_four ON payment_attempts(substr(masked_pan, -4), created_at) WHERE ${SETTLED_WHERE};
      CREATE INDEX IF NOT EXISTS payment_attempts_settled_amount ON payment_attempts(amount_approved, created_at) WHERE ${SETTLED_WHERE};
      CREATE INDEX IF NOT EXISTS payment_attempts_reversed ON payment_attempts(updated_at) WHERE state = 'reversed';
      CREATE INDEX IF NOT EXISTS cash_tenders_time ON cash_tenders(created_at);
      CREATE INDEX IF NOT EXISTS events_register_settings ON events(entity_id, seq) WHERE entity = 'register' AND type = 'setting_changed';
    `);
  },
};

export default migration;
