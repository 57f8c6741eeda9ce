// Manager-only commands through the real IPC dispatcher, on a real host and a
// real SQLite journal file: a cashier without a manager session is refused each
// one in plain words and nothing is journaled; a signed-in manager is allowed;
// the events of manager actions carry the manager's staff id; no PIN is ever in
// the journal file.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { closedPort } from '../../drivers/test-rigs/loopback-port-test-rig.ts';
import { IpcClient, IpcError } from '../../src-shared/ipc-client.ts';
import { MANAGER_ONLY_COMMANDS, type CommandName, type RequestInputOf } from '../../src-shared/ipc-contract.ts';
import type { Host } from '../host.ts';
import { createHostDispatcher } from '../ipc/ipc-dispatcher.ts';
import { rawRequest, tempDir, testHost } from '../ipc/ipc-test-rig.ts';
import { connectMemoryTransport } from '../ipc/memory-transport.ts';
import { TRAINING_MANAGER_PIN } from './staff-service.ts';
import { signInTestManager, TEST_HASH_PARAMS, TEST_MANAGER_PIN } from './staff-test-rig.ts';

let dir: string;
let host: Host;
let cashier: IpcClient;
let manager: IpcClient;
let dead: number;
const journalFile = () => path.join(dir, 'journal.sqlite');

before(async () => {
  dir = tempDir('cashier-guard-');
  dead = await closedPort();
  host = testHost(dir, { gateway: null, devices: { probeIntervalMs: 0, testTimeoutMs: 2000 }, staff: { hashParams: TEST_HASH_PARAMS } });
  const dispatcher = createHostDispatcher(host);
  cashier = new IpcClient(connectMemoryTransport(dispatcher), { timeoutMs: 5000 });
  manager = new IpcClient(connectMemoryTransport(dispatcher), { timeoutMs: 5000 });
});
after(async () => {
  cashier.close();
  manager.close();
  await host.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const draft = () => ({ kind: 'pin_pad', name: 'Front desk', model: 'PAX A920', settings: { transport: 'tcp', host: '127.0.0.1', port: dead } }) as const;

/** A valid request for every manager-only command (a new manager-only command must be added here). */
function sampleRequests(): { [M in CommandName]?: RequestInputOf<M> } {
  return {
    'device.save': { device: draft() },
    'device.remove': { deviceId: 'dev-1' },
    'device.assign': { deviceId: 'dev-1', assigned: true },
    'device.test': { deviceId: 'dev-1' },
    'journal.verify': {},
    'staff.list': {},
    'staff.add': { name: 'Eve', role: 'manager', pin: '240680' },
    'staff.setPin': { staffId: 'staff-1', pin: '240680' },
    'staff.setCard': { staffId: 'staff-1', cardNumber: '123456' },
    'staff.deactivate': { staffId: 'staff-1' },
    'settlement.list': {},
    'settlement.settings': {},
    'settlement.setShowVoided': { showVoided: false },
    'report.endOfDay': {},
    'batch.open': { terminalId: 'pad-1' },
    'batch.get': { batchId: 'batch-1' },
    'batch.history': {},
    'batch.resolve': { lineId: 'line-1', resolution: 'Sent to the orphan queue' },
    'batch.signOff': { lineId: 'line-1', reason: 'Checked with the customer' },
    'batch.close': { terminalId: 'pad-1' },
    'reversal.start': { attemptId: 'att-1', reason: 'customer returned it' },
    'indoubt.list': {},
    'indoubt.checkNow': { attemptId: 'att-1' },
    'indoubt.confirmByPhone': { attemptId: 'att-1', outcome: 'charged', processorRef: 'PH1' },
    'orphan.suggest': { orphanId: 'orph-1' },
    'orphan.attach': { orphanId: 'orph-1', ticketId: 'tkt-1', reason: 'the customer’s ticket' },
    'orphan.refund': { orphanId: 'orph-1', reason: 'no purchase' },
    'orphan.keepOneRefundRest': { keepOrphanId: 'orph-1', refundOrphanIds: ['orph-2'], ticketId: 'tkt-1', reason: 'charged three times' },
    'purser.parameters.set': { name: 'resendIntervalSeconds', value: 60 },
    'purser.settlement.sendBatch': {},
    'training.shipLink': { online: false },
    'training.presentCard': { brand: 'visa', lastFour: '1111' },
    'training.declineNext': { brand: 'visa', lastFour: '1111' },
    'store.queue.list': {},
    'store.queue.claim': { id: 1 },
    'store.queue.release': { id: 1 },
    'store.queue.complete': { id: 1, note: 'refunded the customer' },
  };
}

function eventCount(): number {
  const db = new BetterSqlite3(journalFile(), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

test('the contract declares settings, verify and staff administration manager-only, and sign-in open to all', () => {
  assert.deepEqual(Object.keys(sampleRequests()).sort(), [...MANAGER_ONLY_COMMANDS].sort(), 'every manager-only command is exercised below');
  for (const open of ['staff.signIn', 'staff.awaitCard', 'staff.signOut', 'staff.signInState', 'ticket.create', 'device.list', 'orphan.list'] as CommandName[]) {
    assert.ok(!MANAGER_ONLY_COMMANDS.includes(open), `${open} stays open to cashiers`);
  }
});

test('a cashier without a manager session is refused every manager-only command, in plain words, and nothing is journaled', async () => {
  await cashier.call('ticket.create', {}); // cashier work goes on
  const before = eventCount();
  for (const [method, params] of Object.entries(sampleRequests())) {
    await assert.rejects(cashier.call(method as CommandName, params as never), (e: unknown) => {
      assert.ok(e instanceof IpcError, `${method}: ${String(e)}`);
      assert.equal(e.code, 'manager_required', `${method}: ${e.message}`);
      assert.equal(e.message, 'A manager must sign in for this. Swipe a manager card or type a manager PIN.');
      return true;
    });
  }
  // A forged or malformed token is no better than none.
  const forged = await rawRequest(
    connectMemoryTransport(createHostDispatcher(host)),
    JSON.stringify({ kind: 'request', id: 7, method: 'device.save', params: { device: draft() }, session: 'A'.repeat(43) }),
  );
  assert.equal(forged.ok, false);
  assert.equal(!forged.ok && forged.error.code, 'manager_required');
  const malformed = await rawRequest(
    connectMemoryTransport(createHostDispatcher(host)),
    JSON.stringify({ kind: 'request', id: 8, method: 'device.save', params: { device: draft() }, session: 'not a token!' }),
  );
  assert.equal(!malformed.ok && malformed.error.code, 'bad_envelope');
  assert.equal(eventCount(), before, 'a refused command journals nothing');
  assert.equal((await cashier.call('device.list', {})).length, 0);
});

test('a wrong PIN is refused in plain words; the training manager adds a real manager who then does each manager action, journaled with their id', async () => {
  await assert.rejects(cashier.call('staff.signIn', { pin: '918273' }), /That PIN is not right\. 4 more tries/);
  const state = await cashier.call('staff.signInState', {});
  assert.equal(state.signedIn, null);
  assert.equal(state.trainingPin, TRAINING_MANAGER_PIN, 'training mode shows the demo PIN');

  const session = await signInTestManager(manager);
  assert.equal(session.staff.name, 'Test Manager');
  assert.equal((await manager.call('staff.signInState', {})).signedIn?.staffId, session.staff.staffId);
  assert.equal(JSON.stringify(session).includes(TEST_MANAGER_PIN), false, 'nothing secret comes back but the token');

  const saved = await manager.call('device.save', { device: draft() });
  const tested = await manager.call('device.test', { deviceId: saved.id });
  assert.equal(tested.ok, false);
  assert.equal((await manager.call('device.assign', { deviceId: saved.id, assigned: true })).assigned, true);
  assert.equal((await manager.call('device.remove', { deviceId: saved.id })).removed, true);
  assert.equal((await manager.call('journal.verify', {})).ok, true);
  const ben = await manager.call('staff.add', { name: 'Ben', role: 'cashier' });
  assert.equal((await manager.call('staff.setPin', { staffId: ben.id, pin: '864209' })).hasPin, true);
  assert.equal((await manager.call('staff.setCard', { staffId: ben.id, cardNumber: '700123' })).hasCard, true);
  assert.equal((await manager.call('staff.deactivate', { staffId: ben.id })).active, false);
  const list = await manager.call('staff.list', {});
  assert.deepEqual(list.map((s) => [s.name, s.role, s.active]), [['Test Manager', 'manager', true], ['Ben', 'cashier', false]]);
  assert.ok(list.every((s) => Object.keys(s).sort().join() === 'active,hasCard,hasPin,id,name,role'), 'no PIN, hash or card number');

  // The cashier's connection is still refused: the session belongs to the manager's envelopes only.
  await assert.rejects(cashier.call('device.save', { device: draft() }), /A manager must sign in/);

  await manager.call('staff.signOut', {});
  await assert.rejects(manager.call('device.list', {}).then(() => manager.call('staff.list', {})), /A manager must sign in/);

  await host.close();
  const db = new BetterSqlite3(journalFile(), { readonly: true });
  const rows = db.prepare("SELECT entity, type, payload FROM events WHERE entity IN ('device', 'staff') ORDER BY seq").all() as { entity: string; type: string; payload: string }[];
  db.close();
  const demoAdded = rows.find((r) => r.entity === 'staff' && JSON.parse(r.payload).name === 'Test Manager')!;
  assert.equal(JSON.parse(demoAdded.payload).actor, 'training-manager', 'the demo manager is named as the one who added the real one');
  const byManager = rows.filter((r) => r !== demoAdded);
  assert.deepEqual(
    byManager.map((r) => `${r.entity}.${r.type}`),
    ['device.added', 'device.tested', 'device.assigned', 'device.removed', 'staff.added', 'staff.pin_set', 'staff.card_set', 'staff.deactivated'],
  );
  for (const r of byManager) assert.equal(JSON.parse(r.payload).actor, session.staff.staffId, `${r.entity}.${r.type} names the manager`);

  const bytes = Buffer.concat([journalFile(), `${journalFile()}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f))).toString('latin1');
  for (const pin of [TEST_MANAGER_PIN, '864209', '918273']) assert.ok(!bytes.includes(pin), `PIN ${pin} is nowhere in the journal file`);
});
