// Receipts: one row per print, sale or reprint, printed or not. A receipt that
// did not print must stay visible ("Receipt not printed — Reprint") after a
// restart, so the outcome lives in the journal, not in memory. Rows are never
// deleted or changed: a reprint is a new row, and the latest row of a ticket
// says whether the customer has a receipt.

import type { Migration } from './migration.ts';

/** Why a receipt did not print; printer problems as the ESC/POS driver names them, plus the service's own. */
export const RECEIPT_REASONS = [
  'paper_out', 'cover_open', 'offline', 'error', 'no_answer', 'no_printer', 'refused', 'failed',
] as const;

const reasons = RECEIPT_REASONS.map((r) => `'${r}'`).join(', ');

const migration: Migration = {
  version: 40,
  name: 'receipts',
  up(db) {
    db.exec(`
      CREATE TABLE receipts (
        id TEXT PRIMARY KEY,
        ticket_id TEXT NOT NULL REFERENCES tickets(id),
        attempt_id TEXT REFERENCES payment_attempts(id),
        kind TEXT NOT NULL CHECK (kind IN ('sale', 'reprint')),
        status TEXT NOT NULL CHECK (status IN ('printed', 'not_printed')),
        reason TEXT CHECK (reason IS NULL OR reason IN (${reasons})),
        message TEXT NOT NULL,
        created_at TEXT NOT NULL,
        -- A printed receipt has no failure reason; one that did not print always says why.
        CHECK ((status = 'printed') = (reason IS NULL))
      ) STRICT;
      CREATE INDEX receipts_ticket ON receipts(ticket_id, created_at);
      CREATE INDEX receipts_attempt ON receipts(attempt_id) WHERE attempt_id IS NOT NULL;
      CREATE TRIGGER receipts_no_delete BEFORE DELETE ON receipts
      BEGIN SELECT RAISE(ABORT, 'rows in receipts are never deleted'); END;
      CREATE TRIGGER receipts_no_update BEFORE UPDATE ON receipts
      BEGIN SELECT RAISE(ABORT, 'receipts are append-only: print again to add a row'); END;
    `);
  },
};

export default migration;
