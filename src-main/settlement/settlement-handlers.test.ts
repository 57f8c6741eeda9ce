// The settlement commands through the real dispatcher and host: requests are
// validated at the boundary (unknown fields, non-integer amounts, bad dates,
// bad last four refused), and valid ones reach the journal.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { SettlementPage, SettlementSettings, EndOfDayReport } from '../../src-shared/settlement-types.ts';
import type { Host } from '../host.ts';
import { createHostDispatcher, type IpcDispatcher } from '../ipc/ipc-dispatcher.ts';
import { tempDir, testHost } from '../ipc/ipc-test-rig.ts';
import { TRAINING_MANAGER_PIN } from '../staff/staff-service.ts';
import { TEST_HASH_PARAMS } from '../staff/staff-test-rig.ts';

describe('settlement IPC commands', () => {
  let dir: string;
  let host: Host;
  let d: IpcDispatcher;
  let id = 0;
  // Settlement commands are manager actions: every call carries the training manager's session.
  let session: string | undefined;
  const call = (method: string, params: unknown) =>
    d.dispatch(JSON.stringify({ kind: 'request', id: ++id, method, params, ...(session ? { session } : {}) }), 'c1');
  before(async () => {
    dir = tempDir('cashier-settle-ipc-');
    host = testHost(dir, { trainingMode: true, staff: { hashParams: TEST_HASH_PARAMS } });
    d = createHostDispatcher(host);
    const cashier = await call('settlement.list', {});
    assert.equal(!cashier.ok && cashier.error.code, 'manager_required', 'a cashier is refused the settlement review');
    const signIn = await call('staff.signIn', { pin: TRAINING_MANAGER_PIN });
    assert.ok(signIn.ok);
    session = (signIn.result as { token: string }).token;
  });
  after(async () => {
    await host.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('malformed settlement.list requests are refused as invalid, naming no internals', async () => {
    const bad: unknown[] = [
      { filter: { minAmount: 12.5 } },
      { filter: { minAmount: -1 } },
      { filter: { lastFour: '42' } },
      { filter: { lastFour: '4111111111111111' } },
      { filter: { brands: ['visa', 'bitcoin'] } },
      { filter: { statuses: [] } },
      { filter: { from: 'yesterday' } },
      { filter: { minAmount: 500, maxAmount: 100 } },
      { filter: { reference: "R1'; DROP TABLE events;--" } },
      { filter: {}, extra: 1 },
      { filter: { color: 'red' } },
      { limit: 100_000 },
      { offset: -5 },
      { sort: 'ticket' },
    ];
    for (const params of bad) {
      const res = await call('settlement.list', params);
      assert.equal(!res.ok && res.error.code, 'invalid_request', JSON.stringify(params));
      assert.doesNotMatch(JSON.stringify(res), /4111111111111111/);
    }
    for (const [method, params] of [
      ['settlement.setShowVoided', { showVoided: 'no' }],
      ['settlement.setShowVoided', {}],
      ['report.endOfDay', { date: '10/03/2026' }],
      ['report.endOfDay', { date: '2026-03-10', register: 'x' }],
    ] as const) {
      const res = await call(method, params);
      assert.equal(!res.ok && res.error.code, 'invalid_request', `${method} ${JSON.stringify(params)}`);
    }
  });

  test('valid requests answer from the journal; the show-voided setting sticks', async () => {
    const page = await call('settlement.list', { filter: { brands: ['visa'], minAmount: 100, lastFour: '4242' }, sort: 'amount', direction: 'asc', offset: 0, limit: 50 });
    assert.equal(page.ok, true);
    assert.deepEqual(page.ok && (page.result as SettlementPage), { rows: [], total: 0, offset: 0, showVoided: true });
    const set = await call('settlement.setShowVoided', { showVoided: false });
    assert.deepEqual(set.ok && (set.result as SettlementSettings), { showVoided: false });
    const got = await call('settlement.settings', {});
    assert.deepEqual(got.ok && (got.result as SettlementSettings), { showVoided: false });
    const list = await call('settlement.list', {});
    assert.equal(list.ok && (list.result as SettlementPage).showVoided, false);
    const eod = await call('report.endOfDay', {});
    assert.equal(eod.ok, true);
    const r = eod.ok ? (eod.result as EndOfDayReport) : undefined;
    assert.equal(r?.currency, 'USD');
    assert.equal(r?.variances.recorded, false);
    assert.equal(r?.byHour.length && r.byHour.length >= 23, true);
  });
});
