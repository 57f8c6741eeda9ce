// events_entity (entity, entity_id) was created in 0010 for per-entity history
// lookups that no code in main makes: the journal is only ever read back in
// seq order (verify, crash recovery through chain_head). Every event insert
// still paid for it, on a random leaf page as ids are UUIDs, so it goes.
// Tests that list one entity's events scan the (small) table instead.

import type { Migration } from './migration.ts';

const migration: Migration = {
  version: 50,
  name: 'drop-events-entity-index',
  up(db) {
    db.exec('DROP INDEX IF EXISTS events_entity');
  },
};

export default migration;
