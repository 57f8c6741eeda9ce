// Integration tests of the payment coordinator against real parts: PAX
// simulators on TCP, the real PAX driver, the gateway simulator over HTTP (the
// one processor ledger) and a real SQLite journal. Each checks the processor
// ledger AND the journal afterwards.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError } from '../../src-shared/errors.ts';
import { InMemoryProcessor } from '../../drivers/pax/simulator/in-memory-processor.ts';
import { nextSlot } from './payment-coordinator.ts';
import { RESOLVING } from './payment-messages.ts';
import { attemptEvents, rigPerTest, until } from './payment-test-rig.ts';

const startRig = rigPerTest();

function isAppError(code: string) {
  return (err: unknown) => err instanceof AppError && err.code === code;
}

describe('payment coordinator', () => {
  test('a plain approval is journaled sent before the PIN pad answers, and settles the ticket', async () => {
    const rig = await startRig();
    const t = rig.ticketWith('coffee');
    const seen: string[] = [];
    rig.coordinator.onAttemptChanged((s) => seen.push(s.state));
    const a = await rig.coordinator.start(t.id, 1000);
    assert.equal(a.state, 'approved');
    assert.equal(a.approvalSource, 'terminal');
    assert.equal(a.amountApproved, 1000);
    assert.equal(a.ecrRef, 'R1T1P1');
    assert.match(a.maskedPan ?? '', /^411111\*+1111$/);
    assert.deepEqual(seen, ['sent', 'approved']);
    assert.deepEqual(attemptEvents(rig.journal, a.id).map((e) => e.type), ['created', 'send', 'approve']);
    assert.equal(rig.tickets.get(t.id).status, 'paid');
    assert.equal(rig.charges('R1T1P1').length, 1);
    assert.equal(rig.journal.verify().ok, true);
  });

  test('approval lost (drop_response): in doubt, retry refused, resolved by lookup; one charge, recorded', async () => {
    const rig = await startRig();
    const t = rig.ticketWith('coffee');
    const messages: string[] = [];
    rig.coordinator.onAttemptChanged((s) => messages.push(s.message));
    rig.pads.pad1.sim.setFault({ kind: 'drop_response' }, { once: true });
    const first = await rig.coordinator.start(t.id, 1000);
    assert.equal(first.state, 'in_doubt');
    assert.equal(first.doubtReason, 'timeout');
    // The card was charged but the answer was lost: the cashier retries on the same ticket.
    await assert.rejects(rig.coordinator.start(t.id, 1000), isAppError('attempt_unresolved'));
    const done = await rig.coordinator.waitForResolution(first.id, 8000);
    assert.equal(done.state, 'approved');
    assert.equal(done.approvalSource, 'terminal_lookup');
    assert.equal(done.amountApproved, 1000);
    assert.ok(messages.includes(RESOLVING.checkingTerminal), 'the cashier was told the PIN pad is being checked');
    // Retrying now finds nothing due.
    await assert.rejects(rig.coordinator.start(t.id, 1000), isAppError('ticket_closed'));
    assert.equal(rig.charges('R1T1P1').length, 1, 'exactly one charge at the processor');
    assert.equal(rig.tickets.get(t.id).status, 'paid');
    const attempts = rig.coordinator.attemptsOf(t.id);
    assert.equal(attempts.length, 1);
    assert.deepEqual(attemptEvents(rig.journal, first.id).map((e) => e.type), ['created', 'send', 'doubt', 'approve']);
  });

  test('retry on another PIN pad while the first attempt is unresolved is refused until resolved; one charge', async () => {
    const rig = await startRig({ padIds: ['pad1', 'pad2'] });
    const t = rig.ticketWith('coffee');
    const pad1 = rig.pads.pad1.sim;
    pad1.setFault({ kind: 'drop_response' }, { once: true });
    const saleDone = rig.coordinator.start(t.id, 1000, 'pad1');
    await until(() => pad1.records().length === 1, 5000, 'the sale to reach pad1');
    // pad1 stops answering and the gateway report is down: the outcome stays unknown.
    pad1.setFault({ kind: 'hang' });
    const faultId = rig.gateway.injectFault({ kind: 'http_5xx', commands: ['report:approved'], times: 'always' });
    const first = await saleDone;
    assert.equal(first.state, 'in_doubt');
    await until(() => rig.coordinator.snapshot(first.id).message === RESOLVING.gatewayUnreachable, 8000, 'gateway unreachable message');
    await assert.rejects(rig.coordinator.start(t.id, 1000, 'pad2'), (err: unknown) => {
      assert.ok(err instanceof AppError && err.code === 'attempt_unresolved');
      assert.match(err.message, /R1T1P1 on PIN pad pad1/);
      return true;
    });
    assert.equal(rig.pads.pad2.sim.records().length, 0, 'nothing reached pad2');
    assert.equal(rig.coordinator.snapshot(first.id).state, 'in_doubt');
    // Links come back: the next pass finds the approval.
    pad1.setFault(null);
    rig.gateway.clearFaults(faultId);
    const done = await rig.coordinator.waitForResolution(first.id, 8000);
    assert.equal(done.state, 'approved');
    assert.ok(done.approvalSource === 'terminal_lookup' || done.approvalSource === 'gateway_lookup');
    assert.equal(rig.charges('R1T1P1').length, 1);
    assert.equal(rig.tickets.get(t.id).status, 'paid');
  });

  test('retry with another amount while in doubt is refused; after "not charged" the same slot is reused', async () => {
    const rig = await startRig();
    const t = rig.ticketWith('coffee', 'cake');
    rig.pads.pad1.sim.setFault({ kind: 'hang' }, { once: true });
    const pending = rig.coordinator.start(t.id, 1450);
    await until(() => rig.coordinator.attemptsOf(t.id).length === 1, 2000, 'attempt journaled');
    await assert.rejects(rig.coordinator.start(t.id, 1000), isAppError('attempt_unresolved'));
    const first = await pending;
    assert.equal(first.state, 'in_doubt');
    await assert.rejects(rig.coordinator.start(t.id, 450), isAppError('attempt_unresolved'));
    const resolved = await rig.coordinator.waitForResolution(first.id, 8000);
    assert.equal(resolved.state, 'not_charged', 'PIN pad and gateway both answered: no charge');
    assert.equal(rig.charges('R1T1P1').length, 0);
    const second = await rig.coordinator.start(t.id, 1450);
    assert.equal(second.state, 'approved');
    assert.equal(second.ecrRef, 'R1T1P1', 'same slot, same reference');
    assert.equal(rig.charges('R1T1P1').length, 1);
    assert.equal(rig.tickets.get(t.id).status, 'paid');
  });

  test('refuses amounts above what is due and non-integer amounts', async () => {
    const rig = await startRig();
    const t = rig.ticketWith('cake');
    await assert.rejects(rig.coordinator.start(t.id, 451), isAppError('amount_exceeds_due'));
    await assert.rejects(rig.coordinator.start(t.id, 4.5), isAppError('invalid_request'));
    await assert.rejects(rig.coordinator.start(t.id, 450, 'nope'), isAppError('terminal_not_configured'));
    assert.equal(rig.coordinator.attemptsOf(t.id).length, 0);
    assert.equal(rig.gateway.ledger.size, 0);
  });

  test('partial approval leaves the rest due; a second card pays it on slot 2 (in-memory processor)', async () => {
    const processor = new InMemoryProcessor();
    const rig = await startRig({ processor });
    const t = rig.ticketWith('meal'); // 20.52: the simulated issuer approves half
    const first = await rig.coordinator.start(t.id, 2052);
    assert.equal(first.state, 'approved');
    assert.equal(first.amountApproved, 1026);
    assert.match(first.message, /Partially approved/);
    const mid = rig.tickets.get(t.id);
    assert.equal(mid.status, 'open');
    assert.equal(mid.due, 1026);
    rig.pads.pad1.sim.presentCard({ pan: '5555555555554444' });
    const second = await rig.coordinator.start(t.id, 1026);
    assert.equal(second.state, 'approved');
    assert.equal(second.slot, 2);
    assert.equal(second.ecrRef, 'R1T1P2');
    assert.equal(rig.tickets.get(t.id).status, 'paid');
    const charges = processor.charges();
    assert.deepEqual(charges.map((c) => [c.invoice, c.amount]), [['R1T1P1', 1026], ['R1T1P2', 1026]]);
  });
});

describe('partial approval through the gateway simulator', () => {
  test('the gateway processor approves half; the rest is due; a second card pays it: two ledger charges, ticket paid', async () => {
    const rig = await startRig();
    const t = rig.ticketWith('meal'); // 20.52: the same issuer rule on the gateway's processor
    const first = await rig.coordinator.start(t.id, 2052);
    assert.equal(first.state, 'approved');
    assert.equal(first.amountApproved, 1026);
    assert.equal(rig.tickets.get(t.id).due, 1026);
    rig.pads.pad1.sim.presentCard({ pan: '5555555555554444' });
    const second = await rig.coordinator.start(t.id, 1026);
    assert.equal(second.state, 'approved');
    assert.equal(second.ecrRef, 'R1T1P2');
    assert.equal(rig.tickets.get(t.id).status, 'paid');
    assert.deepEqual([...rig.charges('R1T1P1'), ...rig.charges('R1T1P2')].map((c) => [c.invoice, c.amount, c.maskedPan]), [
      ['R1T1P1', 1026, '411111******1111'],
      ['R1T1P2', 1026, '555555******4444'],
    ]);
  });
});

describe('nextSlot', () => {
  test('reuses the slot until it holds an approval', () => {
    assert.equal(nextSlot([]), 1);
    assert.equal(nextSlot([{ slot: 1, state: 'declined' }, { slot: 1, state: 'not_charged' }]), 1);
    assert.equal(nextSlot([{ slot: 1, state: 'approved' }]), 2);
    assert.equal(nextSlot([{ slot: 1, state: 'approved' }, { slot: 2, state: 'aborted' }]), 2);
    assert.equal(nextSlot([{ slot: 1, state: 'reversed' }]), 2);
  });
});
