// Child process of the shared folio's kill -9 test: the purser desk on its
// journal file, posting to a guest through the store; at the point between the
// store's decision (committed there, with its claimed increment) and the
// desk's own journal it prints "DECIDED <reference>" and waits for the
// parent's SIGKILL. The simulators live in the parent.
//
// Usage: node --import tsx purser-folio-crash-child.ts '<json {journalPath, registerCode, storeUrl, guestId, amount}>'

import { openJournal } from '../journal/journal.ts';
import { PostgresSharedFolio } from '../store/shared-folio-store.ts';
import { PurserFolioShare } from './purser-folio-share.ts';
import { buildPurserRoom } from './purser-room.ts';

const cfg = JSON.parse(process.argv[2] ?? '{}') as { journalPath: string; registerCode: string; storeUrl: string; guestId: string; amount: number };
const journal = openJournal({ path: cfg.journalPath, integrityCheck: 'none' });
const room = buildPurserRoom({
  journal,
  terminal: () => undefined,
  gateway: () => undefined,
  currency: 'USD',
  registerCode: cfg.registerCode,
  changed: () => undefined,
  timers: { setTimeout: () => 0, clearTimeout: () => undefined },
});
const store = new PostgresSharedFolio({ client: { connectionString: cfg.storeUrl } });
const share = new PurserFolioShare({
  repo: room.repo,
  service: room.service,
  queue: room.sender,
  store,
  register: cfg.registerCode,
  hook: async (_point, d) => {
    process.stdout.write(`DECIDED ${d.reference ?? '-'}\n`);
    // Held here until the parent kills us (the interval keeps the event loop alive).
    await new Promise(() => setInterval(() => undefined, 1000));
  },
});

void share.addPosting(cfg.guestId, cfg.amount, 'Spa').then(
  () => process.stdout.write('NOT KILLED\n'),
  (err: unknown) => {
    process.stderr.write(`child failed: ${(err as Error).stack}\n`);
    process.exit(2);
  },
);
