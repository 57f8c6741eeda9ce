// Start-up recovery with 100 in-doubt attempts in a journal holding 1,000,000
// historical attempts, against the same with 10,000: the recovery must not
// grow with history (it reads only live attempts through a partial index).
// Real parts: journal files, TicketService, PaymentCoordinator, a PAX
// simulator on loopback TCP and the gateway simulator (Cardknox client) it
// asks. Half of the 100 were charged (the gateway report finds them: approved),
// half not (terminal and gateway both answer: not_charged).
//
// History is bulk-loaded in one transaction (tickets paid, attempts approved,
// one hash-chained event each, so the journal still verifies); the 100
// in-doubt attempts go in through the real repositories. Measured per run:
// open (openJournal: header, stamps, the chain's ends; the full integrity_check
// then runs in a worker thread, concurrently with the recovery) and recovery
// (services built + recoverOnStartup and its retries until every attempt is resolved).
// Result: median recovery(1M) / median recovery(10k); open times printed too.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { createPaxTerminal } from '../drivers/pax/pax-terminal-factory.ts';
import { PaxSimulator } from '../drivers/pax/simulator/pax-simulator.ts';
import { ecrReference } from '../src-shared/ecr-reference.ts';
import { CardknoxClient } from '../src-main/gateways/cardknox-client.ts';
import { GatewaySimulator } from '../src-main/gateways/simulator/gateway-simulator.ts';
import { AttemptRepository } from '../src-main/journal/attempt-repository.ts';
import { eventHash, GENESIS_HASH } from '../src-main/journal/event-log.ts';
import { applyJournalPragmas } from '../src-main/journal/journal-connection.ts';
import { Journal, openJournal } from '../src-main/journal/journal.ts';
import { PaymentCoordinator } from '../src-main/payments/payment-coordinator.ts';
import { TicketService } from '../src-main/tickets/ticket-service.ts';
import { median } from './bench-stats.ts';

const LARGE = Number(process.env.BENCH_HISTORY ?? 1_000_000);
const SMALL = 10_000;
const IN_DOUBT = 100;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const REGISTER = { id: 'bench-reg', code: '1', name: 'Bench' };
const CATALOG = [{ id: 'item', name: 'Item', price: 1250, currency: 'USD', category: 'bench' }];
const KEY = 'bench-key';


/** Creates a journal with `history` settled attempts; returns how long the bulk load took (ms). */
function buildJournal(file: string, history: number): number {
  const j = openJournal({ path: file });
  new TicketService(j, { register: REGISTER, currency: 'USD', catalog: CATALOG });
  j.close();
  const t0 = performance.now();
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  // Bulk load only: a big cache for the random-UUID keys; durability is not at stake while generating.
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -1000000');
  const head = db.prepare('SELECT seq, hash FROM chain_head WHERE id = 1').get() as { seq: number; hash: string };
  const ticket = db.prepare("INSERT INTO tickets VALUES (?, ?, ?, 'paid', 'USD', ?, ?, ?)");
  const attempt = db.prepare(
    `INSERT INTO payment_attempts (id, ticket_id, slot, ecr_ref, invoice, terminal_id, kind, amount_requested, amount_approved, currency, state,
       result_code, result_text, auth_code, host_ref, masked_pan, card_brand, entry_mode, approval_source, created_at, updated_at)
     VALUES (?, ?, 1, ?, ?, 'pad-1', 'sale', ?, ?, 'USD', 'approved', '000000', 'APPROVED', ?, ?, '411111******1111', 'visa', 'chip', 'terminal', ?, ?)`,
  );
  const event = db.prepare('INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    let { seq, hash } = head;
    const base = Date.UTC(2024, 0, 1);
    for (let i = 1; i <= history; i++) {
      const at = new Date(base + i * 1000).toISOString();
      const tid = randomUUID();
      const aid = randomUUID();
      const ref = ecrReference(REGISTER.code, i, 1);
      const amount = 100 + (i % 9000);
      ticket.run(tid, REGISTER.id, i, amount, at, at);
      attempt.run(aid, tid, ref, ref, amount, amount, String(100000 + (i % 900000)), String(500000000 + i), at, at);
      const payload = `{"amountApproved":${amount},"ecrRef":"${ref}","state":"approved","ticketId":"${tid}"}`;
      const fields = { seq: seq + 1, at, entity: 'attempt', entity_id: aid, type: 'approved', payload };
      const next = eventHash(hash, fields);
      event.run(fields.seq, at, 'attempt', aid, 'approved', payload, hash, next);
      seq = fields.seq;
      hash = next;
    }
    db.prepare('UPDATE chain_head SET seq = ?, hash = ? WHERE id = 1').run(seq, hash);
  })();
  db.close();
  if (head.hash === undefined || GENESIS_HASH.length !== 64) throw new Error('unexpected chain head');
  return performance.now() - t0;
}

/**
 * Adds IN_DOUBT attempts left in doubt by a "crash", half of them charged at
 * the processor. Setup, not measured: it wraps the connection without
 * openJournal's integrity check, which costs half a minute on the 1M file.
 */
async function addInDoubt(file: string, gateway: GatewaySimulator): Promise<void> {
  const db = new BetterSqlite3(file);
  applyJournalPragmas(db);
  const j = new Journal(db, file, db.pragma('user_version', { simple: true }) as number);
  const tickets = new TicketService(j, { register: REGISTER, currency: 'USD', catalog: CATALOG });
  const attempts = new AttemptRepository(j);
  const link = gateway.processorLink();
  for (let i = 0; i < IN_DOUBT; i++) {
    const t = tickets.create();
    tickets.addLine(t.id, 'item', 1);
    const ref = ecrReference(REGISTER.code, t.number, 1);
    const a = attempts.create({ ticketId: t.id, slot: 1, ecrRef: ref, invoice: ref, terminalId: 'pad-1', kind: 'sale', amountRequested: 1250, currency: 'USD' });
    attempts.transition(a.id, { type: 'send' });
    if (i % 2 === 0) {
      await link.submit({ command: 'sale', invoice: ref, amount: 1250, currency: 'USD', cardToken: 'tok_visa', maskedPan: '411111******1111', cardBrand: 'visa', entryMode: 'chip', deviceId: 'pad-1' });
    }
  }
  j.close();
}

async function measure(file: string, gateway: GatewaySimulator, padPort: number): Promise<{ openMs: number; recoverMs: number }> {
  await addInDoubt(file, gateway);
  const t0 = performance.now();
  const journal = openJournal({ path: file });
  const t1 = performance.now();
  const terminal = createPaxTerminal({ id: 'pad-1', transport: 'tcp', host: '127.0.0.1', port: padPort, timeouts: { adminMs: 20_000 } });
  const client = new CardknoxClient({ url: gateway.url, key: KEY, softwareName: 'bench', softwareVersion: '1', currency: 'USD', timeoutMs: 10_000 });
  const tickets = new TicketService(journal, { register: REGISTER, currency: 'USD', catalog: CATALOG });
  const coordinator = new PaymentCoordinator({
    journal,
    tickets,
    registerCode: REGISTER.code,
    terminals: [terminal],
    gateway: client,
    lookupTimeoutMs: 20_000,
    backoff: { initialMs: 20, maxMs: 200 },
  });
  // One pass for all, then the retries of any lookup that timed out on a busy machine: done when none is in doubt.
  const firstPass = await coordinator.recoverOnStartup();
  const done = await Promise.all(firstPass.map((s) => (s.state === 'in_doubt' ? coordinator.waitForResolution(s.id, 120_000) : s)));
  const t2 = performance.now();
  const states = done.map((s) => s.state);
  const approved = states.filter((s) => s === 'approved').length;
  const absent = states.filter((s) => s === 'not_charged').length;
  await coordinator.close();
  await terminal.close();
  journal.close();
  if (done.length !== IN_DOUBT || approved !== IN_DOUBT / 2 || absent !== IN_DOUBT / 2) {
    throw new Error(`recovery resolved ${done.length} attempts: ${approved} approved, ${absent} not charged (expected ${IN_DOUBT / 2} each)`);
  }
  return { openMs: t1 - t0, recoverMs: t2 - t1 };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-bench-recovery-'));
const gateway = await GatewaySimulator.start({ key: KEY });
const sim = new PaxSimulator({ deviceId: 'pad-1', processor: gateway.processorLink(), cardTimeMs: 0 });
const padPort = await sim.listenTcp(0);
try {
  const results: Record<number, { open: number[]; recover: number[] }> = {};
  for (const size of [SMALL, LARGE]) {
    const file = path.join(dir, `journal-${size}.sqlite`);
    const loadMs = buildJournal(file, size);
    const mb = fs.statSync(file).size / 1e6;
    console.log(`history ${size}: bulk load ${(loadMs / 1000).toFixed(1)} s, file ${mb.toFixed(0)} MB`);
    results[size] = { open: [], recover: [] };
    if (size === SMALL) await measure(file, gateway, padPort); // warm-up: JIT, connections
    for (let r = 0; r < RUNS; r++) {
      const m = await measure(file, gateway, padPort);
      results[size].open.push(m.openMs);
      results[size].recover.push(m.recoverMs);
    }
    console.log(
      `history ${size}: open (cheap checks) median ${median(results[size].open).toFixed(1)} ms; ` +
        `recovery of ${IN_DOUBT} in-doubt median ${median(results[size].recover).toFixed(1)} ms (runs ${results[size].recover.map((x) => x.toFixed(0)).join(', ')})`,
    );
  }
  const openRatio = median(results[LARGE].open) / median(results[SMALL].open);
  const withOpen = (median(results[LARGE].open) + median(results[LARGE].recover)) / (median(results[SMALL].open) + median(results[SMALL].recover));
  for (const size of [SMALL, LARGE]) {
    const j = openJournal({ path: path.join(dir, `journal-${size}.sqlite`) });
    const v = await j.checkIntegrityInBackground();
    j.close();
    console.log(`history ${size}: background integrity_check ${v.state} in ${((v.ms ?? 0) / 1000).toFixed(1)} s (off the start-up path)`);
  }
  console.log(`open ratio ${openRatio.toFixed(2)}; open + recovery ratio ${withOpen.toFixed(2)}`);
  console.log(`bench startup-recovery-1m-vs-10k: ${(median(results[LARGE].recover) / median(results[SMALL].recover)).toFixed(2)}`);
} finally {
  await sim.close();
  await gateway.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
