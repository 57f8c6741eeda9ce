// Find Missing Payments must compare a 50,000-row gateway report with the
// journal in linear time. This measures the comparison (report rows already
// in memory, journal lookups by invoice on a real SQLite file) at 5,000 and at
// 50,000 rows, and reports the cost per row at 50k divided by the cost per row
// at 5k: about 1 means linear, 10 would mean quadratic. It also times one full
// findMissing over HTTP (gateway simulator report, paged 1,000 rows at a time).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { GatewayReportRow } from '../src-main/gateways/cardknox-client.ts';
import { GatewaySimulator } from '../src-main/gateways/gateway-simulator.ts';
import { AttemptRepository } from '../src-main/journal/attempt-repository.ts';
import { openJournal, type Journal } from '../src-main/journal/journal.ts';
import { TicketRepository } from '../src-main/journal/ticket-repository.ts';
import { RIG_GATEWAY_KEY, rigClient } from '../src-main/payments/payment-test-rig.ts';
import { MissingPaymentFinder } from '../src-main/reconcile/find-missing.ts';
import { OrphanRepository } from '../src-main/reconcile/orphan-repository.ts';
import { TicketService } from '../src-main/tickets/ticket-service.ts';

const N = 50_000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-find-missing-'));
const start = Date.UTC(2026, 0, 1);

/** A journal with n approved card payments R1T<i>P1 recorded with host reference "H<i>". */
function seedJournal(journal: Journal, n: number): void {
  const tickets = new TicketRepository(journal);
  const attempts = new AttemptRepository(journal);
  journal.db.prepare("INSERT INTO registers (id, code, name) VALUES ('reg-1', '1', 'Bench')").run();
  journal.transact(() => {
    for (let i = 1; i <= n; i++) {
      const id = `t${i}`;
      tickets.insertTicket({ id, registerId: 'reg-1', number: i, status: 'paid', currency: 'USD', total: 1000, createdAt: 'x', updatedAt: 'x' });
      const a = attempts.create({ ticketId: id, slot: 1, ecrRef: `R1T${i}P1`, invoice: `R1T${i}P1`, terminalId: 'pad1', kind: 'sale', amountRequested: 1000, currency: 'USD' });
      attempts.transition(a.id, { type: 'send' });
      attempts.transition(a.id, { type: 'approve', source: 'terminal' }, { amountApproved: 1000, hostRef: `H${i}` });
    }
  });
}

function rows(n: number): GatewayReportRow[] {
  const out: GatewayReportRow[] = [];
  for (let i = 1; i <= n; i++) {
    out.push({ refNum: `H${i}`, amount: 1000, currency: 'USD', enteredAt: start + i, invoice: `R1T${i}P1`, maskedPan: '411111******1111', cardBrand: 'visa', result: 'approved', responseError: '', voided: false, command: 'cc:sale' });
  }
  return out;
}

const journal = openJournal({ path: path.join(dir, 'journal.sqlite'), clock: () => new Date(start + 3600_000) });
let t = performance.now();
seedJournal(journal, N);
console.log(`seeded ${N} approved attempts in ${(performance.now() - t).toFixed(0)} ms`);
const finder = new MissingPaymentFinder({
  journal,
  attempts: new AttemptRepository(journal),
  tickets: new TicketService(journal, { register: { id: 'reg-1', code: '1', name: 'Bench' }, currency: 'USD', catalog: [] }),
  orphans: new OrphanRepository(journal),
  gateway: { findByInvoice: async () => [], report: async () => [] },
  registerCode: '1',
});

function timeCompare(n: number): number {
  const r = rows(n);
  const samples: number[] = [];
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    const res = finder.compare(r, { begin: 0, end: Infinity });
    samples.push(performance.now() - t0);
    if (res.alreadyRecorded !== n) throw new Error(`expected ${n} recorded, got ${res.alreadyRecorded}`);
  }
  samples.sort((a, b) => a - b);
  return samples[2];
}

timeCompare(2000); // warm-up
const small = timeCompare(5000);
const large = timeCompare(N);
console.log(`compare 5,000 rows: median ${small.toFixed(1)} ms (${((small / 5000) * 1000).toFixed(2)} µs/row)`);
console.log(`compare 50,000 rows: median ${large.toFixed(1)} ms (${((large / N) * 1000).toFixed(2)} µs/row)`);

// The whole path once: 50k charges in the gateway simulator's ledger, paged over HTTP.
const gateway = await GatewaySimulator.start({ key: RIG_GATEWAY_KEY, clock: () => start + 1 });
const link = gateway.processorLink();
for (let i = 1; i <= N; i++) {
  await link.submit({ command: 'sale', invoice: `R1T${i}P1`, amount: 1000, currency: 'USD', cardToken: 'tok_visa', maskedPan: '411111******1111', cardBrand: 'visa', entryMode: 'chip', deviceId: 'pad1' });
}
const full = new MissingPaymentFinder({
  journal,
  attempts: new AttemptRepository(journal),
  tickets: new TicketService(journal, { register: { id: 'reg-1', code: '1', name: 'Bench' }, currency: 'USD', catalog: [] }),
  orphans: new OrphanRepository(journal),
  gateway: rigClient(gateway.url),
  registerCode: '1',
});
t = performance.now();
const res = await full.findMissing({ window: { begin: start, end: start + 10 } });
const fullMs = performance.now() - t;
console.log(`findMissing over HTTP, ${res.rowsChecked} rows: ${fullMs.toFixed(0)} ms (${res.orphaned.length} orphans: refNums differ from the seeded host refs)`);
await gateway.close();
journal.close();
fs.rmSync(dir, { recursive: true, force: true });

const ratio = large / N / (small / 5000);
console.log(`per-row cost 50k / 5k: ${ratio.toFixed(2)} (1 = linear)`);
console.log(`bench find-missing: ${ratio.toFixed(2)}`);
