// Child process of the crash test: runs a real coordinator on a journal file
// against a PIN pad simulator and gateway living in the parent, starts one
// card payment and reports each journaled state on stdout ("STATE <state>
// <attemptId> <ticketId>"). The parent kills it with SIGKILL mid-payment.
//
// Usage: node --import tsx payment-crash-child.ts '<json {journalPath, padPort, gatewayUrl}>'

import { createPaxTerminal } from '../../drivers/pax/pax-terminal-factory.ts';
import { openJournal } from '../journal/journal.ts';
import { TicketService } from '../tickets/ticket-service.ts';
import { PaymentCoordinator } from './payment-coordinator.ts';
import { RIG_CATALOG, RIG_REGISTER, rigClient } from './payment-test-rig.ts';

const cfg = JSON.parse(process.argv[2] ?? '{}') as { journalPath: string; padPort: number; gatewayUrl: string };
const journal = openJournal({ path: cfg.journalPath });
const tickets = new TicketService(journal, { register: RIG_REGISTER, currency: 'USD', catalog: RIG_CATALOG });
const terminal = createPaxTerminal({
  id: 'pad1',
  transport: 'tcp',
  host: '127.0.0.1',
  port: cfg.padPort,
  timeouts: { transactionMs: 60_000, adminMs: 2000, connectMs: 1000 },
});
const coordinator = new PaymentCoordinator({ journal, tickets, registerCode: RIG_REGISTER.code, terminals: [terminal], gateway: rigClient(cfg.gatewayUrl) });
coordinator.onAttemptChanged((s) => process.stdout.write(`STATE ${s.state} ${s.id} ${s.ticketId}\n`));
const t = tickets.create();
tickets.addLine(t.id, 'coffee', 1);
// Keeps the process alive until the parent kills it (the sale waits up to 60 s).
void coordinator.start(t.id, 1000).then((s) => process.stdout.write(`DONE ${s.state}\n`));
