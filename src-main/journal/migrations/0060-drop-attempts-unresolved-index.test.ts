import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { AttemptRepository } from '../attempt-repository.ts';
import { openJournal } from '../journal.ts';
import { journalTestTicket, tempDir } from '../journal-test-rig.ts';
import migration from './0060-drop-attempts-unresolved-index.ts';
import { MIGRATIONS } from './index.ts';

const tmp = tempDir();
after(() => tmp.cleanup());

const plan = (db: ReturnType<typeof openJournal>['db'], sql: string, ...params: unknown[]) =>
  (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail).join(' | ');

test('0060 drops the duplicate index; unresolved attempts are still found through the unique partial index, never by a table scan', () => {
  assert.ok(MIGRATIONS.includes(migration));
  const j = openJournal({ path: path.join(tmp.dir, 'a.sqlite'), integrityCheck: 'none' });
  try {
    const indexes = j.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'payment_attempts' AND sql IS NOT NULL ORDER BY name").pluck().all();
    // Later migrations add their own (0090: the settlement indexes); the duplicate stays gone.
    assert.deepEqual(
      indexes.filter((n) => !String(n).startsWith('payment_attempts_settled_') && n !== 'payment_attempts_reversed'),
      ['payment_attempts_ecr_ref', 'payment_attempts_one_unresolved', 'payment_attempts_ticket'],
    );
    const all = plan(j.db, "SELECT id FROM payment_attempts WHERE state IN ('sent', 'in_doubt') ORDER BY created_at, id");
    assert.match(all, /SCAN payment_attempts USING INDEX payment_attempts_one_unresolved/);
    const one = plan(j.db, "SELECT 1 FROM payment_attempts WHERE ticket_id = ? AND state IN ('sent', 'in_doubt') LIMIT 1", 't');
    assert.match(one, /SEARCH payment_attempts USING INDEX payment_attempts_one_unresolved \(ticket_id=\?\)/);

    journalTestTicket(j, 't1', 1250);
    journalTestTicket(j, 't2', 1250);
    const attempts = new AttemptRepository(j);
    const base = { slot: 1, terminalId: 'pax-1', kind: 'sale', amountRequested: 1250, currency: 'USD' } as const;
    const a = attempts.create({ ...base, ticketId: 't1', ecrRef: 'R1T1P1', invoice: 'R1T1P1' });
    const b = attempts.create({ ...base, ticketId: 't2', ecrRef: 'R1T2P1', invoice: 'R1T2P1' });
    attempts.transition(a.id, { type: 'send' });
    attempts.transition(b.id, { type: 'send' });
    attempts.transition(b.id, { type: 'doubt', reason: 'timeout' });
    // Both were created in the same millisecond, so their order (created_at, then a random id) is not fixed.
    const byId = (x: string[], y: string[]) => x[0].localeCompare(y[0]);
    assert.deepEqual(attempts.findUnresolved().map((r) => [r.id, r.state]).sort(byId), [[a.id, 'sent'], [b.id, 'in_doubt']].sort(byId));
    attempts.transition(a.id, { type: 'approve', source: 'terminal' }, { amountApproved: 1250 });
    assert.deepEqual(attempts.findUnresolved().map((r) => r.id), [b.id]);
    assert.equal(j.verify().ok, true);
  } finally {
    j.close();
  }
});
