// Store schema 0030: what a ticket moved to another register carries (issue 13
// §3). The transfer row written by moveTicket's store transaction holds the
// ticket as it was when it left: its lines, the cash already tendered on it,
// and the payment slots the giving register used (those slots stay the giving
// register's: a late answer for one lands there). The receiving register
// marks the row received with the ticket it opened, once: the update is
// guarded by `received_ticket_id IS NULL`, and the ticket id is derived from
// the transfer, so a receive repeated after a kill -9 finds its own ticket.

import { REGISTER_GROUP_ROLE, type StoreMigration } from './store-migration.ts';

const migration: StoreMigration = {
  version: 30,
  name: 'ticket-transfer-detail',
  async up(client) {
    await client.query(`
      ALTER TABLE ticket_transfers
        ADD COLUMN from_name text,
        ADD COLUMN origin_number integer,
        ADD COLUMN currency char(3),
        -- [{ itemId, description, quantity, unitPrice, lineTotal }]: the live lines only.
        ADD COLUMN lines jsonb NOT NULL DEFAULT '[]'::jsonb,
        ADD COLUMN cash_applied bigint NOT NULL DEFAULT 0 CHECK (cash_applied >= 0),
        ADD COLUMN slots_used integer[] NOT NULL DEFAULT '{}',
        ADD COLUMN received_ticket_id text,
        ADD COLUMN received_at timestamptz;
      CREATE INDEX ticket_transfers_pending ON ticket_transfers (to_register, id) WHERE received_at IS NULL;
      GRANT UPDATE (received_ticket_id, received_at) ON ticket_transfers TO ${REGISTER_GROUP_ROLE};
    `);
  },
};

export default migration;
