// A receiving register's process for the receive crash test: opens its
// journal, opens the transfer, and when asked SIGKILLs itself right after the
// journal committed the new ticket and before the store heard of it.
// Usage: node --import tsx ticket-receive-child.ts DIR REGISTER_ID CODE STORE_URL TRANSFER_ID [kill]

import pg from 'pg';
import { openRegisterJournal } from './register-journal-test-rig.ts';
import { TicketMoveService } from './ticket-move-service.ts';

const [dir, registerId, code, url, transferId, kill] = process.argv.slice(2);
const reg = openRegisterJournal(dir, registerId, code);
const pool = new pg.Pool({ connectionString: url, max: 1 });
const moves = new TicketMoveService({
  pool,
  registerId,
  registerName: registerId,
  tickets: reg.tickets,
  now: () => new Date(),
  hook: (point) => {
    if (kill === 'kill' && point === 'after_journal') process.kill(process.pid, 'SIGKILL');
  },
});
const t = await moves.receive(Number(transferId));
process.stdout.write(`received ${t.id} #${t.number}\n`);
await pool.end();
reg.close();
