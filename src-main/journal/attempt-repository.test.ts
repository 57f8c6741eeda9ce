import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { AppError } from '../../src-shared/errors.ts';
import { AttemptRepository, toAttemptSnapshot, type NewAttempt } from './attempt-repository.ts';
import { openTestJournal, tempDir } from './journal-test-support.ts';
import type { Journal } from './journal.ts';

const tmp = tempDir('cashier-attempts-');
after(() => tmp.cleanup());
let n = 0;

function setup(): { journal: Journal; attempts: AttemptRepository; base: NewAttempt } {
  const journal = openTestJournal(path.join(tmp.dir, `a${++n}.sqlite`));
  journal.db.exec(`INSERT INTO registers VALUES ('r1', 'R1', 'Front');
    INSERT INTO tickets VALUES ('t1', 'r1', 1, 'open', 'USD', 1250, 'now', 'now');`);
  const base: NewAttempt = { ticketId: 't1', slot: 1, ecrRef: 'RR1T1P1', invoice: 'RR1T1P1', terminalId: 'pax-1', kind: 'sale', amountRequested: 1250, currency: 'USD' };
  return { journal, attempts: new AttemptRepository(journal), base };
}

const eventTypes = (j: Journal, id: string) =>
  (j.db.prepare("SELECT type FROM events WHERE entity = 'attempt' AND entity_id = ? ORDER BY seq").all(id) as { type: string }[]).map((r) => r.type);

test('an attempt is journaled created, then each transition writes the row and its event together', () => {
  const { journal, attempts, base } = setup();
  const a = attempts.create(base);
  assert.equal(a.state, 'created');
  assert.equal(attempts.get(a.id).amountRequested, 1250);
  attempts.transition(a.id, { type: 'send' });
  attempts.transition(a.id, { type: 'doubt', reason: 'timeout' });
  const done = attempts.transition(a.id, { type: 'approve', source: 'terminal_lookup' }, { amountApproved: 1250, authCode: 'OK1234', maskedPan: '4111111111111111', cardBrand: 'visa' });
  assert.equal(done.state, 'approved');
  assert.equal(done.approvalSource, 'terminal_lookup');
  assert.equal(done.doubtReason, 'timeout');
  assert.equal(done.maskedPan, '411111******1111', 'a full number from a driver is masked before storing');
  assert.deepEqual(attempts.get(a.id), done);
  assert.deepEqual(eventTypes(journal, a.id), ['created', 'send', 'doubt', 'approve']);
  const dump = (journal.db.prepare('SELECT group_concat(payload) AS p FROM events').get() as { p: string }).p;
  assert.equal(dump.includes('4111111111111111'), false);
  assert.equal(toAttemptSnapshot(done).message, 'Approved.');
  assert.equal(journal.verify().ok, true);
  journal.close();
});

test('a transition the state machine refuses is a conflict and writes nothing', () => {
  const { journal, attempts, base } = setup();
  const a = attempts.create(base);
  assert.throws(() => attempts.transition(a.id, { type: 'approve', source: 'terminal' }), (e: unknown) => e instanceof AppError && e.code === 'conflict');
  assert.equal(attempts.get(a.id).state, 'created');
  assert.deepEqual(eventTypes(journal, a.id), ['created']);
  assert.throws(() => attempts.transition('missing', { type: 'send' }), (e: unknown) => e instanceof AppError && e.code === 'not_found');
  assert.throws(() => attempts.create({ ...base, amountRequested: 12.5 }), (e: unknown) => e instanceof AppError && e.code === 'invalid_request');
  journal.close();
});

test('a second attempt on a ticket cannot be sent while the first is unresolved', () => {
  const { journal, attempts, base } = setup();
  const first = attempts.create(base);
  attempts.transition(first.id, { type: 'send' });
  attempts.transition(first.id, { type: 'doubt', reason: 'link_lost' });
  const second = attempts.create({ ...base, terminalId: 'pax-2' });
  assert.throws(() => attempts.transition(second.id, { type: 'send' }), (e: unknown) => e instanceof AppError && e.code === 'attempt_unresolved');
  assert.equal(attempts.get(second.id).state, 'created');
  assert.deepEqual(attempts.findUnresolved().map((r) => r.id), [first.id]);
  attempts.transition(first.id, { type: 'confirm_absent' });
  assert.deepEqual(attempts.findUnresolved(), []);
  attempts.transition(second.id, { type: 'send' });
  assert.deepEqual(attempts.findByTicket('t1').map((r) => [r.id, r.state]), [[first.id, 'not_charged'], [second.id, 'sent']]);
  assert.deepEqual(attempts.findByEcrRef('RR1T1P1').map((r) => r.id), [first.id, second.id]);
  assert.deepEqual(attempts.findByEcrRef('RR1T1P9'), []);
  journal.close();
});
