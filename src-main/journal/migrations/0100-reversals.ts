// Voids and refunds (issue 11 §3): which original each reversal attempt
// reverses, who asked for it and why. The reversal itself is an ordinary
// payment attempt (kind 'void' or 'refund', its own ECR reference), so the
// sale path's rules hold for it: journaled before it is sent, one unresolved
// attempt per ticket, resolved by lookup. This table only links the two; each
// row is written with a 'reversal' event in the same transaction, and never
// changed or deleted.

import type { Migration } from './migration.ts';

const migration: Migration = {
  version: 100,
  name: 'reversals',
  up(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS reversals (
        reversal_attempt_id TEXT PRIMARY KEY REFERENCES payment_attempts(id),
        original_attempt_id TEXT NOT NULL REFERENCES payment_attempts(id),
        kind TEXT NOT NULL CHECK (kind IN ('void', 'refund')),
        actor TEXT NOT NULL CHECK (length(actor) BETWEEN 1 AND 64),
        reason TEXT NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX IF NOT EXISTS reversals_original ON reversals(original_attempt_id);
    `);
  },
};

export default migration;
