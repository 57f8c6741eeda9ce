// The first schema: registers, tickets, lines, cash tenders, payment attempts,
// the hash-chained event log and its head row.
//
// Money columns are CHECKed to be integers >= 0 because SQLite would happily
// store 12.5 in an INTEGER column. masked_pan may hold at most 10 digits and
// must contain a mask character, so a full card number cannot be stored even
// by a bug upstream. Rows are never deleted (audit trail); events are never
// updated (the hash chain is the proof).

import type { Migration } from './migration.ts';

/** Money check for a column: an integer, never negative. */
function money(col: string): string {
  return `${col} INTEGER NOT NULL CHECK (typeof(${col}) = 'integer' AND ${col} >= 0)`;
}

/** SQL expression counting the digits in a column. */
function digitCount(col: string): string {
  let expr = col;
  for (let d = 0; d <= 9; d++) expr = `replace(${expr}, '${d}', '')`;
  return `(length(${col}) - length(${expr}))`;
}

const TABLES = ['registers', 'tickets', 'ticket_lines', 'cash_tenders', 'payment_attempts', 'events', 'chain_head'];

const migration: Migration = {
  version: 10,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE registers (
        id TEXT PRIMARY KEY,
        code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 4 AND code NOT GLOB '*[^A-Za-z0-9]*'),
        name TEXT NOT NULL
      ) STRICT;

      CREATE TABLE tickets (
        id TEXT PRIMARY KEY,
        register_id TEXT NOT NULL REFERENCES registers(id),
        number INTEGER NOT NULL CHECK (number BETWEEN 1 AND 99999999),
        status TEXT NOT NULL CHECK (status IN ('open', 'paid', 'voided')),
        currency TEXT NOT NULL CHECK (length(currency) = 3),
        ${money('total')},
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (register_id, number)
      ) STRICT;
      CREATE INDEX tickets_open ON tickets(register_id, status) WHERE status = 'open';

      CREATE TABLE ticket_lines (
        id TEXT PRIMARY KEY,
        ticket_id TEXT NOT NULL REFERENCES tickets(id),
        item_id TEXT,
        description TEXT NOT NULL,
        quantity INTEGER NOT NULL CHECK (quantity >= 1),
        ${money('unit_price')},
        ${money('line_total')},
        voided INTEGER NOT NULL DEFAULT 0 CHECK (voided IN (0, 1)),
        created_at TEXT NOT NULL,
        CHECK (line_total = quantity * unit_price)
      ) STRICT;
      CREATE INDEX ticket_lines_ticket ON ticket_lines(ticket_id);

      CREATE TABLE cash_tenders (
        id TEXT PRIMARY KEY,
        ticket_id TEXT NOT NULL REFERENCES tickets(id),
        ${money('tendered')},
        ${money('applied')},
        ${money('change')},
        currency TEXT NOT NULL CHECK (length(currency) = 3),
        created_at TEXT NOT NULL,
        CHECK (tendered = applied + change)
      ) STRICT;
      CREATE INDEX cash_tenders_ticket ON cash_tenders(ticket_id);

      CREATE TABLE payment_attempts (
        id TEXT PRIMARY KEY,
        ticket_id TEXT NOT NULL REFERENCES tickets(id),
        slot INTEGER NOT NULL CHECK (slot BETWEEN 1 AND 99),
        ecr_ref TEXT NOT NULL CHECK (length(ecr_ref) BETWEEN 1 AND 16 AND ecr_ref NOT GLOB '*[^A-Za-z0-9]*'),
        invoice TEXT NOT NULL,
        terminal_id TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('sale', 'refund', 'auth', 'incremental', 'capture', 'void')),
        ${money('amount_requested')},
        ${money('amount_approved')},
        currency TEXT NOT NULL CHECK (length(currency) = 3),
        state TEXT NOT NULL CHECK (state IN ('created', 'sent', 'approved', 'declined', 'aborted', 'in_doubt', 'not_charged', 'abandoned', 'reversed')),
        result_code TEXT,
        result_text TEXT,
        auth_code TEXT,
        host_ref TEXT,
        terminal_ref TEXT,
        batch_number TEXT,
        masked_pan TEXT CHECK (masked_pan IS NULL OR (masked_pan GLOB '*[*Xx]*' AND ${digitCount('masked_pan')} <= 10)),
        card_brand TEXT,
        entry_mode TEXT,
        approval_source TEXT,
        doubt_reason TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX payment_attempts_ticket ON payment_attempts(ticket_id);
      CREATE INDEX payment_attempts_ecr_ref ON payment_attempts(ecr_ref);
      -- Start-up recovery scans only live attempts, so it does not grow with history.
      CREATE INDEX payment_attempts_unresolved ON payment_attempts(state) WHERE state IN ('sent', 'in_doubt');
      -- Invariant 2 enforced by the database too: at most one attempt per ticket
      -- may be out on a device with no final answer.
      CREATE UNIQUE INDEX payment_attempts_one_unresolved ON payment_attempts(ticket_id) WHERE state IN ('sent', 'in_doubt');

      CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        entity TEXT NOT NULL,
        entity_id TEXT NOT NULL,
        type TEXT NOT NULL,
        payload TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      ) STRICT;
      CREATE INDEX events_entity ON events(entity, entity_id);

      -- The last event's seq and hash, written in the same transaction: a
      -- tail cut off the events table shows up as a mismatch here.
      CREATE TABLE chain_head (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        seq INTEGER NOT NULL,
        hash TEXT NOT NULL
      ) STRICT;
      INSERT INTO chain_head (id, seq, hash) VALUES (1, 0, '${'0'.repeat(64)}');

      CREATE TRIGGER events_no_update BEFORE UPDATE ON events
      BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
      CREATE TRIGGER chain_head_forward_only BEFORE UPDATE ON chain_head
      WHEN NEW.seq <= OLD.seq
      BEGIN SELECT RAISE(ABORT, 'the chain head only moves forward'); END;
    `);
    for (const t of TABLES) {
      db.exec(`CREATE TRIGGER ${t}_no_delete BEFORE DELETE ON ${t}
        BEGIN SELECT RAISE(ABORT, 'rows in ${t} are never deleted'); END;`);
    }
  },
};

export default migration;
