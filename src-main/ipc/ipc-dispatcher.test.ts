// Failure paths of the dispatcher and the client that the contract suite does
// not reach: a handler that throws something unexpected, one that never
// answers, a vanished connection, and text that must be redacted.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { AppError } from '../../src-shared/errors.ts';
import { IpcClient, IpcError } from '../../src-shared/ipc-client.ts';
import type { Handlers } from '../../src-shared/ipc-contract.ts';
import type { Host } from '../host.ts';
import { createHostDispatcher, IpcDispatcher } from './ipc-dispatcher.ts';
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
    const entry = JSON.parse(logged[0]) as { stack?: string };
    assert.match(entry.stack ?? '', /ipc-dispatcher\.test\.ts:\d+/, 'the stack says where it was thrown');
    assert.doesNotMatch(entry.stack ?? '', /4111111111111111/);
    // Still serving.
    const ok = await d.dispatch(JSON.stringify({ kind: 'request', id: 2, method: 'status.get', params: {} }), 'c1');
    assert.equal(ok.ok, true);
  });

  test('an AppError "internal" keeps its own words for the client and leaves its stack, masked, in the log', async () => {
    const logged: { msg: string; method?: string; error: string; stack?: string }[] = [];
    const handlers: Handlers = {
      ...host.handlers,
      'status.get': () => {
        throw new AppError('internal', 'Payment R1T1P1 was still unresolved after 5000 ms (card 4111111111111111).');
      },
      'ticket.get': () => {
        throw new AppError('not_found', 'No such ticket.');
      },
    };
    const d = new IpcDispatcher(handlers, { log: (e) => logged.push(e) });
    const res = await d.dispatch(JSON.stringify({ kind: 'request', id: 1, method: 'status.get', params: {} }), 'c1');
    assert.equal(!res.ok && res.error.code, 'internal');
    assert.match(!res.ok ? res.error.message : '', /still unresolved after 5000 ms/);
    assert.equal(logged.length, 1);
    assert.equal(logged[0].method, 'status.get');
    assert.match(logged[0].stack ?? '', /AppError: Payment R1T1P1 was still unresolved/);
    assert.match(logged[0].stack ?? '', /ipc-dispatcher\.test\.ts:\d+/);
    assert.doesNotMatch(JSON.stringify(logged), /4111111111111111/);
    // A refusal the client can act on is an answer, not a bug: nothing logged.
    const refused = await d.dispatch(JSON.stringify({ kind: 'request', id: 2, method: 'ticket.get', params: { ticketId: 't1' } }), 'c1');
    assert.equal(!refused.ok && refused.error.code, 'not_found');
    assert.equal(logged.length, 1);
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

describe('events go from their emitter to the dispatcher, no forwarding file between', () => {
  test('payment.changed is sent from the attempt outcome owner, ticket.changed from the ticket service; host.ts is not on the way', async () => {
    const dir = tempDir();
    const host = testHost(dir, { devices: { probeIntervalMs: 0, training: { cardTimeMs: 10 } } });
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 50;
    try {
      await host.ready;
      const d = createHostDispatcher(host, { log: () => {} });
      // Where each event was sent from: the stack at the connection's send.
      const sent: { name: string; payload: { state?: string; status?: string }; stack: string }[] = [];
      d.attach({
        id: 'screen',
        send: (text) => {
          const env = JSON.parse(text) as { name: string; payload: { state?: string; status?: string } };
          sent.push({ name: env.name, payload: env.payload, stack: new Error().stack ?? '' });
        },
      });
      const call = async (method: string, params: object) => {
        const r = await d.dispatch(JSON.stringify({ kind: 'request', id: 1, method, params }), 'screen');
        assert.ok(r.ok, JSON.stringify(r));
        return r.result as { id: string; due: number };
      };
      const ticket = await call('ticket.create', {});
      const [item] = (await call('catalog.list', {})) as unknown as { id: string }[];
      const rung = await call('ticket.addLine', { ticketId: ticket.id, itemId: item.id, quantity: 1 });
      await call('payment.start', { ticketId: ticket.id, amount: rung.due });
      const deadline = Date.now() + 5000;
      while (!sent.some((e) => e.name === 'payment.changed' && e.payload.state === 'approved') && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 10));
      }
      const approved = sent.find((e) => e.name === 'payment.changed' && e.payload.state === 'approved');
      const paid = sent.find((e) => e.name === 'ticket.changed' && e.payload.status === 'paid');
      assert.ok(approved, `approval broadcast; got ${sent.map((e) => e.name).join(', ')}`);
      assert.ok(paid, 'paid ticket broadcast');
      const hostFrame = /[\\/]src-main[\\/]host\.ts:/;
      for (const [e, emitter] of [
        [approved, /[\\/]payments[\\/]attempt-outcome\.ts:/],
        [paid, /[\\/]tickets[\\/]ticket-service\.ts:/],
      ] as const) {
        assert.match(e.stack, emitter, `${e.name} comes from its emitter`);
        assert.match(e.stack, /[\\/]ipc[\\/]ipc-dispatcher\.ts:/);
        assert.doesNotMatch(e.stack, hostFrame, `${e.name} passes no host.ts frame:\n${e.stack}`);
      }
    } finally {
      Error.stackTraceLimit = limit;
      await host.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
