// Fault scenarios of the seeds against real parts: unanswered cancel, PIN pad
// reboot, gateway down while resolving, and "duplicate" answers from the PIN
// pad and from the gateway. Each checks the processor ledger AND the journal.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError } from '../../src-shared/errors.ts';
import { RESOLVING } from './payment-messages.ts';
import { attemptEvents, rigPerTest, until } from './payment-test-rig.ts';

const startRig = rigPerTest();

describe('payment faults', () => {
  test('cancel with no answer: in doubt (unanswered_cancel), never aborted, then resolved; one charge', async () => {
    const rig = await startRig();
    const t = rig.ticketWith('coffee');
    const pad = rig.pads.pad1.sim;
    pad.setFault({ kind: 'drop_response' }, { once: true });
    const sale = rig.coordinator.start(t.id, 1000);
    await until(() => pad.records().length === 1, 5000, 'sale processed on the pad');
    const attemptId = rig.coordinator.attemptsOf(t.id)[0].id;
    pad.setFault({ kind: 'hang' }, { once: true }); // the A14 goes unanswered
    const afterCancel = await rig.coordinator.cancel(attemptId);
    assert.equal(afterCancel.state, 'in_doubt');
    assert.equal(afterCancel.doubtReason, 'unanswered_cancel');
    await sale;
    const done = await rig.coordinator.waitForResolution(attemptId, 8000);
    assert.equal(done.state, 'approved');
    assert.equal(done.approvalSource, 'terminal_lookup');
    const types = attemptEvents(rig.journal, attemptId).map((e) => e.type);
    assert.deepEqual(types, ['created', 'send', 'doubt', 'approve']);
    assert.ok(!types.includes('abort'));
    assert.equal(rig.charges('R1T1P1').length, 1);
    assert.equal(rig.tickets.get(t.id).status, 'paid');
  });

  test('cancel answered by the PIN pad while the customer is at it: aborted, nothing charged', async () => {
    const rig = await startRig({ cardTimeMs: 1000 });
    const t = rig.ticketWith('coffee');
    const sale = rig.coordinator.start(t.id, 1000);
    await until(() => rig.pads.pad1.sim.status().state !== 'idle', 2000, 'pad busy');
    const attemptId = rig.coordinator.attemptsOf(t.id)[0].id;
    const afterCancel = await rig.coordinator.cancel(attemptId);
    assert.equal(afterCancel.state, 'aborted');
    assert.equal((await sale).state, 'aborted');
    assert.deepEqual(attemptEvents(rig.journal, attemptId).map((e) => e.type), ['created', 'send', 'abort']);
    assert.equal(rig.charges('R1T1P1').length, 0);
    assert.equal(rig.tickets.get(t.id).status, 'open');
  });

  test('waiting less than the resolution takes answers attempt_unresolved (not internal); the engine goes on and resolves', async () => {
    const rig = await startRig();
    const t = rig.ticketWith('coffee');
    rig.pads.pad1.sim.setFault({ kind: 'reboot' }, { once: true });
    const first = await rig.coordinator.start(t.id, 1000);
    assert.equal(first.state, 'in_doubt');
    await assert.rejects(rig.coordinator.waitForResolution(first.id, 1), (e: unknown) => {
      assert.ok(e instanceof AppError);
      assert.equal(e.code, 'attempt_unresolved');
      assert.match(e.message, /^Payment R1T1P1 was still unresolved after 1 ms\.$/);
      assert.deepEqual(e.details, { attemptId: first.id, state: 'in_doubt', waitedMs: 1 });
      return true;
    });
    assert.equal((await rig.coordinator.waitForResolution(first.id, 8000)).state, 'not_charged');
  });

  test('PIN pad reboots on the sale: in doubt, confirmed not charged, retry charges once', async () => {
    const rig = await startRig();
    const t = rig.ticketWith('coffee');
    rig.pads.pad1.sim.setFault({ kind: 'reboot' }, { once: true });
    const first = await rig.coordinator.start(t.id, 1000);
    assert.equal(first.state, 'in_doubt');
    const resolved = await rig.coordinator.waitForResolution(first.id, 8000);
    assert.equal(resolved.state, 'not_charged');
    assert.equal(rig.charges('R1T1P1').length, 0);
    const second = await rig.coordinator.start(t.id, 1000);
    assert.equal(second.state, 'approved');
    assert.equal(second.ecrRef, 'R1T1P1');
    assert.equal(rig.charges('R1T1P1').length, 1);
    assert.deepEqual(attemptEvents(rig.journal, first.id).map((e) => e.type), ['created', 'send', 'doubt', 'confirm_absent']);
  });

  test('gateway down during the lookup: stays in doubt with a clear message, resolves when it returns', async () => {
    const rig = await startRig();
    const t = rig.ticketWith('coffee');
    rig.pads.pad1.sim.setFault({ kind: 'hang' }, { once: true }); // sale never processed
    const faultId = rig.gateway.injectFault({ kind: 'http_5xx', commands: ['report:approved'], times: 'always' });
    const first = await rig.coordinator.start(t.id, 1000);
    assert.equal(first.state, 'in_doubt');
    await until(() => rig.coordinator.snapshot(first.id).message === RESOLVING.gatewayUnreachable, 8000, 'gateway message');
    await new Promise((r) => setTimeout(r, 400)); // several backoff passes
    assert.equal(rig.coordinator.snapshot(first.id).state, 'in_doubt', 'one silent source keeps it in doubt');
    rig.gateway.clearFaults(faultId);
    const done = await rig.coordinator.waitForResolution(first.id, 8000);
    assert.equal(done.state, 'not_charged');
    assert.equal(rig.charges('R1T1P1').length, 0);
  });

  test('bank approves after the PIN pad gave up on it: kept in doubt until the bank settles, then approved; one charge', async () => {
    const rig = await startRig({ processorOverHttpTimeoutMs: 300, coordinator: { hostSettleMs: 5000 } });
    const t = rig.ticketWith('coffee');
    // The bank answers 1.2 s late: the PIN pad records a host timeout (100001) at 0.3 s, the charge lands after.
    rig.gateway.injectFault({ kind: 'delay', target: 'processor', commands: ['sale'], delayMs: 1200, times: 1 });
    const first = await rig.coordinator.start(t.id, 1000);
    assert.equal(first.state, 'in_doubt');
    await until(() => rig.coordinator.snapshot(first.id).message === RESOLVING.waitingForBank, 4000, 'waiting-for-bank message');
    const done = await rig.coordinator.waitForResolution(first.id, 10_000);
    assert.equal(done.state, 'approved', 'never not_charged while the bank may still approve');
    assert.equal(done.approvalSource, 'gateway_lookup');
    assert.equal(rig.charges('R1T1P1').length, 1);
  });

  test('bank never answers the PIN pad: not charged only once the settle time has passed', async () => {
    const rig = await startRig({ processorOverHttpTimeoutMs: 300, coordinator: { hostSettleMs: 1500 } });
    const t = rig.ticketWith('coffee');
    rig.gateway.injectFault({ kind: 'http_5xx', target: 'processor', commands: ['sale'], times: 1 });
    const started = Date.now();
    const first = await rig.coordinator.start(t.id, 1000);
    const done = await rig.coordinator.waitForResolution(first.id, 10_000);
    assert.equal(done.state, 'not_charged');
    assert.ok(Date.now() - started >= 1400, 'absence is not trusted before the settle time');
    assert.equal(rig.charges('R1T1P1').length, 0);
  });

  test('PIN pad unreachable for the lookup but the gateway holds the charge: approved from the gateway', async () => {
    const rig = await startRig();
    const t = rig.ticketWith('coffee');
    const pad = rig.pads.pad1.sim;
    pad.setFault({ kind: 'drop_response' }, { once: true });
    const sale = rig.coordinator.start(t.id, 1000);
    await until(() => pad.records().length === 1);
    pad.setFault({ kind: 'hang' });
    const first = await sale;
    const done = await rig.coordinator.waitForResolution(first.id, 8000);
    assert.equal(done.state, 'approved');
    assert.equal(done.approvalSource, 'gateway_lookup');
    assert.equal(done.amountApproved, 1000);
    const [charge] = rig.charges('R1T1P1');
    assert.equal(rig.coordinator.attempts.get(first.id).hostRef, charge.refNum);
    pad.setFault(null);
  });

  test('"duplicate" from the PIN pad: the original approval is pulled in, no second charge', async () => {
    const rig = await startRig();
    const t = rig.ticketWith('coffee');
    // An earlier run charged this slot on this pad, and the journal never heard of it.
    const earlier = await rig.pads.pad1.terminal.sale({ ecrRef: 'R1T1P1', invoice: 'R1T1P1', amount: 1000 });
    assert.equal(earlier.outcome, 'approved');
    const a = await rig.coordinator.start(t.id, 1000);
    assert.equal(a.state, 'approved');
    assert.equal(a.approvalSource, 'terminal_duplicate');
    assert.equal(a.amountApproved, 1000);
    assert.equal(rig.charges('R1T1P1').length, 1);
    assert.equal(rig.tickets.get(t.id).status, 'paid');
  });

  test('"duplicate" from the gateway (charged earlier on another pad): original pulled in, no second charge', async () => {
    const rig = await startRig({ padIds: ['pad1', 'pad2'] });
    const t = rig.ticketWith('coffee');
    const earlier = await rig.pads.pad2.terminal.sale({ ecrRef: 'R1T1P1', invoice: 'R1T1P1', amount: 1000 });
    assert.equal(earlier.outcome, 'approved');
    const a = await rig.coordinator.start(t.id, 1000, 'pad1');
    assert.equal(a.state, 'approved');
    assert.equal(a.approvalSource, 'gateway_duplicate');
    assert.equal(a.amountApproved, 1000);
    assert.equal(rig.charges('R1T1P1').length, 1);
    assert.equal(rig.tickets.get(t.id).status, 'paid');
    assert.equal(rig.gateway.ledger.doubleCharges().length, 0);
  });
});
