// Moving a ticket between registers on a throw-away PostgreSQL: refused while
// an attempt is unresolved (the register's own journal, or the store's copy),
// refused from a register the ticket is no longer on, two moves at once on
// two connections: exactly one wins; and nothing moves without the store.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { AppError } from '../../src-shared/errors.ts';
import { MOVE_WORDS, moveTicket, ownerOf } from './ticket-ownership-repository.ts';
import { startStoreTestPool, type StoreTestPool } from './store-test-rig.ts';

let store: StoreTestPool | undefined;
let pool: pg.Pool;
before(async () => {
  store = await startStoreTestPool();
  pool = store.pool;
});
after(() => store?.stop());

const at = new Date(Date.UTC(2026, 10, 30, 10));
const move = (ticketId: string, from: string, to: string, unresolvedHere = 0) => moveTicket(pool, { originRegister: 'reg1', ticketId, from, to, actor: 'staff-1', unresolvedHere, at });
const refusedWith = (words: string, code: string) => (e: unknown) => e instanceof AppError && e.code === code && e.message === words;

test('a ticket moves once nothing on it is unresolved, by the register\'s journal and by the store\'s copy', async () => {
  await assert.rejects(move('t1', 'reg1', 'reg2', 1), refusedWith(MOVE_WORDS.unresolved, 'attempt_unresolved'));
  // The store's copy of reg1's journal (as the relay writes it) still shows an attempt in doubt.
  await pool.query(
    "INSERT INTO journal_rows (register_id, change_seq, table_name, row_key, op, row_data) VALUES ('reg1', 1, 'payment_attempts', '[\"a1\"]', 'upsert', $1)",
    [{ id: 'a1', ticket_id: 't1', state: 'in_doubt' }],
  );
  await assert.rejects(move('t1', 'reg1', 'reg2'), refusedWith(MOVE_WORDS.unresolved, 'attempt_unresolved'));
  assert.equal(await ownerOf(pool, { originRegister: 'reg1', ticketId: 't1' }), 'reg1');
  await pool.query(
    "INSERT INTO journal_rows (register_id, change_seq, table_name, row_key, op, row_data) VALUES ('reg1', 2, 'payment_attempts', '[\"a1\"]', 'upsert', $1)",
    [{ id: 'a1', ticket_id: 't1', state: 'declined' }],
  );
  const { transferId } = await move('t1', 'reg1', 'reg2');
  assert.ok(transferId > 0);
  assert.equal(await ownerOf(pool, { originRegister: 'reg1', ticketId: 't1' }), 'reg2');
  // The register it left cannot move it again, nor can a stale screen move it twice.
  await assert.rejects(move('t1', 'reg1', 'reg3'), refusedWith(MOVE_WORDS.notHere, 'conflict'));
  await move('t1', 'reg2', 'reg3');
  assert.equal(await ownerOf(pool, { originRegister: 'reg1', ticketId: 't1' }), 'reg3');
});

test('two moves of one ticket at the same moment: exactly one wins, the other is told where it went', async () => {
  const results = await Promise.allSettled([move('t2', 'reg1', 'reg2'), move('t2', 'reg1', 'reg3'), move('t2', 'reg1', 'reg4')]);
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  for (const r of results) if (r.status === 'rejected') assert.ok(refusedWith(MOVE_WORDS.notHere, 'conflict')(r.reason), String(r.reason));
  const transfers = await pool.query("SELECT count(*)::int AS n FROM ticket_transfers WHERE ticket_id = 't2'");
  assert.equal(transfers.rows[0].n, 1);
});

test('without the store nothing moves, in plain words', async () => {
  const dead = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 300 });
  dead.on('error', () => undefined);
  try {
    await assert.rejects(
      moveTicket(dead, { originRegister: 'reg1', ticketId: 't3', from: 'reg1', to: 'reg2', actor: 's', unresolvedHere: 0, at }),
      refusedWith(MOVE_WORDS.offline, 'store_unavailable'),
    );
  } finally {
    await dead.end();
  }
});
