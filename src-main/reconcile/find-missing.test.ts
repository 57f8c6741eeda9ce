// Find Missing Payments against the real gateway simulator's report, PAX
// simulators on TCP and a real journal. Checks the processor ledger, the
// attempts and the orphan queue afterwards.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GatewayReportRow } from '../gateways/gateway-report-row.ts';
import { attemptEvents, rigPerTest, until, type Rig } from '../payments/payment-test-rig.ts';

const startRig = rigPerTest();

/** A ticket whose approval was lost and cannot be looked up (PIN pad silent, coordinator without gateway). */
async function strandedPayment(r: Rig): Promise<{ ticketId: string; attemptId: string }> {
  const t = r.ticketWith('coffee');
  const pad = r.pads.pad1.sim;
  pad.setFault({ kind: 'drop_response' }, { once: true });
  const sale = r.coordinator.start(t.id, 1000, 'pad1');
  await until(() => pad.records().length === 1, 5000, 'charge on pad1');
  pad.setFault({ kind: 'hang' });
  const a = await sale;
  assert.equal(a.state, 'in_doubt');
  return { ticketId: t.id, attemptId: a.id };
}

describe('find missing payments', () => {
  test('attaches a matching charge, queues an unknown one, ignores other registers, and is idempotent', async () => {
    const rig = await startRig({ padIds: ['pad1', 'pad2'], coordinator: { gateway: undefined } });
    const { ticketId, attemptId } = await strandedPayment(rig);
    // Charges the journal knows nothing of: an unknown invoice, and another register's.
    const other = rig.pads.pad2.terminal;
    assert.equal((await other.sale({ ecrRef: 'WALKIN77', invoice: 'WALKIN77', amount: 777 })).outcome, 'approved');
    assert.equal((await other.sale({ ecrRef: 'R2T1P1', invoice: 'R2T1P1', amount: 500 })).outcome, 'approved');

    const result = await rig.coordinator.findMissing({});
    assert.equal(result.attached.length, 1);
    assert.equal(result.attached[0].id, attemptId);
    assert.equal(result.attached[0].state, 'approved');
    assert.equal(result.attached[0].approvalSource, 'find_missing');
    assert.equal(rig.tickets.get(ticketId).status, 'paid');
    const [charge] = rig.charges('R1T1P1');
    assert.equal(rig.coordinator.attempts.get(attemptId).hostRef, charge.refNum);
    assert.deepEqual(attemptEvents(rig.journal, attemptId).map((e) => e.type), ['created', 'send', 'doubt', 'approve']);

    const open = rig.orphans.listOpen();
    assert.equal(open.length, 1, 'only the unknown invoice of this register is an orphan');
    assert.equal(open[0].invoice, 'WALKIN77');
    assert.equal(open[0].amount, 777);
    assert.equal(open[0].reason, 'unknown_invoice');
    assert.match(open[0].message, /\$7\.77 on the card ending 1111 .*matches no payment on this register.*refund/);

    const again = await rig.finder.findMissing({});
    assert.equal(again.attached.length, 0);
    assert.equal(again.orphaned.length, 0);
    assert.equal(again.alreadyRecorded, 1);
    assert.equal(again.alreadyQueued, 1);
    assert.equal(rig.orphans.listOpen().length, 1);
    rig.pads.pad1.sim.setFault(null);
  });

  test('runs by itself when a payment errors (in doubt), completing it from the gateway report', async () => {
    const rig = await startRig({ autoFindMissing: true, coordinator: { gateway: undefined } });
    const { ticketId, attemptId } = await strandedPayment(rig);
    const done = await rig.coordinator.waitForResolution(attemptId, 8000);
    assert.equal(done.state, 'approved');
    assert.equal(done.approvalSource, 'find_missing');
    assert.equal(rig.tickets.get(ticketId).status, 'paid');
    assert.equal(rig.charges('R1T1P1').length, 1);
    rig.pads.pad1.sim.setFault(null);
  });

  test('a second charge on a paid slot is an orphan to refund; a charge larger than asked is a mismatch', async () => {
    const rig = await startRig({ padIds: ['pad1', 'pad2'] });
    const t = rig.ticketWith('coffee');
    const a = await rig.coordinator.start(t.id, 1000, 'pad1');
    assert.equal(a.state, 'approved');
    // Someone forces the same invoice through again on another pad.
    assert.equal((await rig.pads.pad2.terminal.sale({ ecrRef: 'R1T1P1', invoice: 'R1T1P1', amount: 1000, allowDuplicate: true })).outcome, 'approved');
    assert.equal(rig.charges('R1T1P1').length, 2);
    const result = await rig.finder.findMissing({ ticketId: t.id });
    assert.equal(result.alreadyRecorded, 1);
    assert.equal(result.orphaned.length, 1);
    assert.equal(result.orphaned[0].reason, 'second_charge');
    assert.equal(result.orphaned[0].ticketId, t.id);
    assert.match(result.orphaned[0].message, /charged twice: refund this one/);

    // Amount mismatch and a late charge, through the comparison with report rows as the gateway sends them.
    const t2 = rig.ticketWith('cake');
    rig.pads.pad1.sim.setFault({ kind: 'hang' });
    const stuck = await rig.coordinator.start(t2.id, 450, 'pad1');
    assert.equal(stuck.state, 'in_doubt');
    const row = (refNum: string, invoice: string, amount: number): GatewayReportRow => ({
      refNum, amount, currency: 'USD', enteredAt: Date.now(), invoice, maskedPan: '411111******1111', cardBrand: 'visa',
      result: 'approved', responseError: '', voided: false, command: 'cc:sale',
    });
    const cmp = rig.finder.compare([row('900001', stuck.ecrRef, 9999)], { begin: 0, end: Date.now() });
    assert.equal(cmp.orphaned[0].reason, 'amount_mismatch');
    assert.equal(rig.coordinator.attempts.get(stuck.id).state, 'in_doubt', 'a mismatching charge is never attached');
    rig.pads.pad1.sim.setFault(null);
  });
});
