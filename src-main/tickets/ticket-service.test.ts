import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { TicketSnapshot } from '../../src-shared/domain.ts';
import { AppError } from '../../src-shared/errors.ts';
import { AttemptRepository } from '../journal/attempt-repository.ts';
import { openTestJournal, tempDir } from '../journal/journal-test-rig.ts';
import { loadCatalog } from './catalog.ts';
import { TicketService } from './ticket-service.ts';

const tmp = tempDir('cashier-tickets-');
after(() => tmp.cleanup());
let n = 0;
const catalog = loadCatalog();
const register = { id: 'reg-1', code: 'R1', name: 'Front counter' };

function open(file = path.join(tmp.dir, `t${++n}.sqlite`), idPrefix = 'id-') {
  const journal = openTestJournal(file, idPrefix);
  const tickets = new TicketService(journal, { register, currency: 'USD', catalog });
  return { journal, tickets, file };
}

function code(fn: () => unknown, expected: string): void {
  assert.throws(fn, (e: unknown) => e instanceof AppError && e.code === expected && e.message.length > 20);
}

test('ringing and removing lines keeps the total in integer cents and the removed line voided', () => {
  const { journal, tickets } = open();
  const t = tickets.create();
  assert.equal(t.number, 1);
  assert.equal(t.status, 'open');
  tickets.addLine(t.id, 'coffee', 2); // 2 × 295
  const s = tickets.addLine(t.id, 'sandwich', 1); // 825
  assert.equal(s.total, 1415);
  assert.equal(s.due, 1415);
  const removed = tickets.removeLine(t.id, s.lines[0].id);
  assert.equal(removed.total, 825);
  assert.deepEqual(removed.lines.map((l) => [l.itemId, l.voided]), [['coffee', true], ['sandwich', false]]);
  assert.equal(tickets.create().number, 2);
  const types = (journal.db.prepare("SELECT type FROM events WHERE entity = 'ticket' AND entity_id = ? ORDER BY seq").all(t.id) as { type: string }[]).map((r) => r.type);
  assert.deepEqual(types, ['created', 'line_added', 'line_added', 'line_voided']);
  assert.equal(journal.verify().ok, true);
  journal.close();
});

test('bad input gets a typed error: unknown ticket, unknown item, bad quantity, bad cash amount', () => {
  const { journal, tickets } = open();
  const t = tickets.create();
  code(() => tickets.get('nope'), 'not_found');
  code(() => tickets.addLine('nope', 'coffee', 1), 'not_found');
  code(() => tickets.addLine(t.id, 'caviar', 1), 'not_found');
  code(() => tickets.addLine(t.id, 'coffee', 1.5), 'invalid_request');
  code(() => tickets.addLine(t.id, 'coffee', 0), 'invalid_request');
  code(() => tickets.removeLine(t.id, 'no-line'), 'not_found');
  code(() => tickets.tenderCash(t.id, 100), 'conflict'); // nothing due yet
  tickets.addLine(t.id, 'coffee', 1);
  code(() => tickets.tenderCash(t.id, 12.5), 'invalid_request');
  code(() => tickets.tenderCash(t.id, -100), 'invalid_request');
  assert.equal(tickets.get(t.id).tenders.length, 0);
  journal.close();
});

test('cash with change closes the ticket; a closed ticket refuses changes', () => {
  const { journal, tickets } = open();
  const t = tickets.create();
  tickets.addLine(t.id, 'latte', 1); // 450
  const { ticket, change } = tickets.tenderCash(t.id, 1000);
  assert.equal(change, 550);
  assert.equal(ticket.status, 'paid');
  assert.equal(ticket.paid, 450);
  assert.equal(ticket.due, 0);
  assert.deepEqual(ticket.tenders.map((x) => [x.kind, x.amount, x.tendered, x.change]), [['cash', 450, 1000, 550]]);
  code(() => tickets.addLine(t.id, 'coffee', 1), 'ticket_closed');
  code(() => tickets.removeLine(t.id, ticket.lines[0].id), 'ticket_closed');
  code(() => tickets.tenderCash(t.id, 100), 'ticket_closed');
  assert.deepEqual(tickets.listOpen(), []);
  journal.close();
});

test('partial cash leaves the rest due and the ticket open', () => {
  const { journal, tickets } = open();
  const t = tickets.create();
  tickets.addLine(t.id, 'salad', 2); // 1900
  const first = tickets.tenderCash(t.id, 1000);
  assert.equal(first.change, 0);
  assert.equal(first.ticket.status, 'open');
  assert.equal(first.ticket.due, 900);
  code(() => tickets.removeLine(t.id, first.ticket.lines[0].id), 'conflict'); // would leave it overpaid
  const second = tickets.tenderCash(t.id, 2000);
  assert.equal(second.change, 1100);
  assert.equal(second.ticket.status, 'paid');
  assert.equal(second.ticket.paid, 1900);
  journal.close();
});

test('closeWhenPaid counts approved card attempts and closes the ticket inside the caller transaction', () => {
  const { journal, tickets } = open();
  const attempts = new AttemptRepository(journal);
  const t = tickets.create();
  tickets.addLine(t.id, 'soup', 1); // 675
  const a = attempts.create({ ticketId: t.id, slot: 1, ecrRef: 'RR1T1P1', invoice: 'RR1T1P1', terminalId: 'pax-1', kind: 'sale', amountRequested: 675, currency: 'USD' });
  attempts.transition(a.id, { type: 'send' });
  code(() => tickets.tenderCash(t.id, 675), 'attempt_unresolved');
  const closed = journal.transact(() => {
    attempts.transition(a.id, { type: 'approve', source: 'terminal' }, { amountApproved: 675, maskedPan: '411111******1111', cardBrand: 'visa', authCode: 'A1B2C3' });
    return tickets.closeWhenPaid(t.id);
  });
  assert.equal(closed.status, 'paid');
  assert.deepEqual(closed.tenders.map((x) => [x.kind, x.amount, x.attemptId, x.maskedPan, x.authCode]), [['card', 675, a.id, '411111******1111', 'A1B2C3']]);
  journal.close();
});

test('an approval inside one transaction: attempt, ticket and both events carry one time; outside a transaction it is refused', () => {
  const { journal, tickets } = open();
  const attempts = new AttemptRepository(journal);
  const heard: TicketSnapshot[] = [];
  tickets.onTicketChanged((s) => heard.push(s));
  const t = tickets.create();
  tickets.addLine(t.id, 'soup', 1); // 675
  const a = attempts.create({ ticketId: t.id, slot: 1, ecrRef: 'RR1T1P1', invoice: 'RR1T1P1', terminalId: 'pax-1', kind: 'sale', amountRequested: 675, currency: 'USD' });
  const sent = attempts.transition(a.id, { type: 'send' });
  const at = '2026-03-04T05:06:07.000Z';
  code(() => attempts.transitionWithin(sent, { type: 'approve', source: 'terminal' }, {}, at), 'internal');
  code(() => tickets.closeWhenPaidWithin(t.id, at), 'internal');
  const seqBefore = (journal.db.prepare('SELECT seq FROM chain_head').get() as { seq: number }).seq;
  const closed = journal.transact(() => {
    const row = attempts.transitionWithin(sent, { type: 'approve', source: 'terminal' }, { amountApproved: 675, maskedPan: '4111111111111111' }, at);
    assert.equal(row.maskedPan, '411111******1111', 'the patch is masked again on this path too');
    return tickets.closeWhenPaidWithin(t.id, at);
  });
  assert.equal(closed, true);
  assert.equal(attempts.get(a.id).updatedAt, at);
  const ticket = tickets.get(t.id);
  assert.equal(ticket.status, 'paid');
  assert.equal(ticket.total, 675, 'closing leaves the total alone');
  assert.equal(ticket.updatedAt, at);
  const events = journal.db.prepare('SELECT entity, type, at FROM events WHERE seq > ? ORDER BY seq').all(seqBefore);
  assert.deepEqual(events, [
    { entity: 'attempt', type: 'approve', at },
    { entity: 'ticket', type: 'paid', at },
  ]);
  assert.equal(heard.at(-1)?.status, 'paid', 'listeners hear of it after the commit');
  // Already paid: nothing more happens.
  assert.equal(journal.transact(() => tickets.closeWhenPaidWithin(t.id, at)), false);
  assert.equal(journal.verify().ok, true);
  journal.close();
});

test('listeners hear each committed change once, and nothing of a refused one', () => {
  const { journal, tickets } = open();
  const heard: TicketSnapshot[] = [];
  const off = tickets.onTicketChanged((s) => heard.push(s));
  const t = tickets.create();
  tickets.addLine(t.id, 'tea', 1);
  tickets.tenderCash(t.id, 250); // tender + close: one notification
  code(() => tickets.addLine(t.id, 'tea', 1), 'ticket_closed');
  assert.deepEqual(heard.map((s) => [s.status, s.total]), [['open', 0], ['open', 250], ['paid', 250]]);
  off();
  tickets.create();
  assert.equal(heard.length, 3);
  journal.close();
});

test('after a force-close and reopen the open tickets are there with their lines, newest first', () => {
  const { journal, tickets, file } = open();
  const t1 = tickets.create();
  tickets.addLine(t1.id, 'coffee', 1);
  const t2 = tickets.create();
  tickets.addLine(t2.id, 'bagel', 3);
  tickets.addLine(t2.id, 'juice', 1);
  const paid = tickets.create();
  tickets.addLine(paid.id, 'water', 1);
  tickets.tenderCash(paid.id, 150);
  // No close(): the WAL is left as a crash would leave it; a second connection reads it.
  const again = open(file, 'reopened-');
  assert.deepEqual(again.tickets.listOpen().map((s) => [s.number, s.total, s.lineCount]), [[2, 1350, 2], [1, 295, 1]]);
  assert.deepEqual(again.tickets.get(t2.id).lines.map((l) => [l.itemId, l.quantity, l.lineTotal]), [['bagel', 3, 975], ['juice', 1, 375]]);
  assert.equal(again.tickets.create().number, 4);
  again.journal.close();
  journal.close();
});

test('the register code cannot silently change under existing references', () => {
  const { journal, file } = open();
  journal.close();
  const j = openTestJournal(file, 'reopened-');
  code(() => new TicketService(j, { register: { ...register, code: 'R9' }, currency: 'USD', catalog }), 'conflict');
  code(() => new TicketService(j, { register, currency: 'EUR', catalog }), 'invalid_request');
  j.close();
});

test('a ticket moved to another register is closed here as moved, not voided: its row, its snapshot and the closed-ticket list say so', () => {
  const { journal, tickets } = open();
  try {
    const t = tickets.addLine(tickets.create().id, catalog[0].id, 1);
    const move = tickets.beginMove(t.id);
    const moved = tickets.finishMove(t.id, { transferId: 3, toRegister: 'reg-2', toName: 'Till 2', receivedTicketId: 'reg-2-t', cashApplied: move.cashApplied, slotsUsed: move.slotsUsed });
    assert.equal(moved.status, 'moved');
    assert.equal(journal.db.prepare('SELECT status FROM tickets WHERE id = ?').pluck().get(t.id), 'moved', 'the table itself says moved');
    assert.equal(moved.total, t.total, 'its total stays what it was');
    const emptied = tickets.void(tickets.create().id);
    assert.equal(emptied.status, 'voided', 'a void is still a void');
    const history = tickets.historyToday();
    assert.deepEqual(history.filter((h) => h.id === t.id).map((h) => [h.status, h.movedTo]), [['moved', 'Till 2']]);
    assert.deepEqual(history.filter((h) => h.id === emptied.id).map((h) => [h.status, h.movedTo]), [['voided', undefined]]);
    assert.deepEqual(journal.db.prepare("SELECT count(*) FROM tickets WHERE status = 'voided'").pluck().get(), 1, 'only the real void is stored voided');
  } finally {
    journal.close();
  }
});
