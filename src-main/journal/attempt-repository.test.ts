import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { AppError } from '../../src-shared/errors.ts';
import { ATTEMPT_RAW_KEYS, AttemptRepository, attemptFromRaw, type NewAttempt } from './attempt-repository.ts';
import { toAttemptSnapshot } from '../payments/attempt-snapshot.ts';
import { canonicalJson } from './event-log.ts';
import { journalTestTicket, openTestJournal, tempDir } from './journal-test-rig.ts';
import { openJournal, type Journal } from './journal.ts';

const tmp = tempDir('cashier-attempts-');
after(() => tmp.cleanup());
let n = 0;

const BASE: NewAttempt = { ticketId: 't1', slot: 1, ecrRef: 'RR1T1P1', invoice: 'RR1T1P1', terminalId: 'pax-1', kind: 'sale', amountRequested: 1250, currency: 'USD' };

function setup(): { journal: Journal; attempts: AttemptRepository; base: NewAttempt } {
  const journal = openTestJournal(path.join(tmp.dir, `a${++n}.sqlite`));
  // Through the journal, with its events: verify rebuilds tickets too.
  journalTestTicket(journal, 't1', 1250);
  return { journal, attempts: new AttemptRepository(journal), base: BASE };
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
  assert.match(toAttemptSnapshot(done).message, /^Approved: /, 'the snapshot carries the cashier words of payment-messages.ts');
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

test('the raw-row mapper reads columns in the SELECT order, and transitions write only what changed', () => {
  const identity = attemptFromRaw([...ATTEMPT_RAW_KEYS]);
  assert.deepEqual(Object.keys(identity), [...ATTEMPT_RAW_KEYS]);
  for (const k of ATTEMPT_RAW_KEYS) assert.equal(identity[k], k, `column ${k} is read from its own position`);

  // A clock that stands still, so a repeated doubt changes no column at all.
  const journal = openJournal({ path: path.join(tmp.dir, `a${++n}.sqlite`), clock: () => new Date(Date.UTC(2026, 0, 1)) });
  // Through the journal, with its events: verify rebuilds tickets too.
  journalTestTicket(journal, 't1', 1250);
  const attempts = new AttemptRepository(journal);
  const a = attempts.create(BASE);
  attempts.transition(a.id, { type: 'send' });
  attempts.transition(a.id, { type: 'doubt', reason: 'timeout' });
  const before = journal.db.prepare('SELECT total_changes() AS c').get() as { c: number };
  const again = attempts.transition(a.id, { type: 'doubt', reason: 'timeout' });
  const after = journal.db.prepare('SELECT total_changes() AS c').get() as { c: number };
  assert.equal(after.c - before.c, 2, 'event row and chain head only: the unchanged attempt row is not rewritten');
  assert.deepEqual(attempts.get(a.id), again);
  const last = journal.db.prepare('SELECT at, payload FROM events ORDER BY seq DESC LIMIT 1').get() as { at: string; payload: string };
  assert.equal(last.at, again.updatedAt, 'the event carries the same instant as the row');
  assert.equal(last.payload, canonicalJson(JSON.parse(last.payload)), 'the stored payload is canonical');
  assert.deepEqual(JSON.parse(last.payload).event, { reason: 'timeout', type: 'doubt' });
  assert.equal(JSON.parse(last.payload).from, 'in_doubt');
  const approved = attempts.transition(a.id, { type: 'approve', source: 'gateway_lookup' }, { amountApproved: 1250, authCode: 'A1' });
  assert.deepEqual(attempts.get(a.id), approved);
  assert.deepEqual(attempts.findUnresolved(), []);
  assert.equal(journal.verify().ok, true);
  journal.close();
});
