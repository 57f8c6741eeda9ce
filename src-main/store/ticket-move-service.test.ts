// Moving an open ticket between two real registers (own journals, PAX
// simulators on TCP, one processor ledger) through a throw-away PostgreSQL
// store. The ground truth of "charged twice" is the processor's ledger.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import type { LedgerEntry } from '../../drivers/pax/simulator/processor-ledger.ts';
import { AppError } from '../../src-shared/errors.ts';
import { RESOLVING } from '../payments/payment-messages.ts';
import { EndOfDayReporter } from '../settlement/end-of-day-report.ts';
import { RIG_CATALOG, startRig, until, type Rig } from '../payments/payment-test-rig.ts';
import { TicketService } from '../tickets/ticket-service.ts';
import { REGISTER_GROUP_ROLE } from './schema/store-migration.ts';
import { startStoreTestCluster, type StoreTestCluster } from './store-test-rig.ts';
import { startStoreLinkProxy } from './store-link-proxy-test-rig.ts';
import { MOVE_SETTLE_MS, TicketMoveService, receivedTicketId } from './ticket-move-service.ts';
import { MOVE_WORDS, moveTicket, ownerOf } from './ticket-ownership-repository.ts';

let cluster: StoreTestCluster;
let url: string;
let adminUrl: string;
before(async () => {
  cluster = await startStoreTestCluster();
  const admin = await cluster.createStoreDatabase();
  adminUrl = admin;
  // The registers connect with a least-privilege login in the store's register group, as in a real store.
  const role = `reg_move_${process.pid}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE ROLE ${role} LOGIN IN ROLE ${REGISTER_GROUP_ROLE}`);
  await c.end();
  const u = new URL(admin);
  u.username = role;
  url = u.toString();
});
after(async () => {
  await cluster?.stop();
});

interface Till {
  id: string;
  rig: Rig;
  pool: pg.Pool;
  moves: TicketMoveService;
}

let seq = 0;
/** Two tills of one store, B charging through A's processor ledger. */
async function twoTills(): Promise<{ a: Till; b: Till; close(): Promise<void> }> {
  const n = ++seq;
  const till = async (letter: string, code: string, share?: Rig): Promise<Till> => {
    const register = { id: `reg-${letter}${n}`, code: `${code}${n}`, name: `Till ${code}` };
    const rig = await startRig({ register, ...(share ? { processor: share.gateway.processorLink() } : {}) });
    const pool = new pg.Pool({ connectionString: url, max: 3, connectionTimeoutMillis: 1000 });
    pool.on('error', () => undefined);
    // The register row as the relay carries it: what the store knows of the register.
    await pool.query(
      "INSERT INTO journal_rows (register_id, change_seq, table_name, row_key, op, row_data) VALUES ($1, 1, 'registers', $2, 'upsert', $3)",
      [register.id, JSON.stringify([register.id]), register],
    );
    const moves = new TicketMoveService({ pool, registerId: register.id, registerName: register.name, tickets: rig.tickets, now: () => new Date() });
    return { id: register.id, rig, pool, moves };
  };
  const a = await till('A', '1');
  const b = await till('B', '2', a.rig);
  return {
    a,
    b,
    async close() {
      for (const t of [a, b]) {
        await t.rig.close();
        await t.pool.end();
      }
    },
  };
}

const approved = (ledger: readonly LedgerEntry[]) => ledger.filter((e) => e.kind === 'sale' && e.status === 'approved');
const refused = (code: string, words: string) => (e: unknown) => e instanceof AppError && e.code === code && e.message === words;

test('an open ticket moves with its lines and cash; the receiving till opens it once, under its own number and references; both journals link it', async () => {
  const { a, b, close } = await twoTills();
  try {
    const t = a.rig.ticketWith('coffee', 'cake');
    a.rig.tickets.tenderCash(t.id, 500);
    const bId = b.id;
    assert.deepEqual((await a.moves.targets()).map((r) => r.name), ['Till 2']);
    const moved = await a.moves.move(t.id, bId, 'cashier');
    assert.equal(moved.status, 'moved', 'closed here as moved, not voided');
    assert.equal(a.rig.tickets.listOpen().some((x) => x.id === t.id), false, 'it left the open list');
    // The closed-ticket list says where it went (not "Voided").
    assert.deepEqual(
      a.rig.tickets.historyToday().filter((h) => h.id === t.id).map((h) => [h.status, h.movedTo]),
      [['moved', 'Till 2']],
    );
    assert.equal(await ownerOf(a.pool, { originRegister: moved.registerId, ticketId: t.id }), bId);

    const here = await b.moves.movedHere();
    assert.equal(here.length, 1);
    assert.deepEqual([here[0].fromName, here[0].originNumber, here[0].lineCount, here[0].total, here[0].cashApplied], ['Till 1', t.number, 2, 1450, 500]);
    const opened = await b.moves.receive(here[0].transferId);
    // Asked again (a double press, a second screen): the same ticket, not a second one.
    const again = await b.moves.receive(here[0].transferId);
    assert.equal(again.id, opened.id);
    assert.deepEqual(opened.lines.map((l) => [l.description, l.lineTotal]), [['Coffee', 1000], ['Cake', 450]]);
    assert.deepEqual([opened.total, opened.paid, opened.due], [1450, 500, 950]);
    assert.equal(b.rig.tickets.listOpen().filter((x) => x.id === opened.id).length, 1);
    assert.deepEqual(await b.moves.movedHere(), []);

    // Both journals link the two tickets.
    const movedEvent = a.rig.tickets.events(t.id).find((e) => e.type === 'moved');
    assert.ok(movedEvent);
    const movedPayload = JSON.parse((a.rig.journal.db.prepare("SELECT payload FROM events WHERE entity = 'ticket' AND entity_id = ? AND type = 'moved'").get(t.id) as { payload: string }).payload);
    assert.equal(movedPayload.receivedTicketId, opened.id);
    const receivedPayload = JSON.parse((b.rig.journal.db.prepare("SELECT payload FROM events WHERE entity = 'ticket' AND entity_id = ? AND type = 'received'").get(opened.id) as { payload: string }).payload);
    assert.deepEqual([receivedPayload.originTicketId, receivedPayload.fromRegister, receivedPayload.cashApplied], [t.id, moved.registerId, 500]);

    // The rest is charged on B with B's own reference: register + ticket + slot, so never one of A's.
    const paid = await b.rig.coordinator.start(opened.id, 950);
    assert.equal(paid.state, 'approved');
    const sales = approved(a.rig.gateway.ledger.all()); // the one processor both tills charge through
    assert.deepEqual(sales.map((s) => [s.invoice, s.amount]), [[`R2${seq}T${opened.number}P1`, 950]]);
    assert.equal(b.rig.tickets.get(opened.id).status, 'paid');
    // A's journal: nothing more can be taken on the moved ticket.
    await assert.rejects(a.rig.coordinator.start(t.id, 950), (e: unknown) => e instanceof AppError && e.code === 'ticket_closed');
    // The 5.00 in notes is in till 1's drawer: its end-of-day counts it, till 2's does not count it again.
    const cashOf = (r: Rig) => new EndOfDayReporter(r.journal.db, { currency: 'USD', clock: () => new Date() }).report().tenders.cash;
    assert.deepEqual(cashOf(a.rig), { count: 1, amount: 500 });
    assert.deepEqual(cashOf(b.rig), { count: 0, amount: 0 });
    assert.equal(a.rig.journal.verify().ok, true, 'the giving journal verifies (its rows rebuild from its events)');
    assert.equal(b.rig.journal.verify().ok, true, 'the receiving journal verifies');
  } finally {
    await close();
  }
});

/** Till A's move service over a proxied store link (a real TCP proxy that can lose an answer), on a clock the test moves. */
async function lossyMoves(a: Till) {
  const proxy = await startStoreLinkProxy({ host: '127.0.0.1', port: cluster.port });
  const pool = new pg.Pool({ connectionString: proxy.urlFor(url), max: 2, connectionTimeoutMillis: 1000 });
  pool.on('error', () => undefined);
  let now = Date.now();
  const moves = new TicketMoveService({ pool, registerId: a.id, registerName: 'Till 1', tickets: a.rig.tickets, now: () => new Date(now) });
  return {
    proxy,
    pool,
    moves,
    later: (ms: number) => void (now += ms),
    async close() {
      await pool.end();
      await proxy.close();
    },
  };
}

const held = (e: unknown) => e instanceof AppError && e.code === 'conflict' && /being moved/.test(e.message);
const ticketEventTypes = (r: Rig, ticketId: string) => r.journal.db.prepare("SELECT type FROM events WHERE entity = 'ticket' AND entity_id = ? ORDER BY seq").pluck().all(ticketId) as string[];

type LossyMoves = Awaited<ReturnType<typeof lossyMoves>>;

/**
 * Two tills; till A asks to move a ticket over a link that loses the store's
 * answer at `marker` (the request reaches PostgreSQL whole), and is refused
 * with `words`; then `run` with the tills, A's lossy move service and the ticket.
 */
async function lostMove(marker: string, words: string, run: (c: { a: Till; b: Till; lossy: LossyMoves; ticketId: string }) => Promise<void>): Promise<void> {
  const { a, b, close } = await twoTills();
  const lossy = await lossyMoves(a);
  try {
    const t = a.rig.ticketWith('coffee');
    lossy.proxy.loseAnswerTo(marker);
    await assert.rejects(lossy.moves.move(t.id, b.id, 'cashier'), refused('store_unavailable', words));
    await run({ a, b, lossy, ticketId: t.id });
  } finally {
    await lossy.close();
    await close();
  }
}

test('the store\'s answer to a move is lost after its COMMIT left: the ticket is held here (no line, no card) until the store says; it had moved, so it is journaled as moved and charged once, at the other till', () =>
  lostMove('COMMIT', MOVE_WORDS.inDoubt, async ({ a, b, lossy, ticketId }) => {
    assert.deepEqual(lossy.moves.movesInDoubt(), [ticketId]);
    // The store did move it: till 2 can open it. Till 1 must take nothing on it meanwhile.
    assert.equal((await b.moves.movedHere()).length, 1);
    assert.throws(() => a.rig.tickets.addLine(ticketId, 'cake', 1), held);
    await assert.rejects(a.rig.coordinator.start(ticketId, 1000), held);
    // The link is back: the mend pass asks the store and journals the move here.
    lossy.proxy.restore();
    assert.equal(await lossy.moves.mendMovesAway(), 1);
    assert.equal(a.rig.tickets.get(ticketId).status, 'moved');
    assert.deepEqual(lossy.moves.movesInDoubt(), []);
    const [here] = await b.moves.movedHere();
    const opened = await b.moves.receive(here.transferId);
    assert.equal((await b.rig.coordinator.start(opened.id, 1000)).state, 'approved');
    // Ground truth: one charge for the customer, at till 2.
    assert.deepEqual(approved(a.rig.gateway.ledger.all()).map((e) => e.amount), [1000]);
    await assert.rejects(a.rig.coordinator.start(ticketId, 1000), (e: unknown) => e instanceof AppError && e.code === 'ticket_closed');
  }));

test('a move whose answer was lost, then the register restarted: the journaled request holds the ticket again until the store says; moved there, so journaled as moved here', () =>
  lostMove('COMMIT', MOVE_WORDS.inDoubt, async ({ a, lossy, ticketId }) => {
    // The restart: a new ticket service on the same journal (nothing in memory), the store still out of reach.
    const restarted = new TicketService(a.rig.journal, { register: { id: a.id, code: `1${seq}`, name: 'Till 1' }, currency: 'USD', catalog: RIG_CATALOG });
    const again = new TicketMoveService({ pool: lossy.pool, registerId: a.id, registerName: 'Till 1', tickets: restarted, now: () => new Date() });
    assert.deepEqual(again.movesInDoubt(), [ticketId]);
    assert.throws(() => restarted.addLine(ticketId, 'cake', 1), held, 'held again after the restart');
    lossy.proxy.restore();
    assert.equal(await again.mendMovesAway(), 1);
    assert.equal(restarted.get(ticketId).status, 'moved');
    assert.deepEqual(again.movesInDoubt(), []);
    assert.deepEqual(ticketEventTypes(a.rig, ticketId).slice(-2), ['move_requested', 'moved']);
    assert.equal(a.rig.journal.verify().ok, true, 'the journal verifies with the new events');
  }));

test('the link breaks before the COMMIT: the store rolled the move back, so the ticket is this register\'s at once (plain words) and nothing reached the other till', () =>
  lostMove('INSERT INTO ticket_transfers', MOVE_WORDS.offline, async ({ a, b, lossy, ticketId }) => {
    assert.deepEqual(lossy.moves.movesInDoubt(), []);
    assert.deepEqual(ticketEventTypes(a.rig, ticketId).slice(-2), ['move_requested', 'move_cancelled'], 'the request and that it did not happen are journaled');
    a.rig.tickets.addLine(ticketId, 'cake', 1);
    assert.deepEqual(await b.moves.movedHere(), []);
    assert.equal(await ownerOf(b.pool, { originRegister: a.id, ticketId }), a.id);
  }));

test('a move in doubt the store has no transfer of is released only after the settle time; broken variant: releasing at once (the old way) charges the customer twice', () =>
  lostMove('COMMIT', MOVE_WORDS.inDoubt, async ({ a, b, lossy, ticketId }) => {
    lossy.proxy.restore();
    // Broken variant first, on what the store holds now: a register that gives the ticket back at once lets
    // both tills charge it (the processor ledger shows two charges for one customer's coffee).
    a.rig.tickets.cancelMove(ticketId);
    const [here] = await b.moves.movedHere();
    const opened = await b.moves.receive(here.transferId);
    assert.equal((await a.rig.coordinator.start(ticketId, 1000)).state, 'approved');
    assert.equal((await b.rig.coordinator.start(opened.id, 1000)).state, 'approved');
    assert.equal(approved(a.rig.gateway.ledger.all()).length, 2, 'the broken variant charged twice');

    // The real thing: a second ticket in doubt whose transfer the store does not hold (an administrator removed
    // it, as if the COMMIT had never landed) stays held until the settle time has passed since the failure.
    const u = a.rig.ticketWith('cake');
    lossy.proxy.loseAnswerTo('COMMIT');
    await assert.rejects(lossy.moves.move(u.id, b.id, 'cashier'), refused('store_unavailable', MOVE_WORDS.inDoubt));
    lossy.proxy.restore();
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await admin.query('DELETE FROM ticket_transfers WHERE origin_register = $1 AND ticket_id = $2', [a.id, u.id]);
      await admin.query('UPDATE ticket_owners SET owner_register = origin_register WHERE origin_register = $1 AND ticket_id = $2', [a.id, u.id]);
    } finally {
      await admin.end();
    }
    assert.equal(await lossy.moves.mendMovesAway(), 0);
    assert.throws(() => a.rig.tickets.addLine(u.id, 'cake', 1), held, 'still held before the settle time');
    lossy.later(MOVE_SETTLE_MS);
    await lossy.moves.mendMovesAway();
    assert.deepEqual(lossy.moves.movesInDoubt(), []);
    a.rig.tickets.addLine(u.id, 'cake', 1);
    assert.equal(a.rig.tickets.get(u.id).status, 'open');
  }));

test('refused while a card payment on the ticket is in doubt, allowed once it resolves', async () => {
  const { a, b, close } = await twoTills();
  try {
    const t = a.rig.ticketWith('coffee');
    const bId = b.id;
    a.rig.pads.pad1.sim.setFault({ kind: 'hang' }, { once: true }); // the sale never reaches the processor
    const faultId = a.rig.gateway.injectFault({ kind: 'http_5xx', commands: ['report:approved'], times: 'always' });
    const first = await a.rig.coordinator.start(t.id, 1000);
    assert.equal(first.state, 'in_doubt');
    await until(() => a.rig.coordinator.snapshot(first.id).message === RESOLVING.gatewayUnreachable, 8000, 'gateway message');
    await assert.rejects(a.moves.move(t.id, bId, 'cashier'), refused('attempt_unresolved', MOVE_WORDS.unresolved));
    assert.equal(a.rig.tickets.get(t.id).status, 'open');
    assert.equal(await ownerOf(a.pool, { originRegister: t.registerId, ticketId: t.id }), t.registerId);
    assert.deepEqual(await b.moves.movedHere(), []);
    a.rig.gateway.clearFaults(faultId);
    assert.equal((await a.rig.coordinator.waitForResolution(first.id, 8000)).state, 'not_charged');
    await a.moves.move(t.id, bId, 'cashier');
    const [item] = await b.moves.movedHere();
    const opened = await b.moves.receive(item.transferId);
    assert.equal(opened.due, 1000);
    assert.equal((await b.rig.coordinator.start(opened.id, 1000)).state, 'approved');
    // One charge for the customer, from B; A's slot 1 never charged.
    assert.deepEqual(approved(a.rig.gateway.ledger.all()).map((s) => s.amount), [1000]);
    const transfer = await a.pool.query('SELECT slots_used FROM ticket_transfers WHERE id = $1', [item.transferId]);
    assert.deepEqual(transfer.rows[0].slots_used, [1], "A's slot travels in the record; it stays A's");
    // The bank approves A's slot 1 late after all: the slot is still A's, so A's Find Missing finds the charge
    // (on the moved ticket's number, for the manager), not B.
    const aRef = `R1${seq}T${t.number}P1`;
    a.rig.gateway.ledger.add({
      refNum: 'late-1', kind: 'sale', invoice: aRef, amount: 1000, currency: 'USD', maskedPan: '411111******1111', cardBrand: 'visa', entryMode: 'chip',
      deviceId: 'pad1', authCode: 'LATE01', status: 'approved', text: 'APPROVAL', batch: '1', enteredAt: Date.now(), captured: false, refundedAmount: 0,
    });
    await a.rig.finder.findMissing();
    assert.deepEqual(a.rig.orphans.listOpen().map((o) => o.invoice), [aRef], "the late charge is on A's orphan queue");
  } finally {
    await close();
  }
});

test('the store out of reach: the ticket stays, in plain words, and can still be rung and paid here', async () => {
  const { a, b, close } = await twoTills();
  const dead = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 300 });
  dead.on('error', () => undefined);
  try {
    const t = a.rig.ticketWith('coffee');
    const offline = new TicketMoveService({ pool: dead, registerId: t.registerId, registerName: 'Till 1', tickets: a.rig.tickets, now: () => new Date() });
    await assert.rejects(offline.move(t.id, b.id, 'cashier'), refused('store_unavailable', MOVE_WORDS.offline));
    assert.equal(a.rig.tickets.get(t.id).status, 'open');
    a.rig.tickets.addLine(t.id, 'cake', 1);
    assert.equal((await a.rig.coordinator.start(t.id, 1450)).state, 'approved');
    // A ticket a card already paid part of stays too.
    const part = a.rig.ticketWith('coffee', 'cake');
    assert.equal((await a.rig.coordinator.start(part.id, 450)).state, 'approved');
    await assert.rejects(a.moves.move(part.id, b.id, 'cashier'), (e: unknown) => e instanceof AppError && e.code === 'conflict' && /card has already paid/.test(e.message));
    assert.equal(a.rig.tickets.get(part.id).status, 'open');
  } finally {
    await dead.end();
    await close();
  }
});

test('broken variant: a move that ignores the attempt in doubt lets the customer be charged twice (processor ledger); the real move refuses it', async () => {
  const { a, b, close } = await twoTills();
  try {
    const t = a.rig.ticketWith('coffee');
    const bId = b.id;
    // The card is charged but the answer is lost, and neither the PIN pad nor the gateway can be asked.
    a.rig.pads.pad1.sim.setFault({ kind: 'drop_response' }, { once: true });
    const faultId = a.rig.gateway.injectFault({ kind: 'http_5xx', commands: ['report:approved'], times: 'always' });
    const saleDone = a.rig.coordinator.start(t.id, 1000);
    await until(() => a.rig.pads.pad1.sim.records().length === 1, 5000, 'the sale to reach the PIN pad');
    a.rig.pads.pad1.sim.setFault({ kind: 'hang' });
    assert.equal((await saleDone).state, 'in_doubt');

    // The real move refuses.
    await assert.rejects(a.moves.move(t.id, bId, 'cashier'), refused('attempt_unresolved', MOVE_WORDS.unresolved));

    // The broken variant: tells the store nothing is unresolved (and the store has no copy of A's journal yet).
    const begun = a.rig.tickets.beginMove(t.id);
    const { transferId } = await moveTicket(a.pool, {
      originRegister: t.registerId,
      ticketId: t.id,
      from: t.registerId,
      to: bId,
      actor: 'cashier',
      unresolvedHere: 0,
      at: new Date(),
      carry: { fromName: 'Till 1', originNumber: t.number, currency: 'USD', lines: begun.lines, cashApplied: 0, slotsUsed: begun.slotsUsed },
    });
    a.rig.tickets.finishMove(t.id, { transferId, toRegister: bId, toName: 'Till 2', receivedTicketId: receivedTicketId({ transferId, originRegister: t.registerId, ticketId: t.id }), cashApplied: 0, slotsUsed: begun.slotsUsed });
    const opened = await b.moves.receive(transferId);
    assert.equal((await b.rig.coordinator.start(opened.id, 1000)).state, 'approved');
    // The first charge was real: once the links return, A finds it approved on its own slot.
    a.rig.pads.pad1.sim.setFault(null);
    a.rig.gateway.clearFaults(faultId);
    const [doubt] = a.rig.coordinator.attemptsOf(t.id);
    assert.equal((await a.rig.coordinator.waitForResolution(doubt.id, 8000)).state, 'approved');
    // Ground truth: the processor took 10.00 twice for one 10.00 ticket.
    const sales = approved(a.rig.gateway.ledger.all());
    assert.deepEqual(sales.map((s) => s.amount), [1000, 1000], 'the broken move let one ticket be charged twice');
    assert.deepEqual(sales.map((s) => s.invoice).sort(), [`R1${seq}T${t.number}P1`, `R2${seq}T${opened.number}P1`].sort());
  } finally {
    await close();
  }
});
