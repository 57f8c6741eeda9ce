// Store schema 0020 (issue 13 §3, the shared folio): a guest's folio as every
// purser desk sees it, and the one place two desks' postings are decided. A
// desk posting to a guest locks the guest's row in folio_guests (SELECT ... FOR
// UPDATE), inserts its folio line (idempotent by register + line id), reads the
// folio total and what every desk has authorised, and when table 4-8 needs an
// increment inserts it into folio_authorisations: that row IS the claim, with
// its stable reference, for the desk that holds the card to send (the send is
// routed to the card's desk: shared-folio-store.ts). Store versions 20-29 are
// the shared folio's.
//
// Registers get INSERT/SELECT on the lines (history, never rewritten) and
// UPDATE only where the state is the store's to move on: a claim adopted by
// the card's desk, an authorisation's answer, a card's state, a flag seen.

import { REGISTER_GROUP_ROLE, type StoreMigration } from './store-migration.ts';

const migration: StoreMigration = {
  version: 20,
  name: 'shared-folios',
  async up(client) {
    await client.query(`
      -- One row per ship guest: the row a desk locks to decide a posting. The key is the
      -- ship's (cabin, embark date and name: purser-guest-key.ts), the same on every desk.
      CREATE TABLE folio_guests (
        guest_key text PRIMARY KEY CHECK (length(guest_key) BETWEEN 1 AND 200),
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      -- Every desk's folio lines (postings > 0, payments < 0): the guest's ship-wide folio.
      CREATE TABLE folio_lines (
        seq bigserial UNIQUE,
        register_id text NOT NULL CHECK (register_id ~ '^[A-Za-z0-9_-]{1,64}$'),
        line_id text NOT NULL,
        guest_key text NOT NULL REFERENCES folio_guests(guest_key),
        amount bigint NOT NULL,
        description text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (register_id, line_id)
      );
      CREATE INDEX folio_lines_guest ON folio_lines (guest_key);
      -- The cards on file, published by the desk that holds them (no card number, no token:
      -- an increment on a card is sent by its own desk).
      CREATE TABLE folio_cards (
        owner_register text NOT NULL,
        card_id text NOT NULL,
        guest_key text NOT NULL REFERENCES folio_guests(guest_key),
        routing_order integer NOT NULL,
        active boolean NOT NULL,
        registered_at text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (owner_register, card_id)
      );
      CREATE INDEX folio_cards_guest ON folio_cards (guest_key);
      -- Every authorisation on the guest's cards, by its stable reference (the gateway's invoice).
      -- origin 'store': claimed here by a posting; 'local': made by the card's desk on its own
      -- (registration, a posting while the store was out of reach, a payment, a manual one).
      -- state: claimed (decided here, not yet in the card's desk's journal) -> adopted (journaled
      -- there; its sender sends it once, by this reference).
      CREATE TABLE folio_authorisations (
        reference text PRIMARY KEY CHECK (reference ~ '^[A-Z0-9]{1,16}$'),
        guest_key text NOT NULL REFERENCES folio_guests(guest_key),
        owner_register text NOT NULL,
        card_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('initial', 'increment')),
        amount bigint NOT NULL CHECK (amount >= 0),
        status smallint NOT NULL CHECK (status IN (0, 1, 2)),
        origin text NOT NULL CHECK (origin IN ('store', 'local')),
        state text NOT NULL CHECK (state IN ('claimed', 'adopted')),
        claimed_by text,
        posting_line_id text,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        adopted_at timestamptz,
        CHECK ((origin = 'store') = (claimed_by IS NOT NULL))
      );
      CREATE INDEX folio_authorisations_guest ON folio_authorisations (guest_key);
      CREATE INDEX folio_authorisations_claimed ON folio_authorisations (owner_register) WHERE state = 'claimed';
      -- The number in a claimed increment's reference (one sequence: references never repeat).
      CREATE SEQUENCE folio_reference_seq;
      -- For the manager: a shortfall that got two increments (a desk decided alone while the
      -- store was out of reach). Until the shared manager queue takes these (store-decisions).
      CREATE TABLE folio_flags (
        id bigserial PRIMARY KEY,
        guest_key text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('double_increment')),
        refs text[] NOT NULL,
        detail jsonb NOT NULL,
        raised_by text NOT NULL,
        raised_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        UNIQUE (kind, guest_key, refs)
      );
      GRANT SELECT, INSERT ON folio_guests, folio_lines, folio_flags TO ${REGISTER_GROUP_ROLE};
      -- SELECT ... FOR UPDATE needs UPDATE on some column: the lock's one, never written.
      GRANT UPDATE (created_at) ON folio_guests TO ${REGISTER_GROUP_ROLE};
      GRANT SELECT, INSERT, UPDATE ON folio_cards, folio_authorisations TO ${REGISTER_GROUP_ROLE};
      GRANT USAGE ON SEQUENCE folio_lines_seq_seq, folio_reference_seq, folio_flags_id_seq TO ${REGISTER_GROUP_ROLE};
    `);
  },
};

export default migration;
