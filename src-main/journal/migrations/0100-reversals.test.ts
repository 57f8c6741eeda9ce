import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import { journalTestTicket, openTestJournal, rollBackSchema, tempDir } from '../journal-test-rig.ts';
import { AttemptRepository } from '../attempt-repository.ts';
import reversals from './0100-reversals.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './index.ts';

const tmp = tempDir('cashier-reversals-mig-');
after(() => tmp.cleanup());

test('0100 is registered after 0090', () => {
  assert.ok(MIGRATIONS.indexOf(reversals) > MIGRATIONS.findIndex((m) => m.version === 90));
});

test('a journal of schema 90 gains the reversals table, keeps its rows, and refuses a link of an unknown kind', () => {
  const file = path.join(tmp.dir, 'old.sqlite');
  let journal = openTestJournal(file);
  journalTestTicket(journal, 't1', 1000);
  const attempts = new AttemptRepository(journal);
  const a = attempts.create({ ticketId: 't1', slot: 1, ecrRef: 'R1T1P1', invoice: 'R1T1P1', terminalId: 'pax-1', kind: 'sale', amountRequested: 1000, currency: 'USD' });
  journal.close();
  // Back to schema 90: the reversals table (and every later step's objects) go.
  rollBackSchema(file, 90);

  journal = openTestJournal(file, 'id2-');
  try {
    assert.equal(journal.db.pragma('user_version', { simple: true }), LATEST_SCHEMA_VERSION);
    assert.equal(new AttemptRepository(journal).get(a.id).ecrRef, 'R1T1P1');
    assert.throws(
      () => journal.db.prepare("INSERT INTO reversals VALUES (?, ?, 'chargeback', 'm1', 'why', 'now')").run(a.id, a.id),
      /CHECK constraint failed/,
    );
  } finally {
    journal.close();
  }
});
