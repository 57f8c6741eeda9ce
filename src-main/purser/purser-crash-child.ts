// Child process of the purser kill -9 test: the purser room on a journal file,
// with the PAX simulator and gateway simulator living in the parent (so the
// processor's ledger outlives the kill). Phase "setup" checks a guest in,
// registers a card and posts a charge that needs an increment, then runs the
// sender with a hook that prints "KILLPOINT <reference>" at the named point and
// waits there for the parent's SIGKILL. Phase "resume" runs the sender once and
// prints "DONE <reference> <status> <queue status> <send count>" per record.
// With "broken" the resume uses a deliberately broken sender: its gateway port
// finds nothing by invoice and sends each request under a new reference (a
// sender that resends without looking up), for the test to show its check fails.
//
// Usage: node --import tsx purser-crash-child.ts '<json {registerCode, journalPath, padPort, gatewayUrl, phase, killAt?, broken?}>'

import { createPaxTerminal } from '../../drivers/pax/pax-terminal-factory.ts';
import type { CardOnFileGateway } from '../gateways/card-on-file-gateway.ts';
import { CardknoxClient } from '../gateways/cardknox-client.ts';
import { openJournal } from '../journal/journal.ts';
import { buildPurserRoom } from './purser-room.ts';
import type { SenderHookPoint } from './purser-queue-sender.ts';
import { PURSER_RIG_KEY } from './purser-test-rig.ts';

const cfg = JSON.parse(process.argv[2] ?? '{}') as {
  registerCode: string;
  journalPath: string;
  padPort: number;
  gatewayUrl: string;
  phase: 'setup' | 'resume';
  /** A sender hook point, or 'registration': killed while the PIN pad holds its answer. */
  killAt?: SenderHookPoint | 'registration';
  broken?: boolean;
};
const journal = openJournal({ path: cfg.journalPath, integrityCheck: 'none' });
const terminal = createPaxTerminal({ id: 'pad1', transport: 'tcp', host: '127.0.0.1', port: cfg.padPort, timeouts: { transactionMs: 5000, adminMs: 2000, connectMs: 1000 } });
const real = new CardknoxClient({ url: cfg.gatewayUrl, key: PURSER_RIG_KEY, softwareName: 'CashierDeskTest', softwareVersion: '0.1', currency: 'USD', timeoutMs: 3000 }).cardOnFile();
let resends = 0;
const broken: CardOnFileGateway = {
  ...real,
  findByInvoice: async () => [],
  increment: (r) => real.increment({ ...r, invoice: `${r.invoice}X${++resends}` }),
};
const room = buildPurserRoom({
  journal,
  terminal: () => terminal,
  gateway: () => (cfg.broken ? broken : real),
  currency: 'USD',
  registerCode: cfg.registerCode,
  changed: () => undefined,
  timers: { setTimeout: () => 0, clearTimeout: () => undefined },
  // The restart is taken to come after the sender's settle time (a record the gateway does not know may go again at
  // once); waiting it out is tested in purser-offline.test.ts and by the folio chaos run's late faults.
  ...(cfg.phase === 'resume' ? { settleMs: 0 } : {}),
  hook: async (point, record) => {
    if (cfg.phase !== 'setup' || point !== cfg.killAt) return;
    process.stdout.write(`KILLPOINT ${record.reference}\n`);
    // Held here until the parent kills us (the interval keeps the event loop alive).
    await new Promise(() => setInterval(() => undefined, 1000));
  },
});

async function main(): Promise<void> {
  if (cfg.phase === 'setup') {
    const g = room.service.addGuest({ name: 'Crash Guest', cabin: '9001', embarkDate: '2026-11-28', disembarkDate: '2026-12-05' }).id;
    if (cfg.killAt === 'registration') process.stdout.write('REGISTERING\n');
    await room.service.register(g, 'pad1');
    room.service.addPosting(g, 12_000, 'Dinner');
    process.stdout.write('READY\n');
    await room.sender.runOnce();
    process.stdout.write('NOT KILLED\n');
    return;
  }
  await room.sender.runOnce();
  for (const r of journal.db.prepare('SELECT reference, status, queue_status, send_count FROM purser_records ORDER BY seq').all() as { reference: string; status: number; queue_status: number; send_count: number }[]) {
    process.stdout.write(`DONE ${r.reference} ${r.status} ${r.queue_status} ${r.send_count}\n`);
  }
  await terminal.close();
  journal.close();
}

void main().catch((err) => {
  process.stderr.write(`child failed: ${(err as Error).stack}\n`);
  process.exit(2);
});
