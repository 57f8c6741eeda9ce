// The end-of-day report's variance source reads the batch lines recorded in
// the day's window from a real journal file: counts and amounts by type, the
// open ones apart, lines outside the window left out, and "nothing" (undefined,
// the report's "None recorded") when no line was recorded that day.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { openJournal } from '../journal/journal.ts';
import { batchVarianceSource } from './batch-handlers.ts';
import type { Variance } from './batch-reconciler.ts';
import { BatchRepository } from './batch-repository.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'batch-variance-source-'));
let now = new Date('2026-03-02T09:00:00.000Z');
let seq = 0;
const journal = openJournal({ path: path.join(dir, 'journal.sqlite'), clock: () => now, newId: () => `id-${++seq}`, integrityCheck: 'none' });
after(() => {
  journal.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const variance = (type: Variance['type'], invoice: string, amount: number): Variance => ({
  key: `${type}:${invoice}`, type, cause: 'cause', action: 'action', invoice, refNum: null, attemptId: null,
  journalAmount: 0, padAmount: null, gatewayAmount: amount, amount, orphanCharges: [],
});

test('lines of the day by type, open ones apart; the day before and after left out; no line: undefined', () => {
  const repo = new BatchRepository(journal);
  const source = batchVarianceSource(() => repo);
  const day = { from: '2026-03-02T00:00:00.000Z', to: '2026-03-03T00:00:00.000Z' };
  assert.equal(source(day), undefined, 'nothing recorded yet');

  const batch = repo.openBatch('pad-1', 'USD', () => '2026-03-01T08:00:00.000Z');
  now = new Date('2026-03-01T23:59:59.000Z'); // the day before: not in the window
  repo.recordCheck(batch.id, [variance('in_doubt', 'R1T1P1', 999)]);
  now = new Date('2026-03-02T10:00:00.000Z');
  const found = [
    variance('in_doubt', 'R1T1P1', 999), // same key: not a new line
    variance('charged_not_recorded', 'R1T900P1', 700),
    variance('charged_not_recorded', 'R1T901P1', 300),
    variance('amount_differs', 'R1T2P1', 150),
  ];
  const lines = repo.recordCheck(batch.id, found);
  now = new Date('2026-03-03T00:00:00.000Z'); // the window's end is exclusive
  repo.recordCheck(batch.id, [...found, variance('duplicate_charge', 'R1T3P1', 5000)]);
  const stray = lines.find((l) => l.invoice === 'R1T900P1')!;
  repo.settle(stray.id, 'resolved', 'Sent to the orphan queue', 'mgr-1');

  const summary = source(day);
  assert.ok(summary && summary.recorded);
  assert.deepEqual(summary.lines, { count: 3, amount: 1150 });
  assert.deepEqual(summary.open, { count: 2, amount: 450 });
  const byType = Object.fromEntries(summary.byType.map((t) => [t.type, [t.count, t.amount, t.label]]));
  assert.deepEqual(byType, {
    charged_not_recorded: [2, 1000, 'Charged but not recorded'],
    amount_differs: [1, 150, 'Amount differs'],
  });
  assert.equal(batchVarianceSource(() => undefined)(day), undefined, 'no journal open: nothing to say');
});
