// The resolution engine against real parts (payment-test-rig.ts): a link that
// comes back checks the attempts waiting on it at once, not at the next
// backoff tick; the duplicate answer goes through the same lookup.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startRig, type Rig } from './payment-test-rig.ts';
import { APPROVAL_MATCHERS, approvedGatewayRow, approvedRecord } from './attempt-resolver.ts';
import type { GatewayReportRow } from '../gateways/gateway-report-row.ts';
import type { TerminalRecord } from '../../drivers/terminal.ts';

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function withRig(fn: (rig: Rig) => Promise<void>, backoff: { initialMs: number; maxMs: number }, linkProbeMs?: number): Promise<void> {
  const rig = await startRig({ coordinator: { backoff, ...(linkProbeMs !== undefined ? { linkProbeMs } : {}) } });
  try {
    await fn(rig);
  } finally {
    await rig.close();
  }
}

test('PIN pad and gateway back: the attempt waiting 30 s of backoff is resolved at once', async () => {
  await withRig(
    async (rig) => {
      const t = rig.ticketWith('coffee');
      const pad = rig.pads.pad1.sim;
      pad.setFault({ kind: 'hang' }); // the sale and every lookup go unanswered
      const down = rig.gateway.injectFault({ kind: 'http_5xx', commands: ['report:approved'], times: 'always' });
      const first = await rig.coordinator.start(t.id, 1000);
      assert.equal(first.state, 'in_doubt');
      // The first pass found both links silent and scheduled its retry 30 s away.
      await until(() => rig.coordinator.resolution.isWorking(first.id) && !rig.coordinator.snapshot(first.id).message.includes('Checking the PIN pad'), 8000, 'first pass');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(rig.coordinator.snapshot(first.id).state, 'in_doubt');
      pad.setFault(null);
      rig.gateway.clearFaults(down);
      const back = Date.now();
      rig.coordinator.linkSeen({ terminalId: 'pad1' }, true); // the status probe's answer
      const done = await rig.coordinator.waitForResolution(first.id, 10_000);
      assert.equal(done.state, 'not_charged');
      assert.ok(Date.now() - back < 5000, `resolved ${Date.now() - back} ms after the link returned, not at the 30 s tick`);
      assert.equal(rig.charges('R1T1P1').length, 0, 'the processor ledger holds no charge');
    },
    { initialMs: 30_000, maxMs: 30_000 },
  );
});

test('with link probing on, links coming back are noticed by the engine itself: resolved long before the 30 s tick', async () => {
  await withRig(
    async (rig) => {
      const t = rig.ticketWith('coffee');
      const pad = rig.pads.pad1.sim;
      pad.setFault({ kind: 'hang' });
      const down = rig.gateway.injectFault({ kind: 'http_5xx', commands: ['report:approved'], times: 'always' });
      const first = await rig.coordinator.start(t.id, 1000);
      await until(() => rig.coordinator.resolution.isWorking(first.id) && !rig.coordinator.snapshot(first.id).message.includes('Checking the PIN pad'), 8000, 'first pass');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(rig.coordinator.snapshot(first.id).state, 'in_doubt', 'still down: probes fail, nothing resolves');
      pad.setFault(null);
      rig.gateway.clearFaults(down);
      const back = Date.now();
      const done = await rig.coordinator.waitForResolution(first.id, 10_000);
      assert.equal(done.state, 'not_charged');
      assert.ok(Date.now() - back < 6000, `resolved ${Date.now() - back} ms after the links returned`);
      assert.equal(rig.charges('R1T1P1').length, 0);
    },
    { initialMs: 30_000, maxMs: 30_000 },
    200,
  );
});

test('a link seen answering without having failed kicks nothing; a link of another PIN pad kicks nothing', async () => {
  await withRig(
    async (rig) => {
      const t = rig.ticketWith('coffee');
      const pad = rig.pads.pad1.sim;
      pad.setFault({ kind: 'hang' });
      const down = rig.gateway.injectFault({ kind: 'http_5xx', commands: ['report:approved'], times: 'always' });
      const first = await rig.coordinator.start(t.id, 1000);
      await until(() => rig.coordinator.resolution.isWorking(first.id) && !rig.coordinator.snapshot(first.id).message.includes('Checking the PIN pad'), 8000, 'first pass');
      await new Promise((r) => setTimeout(r, 200));
      pad.setFault(null);
      rig.gateway.clearFaults(down);
      rig.coordinator.linkSeen({ terminalId: 'other-pad' }, false);
      rig.coordinator.linkSeen({ terminalId: 'other-pad' }, true);
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(rig.coordinator.snapshot(first.id).state, 'in_doubt', 'another PIN pad coming back does not touch this attempt');
    },
    { initialMs: 30_000, maxMs: 30_000 },
  );
});

test('approval matchers: a sale is found only in sale records, a voided or void record is no approval, each kind has its own', () => {
  const result = { outcome: 'approved' as const, resultCode: '000000', resultText: 'OK', ecrRef: 'R1T1P1', amountApproved: 100, amountDue: 0 };
  const records: TerminalRecord[] = [
    { transactionType: 'void_sale', kind: 'void', result },
    { transactionType: 'return', kind: 'refund', result },
  ];
  assert.equal(approvedRecord(records, 'R1T1P1'), undefined, 'a void or a refund is not the sale approval');
  assert.equal(approvedRecord(records, 'R1T1P1', 'refund')?.kind, 'refund');
  assert.equal(approvedRecord([{ transactionType: 'sale', kind: 'sale', result, voided: true }], 'R1T1P1'), undefined);
  const row = (command: string, voided = false): GatewayReportRow => ({
    refNum: '1', amount: 100, currency: 'USD', enteredAt: 0, invoice: 'R1T1P1', maskedPan: '', cardBrand: 'visa', result: 'approved', responseError: '', voided, command,
  });
  assert.equal(approvedGatewayRow([row('cc:refund')], 'R1T1P1'), undefined);
  assert.equal(approvedGatewayRow([row('cc:sale', true)], 'R1T1P1'), undefined);
  assert.equal(approvedGatewayRow([row('cc:sale')], 'R1T1P1')?.command, 'cc:sale');
  assert.equal(approvedGatewayRow([row('cc:refund')], 'R1T1P1', 'refund')?.command, 'cc:refund');
  for (const kind of Object.keys(APPROVAL_MATCHERS) as (keyof typeof APPROVAL_MATCHERS)[]) assert.ok(APPROVAL_MATCHERS[kind].terminal.length > 0, kind);
});
