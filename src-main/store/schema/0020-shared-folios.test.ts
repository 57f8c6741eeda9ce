import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { startStoreTestCluster, type StoreTestCluster } from '../store-test-rig.ts';
import { PostgresSharedFolio } from '../shared-folio-store.ts';
import sharedFolios from './0020-shared-folios.ts';
import { STORE_MIGRATIONS } from './index.ts';
import { REGISTER_GROUP_ROLE } from './store-migration.ts';

let cluster: StoreTestCluster;
before(async () => {
  cluster = await startStoreTestCluster();
});
after(async () => {
  await cluster?.stop();
});

const RULE = { autoIncrementalAuthEnabled: 1 as const, autoIncrementalAuthAmount: 5_000 };

test('0020: a register role posts, claims and adopts through the shared folio; a line resent is one line with the same claim; lines are never rewritten', async () => {
  assert.equal(sharedFolios.version, 20);
  assert.ok(STORE_MIGRATIONS.includes(sharedFolios));
  const url = await cluster.createStoreDatabase();
  const role = `reg_0020_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE ROLE ${role} LOGIN IN ROLE ${REGISTER_GROUP_ROLE}`);
  const u = new URL(url);
  u.username = role;
  const store = new PostgresSharedFolio({ client: { connectionString: u.toString() } });
  try {
    const card = { cardId: 'card-1', routingOrder: 1, active: true, registeredAt: '2026-11-28T10:00:00.000Z' };
    const auth = { reference: 'AG1C1R1', cardId: 'card-1', kind: 'initial' as const, amount: 10_000, status: 1 as const };
    const first = await store.post({ register: 'A', guestKey: '7012|2026-11-28|ada lovelace', lines: [{ lineId: 'l1', amount: 8_000, description: 'Dinner' }], cards: [card], authorisations: [auth], rule: RULE });
    assert.equal(first.claim, null, 'within the initial authorisation');
    const second = await store.post({ register: 'B', guestKey: '7012|2026-11-28|ada lovelace', lines: [{ lineId: 'l1', amount: 3_000, description: 'Spa' }], rule: RULE });
    assert.deepEqual([second.claim?.ownerRegister, second.claim?.cardId, second.claim?.amount, second.claim?.state, second.claim?.claimedBy], ['A', 'card-1', 5_000, 'claimed', 'B']);
    assert.match(second.claim!.reference, /^AS[0-9A-Z]+$/);
    const resent = await store.post({ register: 'B', guestKey: '7012|2026-11-28|ada lovelace', lines: [{ lineId: 'l1', amount: 3_000, description: 'Spa' }], rule: RULE });
    assert.equal(resent.claim?.reference, second.claim!.reference, 'the same line again answers the same claim');
    assert.equal((await store.lines(['7012|2026-11-28|ada lovelace'], 0)).length, 2);
    assert.deepEqual((await store.claimsFor('A')).map((c) => c.reference), [second.claim!.reference]);
    await store.markAdopted('A', [second.claim!.reference]);
    assert.deepEqual(await store.claimsFor('A'), []);
    const r = new pg.Client({ connectionString: u.toString() });
    await r.connect();
    try {
      await assert.rejects(r.query('UPDATE folio_lines SET amount = 0'), /permission denied/);
      await assert.rejects(r.query('DELETE FROM folio_authorisations'), /permission denied/);
    } finally {
      await r.end();
    }
  } finally {
    await store.close();
    await admin.end();
  }
});
