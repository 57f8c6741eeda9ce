// The closed-ticket history names reversals on both sides (issue 11 §3):
// a real journal, the PIN pad and gateway simulators, real voids and refunds
// through the reversal service, then TicketService.historyToday read back.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AttemptRepository } from '../journal/attempt-repository.ts';
import { rigPerTest } from '../payments/payment-test-rig.ts';
import { rigReversals } from '../settlement/reversal-test-rig.ts';
import { TRAINING_MANAGER } from '../staff/staff-service.ts';

const startRig = rigPerTest();

describe('closed-ticket history: reversed by / reverses', () => {
  test('a voided payment stays listed as reversed, its void names it; a partial refund leaves the payment approved and linked', async () => {
    const rig = await startRig();
    const reversals = rigReversals(rig);

    const voidedTicket = rig.ticketWith('coffee');
    const sale1 = await rig.coordinator.start(voidedTicket.id, voidedTicket.total);
    assert.equal(sale1.state, 'approved');
    const v = await reversals.reverse({ attemptId: sale1.id, reason: 'customer changed mind' }, TRAINING_MANAGER.staffId);
    assert.equal(v.state, 'approved');

    const refundedTicket = rig.ticketWith('coffee');
    const sale2 = await rig.coordinator.start(refundedTicket.id, refundedTicket.total);
    await rig.pads.pad1.terminal.batchClose();
    const r = await reversals.reverse({ attemptId: sale2.id, amount: 100, reason: 'one item returned' }, 'someone-not-on-staff');
    assert.equal(r.state, 'approved');

    const history = rig.tickets.historyToday();
    const h1 = history.find((t) => t.id === voidedTicket.id);
    assert.ok(h1, 'the voided ticket is still in today\'s history');
    const original1 = h1.tenders.find((t) => t.attemptId === sale1.id);
    assert.ok(original1, 'the wholly voided card payment is still a line of the history');
    assert.equal(original1.reversed, true);
    assert.equal(original1.amount, voidedTicket.total);
    assert.deepEqual(
      original1.reversedBy?.map((x) => [x.kind, x.amount, x.state, x.actorName, x.reason]),
      [['void', voidedTicket.total, 'approved', TRAINING_MANAGER.name, 'customer changed mind']],
    );
    assert.deepEqual(h1.tenders.map((t) => t.attemptId), [sale1.id, v.id], 'the void right under the payment it gives back');
    const voidLine = h1.tenders.find((t) => t.attemptId === v.id);
    assert.equal(voidLine?.reverses?.originalAttemptId, sale1.id);
    assert.equal(voidLine?.reverses?.originalAmount, voidedTicket.total);
    assert.equal(voidLine?.reverses?.kind, 'void');
    assert.equal(voidLine?.reversedBy, undefined);

    const h2 = history.find((t) => t.id === refundedTicket.id);
    const original2 = h2?.tenders.find((t) => t.attemptId === sale2.id);
    assert.equal(original2?.reversed, undefined, 'a partial refund leaves the payment standing');
    assert.deepEqual(original2?.reversedBy?.map((x) => [x.kind, x.amount, x.actorName]), [['refund', 100, 'a manager']]);
    const refundLine = h2?.tenders.find((t) => t.attemptId === r.id);
    assert.equal(refundLine?.amount, 100);
    assert.equal(refundLine?.reverses?.originalAmount, refundedTicket.total);
    // Ground truth: the processor holds one voided sale and one refund of 1.00.
    const invoice = new AttemptRepository(rig.journal).get(sale1.id).invoice;
    assert.deepEqual(rig.gateway.ledger.byInvoice(invoice).filter((e) => e.kind === 'sale').map((e) => e.status), ['voided']);
  });
});
