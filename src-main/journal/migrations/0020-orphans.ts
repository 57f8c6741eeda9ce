// The orphan queue (DESIGN §1, invariant 4): processor charges that Find
// Missing Payments could not attach to exactly one ticket wait here for a
// manager. One row per processor reference (UNIQUE), so running Find Missing
// again never queues a charge twice. Rows are never deleted; resolving one
// records what the manager decided.

import type { Migration } from './migration.ts';

/** Why a charge is an orphan. */
export const ORPHAN_REASONS = ['unknown_invoice', 'amount_mismatch', 'second_charge', 'late_charge'] as const;

const reasons = ORPHAN_REASONS.map((r) => `'${r}'`).join(', ');

const migration: Migration = {
  version: 20,
  name: 'orphans',
  up(db) {
    db.exec(`
      CREATE TABLE orphan_payments (
        id TEXT PRIMARY KEY,
        ref_num TEXT NOT NULL UNIQUE,
        invoice TEXT NOT NULL,
        amount INTEGER NOT NULL CHECK (typeof(amount) = 'integer' AND amount >= 0),
        currency TEXT NOT NULL CHECK (length(currency) = 3),
        -- A masked number only: it must hold a mask character and no run of 11+ digits.
        masked_pan TEXT CHECK (masked_pan IS NULL OR (masked_pan GLOB '*[*Xx]*' AND masked_pan NOT GLOB '*[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]*')),
        card_brand TEXT,
        auth_code TEXT,
        entered_at TEXT NOT NULL,
        reason TEXT NOT NULL CHECK (reason IN (${reasons})),
        ticket_id TEXT REFERENCES tickets(id),
        attempt_id TEXT REFERENCES payment_attempts(id),
        message TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
        resolution TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        CHECK ((status = 'resolved') = (resolution IS NOT NULL))
      ) STRICT;
      CREATE INDEX orphan_payments_open ON orphan_payments(created_at) WHERE status = 'open';
      CREATE TRIGGER orphan_payments_no_delete BEFORE DELETE ON orphan_payments
      BEGIN SELECT RAISE(ABORT, 'rows in orphan_payments are never deleted'); END;
    `);
  },
};

export default migration;
