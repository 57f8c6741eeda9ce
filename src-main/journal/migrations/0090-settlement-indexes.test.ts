import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { journalTestTicket, openTestJournal, rollBackSchema, tempDir } from '../journal-test-rig.ts';
import { AttemptRepository } from '../attempt-repository.ts';
import settlementIndexes, { SETTLED_WHERE } from './0090-settlement-indexes.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './index.ts';

const tmp = tempDir('cashier-settlement-idx-');
after(() => tmp.cleanup());

const INDEXES = [
  'payment_attempts_settled_time',
  'payment_attempts_settled_last_four',
  'payment_attempts_settled_amount',
  'payment_attempts_reversed',
  'cash_tenders_time',
  'events_register_settings',
];

test('0090 is registered after 0070 and versions ascend in steps of 10', () => {
  assert.ok(MIGRATIONS.indexOf(settlementIndexes) > MIGRATIONS.findIndex((m) => m.version === 70));
  const versions = MIGRATIONS.map((m) => m.version);
  assert.deepEqual(versions, [...versions].sort((a, b) => a - b));
  assert.ok(versions.every((v) => v % 10 === 0));
});

test('a journal of schema 80 gains the indexes, keeps its rows, and still verifies', () => {
  const file = path.join(tmp.dir, 'old.sqlite');
  let journal = openTestJournal(file);
  journalTestTicket(journal, 't1', 1000);
  const attempts = new AttemptRepository(journal);
  const a = attempts.create({ ticketId: 't1', slot: 1, ecrRef: 'RR1T1P1', invoice: 'RR1T1P1', terminalId: 'pax-1', kind: 'sale', amountRequested: 1000, currency: 'USD' });
  attempts.transition(a.id, { type: 'send' });
  attempts.transition(a.id, { type: 'approve', source: 'terminal' }, { amountApproved: 1000, maskedPan: '411111******4242' });
  journal.close();
  // Back to schema 80 as the previous build left it (its indexes and every later step's objects go).
  rollBackSchema(file, 80);

  journal = openTestJournal(file, 'id2-');
  try {
    assert.equal(journal.db.pragma('user_version', { simple: true }), LATEST_SCHEMA_VERSION);
    const names = journal.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").pluck().all() as string[];
    for (const name of INDEXES) assert.ok(names.includes(name), `${name} exists`);
    // The partial index answers the settlement query and holds the approved sale.
    const viaIndex = journal.db.prepare(`SELECT id FROM payment_attempts INDEXED BY payment_attempts_settled_last_four WHERE ${SETTLED_WHERE} AND substr(masked_pan, -4) = '4242'`).pluck().all();
    assert.deepEqual(viaIndex, [a.id]);
    assert.equal(journal.verify().ok, true);
  } finally {
    journal.close();
  }
});
