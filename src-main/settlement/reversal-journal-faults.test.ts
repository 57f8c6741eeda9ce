// A refund the gateway approves while the journal cannot be written (disk full
// on a small tmpfs mounted by the test): the money moved, the journal still
// says "sent". The refund must be in doubt in memory at once, naming the
// cause, and be resolved by itself when space comes back: exactly one refund
// at the processor, never sent again (issue 10 §1, "the same for refunds and
// voids").

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { smallDisks } from '../journal/small-disk-test-rig.ts';
import { AttemptRepository } from '../journal/attempt-repository.ts';
import { rigPerTest, until } from '../payments/payment-test-rig.ts';
import { rigReversals } from './reversal-test-rig.ts';

const startRig = rigPerTest();
const disks = smallDisks('cashier-refundfault-');
after(() => disks.cleanup());

test('disk full while the gateway refunds: in doubt at once naming the cause, resolved by itself (one refund) when space is back', async (t) => {
  const disk = disks.mount(t, '2m');
  if (!disk) return;
  const rig = await startRig({ dir: disk });
  const reversals = rigReversals(rig);
  const ticket = rig.ticketWith('coffee');
  const sale = await rig.coordinator.start(ticket.id, ticket.due);
  assert.equal(sale.state, 'approved');
  // A closed batch: the refund goes to the gateway, which takes its time to answer.
  await rig.pads.pad1.terminal.batchClose();
  rig.gateway.injectFault({ kind: 'delay', delayMs: 800, commands: ['cc:refund'] });
  const refunding = reversals.reverse({ attemptId: sale.id, amount: 100, reason: 'one item returned' }, 'staff-m1');
  const attempts = new AttemptRepository(rig.journal);
  await until(() => attempts.findByTicket(ticket.id).some((a) => a.kind === 'refund' && a.state === 'sent'), 2000, 'refund sent');
  const filler = path.join(disk, 'filler');
  assert.throws(() => fs.writeFileSync(filler, Buffer.alloc(4 * 1024 * 1024)), /ENOSPC/);

  const answered = await refunding;
  assert.equal(answered.state, 'sent', 'the journal could not take the answer');
  const shown = rig.coordinator.snapshot(answered.id);
  assert.equal(
    shown.message,
    'The card may have been charged; the journal cannot be written (disk full): free space on the disk that holds it, nothing will be charged again.',
  );
  const refunds = () => rig.gateway.ledger.all().filter((e) => e.kind === 'refund' && e.originalRefNum === sale.hostRef);
  assert.equal(refunds().length, 1, 'the processor refunded');

  fs.rmSync(filler);
  const done = await rig.coordinator.waitForResolution(answered.id, 10_000);
  assert.equal(done.state, 'approved');
  assert.equal(refunds().length, 1, 'refunded once');
  assert.equal(refunds()[0].amount, 100);
});
