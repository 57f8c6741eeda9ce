// Find Missing Payments against a gateway report of 50,000 rows, against the
// same with 5,000 rows: 10 means linear, less is better than linear. End to
// end over loopback HTTP: the Cardknox client pages the gateway simulator's
// report (1,000 rows a page), the finder compares it with a real journal file
// and journals what it does. Of the rows, 1 % are charges of in-doubt attempts
// (attached, each a committed transaction), 0.5 % have unknown invoices
// (queued as orphans, each committed), the rest are already recorded on
// approved attempts. Journal rows are bulk-loaded; the run is measured from
// the findMissing() call to its result. Result: median(50k) / median(5k).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { ecrReference } from '../src-shared/ecr-reference.ts';
import { CardknoxClient } from '../src-main/gateways/cardknox-client.ts';
import { GatewaySimulator } from '../src-main/gateways/simulator/gateway-simulator.ts';
import { AttemptRepository } from '../src-main/journal/attempt-repository.ts';
import { openJournal } from '../src-main/journal/journal.ts';
import { MissingPaymentFinder } from '../src-main/reconcile/find-missing.ts';
import { OrphanRepository } from '../src-main/reconcile/orphan-repository.ts';
import { TicketService } from '../src-main/tickets/ticket-service.ts';
import { median } from './bench-stats.ts';
import { ordinaryAmount } from '../drivers/pax/simulator/pax-simulator-rules.ts';

const SIZES = [5_000, 50_000];
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const KEY = 'bench-key';
const STEP_MS = 50;
const REGISTER = { id: 'bench-reg', code: '1', name: 'Bench' };


interface Scenario {
  gateway: GatewaySimulator;
  finder: MissingPaymentFinder;
  close(): Promise<void>;
  window: { begin: number; end: number };
  expected: { attached: number; orphaned: number; recorded: number };
}

async function scenario(dir: string, rows: number): Promise<Scenario> {
  const t0 = Date.now() - 24 * 3600_000;
  let now = t0;
  const gateway = await GatewaySimulator.start({ key: KEY, clock: () => now });
  const link = gateway.processorLink();
  const file = path.join(dir, `journal-${rows}-${randomUUID()}.sqlite`);
  const journal = openJournal({ path: file });
  const tickets = new TicketService(journal, { register: REGISTER, currency: 'USD', catalog: [] });
  const ticket = journal.db.prepare("INSERT INTO tickets VALUES (?, ?, ?, ?, 'USD', ?, ?, ?)");
  const attempt = journal.db.prepare(
    `INSERT INTO payment_attempts (id, ticket_id, slot, ecr_ref, invoice, terminal_id, kind, amount_requested, amount_approved, currency, state, host_ref, created_at, updated_at)
     VALUES (?, ?, 1, ?, ?, 'pad-1', 'sale', ?, ?, 'USD', ?, ?, ?, ?)`,
  );
  const expected = { attached: 0, orphaned: 0, recorded: 0 };
  const charges: { invoice: string; amount: number; state: 'approved' | 'in_doubt' | 'none' }[] = [];
  for (let i = 1; i <= rows; i++) {
    const amount = ordinaryAmount(100 + (i % 9000));
    if (i % 200 === 0) {
      charges.push({ invoice: `WALKIN${i}`, amount, state: 'none' });
      expected.orphaned++;
    } else if (i % 100 === 0) {
      charges.push({ invoice: ecrReference(REGISTER.code, i, 1), amount, state: 'in_doubt' });
      expected.attached++;
    } else {
      charges.push({ invoice: ecrReference(REGISTER.code, i, 1), amount, state: 'approved' });
      expected.recorded++;
    }
  }
  const refs: string[] = [];
  for (const c of charges) {
    now += STEP_MS;
    const r = await link.submit({ command: 'sale', invoice: c.invoice, amount: c.amount, currency: 'USD', cardToken: 'tok_visa', maskedPan: '411111******1111', cardBrand: 'visa', entryMode: 'chip', deviceId: 'pad-1' });
    if (r.result !== 'approved') throw new Error(`setup charge ${c.invoice} was ${r.result}`);
    refs.push(r.refNum);
  }
  journal.db.transaction(() => {
    charges.forEach((c, i) => {
      if (c.state === 'none') return;
      const at = new Date(t0 + (i + 1) * STEP_MS).toISOString();
      const tid = randomUUID();
      ticket.run(tid, REGISTER.id, i + 1, c.state === 'approved' ? 'paid' : 'open', c.amount, at, at);
      attempt.run(randomUUID(), tid, c.invoice, c.invoice, c.amount, c.state === 'approved' ? c.amount : 0, c.state, c.state === 'approved' ? refs[i] : null, at, at);
    });
  })();
  const client = new CardknoxClient({ url: gateway.url, key: KEY, softwareName: 'bench', softwareVersion: '1', currency: 'USD', timeoutMs: 60_000 });
  const finder = new MissingPaymentFinder({ journal, attempts: new AttemptRepository(journal), tickets, orphans: new OrphanRepository(journal), gateway: client, registerCode: REGISTER.code });
  return {
    gateway,
    finder,
    window: { begin: t0, end: now + 1 },
    expected,
    async close() {
      await gateway.close();
      journal.close();
    },
  };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-bench-findmissing-'));
try {
  const first: Record<number, number[]> = {};
  const again: Record<number, number[]> = {};
  for (const size of SIZES) {
    first[size] = [];
    again[size] = [];
    for (let r = 0; r < RUNS; r++) {
      const s = await scenario(dir, size);
      try {
        let t = performance.now();
        const res = await s.finder.findMissing({ window: s.window });
        first[size].push(performance.now() - t);
        const got = { attached: res.attached.length, orphaned: res.orphaned.length, recorded: res.alreadyRecorded };
        if (JSON.stringify(got) !== JSON.stringify(s.expected) || res.rowsChecked !== size) {
          throw new Error(`find missing over ${size} rows did ${JSON.stringify(got)} of ${res.rowsChecked} rows, expected ${JSON.stringify(s.expected)}`);
        }
        // A second pass finds everything already recorded or queued: no writes.
        t = performance.now();
        const res2 = await s.finder.findMissing({ window: s.window });
        again[size].push(performance.now() - t);
        if (res2.attached.length + res2.orphaned.length !== 0) throw new Error('second pass changed something');
      } finally {
        await s.close();
      }
    }
    const e = Math.round(size * 0.01);
    console.log(
      `report of ${size} rows (${e} attached, ${Math.round(size * 0.005)} orphaned): first pass median ${median(first[size]).toFixed(0)} ms ` +
        `(runs ${first[size].map((x) => x.toFixed(0)).join(', ')}); idempotent second pass median ${median(again[size]).toFixed(0)} ms`,
    );
  }
  const [small, large] = SIZES;
  console.log(`second-pass ratio ${(median(again[large]) / median(again[small])).toFixed(2)} (10 = linear)`);
  console.log(`bench find-missing-50k-vs-5k: ${(median(first[large]) / median(first[small])).toFixed(2)}`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
