// The receiving register killed with SIGKILL in the middle of a receive: its
// journal committed the new ticket but the store never heard it was received.
// Asked again (by the list or by the cashier), the register finds the ticket
// it opened: one ticket, and the store marked received once.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { tempDir } from '../journal/journal-test-rig.ts';
import { openRegisterJournal } from './register-journal-test-rig.ts';
import { startStoreTestCluster, type StoreTestCluster } from './store-test-rig.ts';
import { TicketMoveService, receivedTicketId } from './ticket-move-service.ts';
import { moveTicket } from './ticket-ownership-repository.ts';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'ticket-receive-child.ts');
let cluster: StoreTestCluster;
const tmp = tempDir('cashier-receive-crash-');
before(async () => {
  cluster = await startStoreTestCluster();
});
after(async () => {
  await cluster?.stop();
  tmp.cleanup();
});

function runChild(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, out })));
}

test('SIGKILL of the receiving register between its journal and the store: received once, the same ticket after restart', async () => {
  const url = await cluster.createStoreDatabase();
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => undefined);
  const giver = openRegisterJournal(tmp.dir, 'till-g', 'G');
  try {
    for (const r of [{ id: 'till-g', name: 'Till G' }, { id: 'till-r', name: 'Till R' }]) {
      await pool.query("INSERT INTO journal_rows (register_id, change_seq, table_name, row_key, op, row_data) VALUES ($1, 1, 'registers', $2, 'upsert', $3)", [r.id, JSON.stringify([r.id]), r]);
    }
    // The receiving register's journal exists before the move (its register row), as on a real till.
    openRegisterJournal(tmp.dir, 'till-r', 'R').close();
    const item = giver.tickets.catalog().find((i) => i.price > 0)!;
    const t = giver.tickets.create();
    giver.tickets.addLine(t.id, item.id, 2);
    giver.tickets.tenderCash(t.id, item.price);
    const gives = new TicketMoveService({ pool, registerId: 'till-g', registerName: 'Till G', tickets: giver.tickets, now: () => new Date() });
    await gives.move(t.id, 'till-r', 'cashier');
    const transfer = (await pool.query<{ id: string }>('SELECT id FROM ticket_transfers WHERE ticket_id = $1', [t.id])).rows[0].id;

    const killed = await runChild([tmp.dir, 'till-r', 'R', url, transfer, 'kill']);
    assert.equal(killed.signal, 'SIGKILL', killed.out);
    const mark = async () => (await pool.query('SELECT received_ticket_id FROM ticket_transfers WHERE id = $1', [transfer])).rows[0].received_ticket_id as string | null;
    assert.equal(await mark(), null, 'the store never heard: the kill came first');

    // Restarted, the cashier opens it again from the list.
    const again = await runChild([tmp.dir, 'till-r', 'R', url, transfer]);
    assert.equal(again.code, 0, again.out);
    const expected = receivedTicketId({ transferId: Number(transfer), originRegister: 'till-g', ticketId: t.id });
    assert.match(again.out, new RegExp(`received ${expected} #1\\n`), 'the ticket the killed process opened');
    assert.equal(await mark(), expected);

    const receiver = openRegisterJournal(tmp.dir, 'till-r', 'R');
    try {
      const open = receiver.tickets.listOpen();
      assert.deepEqual(open.map((x) => [x.id, x.lineCount, x.total, x.due]), [[expected, 1, 2 * item.price, item.price]], 'one ticket, its line and the cash already taken');
      const receivedEvents = receiver.journal.db.prepare("SELECT count(*) FROM events WHERE entity = 'ticket' AND type = 'received'").pluck().get();
      assert.equal(receivedEvents, 1);
      assert.equal(receiver.journal.verify().ok, true);
      const takes = new TicketMoveService({ pool, registerId: 'till-r', registerName: 'Till R', tickets: receiver.tickets, now: () => new Date() });
      assert.deepEqual(await takes.movedHere(), []);
    } finally {
      receiver.close();
    }
  } finally {
    giver.close();
    await pool.end();
  }
});

test('killed before the store was told, the list marks it received by itself and does not offer it again', async () => {
  const url = await cluster.createStoreDatabase();
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => undefined);
  const giver = openRegisterJournal(tmp.dir, 'till-g2', 'G2');
  try {
    await pool.query("INSERT INTO journal_rows (register_id, change_seq, table_name, row_key, op, row_data) VALUES ('till-r2', 1, 'registers', '[\"till-r2\"]', 'upsert', '{\"id\":\"till-r2\",\"name\":\"Till R2\"}')");
    openRegisterJournal(tmp.dir, 'till-r2', 'R2').close();
    const t = giver.tickets.create();
    giver.tickets.addLine(t.id, giver.tickets.catalog().find((i) => i.price > 0)!.id, 1);
    await new TicketMoveService({ pool, registerId: 'till-g2', registerName: 'Till G2', tickets: giver.tickets, now: () => new Date() }).move(t.id, 'till-r2', 'cashier');
    const transfer = (await pool.query<{ id: string }>('SELECT id FROM ticket_transfers WHERE ticket_id = $1', [t.id])).rows[0].id;
    assert.equal((await runChild([tmp.dir, 'till-r2', 'R2', url, transfer, 'kill'])).signal, 'SIGKILL');
    const receiver = openRegisterJournal(tmp.dir, 'till-r2', 'R2');
    try {
      const takes = new TicketMoveService({ pool, registerId: 'till-r2', registerName: 'Till R2', tickets: receiver.tickets, now: () => new Date() });
      assert.deepEqual(await takes.movedHere(), [], 'already opened here: not offered again');
      const r = await pool.query('SELECT received_ticket_id FROM ticket_transfers WHERE id = $1', [transfer]);
      assert.equal(r.rows[0].received_ticket_id, receivedTicketId({ transferId: Number(transfer), originRegister: 'till-g2', ticketId: t.id }));
      assert.equal(receiver.tickets.listOpen().length, 1);
    } finally {
      receiver.close();
    }
  } finally {
    giver.close();
    await pool.end();
  }
});

test('the giving register stopped between the store recording the move and its journal: the push pass journals the move, once', async () => {
  const url = await cluster.createStoreDatabase();
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => undefined);
  const giver = openRegisterJournal(tmp.dir, 'till-g3', 'G3');
  try {
    await pool.query("INSERT INTO journal_rows (register_id, change_seq, table_name, row_key, op, row_data) VALUES ('till-r3', 1, 'registers', '[\"till-r3\"]', 'upsert', '{\"id\":\"till-r3\",\"name\":\"Till R3\"}')");
    const t = giver.tickets.create();
    giver.tickets.addLine(t.id, giver.tickets.catalog().find((i) => i.price > 0)!.id, 1);
    // What the killed process got done: the store's transaction, not the journal's.
    const begun = giver.tickets.beginMove(t.id);
    const { transferId } = await moveTicket(pool, {
      originRegister: 'till-g3', ticketId: t.id, from: 'till-g3', to: 'till-r3', actor: 'cashier', unresolvedHere: 0, at: new Date(),
      carry: { fromName: 'Till G3', originNumber: t.number, currency: 'USD', lines: begun.lines, cashApplied: 0, slotsUsed: [] },
    });
    giver.tickets.cancelMove(t.id); // the restarted process holds nothing
    assert.equal(giver.tickets.get(t.id).status, 'open', 'the journal still has it open');
    const gives = new TicketMoveService({ pool, registerId: 'till-g3', registerName: 'Till G3', tickets: giver.tickets, now: () => new Date() });
    assert.equal(await gives.mendMovesAway(), 1);
    assert.equal(await gives.mendMovesAway(), 0, 'once');
    assert.equal(giver.tickets.get(t.id).status, 'moved');
    assert.equal(giver.tickets.listOpen().length, 0);
    const moved = giver.journal.db.prepare("SELECT payload FROM events WHERE entity = 'ticket' AND entity_id = ? AND type = 'moved'").all(t.id) as { payload: string }[];
    assert.equal(moved.length, 1);
    assert.equal(JSON.parse(moved[0].payload).receivedTicketId, receivedTicketId({ transferId, originRegister: 'till-g3', ticketId: t.id }));
    assert.equal(JSON.parse(moved[0].payload).toName, 'Till R3');
  } finally {
    giver.close();
    await pool.end();
  }
});
