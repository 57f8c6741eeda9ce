// Store schema 0010: what the store decides (issue 13 §3). Card charges of
// every register (the cross-register duplicate rule reads them), the shared
// manager queue (orphans, in-doubt attempts, variances, flagged duplicate
// pairs; claimed with FOR UPDATE SKIP LOCKED), ticket ownership and its
// transfers, and PIN pad leases (the PIN-pad-per-workstation lock across
// machines). Registers get only the rights these need: charges can be added
// and read, never changed; queue rows change status through claims.

import { REGISTER_GROUP_ROLE, type StoreMigration } from './store-migration.ts';

const migration: StoreMigration = {
  version: 10,
  name: 'decisions',
  async up(client) {
    await client.query(`
      CREATE TABLE card_charges (
        register_id text NOT NULL,
        -- The register's name as its people call it, for the words of a warning or a flag.
        register_name text,
        attempt_id text NOT NULL,
        ticket_id text NOT NULL,
        invoice text NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        currency char(3) NOT NULL,
        -- Card identity: a token, a masked number (first 6 / last 4 at most) and brand, an expiry. Never a full number.
        card_token text,
        masked_pan text CHECK (masked_pan IS NULL OR masked_pan !~ '[0-9]{11}'),
        card_brand text,
        card_expiry text,
        approved_at timestamptz NOT NULL,
        -- When the store learnt of it: before that moment no register could have been warned of it.
        recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (register_id, attempt_id)
      );
      CREATE INDEX card_charges_amount_time ON card_charges (currency, amount, approved_at);

      CREATE TABLE manager_queue (
        id bigserial PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('orphan', 'in_doubt', 'variance', 'cross_register_duplicate')),
        register_id text NOT NULL,
        register_name text,
        -- The item's own key on its register (orphan id, attempt id, batch line id, or the duplicate pair).
        item_key text NOT NULL,
        -- For the manager, in plain words.
        summary text NOT NULL,
        amount bigint,
        currency char(3),
        detail jsonb NOT NULL DEFAULT '{}'::jsonb,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'claimed', 'done')),
        -- Who holds the claim: register and staff id (unique across the store), and the name people read.
        claimed_by text,
        claimed_name text,
        claimed_at timestamptz,
        done_at timestamptz,
        done_note text,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        UNIQUE (kind, register_id, item_key)
      );
      CREATE INDEX manager_queue_not_done ON manager_queue (created_at, id) WHERE status <> 'done';

      CREATE TABLE ticket_owners (
        -- The register that opened the ticket and its ticket id there: the ticket's name in the store.
        origin_register text NOT NULL,
        ticket_id text NOT NULL,
        owner_register text NOT NULL,
        moved_at timestamptz,
        PRIMARY KEY (origin_register, ticket_id)
      );
      CREATE TABLE ticket_transfers (
        id bigserial PRIMARY KEY,
        origin_register text NOT NULL,
        ticket_id text NOT NULL,
        from_register text NOT NULL,
        to_register text NOT NULL,
        actor text NOT NULL,
        at timestamptz NOT NULL
      );

      CREATE TABLE pin_pad_leases (
        -- The PIN pad's address (host:port, or its serial number): one row per PIN pad in the store.
        pad_address text PRIMARY KEY,
        application text NOT NULL,
        workstation text NOT NULL,
        pid integer NOT NULL,
        taken_at timestamptz NOT NULL,
        lease_until timestamptz NOT NULL
      );

      GRANT SELECT, INSERT ON card_charges TO ${REGISTER_GROUP_ROLE};
      GRANT SELECT, INSERT, UPDATE ON manager_queue TO ${REGISTER_GROUP_ROLE};
      GRANT USAGE ON SEQUENCE manager_queue_id_seq TO ${REGISTER_GROUP_ROLE};
      GRANT SELECT, INSERT, UPDATE ON ticket_owners TO ${REGISTER_GROUP_ROLE};
      GRANT SELECT, INSERT ON ticket_transfers TO ${REGISTER_GROUP_ROLE};
      GRANT USAGE ON SEQUENCE ticket_transfers_id_seq TO ${REGISTER_GROUP_ROLE};
      GRANT SELECT, INSERT, UPDATE, DELETE ON pin_pad_leases TO ${REGISTER_GROUP_ROLE};
    `);
  },
};

export default migration;
