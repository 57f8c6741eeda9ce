// From the approval bytes arriving at the register to the `approved` commit in
// the journal, against one bare single-row commit (same pragmas, same folder,
// same run). Real parts: a PAX simulator on loopback TCP charging the gateway
// simulator's processor, the real PaxTerminal driver, PaymentCoordinator,
// TicketService and journal file. A byte-forwarding TCP relay in this process
// stamps the moment the response frame (its ETX) is handed to the driver's
// socket; the coordinator's snapshot listener, which runs after the commit,
// stamps the end. Bare commits are interleaved with the sales so disk noise
// hits both alike. Result: p50(approval → commit) / p50(bare commit).

import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { createPaxTerminal } from '../drivers/pax/pax-terminal-factory.ts';
import { PaxSimulator } from '../drivers/pax/simulator/pax-simulator.ts';
import { GatewaySimulator } from '../src-main/gateways/simulator/gateway-simulator.ts';
import { applyJournalPragmas } from '../src-main/journal/journal-connection.ts';
import { openJournal } from '../src-main/journal/journal.ts';
import { PaymentCoordinator } from '../src-main/payments/payment-coordinator.ts';
import { TicketService } from '../src-main/tickets/ticket-service.ts';
import { quantile } from './bench-stats.ts';

const WARMUP = 30;
const SALES = Number(process.env.BENCH_ITERATIONS ?? 400);
const ETX = 0x03;

/** Forwards bytes both ways; remembers when the last chunk holding an ETX went to the client. */
async function startRelay(targetPort: number): Promise<{ port: number; lastEtxAt: () => number; close: () => Promise<void> }> {
  let lastEtx = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.on('data', (c: Buffer) => upstream.write(c));
    upstream.on('data', (c: Buffer) => {
      if (c.includes(ETX)) lastEtx = performance.now();
      client.write(c);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    lastEtxAt: () => lastEtx,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-bench-approval-'));
const gateway = await GatewaySimulator.start({ key: 'bench-key' });
const sim = new PaxSimulator({ deviceId: 'bench-pad', processor: gateway.processorLink(), cardTimeMs: 0 });
const relay = await startRelay(await sim.listenTcp(0));
const terminal = createPaxTerminal({ id: 'bench-pad', transport: 'tcp', host: '127.0.0.1', port: relay.port });
const journal = openJournal({ path: path.join(dir, 'journal.sqlite') });
const tickets = new TicketService(journal, {
  register: { id: 'bench-reg', code: '1', name: 'Bench' },
  currency: 'USD',
  catalog: [{ id: 'item', name: 'Item', price: 1250, currency: 'USD', category: 'bench' }],
});
// Stamps when the driver hands its result to the coordinator, to split the figure in two.
let driverDoneAt = 0;
const stamped = Object.create(terminal) as typeof terminal;
stamped.sale = async (req) => {
  const r = await terminal.sale(req);
  driverDoneAt = performance.now();
  return r;
};
const coordinator = new PaymentCoordinator({ journal, tickets, registerCode: '1', terminals: [stamped] });
const bare = new BetterSqlite3(path.join(dir, 'bare.sqlite'));
applyJournalPragmas(bare);
bare.exec('CREATE TABLE state (id TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at TEXT NOT NULL)');
bare.prepare("INSERT INTO state VALUES ('a', 'sent', '')").run();
const bareUpdate = bare.prepare("UPDATE state SET state = 'approved', updated_at = ? WHERE id = 'a'");

let approvedAt = 0;
coordinator.onAttemptChanged((s) => {
  if (s.state === 'approved') approvedAt = performance.now();
});

const toCommit: number[] = [];
const bareMs: number[] = [];
const inDriver: number[] = [];
try {
  for (let i = 0; i < WARMUP + SALES; i++) {
    const t = tickets.create();
    tickets.addLine(t.id, 'item', 1);
    approvedAt = 0;
    const s = await coordinator.start(t.id, 1250);
    if (s.state !== 'approved' || approvedAt === 0) throw new Error(`sale ${i} ended ${s.state}, not approved`);
    const t0 = performance.now();
    bareUpdate.run(new Date().toISOString());
    const bareOne = performance.now() - t0;
    if (i >= WARMUP) {
      toCommit.push(approvedAt - relay.lastEtxAt());
      inDriver.push(driverDoneAt - relay.lastEtxAt());
      bareMs.push(bareOne);
    }
  }
  const charged = gateway.ledger.summary().approvedCount;
  if (charged !== WARMUP + SALES) throw new Error(`ledger holds ${charged} charges for ${WARMUP + SALES} sales`);
  console.log(`${SALES} sales (after ${WARMUP} warm-up) through PAX TCP → journal, each followed by one bare commit; ledger charges ${charged}`);
  console.log(`approval bytes → approved commit  p50 ${quantile(toCommit, 0.5).toFixed(3)} ms  p99 ${quantile(toCommit, 0.99).toFixed(3)} ms`);
  console.log(`  of which bytes → driver result  p50 ${quantile(inDriver, 0.5).toFixed(3)} ms  p99 ${quantile(inDriver, 0.99).toFixed(3)} ms`);
  console.log(`bare single-row commit            p50 ${quantile(bareMs, 0.5).toFixed(3)} ms  p99 ${quantile(bareMs, 0.99).toFixed(3)} ms`);
  console.log(`p99 ratio ${(quantile(toCommit, 0.99) / quantile(bareMs, 0.99)).toFixed(2)}`);
  console.log(`bench approval-to-journal-vs-bare-commit: ${(quantile(toCommit, 0.5) / quantile(bareMs, 0.5)).toFixed(2)}`);
} finally {
  await coordinator.close();
  await terminal.close();
  await relay.close();
  await sim.close();
  await gateway.close();
  journal.close();
  bare.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
