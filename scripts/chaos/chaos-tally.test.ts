// The tally on constructed processor truths and journals: every failing count
// can become non-zero, and nothing in the orphan queue is forgiven.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TicketSnapshot } from '../../src-shared/domain.ts';
import type { LedgerEntry, SaleRequestRecord } from '../../drivers/pax/simulator/processor-ledger.ts';
import type { AttemptRow } from '../../src-main/journal/attempt-repository.ts';
import type { BatchLine } from '../../src-shared/batch-types.ts';
import type { BatchView, JournalDump } from './chaos-host-protocol.ts';
import { chaosLine, chaosPassed, lineAgreesWithLedger, refundFaults, tallyChaos, type ProcessorTruth } from './chaos-tally.ts';

const entry = (refNum: string, invoice: string, amount: number, status: LedgerEntry['status'] = 'approved', enteredAt = 1): LedgerEntry => ({
  refNum, kind: 'sale', invoice, amount, currency: 'USD', maskedPan: '411111******1111', cardBrand: 'visa', entryMode: 'chip',
  deviceId: 'pad-tcp', status, text: 'Approved', batch: '1', enteredAt, captured: false, refundedAmount: 0,
});

let seq = 0;
const request = (invoice: string, amount: number, result: SaleRequestRecord['result'], at: number, refNum?: string, arrivedAt?: number): SaleRequestRecord => ({
  seq: seq++, command: 'sale', invoice, amount, deviceId: 'pad-tcp', at, result, amountApproved: result === 'approved' ? amount : 0,
  ...(refNum ? { refNum } : {}), ...(arrivedAt !== undefined ? { arrivedAt } : {}),
});

/** A truth whose request log holds one approved request per ledger entry. */
const truth = (ledger: LedgerEntry[], extra: SaleRequestRecord[] = []): ProcessorTruth => ({
  ledger,
  requests: [...ledger.map((e) => request(e.invoice, e.amount, e.status === 'declined' ? 'declined' : 'approved', e.enteredAt, e.refNum)), ...extra],
});

const attempt = (id: string, ticketId: string, invoice: string, state: AttemptRow['state'], amountApproved = 0, hostRef: string | null = null, amountRequested = 1000): AttemptRow => ({
  id, ticketId, slot: 1, ecrRef: invoice, invoice, terminalId: 'pad-tcp', kind: 'sale', amountRequested, amountApproved, currency: 'USD', state,
  resultCode: null, resultText: null, authCode: null, hostRef, terminalRef: null, batchNumber: null, maskedPan: null, cardBrand: null, entryMode: null,
  approvalSource: null, doubtReason: null, createdAt: '', updatedAt: '',
});

const ticket = (id: string, total: number, paid: number): TicketSnapshot => ({
  id, registerId: 'r', number: 1, status: paid >= total ? 'paid' : 'open', currency: 'USD', lines: [], total, paid, due: Math.max(0, total - paid), tenders: [], createdAt: '', updatedAt: '',
});

const counts = (t: ReturnType<typeof tallyChaos>) => ({
  double: t.doubleCharges, lost: t.lostApprovals, unresolved: t.unresolved, unflagged: t.orphansUnflagged,
  phantom: t.phantomApprovals, over: t.overApproved, registerOrphans: t.registerOrphans,
});
const ZERO = { double: 0, lost: 0, unresolved: 0, unflagged: 0, phantom: 0, over: 0, registerOrphans: 0 };

test('a clean run counts nothing: every charge held by its attempt, a decline then a retry on the same slot is fine', () => {
  const journal: JournalDump = {
    tickets: [ticket('t1', 1000, 1000), ticket('t2', 500, 500)],
    attempts: [attempt('a1', 't1', 'R7T1P1', 'approved', 1000, '1'), attempt('a2', 't2', 'R7T2P1', 'declined', 0, null, 500), attempt('a3', 't2', 'R7T2P1', 'approved', 500, '3', 500)],
    orphans: [],
  };
  const t = tallyChaos(truth([entry('1', 'R7T1P1', 1000), entry('2', 'R7T2P1', 500, 'declined', 2), entry('3', 'R7T2P1', 500, 'approved', 3)]), journal, '7');
  assert.deepEqual(counts(t), ZERO);
  assert.equal(t.charges, 2);
  assert.equal(chaosPassed(t), true);
  assert.equal(
    chaosLine(2, t, 3, { after_commit: 1, pad_charged: 2 }),
    'chaos: payments=2 charges=2 double_charges=0 lost_approvals=0 unresolved=0 orphans_unflagged=0 phantom_approvals=0 over_approved=0 register_orphans=0 over_refunds=0 double_refunds=0 batches=0 unexplained_variance=0 kills=3 kills_after_commit=1 kills_pad_charged=2',
  );
});

test('a second sale on an approved slot is a double charge even when the processor refused it as a duplicate', () => {
  const journal: JournalDump = { tickets: [ticket('t1', 1000, 1000)], attempts: [attempt('a1', 't1', 'R7T1P1', 'approved', 1000, '1')], orphans: [] };
  const t = tallyChaos(truth([entry('1', 'R7T1P1', 1000, 'approved', 10)], [request('R7T1P1', 1000, 'duplicate', 20, '1')]), journal, '7');
  assert.deepEqual(counts(t), { ...ZERO, double: 1 });
  assert.match(t.findings.join('\n'), /while an earlier one was approved/);
});

test('a sale sent while an earlier one on the slot was still undecided at the processor is a double charge, even if both were declined', () => {
  const journal: JournalDump = { tickets: [ticket('t1', 1000, 0)], attempts: [attempt('a1', 't1', 'R7T1P1', 'declined'), attempt('a2', 't1', 'R7T1P1', 'declined')], orphans: [] };
  // The first arrived at 10 and was decided at 5000 (a late bank); the second arrived at 3000.
  const t = tallyChaos({ ledger: [], requests: [request('R7T1P1', 1000, 'declined', 5000, undefined, 10), request('R7T1P1', 1000, 'declined', 3000, undefined, 3000)] }, journal, '7');
  assert.equal(t.doubleCharges, 1);
  assert.match(t.findings.join('\n'), /undecided/);
});

test('two standing charges on one slot count as a double charge and the unheld one as a lost approval', () => {
  const t = tallyChaos(truth([entry('1', 'R7T1P1', 1000), entry('2', 'R7T1P1', 1000, 'approved', 2)]), {
    tickets: [ticket('t1', 1000, 1000)],
    attempts: [attempt('a1', 't1', 'R7T1P1', 'approved', 1000, '1')],
    orphans: [],
  }, '7');
  assert.equal(t.doubleCharges, 1, 'one extra request, counted once');
  assert.equal(t.lostApprovals, 1);
  assert.equal(chaosPassed(t), false);
});

test('charges over the ticket total across slots are a double charge even when each is held', () => {
  const journal: JournalDump = {
    tickets: [ticket('t1', 1000, 1600)],
    attempts: [attempt('a1', 't1', 'R7T1P1', 'approved', 800, '1'), { ...attempt('a2', 't1', 'R7T1P2', 'approved', 800, '2'), slot: 2 }],
    orphans: [],
  };
  const t = tallyChaos(truth([entry('1', 'R7T1P1', 800), entry('2', 'R7T1P2', 800, 'approved', 2)]), journal, '7');
  assert.deepEqual(counts(t), { ...ZERO, double: 1 });
});

test('a charge on the register\'s own slot in the orphan queue is still lost, and is a register orphan', () => {
  const journal: JournalDump = { tickets: [ticket('t1', 1000, 0)], attempts: [attempt('a1', 't1', 'R7T1P1', 'not_charged')], orphans: [] };
  const ledger = truth([entry('1', 'R7T1P1', 1000)]);
  assert.deepEqual(counts(tallyChaos(ledger, journal, '7')), { ...ZERO, lost: 1 });
  journal.orphans.push({ refNum: '1', invoice: 'R7T1P1', amount: 1000 });
  assert.deepEqual(counts(tallyChaos(ledger, journal, '7')), { ...ZERO, lost: 1, registerOrphans: 1 });
});

test('a charge on an own-form slot no attempt used is lost too; a foreign invoice counts only until it is queued', () => {
  const journal: JournalDump = { tickets: [], attempts: [], orphans: [] };
  const ledger = truth([entry('9', 'STRAY1', 300), entry('8', 'R7T5P3', 200, 'approved', 2)]);
  assert.deepEqual(counts(tallyChaos(ledger, journal, '7')), { ...ZERO, unflagged: 1, lost: 1 });
  journal.orphans.push({ refNum: '9', invoice: 'STRAY1', amount: 300 });
  assert.deepEqual(counts(tallyChaos(ledger, journal, '7')), { ...ZERO, lost: 1 });
});

test('an approval with no charge on its slot is a phantom, whatever the processor holds elsewhere', () => {
  // The wrong-invoice register: the PIN pad found the approval, but the charge sits under another invoice.
  const journal: JournalDump = { tickets: [ticket('t1', 1000, 1000)], attempts: [attempt('a1', 't1', 'R7T1P1', 'approved', 1000, '1')], orphans: [{ refNum: '1', invoice: 'WR7T1P1', amount: 1000 }] };
  const t = tallyChaos(truth([entry('1', 'WR7T1P1', 1000)]), journal, '7');
  assert.deepEqual(counts(t), { ...ZERO, phantom: 1 });
});

test('an approval above the amount asked is over_approved, recorded or held', () => {
  const recorded = tallyChaos(truth([entry('1', 'R7T1P1', 1000)]), {
    tickets: [ticket('t1', 2000, 1200)],
    attempts: [attempt('a1', 't1', 'R7T1P1', 'approved', 1200, '1', 1000)],
    orphans: [],
  }, '7');
  assert.equal(recorded.overApproved, 1);
  const held = tallyChaos(truth([entry('1', 'R7T1P1', 1500)]), {
    tickets: [ticket('t1', 2000, 1000)],
    attempts: [attempt('a1', 't1', 'R7T1P1', 'approved', 1000, '1', 1000)],
    orphans: [],
  }, '7');
  assert.equal(held.overApproved, 1);
  assert.equal(chaosPassed(held), false);
});

test('attempts left sent or in_doubt are unresolved; tickets tried and left open are unpaid (detail only)', () => {
  const t = tallyChaos({ ledger: [], requests: [] }, {
    tickets: [ticket('t2', 1000, 0)],
    attempts: [attempt('a2', 't2', 'R7T2P1', 'in_doubt'), attempt('a3', 't2', 'R7T2P2', 'sent')],
    orphans: [],
  }, '7');
  assert.deepEqual(counts(t), { ...ZERO, unresolved: 2 });
  assert.equal(t.unpaidTickets, 1);
  assert.equal(chaosPassed(t), false);
});

const refund = (refNum: string, invoice: string, amount: number, originalRefNum: string): LedgerEntry => ({ ...entry(refNum, invoice, amount), kind: 'refund', originalRefNum });

test('refund faults come from the processor ledger: over-refunds and double refunds each become non-zero and fail the run', () => {
  const clean = [entry('1', 'R7T1P1', 1000, 'refunded'), refund('2', 'R7T1P1F1', 400, '1'), refund('3', 'R7T1P1F2', 600, '1')];
  assert.deepEqual(refundFaults(clean), { overRefunds: 0, doubleRefunds: 0 });
  // One refund sent twice: both landed (money given back twice, and more than charged).
  const twice = [entry('1', 'R7T1P1', 1000), refund('2', 'R7T1P1F1', 700, '1'), refund('3', 'R7T1P1F1', 700, '1')];
  assert.deepEqual(refundFaults(twice), { overRefunds: 1, doubleRefunds: 1 });
  // A voided charge also refunded.
  assert.deepEqual(refundFaults([entry('1', 'R7T1P1', 1000, 'voided'), refund('2', 'R7T1P1F1', 100, '1')]), { overRefunds: 1, doubleRefunds: 0 });
  const journal: JournalDump = { tickets: [ticket('t1', 1000, 1000)], attempts: [attempt('a1', 't1', 'R7T1P1', 'approved', 1000, '1')], orphans: [] };
  const t = tallyChaos(truth(twice), journal, '7');
  assert.equal(t.overRefunds, 1);
  assert.equal(t.doubleRefunds, 1);
  assert.equal(chaosPassed(t), false);
  assert.match(chaosLine(1, t, 0), /over_refunds=1 double_refunds=1/);
});

const line = (id: string, type: BatchLine['type'], invoice: string | null, journalAmount: number, status: BatchLine['status'] = 'signed_off'): BatchLine => ({
  id, batchId: 'b1', type, cause: 'c', action: 'a', invoice, refNum: null, attemptId: null, journalAmount, padAmount: null, gatewayAmount: null,
  amount: 0, status, resolution: null, resolvedBy: null, resolvedAt: null, createdAt: '',
});
const batch = (status: BatchView['status'], lines: BatchLine[], invoices: string[]): BatchView => ({ id: 'b1', terminalId: 'pad-tcp', status, lines, invoices });

test('a voided original and its void are no phantom; a refunded one stays held by its charge', () => {
  const voidAttempt = { ...attempt('v1', 't1', 'R7T1P1V1', 'approved', 1000, '9'), kind: 'void' as const };
  const refundAttempt = { ...attempt('f1', 't2', 'R7T2P1F1', 'approved', 300, '8'), kind: 'refund' as const };
  const journal: JournalDump = {
    tickets: [ticket('t1', 1000, 1000), ticket('t2', 500, 500)],
    attempts: [attempt('a1', 't1', 'R7T1P1', 'reversed', 1000, '1'), voidAttempt, attempt('a2', 't2', 'R7T2P1', 'approved', 500, '2', 500), refundAttempt],
    orphans: [],
    voided: ['a1'],
    batches: [batch('closed', [], ['R7T1P1', 'R7T2P1'])],
  };
  const ledger = [entry('1', 'R7T1P1', 1000, 'voided'), entry('2', 'R7T2P1', 500, 'refunded', 2), refund('8', 'R7T2P1F1', 300, '2')];
  const t = tallyChaos(truth(ledger), journal, '7');
  assert.deepEqual(counts(t), ZERO, t.findings.join('\n'));
  assert.equal(t.batches, 1);
  assert.equal(t.unexplainedVariance, 0);
  // The same void, journaled approved while the processor still holds the charge: the charge is lost.
  const notVoided = tallyChaos(truth([entry('1', 'R7T1P1', 1000), ...ledger.slice(1)]), journal, '7');
  assert.equal(notVoided.lostApprovals, 1);
});

test('unexplained_variance: a line the processor ledger contradicts, or a closed batch hiding a ledger/journal difference, fails the run', () => {
  const attempts = [attempt('a1', 't1', 'R7T1P1', 'approved', 1000, '1'), attempt('a2', 't2', 'R7T2P1', 'approved', 500, '2', 500)];
  const ledger = [entry('1', 'R7T1P1', 1000), entry('2', 'R7T2P1', 500, 'approved', 2), entry('3', 'R7T3P1', 700, 'approved', 3)];
  const base = { tickets: [ticket('t1', 1000, 1000), ticket('t2', 500, 500)], attempts, orphans: [{ refNum: '3', invoice: 'STRAY3', amount: 700 }] };
  // Lines that are what the ledger shows: a charge no attempt holds, an approval with no charge.
  assert.equal(lineAgreesWithLedger(line('l1', 'charged_not_recorded', 'R7T3P1', 0), ledger, attempts), true);
  assert.equal(lineAgreesWithLedger(line('l2', 'recorded_not_charged', 'R7T4P1', 900), ledger, attempts), true);
  // "Charged but not recorded" where the ledger shows no standing charge, or only the one the journal holds.
  assert.equal(lineAgreesWithLedger(line('l3', 'charged_not_recorded', 'R7T9P1', 0), ledger, attempts), false);
  assert.equal(lineAgreesWithLedger(line('l4', 'charged_not_recorded', 'R7T1P1', 0), ledger, attempts), false);
  assert.equal(lineAgreesWithLedger(line('l5', 'recorded_not_charged', 'R7T1P1', 1000), ledger, attempts), false);
  assert.equal(lineAgreesWithLedger(line('l6', 'amount_differs', 'R7T2P1', 500), ledger, attempts), false);
  assert.equal(lineAgreesWithLedger(line('l7', 'duplicate_charge', 'R7T2P1', 500), ledger, attempts), false);
  assert.equal(lineAgreesWithLedger(line('l8', 'in_doubt', 'R7T2P1', 500), ledger, attempts), true);

  const wrongLine = tallyChaos(truth(ledger), { ...base, batches: [batch('closed', [line('l3', 'charged_not_recorded', 'R7T1P1', 0)], ['R7T1P1', 'R7T2P1'])] }, '7');
  assert.equal(wrongLine.unexplainedVariance, 1, wrongLine.findings.join('\n'));
  assert.equal(wrongLine.batches, 1);
  assert.equal(chaosPassed(wrongLine), false);
  assert.match(chaosLine(2, wrongLine, 0), /batches=1 unexplained_variance=1 kills=0/);

  // Closed while the ledger charged 500 on R7T2P1 and the journal recorded 400, no line saying so.
  const short = [attempts[0], attempt('a2', 't2', 'R7T2P1', 'approved', 400, '2', 500)];
  const hidden = tallyChaos(truth(ledger), { ...base, attempts: short, batches: [batch('closed', [], ['R7T1P1', 'R7T2P1'])] }, '7');
  assert.equal(hidden.unexplainedVariance, 1, hidden.findings.join('\n'));
  // The same difference said by a line is explained; the same batch still open is not counted as closed.
  const said = tallyChaos(truth(ledger), { ...base, attempts: short, batches: [batch('closed', [line('l9', 'amount_differs', 'R7T2P1', 400)], ['R7T1P1', 'R7T2P1'])] }, '7');
  assert.equal(said.unexplainedVariance, 0, said.findings.join('\n'));
  const open = tallyChaos(truth(ledger), { ...base, attempts: short, batches: [batch('open', [], ['R7T1P1', 'R7T2P1'])] }, '7');
  assert.deepEqual([open.unexplainedVariance, open.batches], [0, 0]);
});
