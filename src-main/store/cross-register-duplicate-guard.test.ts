// The cross-register duplicate check end to end on real parts: two registers
// (own journals, PAX simulators on TCP, one processor ledger) and a throw-away
// PostgreSQL store, register B's store link through a proxy that can be cut.
// The ground truth is the processor's ledger and the store's queue.

import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { AppError } from '../../src-shared/errors.ts';
import { paymentHandlers } from '../payments/payment-handlers.ts';
import { startRig, until, type Rig } from '../payments/payment-test-rig.ts';
import { findPossibleDuplicates } from './card-charge-repository.ts';
import { CardChargeSync } from './card-charge-sync.ts';
import { CrossRegisterDuplicateGuard, crossRegisterSaleHook, type GuardVerdict } from './cross-register-duplicate-guard.ts';
import { crossRegisterDoubleCharges, invoicePairKey } from './store-invariants.ts';
import { startStoreLinkProxy, type StoreLinkProxy } from './store-link-proxy-test-rig.ts';
import { startStoreTestCluster, type StoreTestCluster } from './store-test-rig.ts';

let cluster: StoreTestCluster;
let url: string;
let proxy: StoreLinkProxy;
before(async () => {
  cluster = await startStoreTestCluster();
  url = await cluster.createStoreDatabase();
  proxy = await startStoreLinkProxy({ host: '127.0.0.1', port: cluster.port });
});
after(async () => {
  await proxy?.close();
  await cluster?.stop();
});

interface Register {
  id: string;
  rig: Rig;
  pool: pg.Pool;
  sync: CardChargeSync;
  verdicts: GuardVerdict[];
  /** payment.start as the cashier's screen sends it. */
  pay(ticketId: string, amount: number, confirm?: boolean): Promise<unknown>;
}

async function register(id: string, opts: { storeUrl: string; shareLedgerWith?: Rig; ignoreWarning?: boolean }): Promise<Register> {
  const code = String(id.charCodeAt(0) - 64); // A → 1, B → 2, C → 3
  const rig = await startRig({ register: { id: `reg-${id}`, code, name: `Till ${id}` }, ...(opts.shareLedgerWith ? { processor: opts.shareLedgerWith.gateway.processorLink() } : {}) });
  const pool = new pg.Pool({ connectionString: opts.storeUrl, max: 3, connectionTimeoutMillis: 500 });
  pool.on('error', () => undefined);
  const guard = new CrossRegisterDuplicateGuard({ registerId: id, recentCharges: (p, w) => findPossibleDuplicates(pool, p, w), now: () => Date.now(), storeTimeoutMs: 1000 });
  const verdicts: GuardVerdict[] = [];
  const hook = crossRegisterSaleHook({
    guard: () => guard,
    ticket: (t) => rig.tickets.get(t),
    terminal: () => rig.pads.pad1.terminal,
    onVerdict: (v) => verdicts.push(v),
  });
  const handlers = paymentHandlers({
    tickets: () => rig.tickets,
    coordinator: () => rig.coordinator,
    takingPayments: () => undefined,
    printAfterCash: () => undefined,
    recoveryNotices: () => [],
    // The broken variant: a register that never asks the store.
    ...(opts.ignoreWarning ? {} : { beforeCardSale: hook }),
  });
  const sync = new CardChargeSync({ journal: rig.journal, registerId: id, registerName: `Till ${id}`, pool });
  return {
    id,
    rig,
    pool,
    sync,
    verdicts,
    pay: (ticketId, amount, confirm) =>
      Promise.resolve(handlers['payment.start']({ ticketId, amount, ...(confirm ? { confirmCrossRegisterDuplicate: true } : {}) }, { connectionId: 't' } as never)),
  };
}

async function close(...regs: Register[]): Promise<void> {
  for (const r of regs) {
    await r.rig.close();
    await r.pool.end();
  }
}

const approvedSales = (rig: Rig) => rig.gateway.ledger.all().filter((e) => e.kind === 'sale' && e.status === 'approved');

test('the same card for the same amount at another register: warned before the charge, charged only when confirmed, flagged for the manager', async () => {
  const a = await register('A', { storeUrl: url });
  const b = await register('B', { storeUrl: proxy.urlFor(url), shareLedgerWith: a.rig });
  try {
    const ta = a.rig.ticketWith('coffee');
    await a.pay(ta.id, ta.due);
    await a.sync.push();
    assert.equal(approvedSales(a.rig).length, 1);

    // The customer re-rung at register B: same card (the simulator's default card), same amount.
    const tb = b.rig.ticketWith('coffee');
    const warned = await b.pay(tb.id, tb.due).catch((e: unknown) => e);
    assert.ok(warned instanceof AppError && warned.details?.needsConfirm === true && warned.details?.crossRegisterDuplicate === true, String(warned));
    assert.match(warned.message, /This card already paid the same amount .* at Till A\. If it is the same customer paying again, do not charge/);
    assert.doesNotMatch(warned.message, /\d{6}|127\.0\.0\.1|R1T/);
    assert.equal(approvedSales(a.rig).length, 1, 'nothing was charged before the cashier answered');
    assert.deepEqual(b.rig.coordinator.attemptsOf(tb.id), [], 'no attempt was even journaled');

    // Another ticket of another amount: no card read, no warning.
    const other = b.rig.ticketWith('cake');
    await b.pay(other.id, other.due);
    // The cashier confirms: it is another purchase.
    await b.pay(tb.id, tb.due, true);
    assert.deepEqual(b.verdicts, ['clear', 'confirmed']);
    assert.equal(approvedSales(a.rig).length, 3);
    await b.sync.push();
    const flags = await a.pool.query("SELECT register_id, summary, detail FROM manager_queue WHERE kind = 'cross_register_duplicate'");
    assert.equal(flags.rows.length, 1);
    assert.equal(flags.rows[0].register_id, 'B');
  } finally {
    await close(a, b);
  }
});

test('store unreachable: register B keeps selling its own tickets; the pair is flagged once its link is back; a register ignoring the warning is caught', async () => {
  const db = await cluster.createStoreDatabase();
  const a = await register('A', { storeUrl: db });
  const b = await register('B', { storeUrl: proxy.urlFor(db), shareLedgerWith: a.rig });
  const c = await register('C', { storeUrl: db, shareLedgerWith: a.rig, ignoreWarning: true });
  try {
    const ta = a.rig.ticketWith('meal', 'cake');
    await a.pay(ta.id, ta.due);
    await a.sync.push();

    proxy.cut();
    const tb = b.rig.ticketWith('meal', 'cake');
    const s = (await b.pay(tb.id, tb.due)) as { state: string };
    assert.equal(s.state, 'approved', 'offline from the store, the register still sells');
    assert.deepEqual(b.verdicts, ['store_unreachable']);
    await assert.rejects(b.sync.push());
    proxy.restore();
    await until(() => !proxy.isCut);
    const pushed = await b.sync.push();
    assert.deepEqual(pushed, { recorded: 1, flagged: 1 });

    // Register C never asks the store (the broken variant): the ledger check counts its charge.
    const tc = c.rig.ticketWith('meal', 'cake');
    await c.pay(tc.id, tc.due);
    await c.sync.push();
    const ledger = a.rig.gateway.ledger.all();
    const flagged = new Set<string>(
      (await a.pool.query<{ detail: { earlierInvoice: string; laterInvoice: string } }>("SELECT detail FROM manager_queue WHERE kind = 'cross_register_duplicate'")).rows.map((r) =>
        invoicePairKey(r.detail.earlierInvoice, r.detail.laterInvoice),
      ),
    );
    // The store flagged A-B (after the cut), and A-C and B-C (it flags whatever the register did).
    assert.equal(flagged.size, 3);
    const bInvoice = b.rig.coordinator.attemptsOf(tb.id)[0].ecrRef;
    const cInvoice = c.rig.coordinator.attemptsOf(tc.id)[0].ecrRef;
    // From the ledger: B's second charge is excused (no store to warn it, flagged afterwards); C's is not (it could reach the store).
    const bad = crossRegisterDoubleCharges(ledger, { flagged, confirmed: new Set(), storeCouldWarn: (_earlier, later) => later !== bInvoice });
    assert.deepEqual(bad, [invoicePairKey(a.rig.coordinator.attemptsOf(ta.id)[0].ecrRef, cInvoice), invoicePairKey(bInvoice, cInvoice)]);
  } finally {
    await close(a, b, c);
  }
});

test('a silent store: the first sale waits out the deadline, the next ones do not ask until a push finds the store back', async () => {
  // A real socket that accepts and never answers: a store hung or behind a dead route.
  const silent = net.createServer((s) => s.on('error', () => undefined));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  const port = (silent.address() as net.AddressInfo).port;
  const pool = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${port}/store`, connectionTimeoutMillis: 3000 });
  pool.on('error', () => undefined);
  const rig = await startRig({ register: { id: 'reg-S', code: '9', name: 'Till S' } });
  try {
    let asked = 0;
    const guard = new CrossRegisterDuplicateGuard({
      registerId: 'S',
      recentCharges: (p, w) => {
        asked++;
        return findPossibleDuplicates(pool, p, w);
      },
      now: () => Date.now(),
      storeTimeoutMs: 300,
      storeRestMs: 60_000,
    });
    const t = rig.ticketWith('coffee');
    const req = { ticketId: t.id, ticketNumber: t.number, amount: t.due, currency: 'USD', terminal: rig.pads.pad1.terminal };
    let began = performance.now();
    assert.equal(await guard.check(req), 'store_unreachable');
    assert.ok(performance.now() - began >= 290, 'the first sale waited for the store');
    began = performance.now();
    assert.equal(await guard.check(req), 'store_unreachable');
    assert.ok(performance.now() - began < 100, 'the next one did not');
    assert.equal(asked, 1);
    guard.storeAnswered();
    await guard.check(req);
    assert.equal(asked, 2, 'asked again once the store answered a push');
  } finally {
    await rig.close();
    await Promise.race([pool.end(), new Promise((r) => setTimeout(r, 3500))]);
    silent.close();
  }
});
