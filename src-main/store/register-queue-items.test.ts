// What a register puts in the store's shared queue, read from a real journal:
// open orphans, attempts in doubt and open batch lines, each in plain words
// (no reference, no address, the card by its last four only).

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { openJournal } from '../journal/journal.ts';
import type { AttemptRow } from '../journal/attempt-repository.ts';
import type { OrphanRow } from '../reconcile/orphan-repository.ts';
import { batchVarianceItems, openVarianceLines, registerQueueItems } from './register-queue-items.ts';

test('orphans, attempts in doubt and open batch lines become queue items in plain words', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'queue-items-'));
  const journal = openJournal({ path: path.join(dir, 'j.sqlite') });
  try {
    const now = '2026-11-30T09:00:00.000Z';
    journal.db.prepare("INSERT INTO batches (id, terminal_id, status, opened_at, currency, created_at, updated_at) VALUES ('b1', 'pad1', 'open', ?, 'USD', ?, ?)").run(now, now, now);
    const line = journal.db.prepare(
      `INSERT INTO batch_lines (id, batch_id, line_key, variance_type, cause, action, journal_amount, amount, status, resolution, created_at, updated_at)
       VALUES (?, 'b1', ?, 'charged_not_recorded', 'The processor charged a card the register has no record of.', 'Find the customer or refund it.', 0, 1999, ?, ?, ?, ?)`,
    );
    line.run('l1', 'k1', 'open', null, now, now);
    line.run('l2', 'k2', 'resolved', 'queued as orphan', now, now);
    const lines = openVarianceLines(journal);
    assert.deepEqual(lines.map((l) => [l.id, l.amount, l.currency]), [['l1', 1999, 'USD']]);
    const [variance] = batchVarianceItems('reg1', lines);
    assert.equal(variance.kind, 'variance');
    assert.match(variance.summary, /^The processor charged a card the register has no record of\. Find the customer or refund it\.$/);

    const orphan = { id: 'o1', refNum: '900123', invoice: 'STRAY1', amount: 1250, currency: 'USD', maskedPan: '424242******4242', status: 'open', reason: 'unknown_invoice' } as OrphanRow;
    const attempt = { id: 'a1', ecrRef: 'R1T4P1', amountRequested: 500, currency: 'USD', state: 'in_doubt' } as AttemptRow;
    const items = registerQueueItems('reg1', [attempt], [orphan, { ...orphan, id: 'o2', status: 'resolved' }]);
    assert.deepEqual(items.map((i) => [i.kind, i.itemKey]), [['orphan', 'o1'], ['in_doubt', 'a1']]);
    assert.match(items[0].summary, /A charge of \$12\.50 on the card ending 4242 is on no ticket/);
    assert.match(items[1].summary, /A card payment of \$5\.00 may or may not have been charged/);
    for (const i of items) assert.doesNotMatch(i.summary, /900123|STRAY1|R1T4P1|424242/);
  } finally {
    journal.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
