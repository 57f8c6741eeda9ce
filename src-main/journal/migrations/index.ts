// Every migration, in order. Add new files here; versions must increase.

import type { Migration } from './migration.ts';
import initial from './0010-initial.ts';
import orphans from './0020-orphans.ts';
import devices from './0030-devices.ts';
import receipts from './0040-receipts.ts';
import dropEventsEntityIndex from './0050-drop-events-entity-index.ts';
import dropAttemptsUnresolvedIndex from './0060-drop-attempts-unresolved-index.ts';
import hostReferenceNumber from './0070-host-reference-number.ts';
import staff from './0080-staff.ts';
import settlementIndexes from './0090-settlement-indexes.ts';
import reversals from './0100-reversals.ts';
import batches from './0120-batches.ts';
import purser from './0130-purser.ts';
import storeOutbox from './0140-store-outbox.ts';
import declinedAndMovedStatuses from './0150-declined-and-moved-statuses.ts';

/** All migrations, ascending by version. */
export const MIGRATIONS: readonly Migration[] = [initial, orphans, devices, receipts, dropEventsEntityIndex, dropAttemptsUnresolvedIndex, hostReferenceNumber, staff, settlementIndexes, reversals, batches, purser, storeOutbox, declinedAndMovedStatuses];

/** The schema version this code writes. */
export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
