// Failure paths of the dispatcher and the client that the contract suite does
// not reach: a handler that throws something unexpected, one that never
// answers, a vanished connection, and text that must be redacted.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { IpcClient, IpcError } from '../../src-shared/ipc-client.ts';
import type { Handlers } from '../../src-shared/ipc-contract.ts';
import type { Host } from '../host.ts';
import { IpcDispatcher } from './ipc-dispatcher.ts';
import { tempDir, testHost } from './ipc-test-rig.ts';
import { connectMemoryTransport } from './memory-transport.ts';

describe('IpcDispatcher failure paths', () => {
  let dir: string;
  let host: Host;
  before(() => {
    dir = tempDir();
    host = testHost(dir);
  });
  after(() => {
    host.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('an unexpected throw answers "internal", logged with the card number masked', async () => {
    const logged: string[] = [];
    const handlers: Handlers = {
      ...host.handlers,
      'app.info': () => {
        throw new Error('driver blew up on 4111111111111111 and ;4111111111111111=2512101?');
      },
    };
    const d = new IpcDispatcher(handlers, { log: (e) => logged.push(JSON.stringify(e)) });
    const res = await d.dispatch(JSON.stringify({ kind: 'request', id: 1, method: 'app.info', params: {} }), 'c1');
    assert.equal(res.ok, false);
    assert.equal(!res.ok && res.error.code, 'internal');
    assert.doesNotMatch(JSON.stringify(res), /4111111111111111|blew up/, 'no internals reach the client');
    assert.equal(logged.length, 1);
    assert.match(logged[0], /app\.info/);
    assert.doesNotMatch(logged[0], /4111111111111111/);
    assert.match(logged[0], /411111\*+1111/);
    assert.match(logged[0], /track data removed/);
    // Still serving.
    const ok = await d.dispatch(JSON.stringify({ kind: 'request', id: 2, method: 'status.get', params: {} }), 'c1');
    assert.equal(ok.ok, true);
  });

  test('a card number sent as a field name is not echoed back', async () => {
    const d = new IpcDispatcher(host.handlers, { log: () => {} });
    const res = await d.dispatch(
      JSON.stringify({ kind: 'request', id: 3, method: 'ticket.get', params: { ticketId: 'a', '4242424242424242': 1 } }),
      'c1',
    );
    assert.equal(!res.ok && res.error.code, 'invalid_request');
    assert.doesNotMatch(JSON.stringify(res), /4242424242424242/);
    assert.match(JSON.stringify(res), /424242\*+4242/);
  });

  test('ticket.get with a card number (unbroken, spaced or dashed) as its id never echoes it', async () => {
    const d = new IpcDispatcher(host.handlers, { log: () => {} });
    for (const [i, id] of ['4111 1111 1111 1111', '4111-1111-1111-1111', '3782 822463 10005', '4111111111111111'].entries()) {
      const res = await d.dispatch(JSON.stringify({ kind: 'request', id: 10 + i, method: 'ticket.get', params: { ticketId: id } }), 'c1');
      assert.equal(res.ok, false);
      const text = JSON.stringify(res);
      assert.doesNotMatch(text, new RegExp(id.replace(/ /g, '\\s')), `${id} echoed: ${text}`);
      // The schema refuses spaces in an id without echoing it; an unbroken one reaches not_found, masked.
      if (!res.ok && res.error.code === 'not_found') assert.match(text, /\d{6}\*+\d{4}/, 'masked to first 6 / last 4');
    }
  });

  test('missing params count as {} for commands without fields', async () => {
    const d = new IpcDispatcher(host.handlers, { log: () => {} });
    const res = await d.dispatch(JSON.stringify({ kind: 'request', id: 4, method: 'app.info' }), 'c1');
    assert.equal(res.ok, true);
  });

  test('a call the host never answers times out with a typed error; later calls still work', async () => {
    const d = new IpcDispatcher({ ...host.handlers, 'status.get': () => new Promise(() => {}) }, { log: () => {} });
    const client = new IpcClient(connectMemoryTransport(d), { timeoutMs: 5000 });
    try {
      await assert.rejects(client.call('status.get', {}, { timeoutMs: 50 }), (e: unknown) => {
        assert.ok(e instanceof IpcError);
        assert.equal(e.code, 'internal');
        assert.match(e.message, /did not answer "status\.get"/);
        return true;
      });
      assert.equal(client.pendingCount, 0);
      assert.equal((await client.call('app.info', {})).name, 'Cashier Desk');
    } finally {
      client.close();
    }
  });

  test('closing a client fails its pending calls instead of leaving them hanging', async () => {
    const d = new IpcDispatcher({ ...host.handlers, 'status.get': () => new Promise(() => {}) }, { log: () => {} });
    const client = new IpcClient(connectMemoryTransport(d));
    const pending = client.call('status.get', {});
    client.close();
    await assert.rejects(pending, /connection closed/);
    await assert.rejects(client.call('app.info', {}), /closed/);
  });

  test('a connection whose send throws is skipped; the others still get events', async () => {
    const logged: string[] = [];
    const d = new IpcDispatcher(host.handlers, { log: (e) => logged.push(e.msg) });
    const got: string[] = [];
    d.attach({ id: 'dead', send: () => { throw new Error('socket gone'); } });
    d.attach({ id: 'live', send: (t) => got.push(t) });
    d.broadcast('status.changed', host.status());
    assert.equal(got.length, 1);
    assert.equal(JSON.parse(got[0]).name, 'status.changed');
    assert.deepEqual(logged, ['ipc send failed']);
  });
});
