// A journal that cannot be written while the customer is at the PIN pad: the
// processor approves, the approval cannot be journaled (disk full on a small
// tmpfs mounted by the test). The attempt must be in doubt at once with a
// message naming the cause, and be resolved by itself, charged once, as soon
// as space comes back.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { rigPerTest, until } from './payment-test-rig.ts';

const startRig = rigPerTest();
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'cashier-payfault-'));
after(() => {
  try {
    execFileSync('umount', [path.join(base, 'disk')], { stdio: 'ignore' });
  } catch {
    // not mounted
  }
  fs.rmSync(base, { recursive: true, force: true });
});

test('disk full at the PIN pad: in doubt at once naming the cause, resolved by itself (charged once) when space is back', async (t) => {
  const disk = path.join(base, 'disk');
  fs.mkdirSync(disk);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', disk], { stdio: 'pipe' });
  } catch (err) {
    t.skip(`this machine does not let the test mount a tmpfs (${(err as Error).message.split('\n')[0]}); run as root to test a full disk`);
    return;
  }
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
