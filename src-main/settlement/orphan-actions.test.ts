// Orphan actions against the real simulators (issue 11 §4, §6): charges made on
// the PIN pad simulator under invoices this register does not know reach the
// gateway simulator's ledger, Find Missing queues them as orphans, and a
// manager attaches, refunds, or keeps one and refunds the rest. Money is read
// from the processor's ledger, not the journal.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AppError } from '../../src-shared/errors.ts';
import type { LedgerEntry } from '../../drivers/pax/simulator/processor-ledger.ts';
import { AttemptRepository } from '../journal/attempt-repository.ts';
import { verifyJournal } from '../journal/journal-verify.ts';
import { rigPerTest } from '../payments/payment-test-rig.ts';
import { OrphanActions } from './orphan-actions.ts';
import { rigReversals } from './reversal-test-rig.ts';

const startRig = rigPerTest();
const MANAGER = 'staff-m1';
type Rig = Awaited<ReturnType<typeof startRig>>;

function actions(rig: Rig): OrphanActions {
  return new OrphanActions({
    journal: rig.journal,
    attempts: new AttemptRepository(rig.journal),
    orphans: rig.orphans,
    tickets: rig.tickets,
    outcome: rig.coordinator.outcome,
    reversals: rigReversals(rig),
    registerCode: '1',
  });
}

/** Charges the PIN pad under invoices no ticket holds, then lets Find Missing queue them. */
async function orphansOf(rig: Rig, amount: number, invoices: string[]) {
  for (const inv of invoices) assert.equal((await rig.pads.pad1.terminal.sale({ ecrRef: inv, invoice: inv, amount })).outcome, 'approved');
  await rig.finder.findMissing({});
  return invoices.map((inv) => {
    const o = rig.orphans.listOpen().find((x) => x.invoice === inv);
    assert.ok(o, `${inv} queued`);
    return o;
  });
}

/** Net money the processor kept of each charge: sale amount (not declined or voided) less its refunds. */
function netByCharge(rig: Rig, refNums: string[]): number[] {
  const all: LedgerEntry[] = rig.gateway.ledger.all();
  return refNums.map((ref) => {
    const sale = all.find((e) => e.refNum === ref)!;
    const kept = sale.status === 'declined' || sale.status === 'voided' ? 0 : sale.amount;
    return kept - all.filter((e) => e.kind === 'refund' && e.originalRefNum === ref && e.status !== 'declined').reduce((s, e) => s + e.amount, 0);
  });
}

describe('orphan actions', () => {
  test('keep one, refund the rest: one action leaves exactly one charge net at the processor, the kept one paying the ticket; never sent twice', async () => {
    const rig = await startRig();
    const act = actions(rig);
    const charges = await orphansOf(rig, 1000, ['WALKIN1', 'WALKIN2', 'WALKIN3']);
    const t = rig.ticketWith('coffee');

    const s = act.suggest(charges[0].id);
    assert.deepEqual(s.siblings.map((o) => o.invoice).sort(), ['WALKIN2', 'WALKIN3']);
    assert.equal(s.tickets[0]?.ticketId, t.id, 'the open ticket due exactly the amount is suggested first');

    const r = await act.keepOneRefundRest({ keepOrphanId: charges[0].id, refundOrphanIds: [charges[1].id, charges[2].id], ticketId: t.id, reason: 'charged three times' }, MANAGER);
    assert.equal(r.refunds.length, 2);
    assert.ok(r.refunds.every((x) => x.state === 'approved'), JSON.stringify(r.refunds.map((x) => x.state)));
    assert.equal(r.ticket?.status, 'paid');
    assert.match(r.notice, /charged 3 times \$10\.00/);
    assert.match(r.notice, /kept one charge of \$10\.00 as the payment for ticket #/);
    assert.match(r.notice, /refunded \$20\.00/);
    assert.doesNotMatch(r.notice, /\d{13,}/, 'no card number in the notice');

    const net = netByCharge(rig, charges.map((c) => c.refNum));
    assert.deepEqual(net, [1000, 0, 0], 'exactly one charge is kept by the processor');
    assert.equal(rig.orphans.listOpen().length, 0);

    // A second click (or a retry after a crash) is refused: no refund is sent twice.
    await assert.rejects(
      act.keepOneRefundRest({ keepOrphanId: charges[0].id, refundOrphanIds: [charges[1].id], ticketId: t.id, reason: 'again' }, MANAGER),
      (e) => e instanceof AppError && e.code === 'conflict',
    );
    // Not settled yet at the processor: each refund was refused there and the whole charge voided instead, once.
    const givenBack = rig.gateway.ledger.all().filter((e) => (e.kind === 'refund' || e.kind === 'void') && e.status !== 'declined');
    assert.deepEqual(givenBack.map((e) => e.kind), ['void', 'void']);
    assert.deepEqual([charges[1], charges[2]].map((c) => rig.gateway.ledger.find(c.refNum)?.status), ['voided', 'voided']);
    const events = rig.journal.db.prepare("SELECT type, payload FROM events WHERE entity = 'orphan_action' ORDER BY seq").all() as { type: string; payload: string }[];
    assert.deepEqual(events.map((e) => e.type), ['kept', 'refunded', 'refunded']);
    assert.ok(events.every((e) => JSON.parse(e.payload).actor === MANAGER));
    const v = verifyJournal(rig.journal.db);
    assert.ok(v.ok, `journal verifies after the adoptions and refunds: ${JSON.stringify(v.breaks.slice(0, 3))}`);
  });

  test('attach pays the open ticket with the charge; refund gives one orphan back in full', async () => {
    const rig = await startRig();
    const act = actions(rig);
    const [a, b] = await orphansOf(rig, 450, ['LOST1', 'LOST2']);
    const t = rig.ticketWith('cake');
    const r = act.attach({ orphanId: a.id, ticketId: t.id, reason: 'customer showed the bank app' }, MANAGER);
    assert.equal(r.ticket?.status, 'paid');
    assert.equal(rig.tickets.get(t.id).status, 'paid');
    assert.equal(r.attempts[0].state, 'approved');
    assert.match(rig.orphans.get(a.id).resolution ?? '', /attached to ticket #\d+ by a manager/);

    const f = await act.refund({ orphanId: b.id, reason: 'no purchase' }, MANAGER);
    assert.equal(f.refunds[0]?.state, 'approved');
    assert.match(f.notice, /refunded \$4\.50/);
    assert.deepEqual(netByCharge(rig, [a.refNum, b.refNum]), [450, 0]);
  });

  test('a stray charge the processor has settled is refunded (not voided): the processor gave back exactly it', async () => {
    const rig = await startRig();
    const act = actions(rig);
    const [a] = await orphansOf(rig, 700, ['SETTLED1']);
    rig.gateway.settle();
    const f = await act.refund({ orphanId: a.id, reason: 'no purchase' }, MANAGER);
    assert.equal(f.refunds[0]?.state, 'approved');
    const givenBack = rig.gateway.ledger.all().filter((e) => (e.kind === 'refund' || e.kind === 'void') && e.status !== 'declined');
    assert.deepEqual(givenBack.map((e) => [e.kind, e.amount, e.originalRefNum]), [['refund', 700, a.refNum]]);
    assert.deepEqual(netByCharge(rig, [a.refNum]), [0]);
  });

  test('mismatched charges are refused as one customer’s repeats; attach over the due is refused; nothing reaches the processor', async () => {
    const rig = await startRig();
    const act = actions(rig);
    const [a] = await orphansOf(rig, 1000, ['ODD1']);
    const [b] = await orphansOf(rig, 450, ['ODD2']);
    const t = rig.ticketWith('cake');
    await assert.rejects(
      act.keepOneRefundRest({ keepOrphanId: a.id, refundOrphanIds: [b.id], ticketId: t.id, reason: 'x' }, MANAGER),
      (e) => e instanceof AppError && e.code === 'conflict' && /not all of the same amount/.test(e.message),
    );
    assert.throws(() => act.attach({ orphanId: a.id, ticketId: t.id, reason: 'x' }, MANAGER), (e) => e instanceof AppError && e.code === 'amount_exceeds_due');
    assert.equal(rig.orphans.listOpen().length, 2, 'both still open');
    assert.equal(rig.gateway.ledger.all().filter((e) => e.kind === 'refund').length, 0);
  });
});
