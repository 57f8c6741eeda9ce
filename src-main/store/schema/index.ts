// Every store schema migration, in order. Add new files here; versions must
// increase. 0001-0009: replication (store-relay); 0010-0019: store decisions; 0020-0029: the shared folio; 0030-0039: tickets moved between registers.

import type { StoreMigration } from './store-migration.ts';
import journalEvents from './0001-journal-events.ts';
import journalRows from './0002-journal-rows.ts';
import decisions from './0010-decisions.ts';
import sharedFolios from './0020-shared-folios.ts';
import ticketTransferDetail from './0030-ticket-transfer-detail.ts';

/** All store migrations, ascending by version. */
export const STORE_MIGRATIONS: readonly StoreMigration[] = [journalEvents, journalRows, decisions, sharedFolios, ticketTransferDetail];

/** The store schema version this code knows. */
export const LATEST_STORE_SCHEMA_VERSION = STORE_MIGRATIONS[STORE_MIGRATIONS.length - 1].version;
