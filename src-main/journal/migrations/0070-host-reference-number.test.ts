import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { terminalFacts } from '../../payments/attempt-outcome.ts';
import { AttemptRepository } from '../attempt-repository.ts';
import { toAttemptSnapshot } from '../../payments/attempt-snapshot.ts';
import { journalTestTicket, openTestJournal, rollBackSchema, tempDir } from '../journal-test-rig.ts';
import hostReferenceNumber from './0070-host-reference-number.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './index.ts';

const tmp = tempDir('cashier-hostrefnum-');
after(() => tmp.cleanup());

test('0070 is registered and versions ascend in steps of 10', () => {
  assert.ok(MIGRATIONS.includes(hostReferenceNumber));
  const versions = MIGRATIONS.map((m) => m.version);
  assert.deepEqual(versions, [...versions].sort((a, b) => a - b));
  assert.ok(versions.every((v) => v % 10 === 0));
});

test('an old journal (schema 60) migrates: old attempts keep NULL, new ones keep both references', () => {
  const file = path.join(tmp.dir, 'old.sqlite');
  // Make a journal with an approved attempt, then take it back to schema 60 as an older build left it.
  let journal = openTestJournal(file);
  journalTestTicket(journal, 't1', 2500);
  let attempts = new AttemptRepository(journal);
  const old = attempts.create({ ticketId: 't1', slot: 1, ecrRef: 'RR1T1P1', invoice: 'RR1T1P1', terminalId: 'pax-1', kind: 'sale', amountRequested: 1250, currency: 'USD' });
  attempts.transition(old.id, { type: 'send' });
  attempts.transition(old.id, { type: 'approve', source: 'terminal' }, { amountApproved: 1250, hostRef: 'HREF0001' });
  journal.close();
  // Back to schema 60: the host reference number column (and every later step's objects) go.
  rollBackSchema(file, 60);

  journal = openTestJournal(file, 'id2-');
  try {
    assert.equal(journal.db.pragma('user_version', { simple: true }), LATEST_SCHEMA_VERSION);
    attempts = new AttemptRepository(journal);
    const before = attempts.get(old.id);
    assert.equal(before.hostRef, 'HREF0001');
    assert.equal(before.hostReferenceNumber, null, 'rows from before the migration have no host reference number');
    assert.equal(journal.verify().ok, true, 'the migrated journal still verifies');

    // A real PAX answer: HRef (additional info) for follow-ups, host subfield 4 apart.
    const next = attempts.create({ ticketId: 't1', slot: 2, ecrRef: 'RR1T1P2', invoice: 'RR1T1P2', terminalId: 'pax-1', kind: 'sale', amountRequested: 1250, currency: 'USD' });
    attempts.transition(next.id, { type: 'send' });
    const facts = terminalFacts(
      { outcome: 'approved', amountApproved: 1250, resultCode: '000000', resultText: 'OK', hostRef: '251130123456', hostReferenceNumber: '0A1B2C', authCode: 'AB1234' } as Parameters<typeof terminalFacts>[0],
      1250,
    );
    const done = attempts.transition(next.id, { type: 'approve', source: 'terminal' }, facts);
    assert.deepEqual([done.hostRef, done.hostReferenceNumber], ['251130123456', '0A1B2C']);
    assert.deepEqual(attempts.get(next.id), done, 'both are read back from the file');
    const snap = toAttemptSnapshot(done);
    assert.deepEqual([snap.hostRef, snap.hostReferenceNumber], ['251130123456', '0A1B2C']);
    assert.equal(toAttemptSnapshot(before).hostReferenceNumber, undefined);
    const payload = JSON.parse((journal.db.prepare("SELECT payload FROM events WHERE entity = 'attempt' AND entity_id = ? AND type = 'approve'").get(next.id) as { payload: string }).payload) as Record<string, unknown>;
    assert.equal(payload.hostReferenceNumber, '0A1B2C', 'the event records it too');
    assert.throws(() => journal.db.prepare("UPDATE payment_attempts SET host_reference_number = '' WHERE id = ?").run(next.id), /CHECK/);
    assert.equal(journal.verify().ok, true);
  } finally {
    journal.close();
  }
});
