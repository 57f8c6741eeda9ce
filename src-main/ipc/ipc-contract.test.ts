// One contract suite, run twice: over the in-memory transport pair and over a
// real WebSocket on 127.0.0.1, each against a real host on a temp journal.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type WebSocket from 'ws';
import { IpcClient, IpcError, webSocketTransport, type ClientTransport } from '../../src-shared/ipc-client.ts';
import { MAX_MESSAGE_BYTES, commands, type CommandName, type Events } from '../../src-shared/ipc-contract.ts';
import type { Host } from '../host.ts';
import { createHostDispatcher, type IpcDispatcher } from './ipc-dispatcher.ts';
import { rawRequest, openSocket, tempDir, testHost } from './ipc-test-rig.ts';
import { connectMemoryTransport } from './memory-transport.ts';
import { startWebSocketIpcServer, type WebSocketIpcServer } from './websocket-server.ts';
import { closedPort } from '../../drivers/test-rigs/loopback-port-test-rig.ts';
import { signInTestManager, TEST_HASH_PARAMS } from '../staff/staff-test-rig.ts';

/** Opens client transports to a dispatcher; close() releases everything it opened. */
interface TransportFactory {
  name: string;
  setUp(dispatcher: IpcDispatcher): Promise<void>;
  connect(): Promise<ClientTransport>;
  tearDown(): Promise<void>;
}

const memoryFactory = (): TransportFactory => {
  let d: IpcDispatcher;
  return {
    name: 'memory transport pair',
    async setUp(dispatcher) {
      d = dispatcher;
    },
    async connect() {
      return connectMemoryTransport(d);
    },
    async tearDown() {},
  };
};

const webSocketFactory = (): TransportFactory => {
  let server: WebSocketIpcServer;
  const sockets: WebSocket[] = [];
  return {
    name: 'real WebSocket on 127.0.0.1',
    async setUp(dispatcher) {
      server = await startWebSocketIpcServer({ dispatcher, port: 0 });
    },
    async connect() {
      const ws = await openSocket(server.wsUrl);
      sockets.push(ws);
      return webSocketTransport(ws);
    },
    async tearDown() {
      for (const ws of sockets) ws.terminate();
      await server.close();
    },
  };
};

/** Training devices fast enough for tests: a quick customer, short PIN pad waits, quick resolution retries, no real gateway. */
const FAST_TRAINING = {
  gateway: null,
  devices: { training: { cardTimeMs: 20, paxTimeouts: { transactionMs: 1200, adminMs: 1000, cancelMs: 500 } } },
  payments: { lookupTimeoutMs: 1000, backoff: { initialMs: 50, maxMs: 200 } },
} as const;

/** Polls until fn answers something other than null (a receipt prints in the background), at most 5 s. */
async function eventually<T>(fn: () => Promise<T | null>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const v = await fn();
    if (v !== null) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('no answer within 5 s');
}

/** Waits for the next event of a kind that satisfies a predicate. */
function nextEvent<E extends keyof Events>(client: IpcClient, name: E, pred: (p: Events[E]) => boolean, timeoutMs = 5000): Promise<Events[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${name} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = client.on(name, (p) => {
      if (!pred(p)) return;
      clearTimeout(timer);
      off();
      resolve(p);
    });
  });
}

async function rejectsWith(p: Promise<unknown>, code: string, messagePart?: RegExp): Promise<IpcError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof IpcError, `expected IpcError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (messagePart) assert.match(err.message, messagePart);
    return err;
  }
  assert.fail(`expected a ${code} error, but the call succeeded`);
}

function contractSuite(makeFactory: () => TransportFactory): void {
  const factory = makeFactory();
  describe(`IPC contract over ${factory.name}`, () => {
    let dir: string;
    let host: Host;
    let transport: ClientTransport;
    let client: IpcClient;

    before(async () => {
      dir = tempDir();
      host = testHost(dir, { ...FAST_TRAINING, staff: { hashParams: TEST_HASH_PARAMS } });
      await factory.setUp(createHostDispatcher(host));
      transport = await factory.connect();
      client = new IpcClient(transport, { timeoutMs: 5000 });
      // Settings and verify are manager-only (issue 11 §1); a real manager signs in while training allows adding one.
      await signInTestManager(client);
    });
    after(async () => {
      client.close();
      await factory.tearDown();
      await host.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test('every command round-trips with a typed result', async () => {
      const info = await client.call('app.info', {});
      assert.equal(info.name, 'Cashier Desk');
      assert.equal(info.cancelAfterSeconds, 30);

      const status = await client.call('status.get', {});
      assert.equal(status.journal.healthy, true);
      // No PIN pad assigned: training mode, with the simulated PIN pad in the status bar.
      assert.equal(status.trainingMode, true);
      assert.equal(status.terminal.id, 'training-pin-pad');
      assert.equal(status.cardReader.configured, false);

      const catalog = await client.call('catalog.list', {});
      assert.ok(catalog.length > 0, 'the default catalogue has items');
      const item = catalog[0];

      const ticket = await client.call('ticket.create', {});
      assert.equal(ticket.status, 'open');
      assert.equal(ticket.total, 0);

      const withLine = await client.call('ticket.addLine', { ticketId: ticket.id, itemId: item.id, quantity: 2 });
      assert.equal(withLine.lines.length, 1);
      assert.equal(withLine.total, item.price * 2);
      const defaulted = await client.call('ticket.addLine', { ticketId: ticket.id, itemId: item.id });
      assert.equal(defaulted.lines[1].quantity, 1, 'quantity defaults to 1');

      const removed = await client.call('ticket.removeLine', { ticketId: ticket.id, lineId: defaulted.lines[1].id });
      assert.equal(removed.total, item.price * 2);

      const fetched = await client.call('ticket.get', { ticketId: ticket.id });
      assert.equal(fetched.id, ticket.id);
      assert.equal(fetched.total, item.price * 2);

      const open = await client.call('ticket.listOpen', {});
      assert.ok(open.some((t) => t.id === ticket.id));

      await rejectsWith(client.call('payment.start', { ticketId: ticket.id, amount: item.price * 2 + 1 }), 'amount_exceeds_due', /due/);

      const cash = await client.call('tender.cash', { ticketId: ticket.id, amountTendered: item.price * 2 + 500 });
      assert.equal(cash.change, 500);
      assert.equal(cash.ticket.due, 0);
      assert.equal(cash.ticket.status, 'paid');

      const verify = await client.call('journal.verify', {});
      assert.equal(verify.ok, true);
      assert.ok(verify.events > 0);
    });

    test('device commands: save, list, test, assign, remove, with live status', async () => {
      const dead = await closedPort();
      const draft = { kind: 'pin_pad', name: 'Front desk', model: 'PAX A920', settings: { transport: 'tcp', host: '127.0.0.1', port: dead } } as const;
      const saved = await client.call('device.save', { device: draft });
      assert.equal(saved.assigned, false);
      assert.deepEqual(saved.settings, { transport: 'tcp', host: '127.0.0.1', port: dead, timeouts: {} });
      assert.ok((await client.call('device.list', {})).some((d) => d.id === saved.id));

      const tested = await client.call('device.test', { deviceId: saved.id });
      assert.equal(tested.ok, false);
      assert.match(tested.message, new RegExp(`127\\.0\\.0\\.1:${dead}`));

      const leftTraining = nextEvent(client, 'status.changed', (s) => !s.trainingMode && s.terminal.id === saved.id);
      assert.equal((await client.call('device.assign', { deviceId: saved.id, assigned: true })).assigned, true);
      const live = await leftTraining;
      assert.equal(live.terminal.configured, true);
      await rejectsWith(client.call('training.simulate', { scenario: 'decline' }), 'conflict', /^Only in training mode\.$/);

      const backToTraining = nextEvent(client, 'status.changed', (s) => s.trainingMode && s.terminal.id === 'training-pin-pad');
      const removed = await client.call('device.remove', { deviceId: saved.id });
      assert.equal(removed.removed, true);
      assert.equal(removed.assigned, false);
      await backToTraining;
      assert.ok(!(await client.call('device.list', {})).some((d) => d.id === saved.id), 'removed devices are not listed');
      await rejectsWith(client.call('device.assign', { deviceId: saved.id, assigned: true }), 'conflict', /removed/);
    });

    test('device commands refuse bad settings, naming the field', async () => {
      const base = { kind: 'pin_pad', name: 'X', model: 'PAX A920' };
      await rejectsWith(client.call('device.save', { device: { ...base, settings: { transport: 'tcp', host: '10.0.0.5', port: 70000 } } } as never), 'invalid_request', /device\.settings\.port: must be 1-65535/);
      await rejectsWith(client.call('device.save', { device: { ...base, settings: { transport: 'tcp', host: 'not a host' } } } as never), 'invalid_request', /host: must be an IP address/);
      await rejectsWith(client.call('device.save', { device: { ...base, settings: { transport: 'serial', serialPath: '/dev/ttyS0', baudRate: 9601 } } } as never), 'invalid_request', /baudRate: must be one of/);
      await rejectsWith(client.call('device.save', { device: { ...base, settings: { transport: 'tcp', host: '10.0.0.5', sneaky: 1 } } } as never), 'invalid_request', /"sneaky"/);
      await rejectsWith(client.call('device.test', {}), 'invalid_request', /either deviceId/);
      await rejectsWith(client.call('device.remove', { deviceId: 'no-such-device' }), 'not_found');
      assert.equal((await client.call('device.list', {})).length, 0, 'nothing refused was saved');
    });

    test('issue 9 commands: void, history, events, unresolved, recovery notices, and their validation', async () => {
      const empty = await client.call('ticket.create', {});
      assert.equal((await client.call('ticket.void', { ticketId: empty.id })).status, 'voided');
      const t = await client.call('ticket.create', {});
      await client.call('ticket.addLine', { ticketId: t.id, itemId: 'coffee' });
      await client.call('tender.cash', { ticketId: t.id, amountTendered: 2000, confirmMatchingInDoubt: false });
      const history = await client.call('ticket.history', { query: `#${t.number}` });
      assert.deepEqual(history.map((h) => h.number), [t.number]);
      assert.ok((await client.call('ticket.history', {})).some((h) => h.number === empty.number && h.status === 'voided'));
      const events = await client.call('ticket.events', { ticketId: t.id });
      assert.deepEqual(events.map((e) => `${e.entity}.${e.type}`).slice(0, 4), ['ticket.created', 'ticket.line_added', 'ticket.cash_tendered', 'ticket.paid']);
      assert.deepEqual(await client.call('payment.listUnresolved', {}), []);
      assert.deepEqual(await client.call('recovery.notices', {}), []);
      await rejectsWith(client.call('ticket.history', { query: '<script>' }), 'invalid_request', /query/);
      await rejectsWith(client.call('ticket.history', { query: 'x'.repeat(41) }), 'invalid_request', /query/);
      await rejectsWith(client.call('tender.cash', { ticketId: t.id, amountTendered: 100, confirmMatchingInDoubt: 'yes' } as never), 'invalid_request', /confirmMatchingInDoubt/);
      await rejectsWith(client.call('payment.start', { ticketId: t.id, amount: 100, confirmMatchingInDoubt: 1 } as never), 'invalid_request', /confirmMatchingInDoubt/);
      await rejectsWith(client.call('ticket.void', { ticketId: 'no such' } as never), 'invalid_request', /ticketId/);
      await rejectsWith(client.call('ticket.events', { ticketId: 'nope' }), 'not_found');
    });

    test('ticket.changed reaches every connected client', async () => {
      const other = new IpcClient(await factory.connect(), { timeoutMs: 5000 });
      try {
        const ticket = await client.call('ticket.create', {});
        const [item] = await client.call('catalog.list', {});
        const seenByOther = nextEvent(other, 'ticket.changed', (t) => t.id === ticket.id && t.lines.length === 1);
        const seenBySender = nextEvent(client, 'ticket.changed', (t) => t.id === ticket.id && t.lines.length === 1);
        await client.call('ticket.addLine', { ticketId: ticket.id, itemId: item.id });
        const [a, b] = await Promise.all([seenByOther, seenBySender]);
        assert.equal(a.total, item.price);
        assert.deepEqual(a, b);
      } finally {
        other.close();
      }
    });

    describe('card payments in training mode', () => {
      /** An open ticket holding one catalogue item. */
      async function ticketOfOne(): Promise<{ id: string; total: number }> {
        const [item] = await client.call('catalog.list', {});
        const t = await client.call('ticket.create', {});
        const withLine = await client.call('ticket.addLine', { ticketId: t.id, itemId: item.id });
        return { id: t.id, total: withLine.total };
      }
      /** Approved sales the training processor holds for one invoice. */
      const charges = (invoice: string) =>
        host.devices.training()!.gateway.ledger.byInvoice(invoice).filter((e) => e.kind === 'sale' && e.status !== 'declined');

      test('payment.start → payment.changed events → approved → ticket paid, receipt printed', async () => {
        const t = await ticketOfOne();
        const states: string[] = [];
        const off = client.on('payment.changed', (a) => {
          if (a.ticketId === t.id) states.push(a.state);
        });
        const paid = nextEvent(client, 'ticket.changed', (x) => x.id === t.id && x.status === 'paid');
        const approvedEvent = nextEvent(client, 'payment.changed', (a) => a.ticketId === t.id && a.state === 'approved');
        try {
          const attempt = await client.call('payment.start', { ticketId: t.id, amount: t.total });
          assert.equal(attempt.state, 'approved', attempt.message);
          assert.equal(attempt.amountApproved, t.total);
          assert.match(attempt.maskedPan ?? '', /^\d{6}\*+\d{4}$/, 'only a masked number comes back');
          assert.equal((await paid).due, 0);
          assert.equal((await approvedEvent).id, attempt.id);
          assert.deepEqual(states.slice(0, 1), ['sent'], 'the sent state is pushed before the answer');
          assert.equal(states.at(-1), 'approved');
          const listed = await client.call('payment.listForTicket', { ticketId: t.id });
          assert.deepEqual(listed.map((a) => [a.id, a.state]), [[attempt.id, 'approved']]);
          assert.equal(charges(attempt.ecrRef).length, 1);
          const receipt = await eventually(() => client.call('receipt.last', { ticketId: t.id }));
          assert.equal(receipt.printed, true, receipt.message);
          await rejectsWith(client.call('payment.start', { ticketId: t.id, amount: 1 }), 'ticket_closed');
        } finally {
          off();
        }
      });

      test('lose_approval: in doubt, recovered by lookup, approved without a second charge', async () => {
        const simulated = await client.call('training.simulate', { scenario: 'lose_approval' });
        assert.match(simulated.message, /answer is lost/);
        const t = await ticketOfOne();
        const doubted = nextEvent(client, 'payment.changed', (a) => a.ticketId === t.id && a.state === 'in_doubt');
        const approved = nextEvent(client, 'payment.changed', (a) => a.ticketId === t.id && a.state === 'approved', 10_000);
        const attempt = await client.call('payment.start', { ticketId: t.id, amount: t.total });
        assert.ok(['in_doubt', 'approved'].includes(attempt.state), attempt.state);
        assert.match((await doubted).message, /may have been charged|Checking|checking/i);
        const done = await approved;
        assert.equal(done.id, attempt.id);
        assert.ok(['terminal_lookup', 'gateway_lookup', 'find_missing'].includes(done.approvalSource ?? ''), done.approvalSource);
        assert.equal(charges(attempt.ecrRef).length, 1, 'one charge at the processor');
        assert.equal((await client.call('ticket.get', { ticketId: t.id })).status, 'paid');
      });

      test('decline: the ticket stays open; the retry on the same slot is approved once', async () => {
        assert.match((await client.call('training.simulate', { scenario: 'decline' })).message, /declined/);
        const t = await ticketOfOne();
        const declined = await client.call('payment.start', { ticketId: t.id, amount: t.total });
        assert.equal(declined.state, 'declined');
        assert.equal((await client.call('ticket.get', { ticketId: t.id })).due, t.total);
        assert.equal(charges(declined.ecrRef).length, 0);
        const retry = await client.call('payment.start', { ticketId: t.id, amount: t.total });
        assert.equal(retry.state, 'approved');
        assert.equal(retry.ecrRef, declined.ecrRef, 'same ticket, same reference');
        assert.equal(charges(retry.ecrRef).length, 1);
      });

      test('ignore_cancel: the unanswered cancel leaves the attempt in doubt, then it resolves as not charged', async () => {
        assert.match((await client.call('training.simulate', { scenario: 'ignore_cancel' })).message, /Cancel/);
        const t = await ticketOfOne();
        const sent = nextEvent(client, 'payment.changed', (a) => a.ticketId === t.id && a.state === 'sent');
        const notCharged = nextEvent(client, 'payment.changed', (a) => a.ticketId === t.id && a.state === 'not_charged', 10_000);
        const started = client.call('payment.start', { ticketId: t.id, amount: t.total });
        const { id } = await sent;
        const cancelled = await client.call('payment.cancel', { attemptId: id });
        assert.equal(cancelled.state, 'in_doubt', 'never aborted without the PIN pad saying so');
        assert.equal(cancelled.doubtReason, 'unanswered_cancel');
        await started;
        await notCharged;
        assert.equal(charges(cancelled.ecrRef).length, 0);
      });

      test('terminal_offline refuses card payments without charging; normal brings the PIN pad back', async () => {
        await client.call('training.simulate', { scenario: 'terminal_offline' });
        const t = await ticketOfOne();
        const refused = await client.call('payment.start', { ticketId: t.id, amount: t.total });
        assert.equal(refused.state, 'aborted', refused.message);
        assert.match((await client.call('training.simulate', { scenario: 'normal' })).message, /normally/);
        assert.equal((await client.call('payment.start', { ticketId: t.id, amount: t.total })).state, 'approved');
      });

      test('printer_out_of_paper: the cash sale closes, the receipt is reported not printed, reprint after normal', async () => {
        assert.match((await client.call('training.simulate', { scenario: 'printer_out_of_paper' })).message, /out of paper/);
        const t = await ticketOfOne();
        const cash = await client.call('tender.cash', { ticketId: t.id, amountTendered: t.total });
        assert.equal(cash.ticket.status, 'paid');
        const last = await eventually(() => client.call('receipt.last', { ticketId: t.id }));
        assert.equal(last.printed, false);
        assert.match(last.message, /paper/i);
        await client.call('training.simulate', { scenario: 'normal' });
        const again = await client.call('receipt.reprint', { ticketId: t.id });
        assert.equal(again.printed, true, again.message);
      });

      test('partial_approval: half approved, the rest due, a second card pays it; two charges at the processor', async () => {
        assert.match((await client.call('training.simulate', { scenario: 'partial_approval' })).message, /only half/);
        const t = await ticketOfOne();
        const first = await client.call('payment.start', { ticketId: t.id, amount: t.total });
        assert.equal(first.state, 'approved', first.message);
        assert.equal(first.amountApproved, Math.floor(t.total / 2));
        assert.match(first.message, /Partially approved/);
        const mid = await client.call('ticket.get', { ticketId: t.id });
        assert.equal(mid.status, 'open');
        assert.equal(mid.due, t.total - first.amountApproved);
        const second = await client.call('payment.start', { ticketId: t.id, amount: mid.due });
        assert.equal(second.state, 'approved', second.message);
        assert.equal(second.amountApproved, mid.due, 'the partial approval was armed for one sale only');
        assert.notEqual(second.ecrRef, first.ecrRef, 'the second card takes the next slot');
        assert.equal((await client.call('ticket.get', { ticketId: t.id })).status, 'paid');
        assert.deepEqual(
          [...charges(first.ecrRef), ...charges(second.ecrRef)].map((c) => c.amount),
          [first.amountApproved, mid.due],
        );
      });

      test('missing_payment: in doubt and "cannot reach" until normal; then Find Missing records it once', async () => {
        assert.match((await client.call('training.simulate', { scenario: 'missing_payment' })).message, /Find Missing Payments/);
        const t = await ticketOfOne();
        const cannotReach = nextEvent(client, 'payment.changed', (a) => a.ticketId === t.id && a.state === 'in_doubt' && /Cannot reach/.test(a.message), 10_000);
        const attempt = await client.call('payment.start', { ticketId: t.id, amount: t.total });
        assert.equal(attempt.state, 'in_doubt', attempt.message);
        await cannotReach;
        assert.equal(charges(attempt.ecrRef).length, 1, 'the processor approved it');
        // Several resolution passes (50-200 ms apart) fail while the PIN pad and the gateway cannot be asked.
        await new Promise((r) => setTimeout(r, 600));
        assert.equal((await client.call('payment.listForTicket', { ticketId: t.id }))[0].state, 'in_doubt');
        await rejectsWith(client.call('reconcile.findMissing', { ticketId: t.id }), 'gateway_unavailable');
        await rejectsWith(client.call('payment.start', { ticketId: t.id, amount: t.total }), 'attempt_unresolved');

        assert.match((await client.call('training.simulate', { scenario: 'normal' })).message, /normally/);
        const report = await client.call('reconcile.findMissing', { ticketId: t.id });
        assert.deepEqual(report.orphans, []);
        const [done] = await client.call('payment.listForTicket', { ticketId: t.id });
        // Find Missing, or a resolution pass that got there first, recorded it.
        assert.equal(done.state, 'approved', done.message);
        assert.ok(['find_missing', 'terminal_lookup', 'gateway_lookup'].includes(done.approvalSource ?? ''), done.approvalSource);
        assert.equal(report.attached.length, done.approvalSource === 'find_missing' ? 1 : 0);
        assert.equal(charges(attempt.ecrRef).length, 1, 'charged once');
        assert.equal((await client.call('ticket.get', { ticketId: t.id })).status, 'paid');
      });

      test('Find Missing on a register whose charges are all recorded reports nothing missing; no orphans', async () => {
        const report = await client.call('reconcile.findMissing', {});
        assert.ok(report.checked > 0, 'the earlier payments were compared');
        assert.deepEqual(report.attached, []);
        assert.deepEqual(report.orphans, []);
        assert.match(report.message, /nothing is missing/);
        assert.deepEqual(await client.call('orphan.list', {}), []);
        await rejectsWith(client.call('reconcile.findMissing', { ticketId: 'no-such-ticket' }), 'not_found');
      });

      test('stray_charge: a gateway charge no ticket has is queued as an orphan with its reason', async () => {
        const simulated = await client.call('training.simulate', { scenario: 'stray_charge' });
        const invoice = /invoice (R1T9\d{7}P1)/.exec(simulated.message)?.[1];
        assert.ok(invoice, simulated.message);
        assert.equal(charges(invoice).length, 1, 'the gateway holds the charge');
        const report = await client.call('reconcile.findMissing', {});
        assert.deepEqual(report.attached, []);
        assert.deepEqual(report.orphans.map((o) => [o.invoice, o.amount, o.refNum]), [[invoice, 1234, charges(invoice)[0].refNum]]);
        assert.match(report.orphans[0].reason, /matches no payment on this register/);
        assert.match(report.message, /1 charge belongs to no ticket/);
        const queued = await client.call('orphan.list', {});
        assert.deepEqual(queued.map((o) => o.invoice), [invoice]);
        // Asking again queues nothing twice.
        assert.deepEqual((await client.call('reconcile.findMissing', {})).orphans, []);
        assert.equal((await client.call('orphan.list', {})).length, 1);
      });
    });

    test('domain errors carry their code', async () => {
      await rejectsWith(client.call('ticket.get', { ticketId: 'no-such-ticket' }), 'not_found');
    });

    describe('bad input gets a typed error and the host keeps answering', () => {
      const stillAnswers = async () => assert.equal((await client.call('app.info', {})).name, 'Cashier Desk');

      test('unknown method', async () => {
        await rejectsWith(client.call('ticket.explode' as CommandName, {} as never), 'unknown_method', /ticket\.explode/);
        await stillAnswers();
      });
      test('unknown field, named in the message', async () => {
        const e = await rejectsWith(
          client.call('ticket.get', { ticketId: 'abc', sneaky: true } as never),
          'invalid_request',
          /"sneaky"/,
        );
        assert.equal(e.details?.method, 'ticket.get');
        await stillAnswers();
      });
      test('wrong type, naming the field', async () => {
        await rejectsWith(client.call('ticket.get', { ticketId: 5 } as never), 'invalid_request', /ticketId/);
        await stillAnswers();
      });
      test('non-integer amount (12.5)', async () => {
        const t = await client.call('ticket.create', {});
        await rejectsWith(
          client.call('tender.cash', { ticketId: t.id, amountTendered: 12.5 }),
          'invalid_request',
          /amountTendered: must be a whole number/,
        );
        await rejectsWith(client.call('payment.start', { ticketId: t.id, amount: 12.5 }), 'invalid_request', /amount/);
        await stillAnswers();
      });
      test('negative amount', async () => {
        const t = await client.call('ticket.create', {});
        await rejectsWith(client.call('tender.cash', { ticketId: t.id, amountTendered: -100 }), 'invalid_request', /amountTendered/);
        const after = await client.call('ticket.get', { ticketId: t.id });
        assert.equal(after.tenders.length, 0, 'nothing was applied');
        await stillAnswers();
      });
      test(`oversized payload (> ${MAX_MESSAGE_BYTES} bytes)`, async () => {
        const big = 'x'.repeat(MAX_MESSAGE_BYTES + 100);
        const res = await rawRequest(transport, JSON.stringify({ kind: 'request', id: 99001, method: 'ticket.get', params: { ticketId: big } }));
        assert.equal(res.ok, false);
        assert.equal(!res.ok && res.error.code, 'payload_too_large');
        await stillAnswers();
      });
      test('garbage JSON and malformed envelopes', async () => {
        for (const text of ['{not json', '[]', '42', '{"kind":"request","method":"app.info","params":{}}']) {
          const res = await rawRequest(transport, text);
          assert.equal(res.ok, false, text);
          assert.equal(!res.ok && res.error.code, 'bad_envelope', text);
          assert.equal(res.id, null, text);
        }
        const extra = await rawRequest(transport, JSON.stringify({ kind: 'request', id: 7, method: 'app.info', params: {}, x: 1 }));
        assert.equal(!extra.ok && extra.error.code, 'bad_envelope');
        assert.equal(extra.id, 7, 'the id is echoed when it could be read');
        await stillAnswers();
      });
    });
  });
}

contractSuite(memoryFactory);
contractSuite(webSocketFactory);

test('the host implements exactly the commands of the contract', () => {
  const dir = tempDir();
  const host = testHost(dir);
  try {
    assert.deepEqual(Object.keys(host.handlers).sort(), Object.keys(commands).sort());
  } finally {
    host.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
