// Devices configured on a register: PIN pads, card readers, receipt printers.
//
// Settings are one JSON document (validated by src-shared/device-settings.ts
// before they get here; the CHECK only makes sure it is a JSON object). A
// device is never deleted: removal sets `removed`, so the journal still says
// which PIN pad an old payment attempt went to. At most one live device of each
// kind is assigned per register, enforced here as well as in the service.

import type { Migration } from './migration.ts';

const migration: Migration = {
  version: 30,
  name: 'devices',
  up(db) {
    db.exec(`
      CREATE TABLE devices (
        id TEXT PRIMARY KEY,
        register_id TEXT NOT NULL CHECK (length(register_id) BETWEEN 1 AND 64),
        kind TEXT NOT NULL CHECK (kind IN ('pin_pad', 'card_reader', 'printer')),
        name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
        model TEXT NOT NULL CHECK (length(model) BETWEEN 1 AND 40),
        settings TEXT NOT NULL CHECK (json_valid(settings) AND json_type(settings) = 'object'),
        assigned INTEGER NOT NULL DEFAULT 0 CHECK (assigned IN (0, 1)),
        removed INTEGER NOT NULL DEFAULT 0 CHECK (removed IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        CHECK (NOT (assigned = 1 AND removed = 1))
      ) STRICT;
      CREATE INDEX devices_register ON devices(register_id, removed);
      CREATE UNIQUE INDEX devices_one_assigned_per_kind ON devices(register_id, kind) WHERE assigned = 1;
      CREATE TRIGGER devices_no_delete BEFORE DELETE ON devices
      BEGIN SELECT RAISE(ABORT, 'rows in devices are never deleted'); END;
      CREATE TRIGGER devices_no_undelete BEFORE UPDATE OF removed ON devices
      WHEN OLD.removed = 1 AND NEW.removed = 0
      BEGIN SELECT RAISE(ABORT, 'a removed device stays removed; add it again'); END;
    `);
  },
};

export default migration;
