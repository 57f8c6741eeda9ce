// A journal that cannot be written while the customer is at the PIN pad: the
// processor approves, the approval cannot be journaled (disk full on a small
// tmpfs mounted by the test). The attempt must be in doubt at once with a
// message naming the cause, and be resolved by itself, charged once, as soon
// as space comes back.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { smallDisks } from '../journal/small-disk-test-rig.ts';
import { rigPerTest, until } from './payment-test-rig.ts';

const startRig = rigPerTest();
const disks = smallDisks('cashier-payfault-');
after(() => disks.cleanup());

test('disk full at the PIN pad: in doubt at once naming the cause, resolved by itself (charged once) when space is back', async (t) => {
  const disk = disks.mount(t, '2m');
  if (!disk) return;
  const rig = await startRig({ dir: disk, cardTimeMs: 600 });
  const ticket = rig.ticketWith('coffee');
  const sale = rig.coordinator.start(ticket.id, ticket.due);
  await until(() => rig.pads.pad1.sim.status().state !== 'idle', 2000, 'PIN pad busy');
  const filler = path.join(disk, 'filler');
  assert.throws(() => fs.writeFileSync(filler, Buffer.alloc(4 * 1024 * 1024)), /ENOSPC/);

  const answered = await sale;
  assert.equal(answered.state, 'in_doubt');
  assert.equal(
    answered.message,
    'The card may have been charged; the journal cannot be written (disk full): free space on the disk that holds it, nothing will be charged again.',
  );
  // Cancel does not pretend otherwise.
  assert.equal((await rig.coordinator.cancel(answered.id)).state, 'in_doubt');
  assert.equal(rig.charges(answered.ecrRef).length, 1, 'the processor approved');

  fs.rmSync(filler);
  const done = await rig.coordinator.waitForResolution(answered.id, 10_000);
  assert.equal(done.state, 'approved');
  assert.equal(rig.charges(answered.ecrRef).length, 1, 'charged once');
  assert.equal(rig.tickets.get(ticket.id).status, 'paid');
});
