// Issue 9 §1–§2 on the host: a ticket with a card out or in doubt is locked,
// in-doubt tickets are marked, a matching amount on another ticket asks to
// confirm, empty tickets can be voided, and today's closed tickets can be found
// with the journal events behind them. Real SQLite files throughout.

import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { AppError } from '../../src-shared/errors.ts';
import { AttemptRepository } from '../journal/attempt-repository.ts';
import { openJournal } from '../journal/journal.ts';
import { sequentialIds, tempDir } from '../journal/journal-test-rig.ts';
import { loadCatalog } from './catalog.ts';
import { TicketService } from './ticket-service.ts';

const tmp = tempDir('cashier-ticket-locks-');
after(() => tmp.cleanup());
let n = 0;
const register = { id: 'reg-1', code: 'R1', name: 'Front counter' };

/** A journal whose clock the test moves (ms since the epoch, advancing 1 s per read). */
function open() {
  const clock = { t: new Date(2026, 4, 12, 9, 0, 0).getTime() };
  const journal = openJournal({ path: path.join(tmp.dir, `l${++n}.sqlite`), clock: () => new Date((clock.t += 1000)), newId: sequentialIds('id-') });
  const tickets = new TicketService(journal, { register, currency: 'USD', catalog: loadCatalog() });
  const attempts = new AttemptRepository(journal);
  return { journal, tickets, attempts, clock };
}

function refused(fn: () => unknown, code: string, words: RegExp): AppError {
  let caught: unknown;
  assert.throws(fn, (e: unknown) => {
    caught = e;
    return e instanceof AppError && e.code === code && words.test(e.message);
  });
  return caught as AppError;
}

function cardOut(attempts: AttemptRepository, ticketId: string, amount: number, ref: string) {
  const a = attempts.create({ ticketId, slot: 1, ecrRef: ref, invoice: ref, terminalId: 'pax-1', kind: 'sale', amountRequested: amount, currency: 'USD' });
  return attempts.transition(a.id, { type: 'send' });
}

test('a card attempt sent or in doubt locks its ticket: no line added or removed, no cash, no void, and the refusal says why', () => {
  const { journal, tickets, attempts } = open();
  const t = tickets.create();
  tickets.addLine(t.id, 'coffee', 1); // 295
  const s = tickets.addLine(t.id, 'sandwich', 1); // 825
  const a = cardOut(attempts, t.id, 1120, 'RR1T1P1');
  const why = /locked.*may have charged the card.*being checked/;
  refused(() => tickets.addLine(t.id, 'coffee', 1), 'attempt_unresolved', why);
  refused(() => tickets.removeLine(t.id, s.lines[1].id), 'attempt_unresolved', why);
  refused(() => tickets.tenderCash(t.id, 2000), 'attempt_unresolved', why);
  assert.deepEqual(tickets.listOpen().map((x) => [x.number, x.locked, x.cardInDoubt]), [[1, true, false]], 'out on the PIN pad: locked, not yet in doubt');
  attempts.transition(a.id, { type: 'doubt', reason: 'timeout' });
  refused(() => tickets.removeLine(t.id, s.lines[0].id), 'attempt_unresolved', why);
  const after = tickets.get(t.id);
  assert.equal(after.total, 1120, 'nothing changed while locked');
  assert.equal(after.lines.filter((l) => l.voided).length, 0);
  assert.deepEqual(tickets.listOpen().map((x) => [x.number, x.locked, x.cardInDoubt]), [[1, true, true]]);

  // Resolved (the card was not charged): the ticket unlocks and the mark goes.
  attempts.transition(a.id, { type: 'confirm_absent' });
  assert.equal(tickets.removeLine(t.id, s.lines[0].id).total, 825);
  assert.deepEqual(tickets.listOpen().map((x) => [x.number, x.locked === true, x.cardInDoubt === true]), [[1, false, false]]);
  journal.close();
});

test('a new payment matching the amount of an in-doubt attempt on another ticket asks to confirm; confirmed it goes on', () => {
  const { journal, tickets, attempts } = open();
  const first = tickets.create();
  tickets.addLine(first.id, 'sandwich', 1); // 825
  const a = cardOut(attempts, first.id, 825, 'RR1T1P1');
  attempts.transition(a.id, { type: 'doubt', reason: 'timeout' });
  const second = tickets.create();
  tickets.addLine(second.id, 'sandwich', 1);
  const err = refused(() => tickets.checkMatchingInDoubt(second.id, 825, undefined), 'attempt_unresolved', /\$8\.25 on ticket #1 may already have charged/);
  assert.equal(err.details?.needsConfirm, true);
  assert.doesNotThrow(() => tickets.checkMatchingInDoubt(second.id, 825, true));
  assert.doesNotThrow(() => tickets.checkMatchingInDoubt(second.id, 826, undefined), 'another amount is not a match');
  assert.doesNotThrow(() => tickets.checkMatchingInDoubt(first.id, 825, undefined), 'its own ticket is already locked, not warned');
  attempts.transition(a.id, { type: 'confirm_absent' });
  assert.doesNotThrow(() => tickets.checkMatchingInDoubt(second.id, 825, undefined), 'resolved: no warning');
  journal.close();
});

test('an empty ticket can be voided and leaves the open list; one with items or money cannot', () => {
  const { journal, tickets } = open();
  const empty = tickets.create();
  const rung = tickets.create();
  const s = tickets.addLine(rung.id, 'coffee', 1);
  refused(() => tickets.void(rung.id), 'conflict', /still has items/);
  const voided = tickets.void(empty.id);
  assert.equal(voided.status, 'voided');
  assert.deepEqual(tickets.listOpen().map((t) => t.number), [rung.number]);
  refused(() => tickets.void(empty.id), 'ticket_closed', /already voided/);
  // A ticket emptied after a line was removed is empty too.
  tickets.removeLine(rung.id, s.lines[0].id);
  assert.equal(tickets.void(rung.id).status, 'voided');
  const types = journal.db.prepare("SELECT type FROM events WHERE entity = 'ticket' AND entity_id = ? ORDER BY seq").pluck().all(empty.id);
  assert.deepEqual(types, ['created', 'voided']);
  assert.equal(journal.verify().ok, true);
  journal.close();
});

test("today's history finds closed tickets by number, amount, last four and reference, with the journal events behind them", () => {
  const { journal, tickets, attempts, clock } = open();
  // Yesterday's paid ticket is not today's.
  clock.t -= 24 * 3600_000;
  const old = tickets.create();
  tickets.addLine(old.id, 'coffee', 1);
  tickets.tenderCash(old.id, 295);
  clock.t += 24 * 3600_000;

  const cash = tickets.create();
  tickets.addLine(cash.id, 'coffee', 1); // 295
  tickets.tenderCash(cash.id, 2000);
  const card = tickets.create();
  tickets.addLine(card.id, 'sandwich', 1); // 825
  const a = cardOut(attempts, card.id, 825, 'RR1T3P1');
  journal.transact(() => {
    attempts.transition(a.id, { type: 'approve', source: 'terminal' }, { amountApproved: 825, maskedPan: '4111********4242', cardBrand: 'visa', authCode: 'OK1234' });
    tickets.closeWhenPaid(card.id);
  });
  const stillOpen = tickets.create(); // never in the history
  tickets.addLine(stillOpen.id, 'coffee', 1);

  const all = tickets.historyToday();
  assert.deepEqual(all.map((t) => [t.number, t.status]), [[card.number, 'paid'], [cash.number, 'paid']]);
  const numbers = (q: string) => tickets.historyToday(q).map((t) => t.number);
  assert.deepEqual(numbers(`#${card.number}`), [card.number]);
  assert.deepEqual(numbers('8.25'), [card.number]);
  assert.deepEqual(numbers('$2.95'), [cash.number]);
  assert.deepEqual(numbers('4242'), [card.number]);
  assert.deepEqual(numbers('rr1t3'), [card.number]);
  assert.deepEqual(numbers('9999'), []);
  const entry = all[0];
  assert.deepEqual(entry.references, ['RR1T3P1']);
  assert.deepEqual(entry.tenders.map((t) => [t.kind, t.amount, t.maskedPan]), [['card', 825, '4111********4242']]);

  const events = tickets.events(card.id);
  assert.deepEqual(
    events.map((e) => `${e.entity}.${e.type}`),
    ['ticket.created', 'ticket.line_added', 'attempt.created', 'attempt.send', 'attempt.approve', 'ticket.paid'],
  );
  assert.match(events[4].detail, /amountApproved=825/);
  assert.equal(events[4].fields.amountApproved, 825, 'the screen gets the amount as minor units to format');
  assert.equal(events[4].fields.maskedPan, '4111********4242');
  assert.equal(events[1].fields.description, 'Sandwich');
  assert.ok(events.every((e, i) => i === 0 || e.seq > events[i - 1].seq), 'oldest first');
  assert.throws(() => tickets.events('nope'), (e: unknown) => e instanceof AppError && e.code === 'not_found');
  journal.close();
});
