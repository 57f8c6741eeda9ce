// Child process of journal-crash.test.ts: rings tickets and runs payment
// attempts through the real services in a loop, printing
// `ack <seq> <entity> <entityId> <type>` after each commit, until it is killed.
// stdout on a pipe is synchronous on Linux, so an ack is out before the next write starts.

import fs from 'node:fs';
import type { CatalogItem } from '../../src-shared/domain.ts';
import { DEFAULT_CATALOG_PATH } from '../tickets/catalog-path.ts';
import { TicketService } from '../tickets/ticket-service.ts';
import { AttemptRepository } from './attempt-repository.ts';
import { openJournal } from './journal.ts';

const file = process.argv[2];
if (!file) {
  console.error('usage: journal-crash-child.ts JOURNAL_FILE');
  process.exit(2);
}
// Read without zod: start-up time is most of each crash round, and catalog.test.ts validates this file.
const catalog = JSON.parse(fs.readFileSync(DEFAULT_CATALOG_PATH, 'utf8')) as CatalogItem[];
const journal = openJournal({ path: file });
const tickets = new TicketService(journal, { register: { id: 'crash-reg', code: 'CR1', name: 'Crash test' }, currency: 'USD', catalog });
const attempts = new AttemptRepository(journal);
const lastEvent = journal.db.prepare('SELECT seq, entity, entity_id AS entityId, type FROM events WHERE seq = (SELECT seq FROM chain_head)');

function ack(): void {
  const e = lastEvent.get() as { seq: number; entity: string; entityId: string; type: string };
  process.stdout.write(`ack ${e.seq} ${e.entity} ${e.entityId} ${e.type}\n`);
}

process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  const t = tickets.create();
  ack();
  tickets.addLine(t.id, 'coffee', 1 + (i % 3));
  ack();
  const rung = tickets.addLine(t.id, 'sandwich', 1);
  ack();
  const a = attempts.create({ ticketId: t.id, slot: 1, ecrRef: `RCR1T${t.number}P1`, invoice: `RCR1T${t.number}P1`, terminalId: 'pax-1', kind: 'sale', amountRequested: rung.due, currency: 'USD' });
  ack();
  attempts.transition(a.id, { type: 'send' });
  ack();
  if (i % 3 === 0) {
    attempts.transition(a.id, { type: 'decline' }, { resultCode: '000100' });
    ack();
    tickets.tenderCash(t.id, rung.due + 500);
    ack();
  } else {
    if (i % 3 === 2) {
      attempts.transition(a.id, { type: 'doubt', reason: 'timeout' });
      ack();
    }
    journal.transact(() => {
      attempts.transition(a.id, { type: 'approve', source: 'terminal' }, { amountApproved: rung.due, maskedPan: '411111******1111', cardBrand: 'visa', authCode: 'OK' });
      tickets.closeWhenPaid(t.id);
    });
    ack();
  }
}
