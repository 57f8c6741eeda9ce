// The host's own reference number on a payment attempt (PAX host subfield 4),
// kept beside host_ref, which holds the reference follow-ups must send (PAX
// additional info "HRef"; issue 7 item 1). Real terminals answer both and they
// differ: a void or refund by reference needs HRef, while the processor's
// statements and support desk quote the host reference number. Older rows keep
// NULL: they were recorded before the two were told apart.

import type { Migration } from './migration.ts';

const migration: Migration = {
  version: 70,
  name: 'host-reference-number',
  up(db) {
    db.exec(`
      ALTER TABLE payment_attempts ADD COLUMN host_reference_number TEXT
        CHECK (host_reference_number IS NULL OR length(host_reference_number) BETWEEN 1 AND 64);
    `);
  },
};

export default migration;
