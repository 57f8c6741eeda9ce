import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TicketSnapshot } from '../../src-shared/domain.ts';
import type { LedgerEntry } from '../../src-main/gateways/processor-ledger.ts';
import type { AttemptRow } from '../../src-main/journal/attempt-repository.ts';
import { chaosLine, chaosPassed, tallyChaos } from './chaos-tally.ts';

const entry = (refNum: string, invoice: string, amount: number, status: LedgerEntry['status'] = 'approved'): LedgerEntry => ({
  refNum, kind: 'sale', invoice, amount, currency: 'USD', maskedPan: '411111******1111', cardBrand: 'visa', entryMode: 'chip',
  deviceId: 'pad-tcp', status, text: 'Approved', batch: '1', enteredAt: 1, captured: false, refundedAmount: 0,
});

const attempt = (id: string, ticketId: string, invoice: string, state: AttemptRow['state'], amountApproved = 0, hostRef: string | null = null): AttemptRow => ({
  id, ticketId, slot: 1, ecrRef: invoice, invoice, terminalId: 'pad-tcp', kind: 'sale', amountRequested: 1000, amountApproved, currency: 'USD', state,
  resultCode: null, resultText: null, authCode: null, hostRef, terminalRef: null, batchNumber: null, maskedPan: null, cardBrand: null, entryMode: null,
  approvalSource: null, doubtReason: null, createdAt: '', updatedAt: '',
});

const ticket = (id: string, total: number, paid: number): TicketSnapshot => ({
  id, registerId: 'r', number: 1, status: paid >= total ? 'paid' : 'open', currency: 'USD', lines: [], total, paid, due: Math.max(0, total - paid), tenders: [], createdAt: '', updatedAt: '',
});

test('a clean run: every charge held by its approved attempt, declines and voids not counted', () => {
  const t = tallyChaos(
    [entry('1', 'R7T1P1', 1000), entry('2', 'R7T2P1', 500, 'declined'), entry('3', 'R7T2P1', 500)],
    { tickets: [ticket('t1', 1000, 1000), ticket('t2', 500, 500)], attempts: [attempt('a1', 't1', 'R7T1P1', 'approved', 1000, '1'), attempt('a2', 't2', 'R7T2P1', 'approved', 500, '3')], orphans: [] },
  );
  assert.deepEqual([t.charges, t.doubleCharges, t.lostApprovals, t.unresolved, t.orphansUnflagged, t.phantomApprovals], [2, 0, 0, 0, 0, 0]);
  assert.equal(chaosPassed(t), true);
  assert.equal(chaosLine(2, t, 3), 'chaos: payments=2 charges=2 double_charges=0 lost_approvals=0 unresolved=0 orphans_unflagged=0 kills=3');
});

test('two standing charges on one ECR reference are a double charge, and the unheld one is a lost approval', () => {
  const t = tallyChaos([entry('1', 'R7T1P1', 1000), entry('2', 'R7T1P1', 1000)], {
    tickets: [ticket('t1', 1000, 1000)],
    attempts: [attempt('a1', 't1', 'R7T1P1', 'approved', 1000, '1')],
    orphans: [],
  });
  assert.equal(t.doubleCharges, 1);
  assert.equal(t.lostApprovals, 1);
  assert.equal(chaosPassed(t), false);
  assert.match(t.findings.join('\n'), /invoice R7T1P1: 2 standing charges/);
});

test('charges over the ticket total across slots are a double charge even when each is held and flagged', () => {
  const t = tallyChaos([entry('1', 'R7T1P1', 800), entry('2', 'R7T1P2', 800)], {
    tickets: [ticket('t1', 1000, 1600)],
    attempts: [attempt('a1', 't1', 'R7T1P1', 'approved', 800, '1'), attempt('a2', 't1', 'R7T1P2', 'approved', 800, '2')],
    orphans: [],
  });
  assert.equal(t.doubleCharges, 1);
  assert.equal(t.lostApprovals, 0);
});

test('a charge with no ticket counts only until it is in the orphan queue; a lost approval in the queue is not lost', () => {
  const ledger = [entry('9', 'STRAY1', 300), entry('1', 'R7T1P1', 1000)];
  const journal = { tickets: [ticket('t1', 1000, 0)], attempts: [attempt('a1', 't1', 'R7T1P1', 'not_charged')], orphans: [] as { refNum: string; invoice: string; amount: number }[] };
  let t = tallyChaos(ledger, journal);
  assert.equal(t.orphansUnflagged, 1);
  assert.equal(t.lostApprovals, 1);
  journal.orphans.push({ refNum: '9', invoice: 'STRAY1', amount: 300 }, { refNum: '1', invoice: 'R7T1P1', amount: 1000 });
  t = tallyChaos(ledger, journal);
  assert.equal(t.orphansUnflagged, 0);
  assert.equal(t.lostApprovals, 0);
});

test('attempts left sent or in_doubt are unresolved; an approval with no charge behind it is a phantom', () => {
  const t = tallyChaos([], {
    tickets: [ticket('t1', 1000, 1000), ticket('t2', 1000, 0)],
    attempts: [attempt('a1', 't1', 'R7T1P1', 'approved', 1000, '5'), attempt('a2', 't2', 'R7T2P1', 'in_doubt'), attempt('a3', 't2', 'R7T2P2', 'sent')],
    orphans: [],
  });
  assert.equal(t.unresolved, 2);
  assert.equal(t.phantomApprovals, 1);
  assert.equal(t.unpaidTickets, 1);
  assert.equal(chaosPassed(t), false);
});
