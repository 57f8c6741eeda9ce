// A register process for the relay crash test: opens a register's journal,
// rings `sales` cash sales, relays to the store and says "caught-up" once the
// store has everything. The test SIGKILLs it mid-batch and starts it again.
// Usage: node --import tsx store-relay-child.ts DIR REGISTER_ID STORE_URL SALES BATCH

import { openRegisterJournal } from './register-journal-test-rig.ts';
import { parseStoreUrl } from './store-config.ts';
import { StoreRelay } from './store-relay.ts';

const [dir, registerId, url, sales, batch] = process.argv.slice(2);
const reg = openRegisterJournal(dir, registerId);
for (let i = 0; i < Number(sales); i++) reg.sell();
const relay = new StoreRelay({
  journal: reg.journal,
  registerId,
  config: parseStoreUrl(url),
  batchSize: Number(batch),
  backoff: { initialMs: 20, maxMs: 200 },
  log: (line) => process.stderr.write(`child store: ${line}\n`),
});
relay.start();
process.stdout.write(`started head=${reg.journal.db.prepare('SELECT seq FROM chain_head').pluck().get()}\n`);
await relay.whenCaughtUp(30_000);
process.stdout.write('caught-up\n');
await relay.stop();
reg.close();
