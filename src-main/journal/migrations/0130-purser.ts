// The shipboard purser (issue 12, seed 002): guest accounts with their folio,
// cards on file (a token and masked data only, never a card number), and the
// store-and-forward queue of authorisation and settlement records with the
// cruise system's status codes (table 4-22). Every change is also an event
// (entity 'guest', 'guest_card', 'purser_record', 'purser_parameter') written in
// the same transaction by purser/purser-repository.ts. Nothing is ever deleted.

import type { Migration } from './migration.ts';

const migration: Migration = {
  version: 130,
  name: 'purser',
  up(db) {
    db.exec(`
      CREATE TABLE purser_parameters (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL
      ) STRICT;
      CREATE TABLE guests (
        id TEXT PRIMARY KEY,
        number INTEGER NOT NULL UNIQUE,
        name TEXT NOT NULL,
        cabin TEXT NOT NULL,
        cabin_card TEXT UNIQUE,
        embark_date TEXT NOT NULL,
        disembark_date TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('checked_in', 'checked_out')),
        posting_enabled INTEGER NOT NULL CHECK (posting_enabled IN (0, 1)),
        training INTEGER NOT NULL CHECK (training IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX guests_cabin ON guests(cabin);
      CREATE TABLE guest_cards (
        id TEXT PRIMARY KEY,
        guest_id TEXT NOT NULL REFERENCES guests(id),
        slot INTEGER NOT NULL,
        token TEXT,
        token_kind TEXT NOT NULL CHECK (token_kind IN ('real', 'temporary', 'none')),
        masked_pan TEXT NOT NULL,
        brand TEXT NOT NULL,
        type_code TEXT NOT NULL,
        expiry_month INTEGER,
        expiry_year INTEGER,
        entry_method TEXT NOT NULL CHECK (entry_method IN ('I', 'A', 'T')),
        active INTEGER NOT NULL CHECK (active IN (0, 1)),
        lock_activation INTEGER NOT NULL CHECK (lock_activation IN (0, 1, 2)),
        inactive_reason TEXT CHECK (inactive_reason IN ('settled', 'manual', 'direct_sale', 'declined', 'format_not_supported')),
        routing_order INTEGER NOT NULL,
        signature TEXT NOT NULL CHECK (signature IN ('captured', 'not_requested')),
        registered_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (guest_id, slot),
        CHECK ((active = 1) = (inactive_reason IS NULL))
      ) STRICT;
      CREATE INDEX guest_cards_token ON guest_cards(token);
      CREATE TABLE purser_payments (
        id TEXT PRIMARY KEY,
        guest_id TEXT NOT NULL REFERENCES guests(id),
        method TEXT NOT NULL CHECK (method IN ('card', 'cash', 'direct_sale')),
        amount INTEGER NOT NULL,
        card_id TEXT REFERENCES guest_cards(id),
        status TEXT NOT NULL CHECK (status IN ('posted', 'voided')),
        void_of TEXT REFERENCES purser_payments(id),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE TABLE folio_lines (
        id TEXT PRIMARY KEY,
        guest_id TEXT NOT NULL REFERENCES guests(id),
        kind TEXT NOT NULL CHECK (kind IN ('posting', 'payment')),
        amount INTEGER NOT NULL,
        description TEXT NOT NULL,
        payment_id TEXT REFERENCES purser_payments(id),
        at TEXT NOT NULL,
        CHECK ((kind = 'payment') = (payment_id IS NOT NULL))
      ) STRICT;
      CREATE INDEX folio_lines_guest ON folio_lines(guest_id, at);
      CREATE TABLE purser_records (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        guest_id TEXT NOT NULL REFERENCES guests(id),
        card_id TEXT REFERENCES guest_cards(id),
        family TEXT NOT NULL CHECK (family IN ('authorisation', 'settlement')),
        kind TEXT NOT NULL CHECK (kind IN ('initial_auth', 'incremental_auth', 'settlement', 'refund', 'void', 'direct_sale')),
        operation INTEGER CHECK (operation IN (1, 2)),
        mtype INTEGER CHECK (mtype IN (0, 1, 4, 5, 6)),
        amount INTEGER NOT NULL CHECK (amount >= 0),
        status INTEGER NOT NULL CHECK (status IN (0, 1, 2)),
        queue_status INTEGER NOT NULL CHECK (queue_status IN (0, 2, 3, 8)),
        reference TEXT NOT NULL UNIQUE,
        previous_reference TEXT,
        payment_id TEXT REFERENCES purser_payments(id),
        target_ref_num TEXT,
        ref_num TEXT,
        approval_code TEXT,
        terminal_id TEXT,
        awaiting_batch INTEGER NOT NULL CHECK (awaiting_batch IN (0, 1)),
        voided INTEGER NOT NULL CHECK (voided IN (0, 1)),
        send_count INTEGER NOT NULL DEFAULT 0,
        note TEXT,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        answered_at TEXT,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX purser_records_open ON purser_records(queue_status, seq) WHERE status = 0 OR queue_status = 3;
      CREATE INDEX purser_records_card ON purser_records(card_id, seq);
      CREATE INDEX purser_records_guest ON purser_records(guest_id, seq);
      CREATE TRIGGER guests_no_delete BEFORE DELETE ON guests BEGIN SELECT RAISE(ABORT, 'rows in guests are never deleted'); END;
      CREATE TRIGGER guest_cards_no_delete BEFORE DELETE ON guest_cards BEGIN SELECT RAISE(ABORT, 'rows in guest_cards are never deleted'); END;
      CREATE TRIGGER folio_lines_no_delete BEFORE DELETE ON folio_lines BEGIN SELECT RAISE(ABORT, 'rows in folio_lines are never deleted'); END;
      CREATE TRIGGER purser_payments_no_delete BEFORE DELETE ON purser_payments BEGIN SELECT RAISE(ABORT, 'rows in purser_payments are never deleted'); END;
      CREATE TRIGGER purser_records_no_delete BEFORE DELETE ON purser_records BEGIN SELECT RAISE(ABORT, 'rows in purser_records are never deleted'); END;
    `);
  },
};

export default migration;
