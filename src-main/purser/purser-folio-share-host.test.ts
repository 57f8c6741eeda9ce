// The host with a store configured: a purser posting made through the IPC
// handler is decided in the store (its line is there under this register's
// code), and the training guests have the same ship keys on every desk.

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { createHost } from '../host.ts';
import { tempDir } from '../journal/journal-test-rig.ts';
import { parseStoreUrl } from '../store/store-config.ts';
import { startStoreTestCluster, type StoreTestCluster } from '../store/store-test-rig.ts';

const tmp = tempDir('cashier-folio-host-');
let cluster: StoreTestCluster;
before(async () => {
  cluster = await startStoreTestCluster();
});
after(async () => {
  await cluster?.stop();
  tmp.cleanup();
});

test('host with a store: a posting through purser.posting.add is decided in the store; two desks\' training guests share their keys', async () => {
  const url = await cluster.createStoreDatabase();
  const hosts = ['1', '2'].map((code) =>
    createHost({
      journalPath: path.join(tmp.dir, `desk-${code}.sqlite`),
      register: { id: `register-${code}`, code, name: `Desk ${code}` },
      trainingMode: true,
      gateway: null,
      devices: { probeIntervalMs: 0, training: { cardTimeMs: 20 } },
      storeServer: parseStoreUrl(url),
      // Desk 1 passes only at its start: a line of its in the store right after the posting was decided there, not uploaded.
      sharedFolioPassMs: code === '1' ? 600_000 : 200,
    }),
  );
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await Promise.all(hosts.map((h) => h.ready));
    const ctx = { connectionId: 't' };
    // The first passes publish every checked-in guest of both desks: four training guests, the same four keys.
    for (let i = 0; i < 100; i++) {
      const n = (await c.query<{ n: number }>('SELECT count(DISTINCT guest_key)::int AS n FROM folio_guests')).rows[0].n;
      if (n >= 4) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal((await c.query<{ n: number }>('SELECT count(*)::int AS n FROM folio_guests')).rows[0].n, 4, 'the training guests have the same keys on both desks');
    const [guest] = await hosts[0].handlers['purser.guest.search']({ query: 'Ada' }, ctx);
    await hosts[0].handlers['purser.posting.add']({ guestId: guest.guestId, amount: 4_200, description: 'Bar' }, ctx);
    const lines = (await c.query<{ register_id: string; amount: string }>("SELECT register_id, amount FROM folio_lines WHERE description = 'Bar'")).rows;
    assert.deepEqual(lines, [{ register_id: '1', amount: '4200' }]);
    // Desk 2's next pass mirrors it: its folio of the same guest shows the posting.
    const [other] = await hosts[1].handlers['purser.guest.search']({ query: 'Ada' }, ctx);
    let balance = 0;
    for (let i = 0; i < 100 && balance === 0; i++) {
      balance = (await hosts[1].handlers['purser.guest.get']({ guestId: other.guestId }, ctx)).balance;
      if (balance === 0) await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(balance, 4_200);
  } finally {
    await c.end();
    await Promise.all(hosts.map((h) => h.close()));
  }
});
