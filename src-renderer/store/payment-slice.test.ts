import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttemptSnapshot } from '../../src-shared/domain.ts';
import { supersedes } from './payment-slice.ts';

const snap = (id: string, createdAt: string, updatedAt: string, state: AttemptSnapshot['state'] = 'sent'): AttemptSnapshot => ({
  id,
  ticketId: 't1',
  slot: 1,
  ecrRef: `1-1-${id}`,
  terminalId: 'pp',
  state,
  amountRequested: 100,
  amountApproved: 0,
  currency: 'USD',
  message: '',
  createdAt,
  updatedAt,
});

test('a late, older snapshot of the same attempt never replaces a newer one (events and answers cross)', () => {
  const sent = snap('a', '2025-01-01T10:00:00.000Z', '2025-01-01T10:00:00.000Z');
  const approved = snap('a', '2025-01-01T10:00:00.000Z', '2025-01-01T10:00:05.000Z', 'approved');
  assert.equal(supersedes(null, sent), true);
  assert.equal(supersedes(sent, approved), true);
  assert.equal(supersedes(approved, sent), false);
  assert.equal(supersedes(approved, approved), true);
});

test('a retry (a newer attempt on the ticket) replaces the previous one; an older attempt does not come back', () => {
  const first = snap('a', '2025-01-01T10:00:00.000Z', '2025-01-01T10:00:09.000Z', 'declined');
  const retry = snap('b', '2025-01-01T10:00:10.000Z', '2025-01-01T10:00:10.000Z');
  assert.equal(supersedes(first, retry), true);
  assert.equal(supersedes(retry, first), false);
});
