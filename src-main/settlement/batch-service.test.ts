// Batch close against real parts: the payment rig's journal file, PAX
// simulator on TCP and gateway simulator over HTTP. Every variance type is
// produced by what happens at the simulators (a sale nobody recorded, a void
// in the gateway portal, a refund there, a second charge, a void on the PIN
// pad's own menu, an offline approval declined at upload, an unanswered sale),
// never by writing our own tables.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { tcpRequest } from '../../drivers/pax/simulator/pax-simulator-test-rig.ts';
import type { VarianceType } from '../../src-shared/batch-types.ts';
import { rigPerTest, type Rig } from '../payments/payment-test-rig.ts';
import { BatchService } from './batch-service.ts';

const startRig = rigPerTest();

function batchService(rig: Rig): BatchService {
  return new BatchService({
    journal: rig.journal,
    terminal: (id) => rig.pads[id]?.terminal,
    gatewayReport: (begin, end) => rig.client.report({ begin, end }),
    orphans: rig.orphans,
    currency: 'USD',
    registerCode: '1',
  });
}

async function paid(rig: Rig, item: string, amount: number) {
  const t = rig.ticketWith(item);
  const a = await rig.coordinator.start(t.id, amount);
  assert.equal(a.state, 'approved', `sale of ${amount} approved`);
  return a;
}

describe('batch close', () => {
  test('every variance type from the simulators; close refused until each line is resolved or signed off; host totals mismatch kept', async () => {
    // A long backoff: the unanswered sale below stays in doubt after its first lookup.
    const rig = await startRig({ coordinator: { backoff: { initialMs: 600_000, maxMs: 600_000 } } });
    const pad = rig.pads.pad1;
    const batches = batchService(rig);

    await paid(rig, 'coffee', 1000); // matches everywhere: no line

    // Charged but not recorded: a sale keyed at the gateway's virtual terminal for this register's next invoice.
    assert.equal(rig.gateway.virtualTerminalSale({ invoice: 'R1T900P1', amount: 700 }).xResult, 'A');

    // Recorded but not charged: voided in the gateway's portal.
    const voidedAtGateway = await paid(rig, 'coffee', 1000);
    assert.equal((await rig.client.void({ refNum: voidedAtGateway.hostRef! })).outcome, 'approved');

    // Amount differs: part refunded in the gateway's portal. (A processor refunds only what is settled; this
    // processor is told to allow it here, the quickest way to make the gateway's amount differ from the journal's.)
    rig.gateway.setAuthorisationRules({ refundNeedsSettlement: false });
    const partRefunded = await paid(rig, 'cake', 450);
    assert.equal((await rig.client.refund({ refNum: partRefunded.hostRef!, amount: { amount: 150, currency: 'USD' } })).outcome, 'approved');

    // Duplicate charge: the same invoice charged again at the gateway.
    const charged = await paid(rig, 'coffee', 1000);
    rig.gateway.processor.setDuplicateCheck(false);
    assert.equal(rig.gateway.virtualTerminalSale({ invoice: charged.ecrRef, amount: 1000 }).xResult, 'A', 'second charge taken');

    // Voided on the PIN pad only: a void keyed on the PIN pad's own menu.
    const voidedOnPad = await paid(rig, 'coffee', 1000);
    const v = await tcpRequest(pad.port, { command: 'T00', transType: 'void', ecrRef: 'PADMENU1', invoice: 'PADMENU1', origEcrRef: voidedOnPad.ecrRef } as never);
    assert.equal(v.resultCode, '000000', 'the PIN pad voided it');

    // Declined after store-and-forward: approved offline (000001), declined when uploaded.
    pad.sim.setOffline(true);
    pad.sim.presentCard({ pan: '4000000000000002' });
    const offline = await paid(rig, 'coffee', 1000);
    pad.sim.setOffline(false);
    assert.equal(await pad.sim.uploadOffline(), 0);

    // Still in doubt: the sale and the first lookup go unanswered.
    pad.sim.setFault({ kind: 'hang' }, { once: true, then: { kind: 'hang' } });
    const doubtful = await rig.coordinator.start(rig.ticketWith('coffee').id, 1000);
    assert.equal(doubtful.state, 'in_doubt');
    await new Promise((r) => setTimeout(r, 1700)); // the first lookup times out
    pad.sim.setFault(null);

    const snap = await batches.open('pad1');
    const byType = new Map(snap.lines.map((l) => [l.type, l]));
    const expected: VarianceType[] = ['charged_not_recorded', 'recorded_not_charged', 'amount_differs', 'duplicate_charge', 'voided_on_pad_only', 'declined_after_upload', 'in_doubt'];
    assert.deepEqual([...byType.keys()].sort(), [...expected].sort(), JSON.stringify(snap.lines.map((l) => [l.type, l.invoice])));
    assert.equal(byType.get('charged_not_recorded')!.amount, 700);
    assert.equal(byType.get('recorded_not_charged')!.invoice, voidedAtGateway.ecrRef);
    assert.equal(byType.get('amount_differs')!.amount, 150);
    assert.equal(byType.get('duplicate_charge')!.invoice, charged.ecrRef);
    assert.equal(byType.get('voided_on_pad_only')!.invoice, voidedOnPad.ecrRef);
    assert.equal(byType.get('declined_after_upload')!.invoice, offline.ecrRef);
    assert.equal(byType.get('in_doubt')!.attemptId, doubtful.id);
    for (const l of snap.lines) assert.doesNotMatch(l.cause, /\b\d{3}\b|http|R1T/, 'causes in plain words, no codes or ids');
    assert.ok(snap.pad && snap.gateway, 'both outside sources read');

    // Close refused while any line is open.
    await assert.rejects(batches.close('pad1', 'mgr-1'), /cannot be closed while 7 differences are open/);
    // In doubt resolves itself only: the manager cannot resolve it by hand here.
    assert.throws(() => batches.resolve(byType.get('in_doubt')!.id, 'looked at it', 'mgr-1'), /resolves itself/);
    // The PIN pad answers again: the engine's check finds the sale never reached it.
    assert.equal((await rig.coordinator.resolve(doubtful.id)).state, 'not_charged');

    // Resolving charged-but-not-recorded and the duplicate queues the charges as orphans.
    batches.resolve(byType.get('charged_not_recorded')!.id, 'Sent to the orphan queue', 'mgr-1');
    batches.resolve(byType.get('duplicate_charge')!.id, 'Extra charge to refund', 'mgr-1');
    const orphans = rig.orphans.listOpen();
    assert.deepEqual(orphans.map((o) => [o.invoice, o.amount, o.reason]).sort(), [['R1T900P1', 700, 'unknown_invoice'], [charged.ecrRef, 1000, 'second_charge']].sort());
    for (const t of ['recorded_not_charged', 'amount_differs', 'voided_on_pad_only', 'declined_after_upload'] as const) batches.signOff(byType.get(t)!.id, `Checked with the customer: ${t}`, 'mgr-1');
    assert.throws(() => batches.signOff(byType.get('amount_differs')!.id, 'again', 'mgr-1'), /already signed off/);

    const again = await batches.open('pad1');
    const doubtLine = again.lines.find((l) => l.type === 'in_doubt')!;
    assert.equal(doubtLine.status, 'resolved', 'the re-check explains the doubt once it is resolved');
    assert.equal(doubtLine.resolvedBy, 'system');
    const closed = await batches.close('pad1', 'mgr-1');
    assert.equal(closed.status, 'closed');
    assert.equal(closed.closedBy, 'mgr-1');
    // The PIN pad's host counts the offline approval that was declined at upload; the checked batch did not.
    const mismatch = closed.lines.find((l) => l.type === 'totals_mismatch');
    assert.ok(mismatch, 'host totals mismatch kept as a line on the closed batch');
    assert.equal(mismatch.status, 'open');
    assert.equal(closed.host!.amount - closed.expected!.amount, 1000);
    batches.signOff(mismatch.id, 'Host statement shows the declined upload', 'mgr-1');

    // Every change is an event; the history keeps the batch; a new batch opens empty of old lines.
    const events = rig.journal.db.prepare("SELECT type FROM events WHERE entity = 'batch' AND entity_id = ?").pluck().all(closed.id) as string[];
    assert.ok(events.includes('opened') && events.includes('closed') && events.filter((e) => e === 'line_found').length >= 8);
    assert.equal(events.filter((e) => e === 'line_signed_off' || e === 'line_resolved').length, 8);
    assert.deepEqual(batches.history('pad1', 10).map((h) => h.id), [closed.id]);
    const next = await batches.open('pad1');
    assert.notEqual(next.id, closed.id);
    assert.equal(next.lines.length, 0);
  });

  test('a clean batch closes at once and its host totals match', async () => {
    const rig = await startRig();
    const batches = batchService(rig);
    await paid(rig, 'coffee', 1000);
    await paid(rig, 'cake', 450);
    const snap = await batches.open('pad1');
    assert.deepEqual(snap.lines, []);
    assert.deepEqual(snap.pad, { count: 2, amount: 1450 });
    assert.deepEqual(snap.gateway, { count: 2, amount: 1450 });
    assert.deepEqual(snap.journal, { count: 2, amount: 1450 });
    const closed = await batches.close('pad1', 'mgr-1');
    assert.deepEqual(closed.expected, { count: 2, amount: 1450 });
    assert.equal(closed.host!.amount, 1450);
    assert.deepEqual(closed.lines, []);
  });
});
