// Staff who may use the register: cashiers and managers (issue 11 §1).
//
// A PIN is never stored: pin_hash holds a self-describing scrypt record
// ("scrypt$N$r$p$salt$hash", see src-main/staff/pin-hash.ts) so the cost can be
// raised later without breaking older records. card_number is the employee id
// a staff card carries on track 2 (`;7701<id>?`, drivers/hid/card-classifier.ts),
// not a payment card. Staff are never deleted: deactivation clears `active`, so
// the journal can always say who did an old action.

import type { Migration } from './migration.ts';

const migration: Migration = {
  version: 80,
  name: 'staff',
  up(db) {
    db.exec(`
      CREATE TABLE staff (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
        role TEXT NOT NULL CHECK (role IN ('cashier', 'manager')),
        pin_hash TEXT CHECK (pin_hash IS NULL OR pin_hash GLOB 'scrypt$*'),
        card_number TEXT CHECK (card_number IS NULL OR (length(card_number) BETWEEN 4 AND 10 AND card_number NOT GLOB '*[^0-9]*')),
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX staff_card_number ON staff(card_number) WHERE card_number IS NOT NULL AND active = 1;
      CREATE TRIGGER staff_no_delete BEFORE DELETE ON staff
      BEGIN SELECT RAISE(ABORT, 'rows in staff are never deleted'); END;
    `);
  },
};

export default migration;
