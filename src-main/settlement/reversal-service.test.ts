// Voids and refunds against the real simulators (issue 11 §3, §6): the PIN pad
// simulator on TCP, the gateway simulator over HTTP, a real SQLite journal.
// Every money check reads the processor's ledger, not the journal.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError } from '../../src-shared/errors.ts';
import { AttemptRepository } from '../journal/attempt-repository.ts';
import { rigPerTest, until } from '../payments/payment-test-rig.ts';
import { InDoubtQueue } from './in-doubt-queue.ts';
import { chooseReversal } from './reversal-service.ts';
import { rigReversals } from './reversal-test-rig.ts';

const startRig = rigPerTest();
const MANAGER = 'staff-m1';

async function paidSale(rig: Awaited<ReturnType<typeof startRig>>, amount = 1000) {
  const t = rig.ticketWith('coffee');
  const a = await rig.coordinator.start(t.id, amount);
  assert.equal(a.state, 'approved');
  return { ticket: t, attempt: new AttemptRepository(rig.journal).get(a.id) };
}

describe('voids and refunds', () => {
  test('open batch: a void on the PIN pad by the original HRef; the charge is voided at the processor and the original reversed', async () => {
    const rig = await startRig();
    const reversals = rigReversals(rig);
    const { attempt } = await paidSale(rig);
    const v = await reversals.reverse({ attemptId: attempt.id, reason: 'customer changed mind' }, MANAGER);
    assert.equal(v.kind, 'void');
    assert.equal(v.state, 'approved');
    assert.equal(v.ecrRef, `${attempt.ecrRef}V1`);
    const attempts = new AttemptRepository(rig.journal);
    assert.equal(attempts.get(attempt.id).state, 'reversed');
    const ledger = rig.gateway.ledger.byInvoice(attempt.invoice).filter((e) => e.kind === 'sale');
    assert.equal(ledger.length, 1);
    assert.equal(ledger[0].status, 'voided');
    assert.deepEqual(reversals.links.linkOf(v.id)?.actor, MANAGER);
    const ev = rig.journal.db.prepare("SELECT payload FROM events WHERE entity = 'reversal' AND entity_id = ?").pluck().get(v.id) as string;
    assert.match(ev, /"actor":"staff-m1"/);
  });

  test('closed batch: partial refunds at the gateway, an over-refund refused, the rest refunded; the processor gave back exactly the charge', async () => {
    const rig = await startRig();
    const reversals = rigReversals(rig);
    const { attempt } = await paidSale(rig);
    await rig.pads.pad1.terminal.batchClose();
    const r1 = await reversals.reverse({ attemptId: attempt.id, amount: 400, reason: 'one item returned' }, MANAGER);
    assert.equal(r1.kind, 'refund');
    assert.equal(r1.state, 'approved');
    assert.equal(r1.ecrRef, `${attempt.ecrRef}F1`);
    const attempts = new AttemptRepository(rig.journal);
    assert.equal(attempts.get(attempt.id).state, 'approved', 'a partial refund leaves the original approved');

    await assert.rejects(
      reversals.reverse({ attemptId: attempt.id, amount: 601, reason: 'too much' }, MANAGER),
      (e) => e instanceof AppError && e.code === 'over_refund' && /6\.00/.test(e.message),
    );
    const r2 = await reversals.reverse({ attemptId: attempt.id, amount: 600, reason: 'rest returned' }, MANAGER);
    assert.equal(r2.state, 'approved');
    assert.equal(r2.ecrRef, `${attempt.ecrRef}F2`);
    assert.equal(attempts.get(attempt.id).state, 'reversed');
    await assert.rejects(reversals.reverse({ attemptId: attempt.id, amount: 1, reason: 'again' }, MANAGER), (e) => e instanceof AppError && e.code === 'over_refund');

    const refunds = rig.gateway.ledger.all().filter((e) => e.kind === 'refund');
    assert.deepEqual(refunds.map((e) => [e.invoice, e.amount, e.originalRefNum]), [
      [`${attempt.ecrRef}F1`, 400, attempt.hostRef],
      [`${attempt.ecrRef}F2`, 600, attempt.hostRef],
    ]);
    assert.equal(rig.gateway.ledger.find(attempt.hostRef!)?.status, 'refunded');
  });

  test('open batch: a part is refused before anything is sent (the processor refunds only what is settled); nothing reaches the processor', async () => {
    const rig = await startRig();
    const reversals = rigReversals(rig);
    const { attempt } = await paidSale(rig);
    const before = rig.gateway.ledger.all().length;
    await assert.rejects(
      reversals.reverse({ attemptId: attempt.id, amount: 300, reason: 'one item returned' }, MANAGER),
      (e) => e instanceof AppError && e.code === 'not_settled' && /\$3\.00 of this \$10\.00 payment cannot be given back yet/.test(e.message) && /Void the whole payment/.test(e.message),
    );
    assert.equal(rig.gateway.ledger.all().length, before, 'nothing was sent to the processor');
    assert.deepEqual(reversals.links.reversalsOf(attempt.id), [], 'no reversal was journaled');
    assert.equal(reversals.remaining(attempt.id), 1000);
  });

  test('the whole charge the processor has not settled (our batch said closed): the refund is refused there, and the charge is voided at the gateway instead, once', async () => {
    const rig = await startRig();
    // A register that believes the batch closed (a gateway-only register, a PIN pad whose close did not reach the host).
    const reversals = rigReversals(rig, { batchState: async () => 'closed' });
    const { attempt } = await paidSale(rig);
    const done = await reversals.reverse({ attemptId: attempt.id, reason: 'customer changed mind' }, MANAGER);
    assert.equal(done.kind, 'void');
    assert.equal(done.state, 'approved');
    assert.equal(done.ecrRef, `${attempt.ecrRef}V1`);
    const links = reversals.links.reversalsOf(attempt.id);
    assert.deepEqual(links.map((r) => [r.kind, r.state, r.ecrRef]), [
      ['refund', 'declined', `${attempt.ecrRef}F1`],
      ['void', 'approved', `${attempt.ecrRef}V1`],
    ]);
    assert.equal(new AttemptRepository(rig.journal).get(attempt.id).state, 'reversed');
    // Ground truth: the sale voided, no refund, nothing given back twice.
    const sale = rig.gateway.ledger.find(attempt.hostRef!);
    assert.equal(sale?.status, 'voided');
    assert.equal(rig.gateway.ledger.all().filter((e) => e.kind === 'refund' && e.status !== 'declined').length, 0);
  });

  test('a part the processor has not settled is refused by it in plain words; the refund stays declined and nothing moved', async () => {
    const rig = await startRig();
    const reversals = rigReversals(rig, { batchState: async () => 'closed' });
    const { attempt } = await paidSale(rig);
    await assert.rejects(
      reversals.reverse({ attemptId: attempt.id, amount: 250, reason: 'damaged' }, MANAGER),
      (e) => e instanceof AppError && e.code === 'not_settled' && !/\b\d{3}\b|http|127\.0/.test(e.message),
    );
    assert.deepEqual(reversals.links.reversalsOf(attempt.id).map((r) => [r.kind, r.state]), [['refund', 'declined']]);
    assert.equal(rig.gateway.ledger.find(attempt.hostRef!)?.status, 'approved');
    assert.equal(reversals.remaining(attempt.id), 1000);
    // After the PIN pad's batch close the processor has settled it: the same part is refunded.
    await rig.pads.pad1.terminal.batchClose();
    const r = await reversals.reverse({ attemptId: attempt.id, amount: 250, reason: 'damaged' }, MANAGER);
    assert.equal(r.state, 'approved');
    assert.equal(rig.gateway.ledger.all().filter((e) => e.kind === 'refund' && e.status === 'approved').reduce((t, e) => t + e.amount, 0), 250);
  });

  test('an unanswered refund is in doubt, then resolved by lookup with exactly one refund at the processor', async () => {
    const rig = await startRig();
    const reversals = rigReversals(rig);
    const { attempt } = await paidSale(rig);
    await rig.pads.pad1.terminal.batchClose();
    rig.gateway.injectFault({ kind: 'drop_after_commit', commands: ['cc:refund'] });
    const r = await reversals.reverse({ attemptId: attempt.id, amount: 250, reason: 'damaged' }, MANAGER);
    assert.equal(r.state, 'in_doubt');
    const attempts = new AttemptRepository(rig.journal);
    await until(() => attempts.get(r.id).state !== 'in_doubt', 8000, 'the refund resolved');
    const done = attempts.get(r.id);
    assert.equal(done.state, 'approved');
    assert.equal(done.approvalSource, 'gateway_lookup');
    assert.equal(done.amountApproved, 250);
    const refunds = rig.gateway.ledger.all().filter((e) => e.kind === 'refund' && e.originalRefNum === attempt.hostRef);
    assert.equal(refunds.length, 1, 'one refund at the processor');
    assert.equal(refunds[0].amount, 250);
    // While it was out, no more than the rest could be asked for.
    assert.equal(reversals.remaining(attempt.id), 750);
  });

  test('two refunds asked at once: the second is refused while the first is out (never two on the wire), the total never exceeds the charge', async () => {
    const rig = await startRig();
    const reversals = rigReversals(rig);
    const { attempt } = await paidSale(rig);
    await rig.pads.pad1.terminal.batchClose();
    const results = await Promise.allSettled([
      reversals.reverse({ attemptId: attempt.id, amount: 700, reason: 'a' }, MANAGER),
      reversals.reverse({ attemptId: attempt.id, amount: 700, reason: 'b' }, MANAGER),
    ]);
    assert.equal(results.filter((x) => x.status === 'fulfilled').length, 1);
    const refunded = rig.gateway.ledger.all().filter((e) => e.kind === 'refund').reduce((s, e) => s + e.amount, 0);
    assert.equal(refunded, 700);
  });

  test('the choice follows the batch: open and whole → void, closed → refund, open and a part → refused (not settled), unknown → refused', () => {
    const o = { approvalSource: 'terminal' as const, amountApproved: 1000 };
    assert.deepEqual(chooseReversal(o, 'open', 1000), { plan: { kind: 'void', route: 'terminal' } });
    assert.deepEqual(chooseReversal({ ...o, approvalSource: 'gateway_lookup' }, 'open', 1000), { plan: { kind: 'void', route: 'gateway' } });
    assert.deepEqual(chooseReversal(o, 'open', 500), { refused: 'not_settled' });
    assert.deepEqual(chooseReversal(o, 'closed', 500), { plan: { kind: 'refund', route: 'gateway' } });
    assert.deepEqual(chooseReversal(o, 'closed', 1000), { plan: { kind: 'refund', route: 'gateway' } });
    assert.deepEqual(chooseReversal(o, 'unknown', 1000), { refused: 'batch_unknown' });
  });
});

describe('the in-doubt queue', () => {
  test('an unresolvable refund is listed with its age; "check now" runs a pass; a phone confirmation is manual evidence with the manager and reference', async () => {
    const rig = await startRig();
    const reversals = rigReversals(rig);
    const { attempt } = await paidSale(rig);
    await rig.pads.pad1.terminal.batchClose();
    rig.gateway.injectFault({ kind: 'drop_after_commit', commands: ['cc:refund'] });
    // The gateway's reports fail: nobody can tell whether the refund went through.
    rig.gateway.injectFault({ kind: 'http_5xx', commands: ['report:approved', 'report:all'], times: 'always' });
    const r = await reversals.reverse({ attemptId: attempt.id, amount: 300, reason: 'damaged' }, MANAGER);
    assert.equal(r.state, 'in_doubt');
    const attempts = new AttemptRepository(rig.journal);
    const queue = new InDoubtQueue({
      journal: rig.journal,
      attempts,
      tickets: rig.tickets,
      outcome: rig.coordinator.outcome,
      resolution: rig.coordinator.resolution,
      now: () => Date.now(),
    });
    const listed = await queue.checkNow(r.id);
    assert.deepEqual(listed.map((e) => e.attempt.id), [r.id]);
    assert.ok(listed[0].ageMs >= 0);
    assert.equal(attempts.get(r.id).state, 'in_doubt', 'check now could not resolve it: still in doubt, never guessed');

    const after = queue.confirmByPhone({ attemptId: r.id, outcome: 'charged', processorRef: 'PH777', note: 'called the processor' }, MANAGER);
    assert.deepEqual(after, []);
    const done = attempts.get(r.id);
    assert.equal(done.state, 'approved');
    assert.equal(done.approvalSource, 'manual');
    assert.equal(done.hostRef, 'PH777');
    const ev = JSON.parse(rig.journal.db.prepare("SELECT payload FROM events WHERE entity = 'manual_evidence' AND entity_id = ?").pluck().get(r.id) as string);
    assert.deepEqual(ev, { actor: MANAGER, note: 'called the processor', outcome: 'charged', processorRef: 'PH777' });
    assert.throws(() => queue.confirmByPhone({ attemptId: r.id, outcome: 'not_charged', processorRef: 'PH778', note: '' }, MANAGER), (e) => e instanceof AppError && e.code === 'conflict');
    // The processor gave back exactly once.
    assert.equal(rig.gateway.ledger.all().filter((e) => e.kind === 'refund').length, 1);
  });
});
