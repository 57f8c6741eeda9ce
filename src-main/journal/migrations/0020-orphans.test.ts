import assert from 'node:assert/strict';
import path from 'node:path';
import { after, test } from 'node:test';
import { openJournal } from '../journal.ts';
import { tempDir } from '../journal-test-rig.ts';
import { OrphanRepository } from '../../reconcile/orphan-repository.ts';
import orphans from './0020-orphans.ts';
import { MIGRATIONS } from './index.ts';

const tmp = tempDir('cashier-orphans-');
after(() => tmp.cleanup());

const base = {
  refNum: '100000001',
  invoice: 'WALKIN1',
  amount: 777,
  currency: 'USD',
  maskedPan: '411111******1111',
  cardBrand: 'visa' as const,
  authCode: 'A1',
  enteredAt: '2026-01-01T00:00:00.000Z',
  reason: 'unknown_invoice' as const,
  ticketId: null,
  attemptId: null,
  message: 'A charge matches no payment on this register. Refund it.',
};

test('0020 is registered and versions ascend', () => {
  assert.ok(MIGRATIONS.includes(orphans));
  const versions = MIGRATIONS.map((m) => m.version);
  assert.deepEqual(versions, [...versions].sort((a, b) => a - b));
});

test('orphans: one row per processor reference, journaled, resolved with a decision, never deleted', () => {
  const journal = openJournal({ path: path.join(tmp.dir, 'a.sqlite') });
  try {
    const repo = new OrphanRepository(journal);
    const first = repo.add(base);
    assert.equal(first.created, true);
    assert.equal(first.row.status, 'open');
    const again = repo.add({ ...base, amount: 1 });
    assert.equal(again.created, false, 'the same charge is queued once');
    assert.equal(again.row.amount, 777);
    assert.equal(repo.listOpen().length, 1);
    assert.throws(() => repo.resolve(first.row.id, '  '), /what was done/);
    const done = repo.resolve(first.row.id, 'Refunded to the customer');
    assert.equal(done.status, 'resolved');
    assert.equal(repo.listOpen().length, 0);
    assert.throws(() => repo.resolve(first.row.id, 'again'), /already resolved/);
    assert.throws(() => journal.db.prepare('DELETE FROM orphan_payments').run(), /never deleted/);
    const events = journal.db.prepare("SELECT type FROM events WHERE entity = 'orphan' ORDER BY seq").all() as { type: string }[];
    assert.deepEqual(events.map((e) => e.type), ['queued', 'resolved']);
    assert.equal(journal.verify().ok, true);
  } finally {
    journal.close();
  }
});

test('orphans: the table refuses a full card number, fractional amounts and unknown reasons', () => {
  const journal = openJournal({ path: path.join(tmp.dir, 'b.sqlite') });
  try {
    const insert = journal.db.prepare(
      `INSERT INTO orphan_payments (id, ref_num, invoice, amount, currency, masked_pan, reason, message, status, entered_at, created_at, updated_at)
       VALUES (?, ?, 'X', ?, 'USD', ?, ?, 'm', 'open', 'now', 'now', 'now')`,
    );
    assert.throws(() => insert.run('o1', 'r1', 100, '4111111111111111', 'unknown_invoice'), /CHECK/);
    assert.throws(() => insert.run('o2', 'r2', 12.5, '411111******1111', 'unknown_invoice'), /CHECK|INTEGER/);
    assert.throws(() => insert.run('o3', 'r3', 100, '411111******1111', 'whatever'), /CHECK/);
    insert.run('o4', 'r4', 100, '411111******1111', 'second_charge');
    // The repository masks again whatever a driver hands it.
    const repo = new OrphanRepository(journal);
    const { row } = repo.add({ ...base, refNum: 'r5', maskedPan: '4111111111111111' });
    assert.equal(row.maskedPan, '411111******1111');
  } finally {
    journal.close();
  }
});
