// The ticket move commands without a store and with a store out of reach: the
// lists say what is so, a move is refused in plain words, and the ticket stays.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { AppError } from '../../src-shared/errors.ts';
import { tempDir } from '../journal/journal-test-rig.ts';
import { openRegisterJournal } from './register-journal-test-rig.ts';
import { ticketMoveHandlers } from './ticket-move-handlers.ts';
import { TicketMoveService } from './ticket-move-service.ts';
import { MOVE_WORDS } from './ticket-ownership-repository.ts';

const ctx = { connectionId: 't' };

test('no store: nothing to move to, nothing moved here, and a move is refused in plain words', async () => {
  const h = ticketMoveHandlers(() => undefined, false);
  assert.deepEqual(await h['ticket.moveTargets']({}, ctx), { configured: false, registers: [] });
  assert.deepEqual(await h['ticket.movedHere']({}, ctx), { configured: false, items: [] });
  await assert.rejects(async () => h['ticket.move']({ ticketId: 't1', toRegister: 'reg2' }, ctx), (e: unknown) => e instanceof AppError && /not part of a store/.test(e.message));
});

test('the store out of reach: the move is offered but refused with the reason, and the ticket stays open', async () => {
  const tmp = tempDir('cashier-move-handlers-');
  const reg = openRegisterJournal(tmp.dir, 'till-h', 'H');
  const dead = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 300 });
  dead.on('error', () => undefined);
  try {
    const moves = new TicketMoveService({ pool: dead, registerId: 'till-h', registerName: 'Till H', tickets: reg.tickets, now: () => new Date() });
    const h = ticketMoveHandlers(() => moves, true);
    const targets = await h['ticket.moveTargets']({}, ctx);
    assert.equal(targets.configured, true);
    assert.deepEqual(targets.registers, []);
    assert.match(targets.unreachable ?? '', /^The store cannot be reached/);
    assert.doesNotMatch(targets.unreachable ?? '', /127\.0\.0\.1|ECONNREFUSED|postgres/);
    await assert.rejects(async () => h['ticket.movedHere']({}, ctx), (e: unknown) => e instanceof AppError && e.code === 'store_unavailable');
    const t = reg.tickets.create();
    await assert.rejects(async () => h['ticket.move']({ ticketId: t.id, toRegister: 'till-x' }, ctx), (e: unknown) => e instanceof AppError && e.message === MOVE_WORDS.offline);
    assert.equal(reg.tickets.get(t.id).status, 'open');
    reg.tickets.addLine(t.id, reg.tickets.catalog()[0].id, 1);
  } finally {
    await dead.end();
    reg.close();
    tmp.cleanup();
  }
});
