// A register's journal for store tests and the bench: a real SQLite journal
// with the real ticket service, so what the relay carries is exactly what a
// register writes (register row, tickets, lines, cash tenders, their events).

import path from 'node:path';
import { openJournal, type Journal } from '../journal/journal.ts';
import { sequentialIds, steppingClock } from '../journal/journal-test-rig.ts';
import { loadCatalog } from '../tickets/catalog.ts';
import { TicketService } from '../tickets/ticket-service.ts';

/** One register's journal and the way to ring a cash sale on it. */
export interface RegisterJournal {
  registerId: string;
  journal: Journal;
  tickets: TicketService;
  /** Rings one item and takes cash for it: a closed ticket (five events). Returns the ticket id. */
  sell(): string;
  close(): void;
}

/** Opens (or reopens) register `registerId`'s journal in dir. */
export function openRegisterJournal(dir: string, registerId: string, code = registerId.replace(/[^A-Za-z0-9]/g, '').slice(-4) || 'R'): RegisterJournal {
  const journal = openJournal({
    path: path.join(dir, `${registerId}.sqlite`),
    clock: steppingClock(),
    // Ids unique per register and per open, as the app's random ids are.
    newId: sequentialIds(`${registerId}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}-`),
    integrityCheck: 'none',
  });
  const catalog = loadCatalog();
  const tickets = new TicketService(journal, { register: { id: registerId, code, name: `Register ${code}` }, currency: catalog[0].currency, catalog });
  const item = catalog.find((i) => i.price > 0)!;
  return {
    registerId,
    journal,
    tickets,
    sell() {
      const t = tickets.create();
      tickets.addLine(t.id, item.id, 1);
      tickets.tenderCash(t.id, item.price);
      return t.id;
    },
    close: () => journal.close(),
  };
}
