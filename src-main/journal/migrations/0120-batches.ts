// Batch close and three-way reconciliation (issue 11 §2): one row per PIN pad
// batch, one line per difference found between the journal, the PIN pad's
// detail report and the gateway's report. A batch is open until its B00 is
// answered; its window starts at the previous close of that PIN pad. Lines
// and batches are never deleted: a closed batch is the Z report's history.
// Every change is also an event (entity 'batch'), written in the same
// transaction by settlement/batch-repository.ts.

import type { Migration } from './migration.ts';

/** Every variance type a batch line can have. */
export const VARIANCE_TYPES = [
  'charged_not_recorded',
  'recorded_not_charged',
  'amount_differs',
  'duplicate_charge',
  'voided_on_pad_only',
  'declined_after_upload',
  'in_doubt',
  'totals_mismatch',
] as const;

const types = VARIANCE_TYPES.map((t) => `'${t}'`).join(', ');

const migration: Migration = {
  version: 120,
  name: 'batches',
  up(db) {
    db.exec(`
      CREATE TABLE batches (
        id TEXT PRIMARY KEY,
        terminal_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
        opened_at TEXT NOT NULL,
        closed_at TEXT,
        closed_by TEXT,
        currency TEXT NOT NULL,
        expected_count INTEGER,
        expected_amount INTEGER,
        host_count INTEGER,
        host_amount INTEGER,
        host_batch_number TEXT,
        reconciled_at TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        CHECK ((status = 'closed') = (closed_at IS NOT NULL))
      ) STRICT;
      CREATE UNIQUE INDEX batches_one_open ON batches(terminal_id) WHERE status = 'open';
      CREATE INDEX batches_closed ON batches(terminal_id, closed_at) WHERE status = 'closed';
      CREATE TABLE batch_lines (
        id TEXT PRIMARY KEY,
        batch_id TEXT NOT NULL REFERENCES batches(id),
        line_key TEXT NOT NULL,
        variance_type TEXT NOT NULL CHECK (variance_type IN (${types})),
        cause TEXT NOT NULL,
        action TEXT NOT NULL,
        invoice TEXT,
        ref_num TEXT,
        attempt_id TEXT,
        journal_amount INTEGER NOT NULL,
        pad_amount INTEGER,
        gateway_amount INTEGER,
        amount INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('open', 'resolved', 'signed_off')),
        resolution TEXT,
        resolved_by TEXT,
        resolved_at TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        CHECK ((status = 'open') = (resolution IS NULL)),
        UNIQUE (batch_id, line_key)
      ) STRICT;
      CREATE INDEX batch_lines_created ON batch_lines(created_at);
      CREATE TRIGGER batches_no_delete BEFORE DELETE ON batches
      BEGIN SELECT RAISE(ABORT, 'rows in batches are never deleted'); END;
      CREATE TRIGGER batch_lines_no_delete BEFORE DELETE ON batch_lines
      BEGIN SELECT RAISE(ABORT, 'rows in batch_lines are never deleted'); END;
    `);
  },
};

export default migration;
