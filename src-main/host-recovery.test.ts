// Start-up recovery through the real host: a journal holding an attempt a crash
// left "sent" (the PIN pad charged the card, the register never heard) is
// resolved when the host starts, and the ticket takes no other payment until
// then. Real PAX simulator on TCP, real gateway simulator ledger, real journal.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createPaxTerminal } from '../drivers/pax/pax-terminal-factory.ts';
import { PaxSimulator } from '../drivers/pax/simulator/pax-simulator.ts';
import { ecrReference } from '../src-shared/ecr-reference.ts';
import { IpcClient, IpcError } from '../src-shared/ipc-client.ts';
import type { AttemptSnapshot } from '../src-shared/domain.ts';
import { GatewaySimulator } from './gateways/simulator/gateway-simulator.ts';
import { createHost, type Host, type HostConfig } from './host.ts';
import { createHostDispatcher } from './ipc/ipc-dispatcher.ts';
import { tempDir } from './ipc/ipc-test-rig.ts';
import { connectMemoryTransport } from './ipc/memory-transport.ts';
import { AttemptRepository } from './journal/attempt-repository.ts';
import { openJournal } from './journal/journal.ts';
import { signInTestManager, TEST_HASH_PARAMS, TEST_MANAGER_PIN } from './staff/staff-test-rig.ts';
import { addStaffToJournal } from './staff/staff-cli.ts';

let dir: string;
let gateway: GatewaySimulator;
let sim: PaxSimulator;
let port: number;
const hosts: Host[] = [];
const clients: IpcClient[] = [];

before(async () => {
  dir = tempDir('cashier-recovery-');
  gateway = await GatewaySimulator.start({ key: 'recovery-test-key' });
  sim = new PaxSimulator({ deviceId: 'pad-r', processor: gateway.processorLink(), cardTimeMs: 5 });
  port = await sim.listenTcp(0);
});
after(async () => {
  for (const c of clients) c.close();
  await Promise.all(hosts.map((h) => h.close()));
  await sim.close();
  await gateway.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function start(): { host: Host; client: IpcClient } {
  const config: HostConfig = {
    journalPath: path.join(dir, 'journal.sqlite'),
    trainingMode: false,
    gateway: null,
    devices: { probeIntervalMs: 0 },
    payments: { lookupTimeoutMs: 500, backoff: { initialMs: 100, maxMs: 200 } },
  };
  const host = createHost(config);
  const client = new IpcClient(connectMemoryTransport(createHostDispatcher(host)), { timeoutMs: 5000 });
  hosts.push(host);
  clients.push(client);
  return { host, client };
}

test('an attempt left sent by a crash is resolved at start; until then the ticket refuses card and cash', async () => {
  // A register with a PIN pad and a ticket, as before the crash.
  await addStaffToJournal(path.join(dir, 'journal.sqlite'), { name: 'Test Manager', role: 'manager', pin: TEST_MANAGER_PIN }, { hashParams: TEST_HASH_PARAMS });
  const first = start();
  await signInTestManager(first.client);
  const pad = await first.client.call('device.save', {
    device: { kind: 'pin_pad', name: 'Counter', model: 'PAX A920', settings: { transport: 'tcp', host: '127.0.0.1', port, timeouts: { connectMs: 500, adminMs: 1000 } } },
  });
  await first.client.call('device.assign', { deviceId: pad.id, assigned: true });
  const [item] = await first.client.call('catalog.list', {});
  const ticket = await first.client.call('ticket.create', {});
  const { total } = await first.client.call('ticket.addLine', { ticketId: ticket.id, itemId: item.id });
  await first.host.close();

  // The crash: the attempt was journaled as sent, the PIN pad charged the card, the answer was never recorded.
  const ecrRef = ecrReference('1', ticket.number, 1);
  const journal = openJournal({ path: path.join(dir, 'journal.sqlite') });
  const attempts = new AttemptRepository(journal);
  const row = attempts.create({ ticketId: ticket.id, slot: 1, ecrRef, invoice: ecrRef, terminalId: pad.id, kind: 'sale', amountRequested: total, currency: ticket.currency });
  attempts.transition(row.id, { type: 'send' });
  journal.close();
  const terminal = createPaxTerminal({ id: 'crashed-register', transport: 'tcp', host: '127.0.0.1', port });
  assert.equal((await terminal.sale({ ecrRef, invoice: ecrRef, amount: total })).outcome, 'approved');
  await terminal.close();

  // The PIN pad cannot answer yet: the attempt must stay in doubt, and block the ticket.
  sim.setFault({ kind: 'hang' });
  const second = start();
  const approved = new Promise<AttemptSnapshot>((resolve) =>
    second.host.events.subscribe('payment.changed', (a) => {
      if (a.id === row.id && a.state === 'approved') resolve(a);
    }),
  );
  await second.host.recovered;
  const [recovering] = await second.client.call('payment.listForTicket', { ticketId: ticket.id });
  assert.equal(recovering.state, 'in_doubt');
  assert.equal(recovering.doubtReason, 'crash');
  for (const call of [
    () => second.client.call('payment.start', { ticketId: ticket.id, amount: total }),
    () => second.client.call('tender.cash', { ticketId: ticket.id, amountTendered: total }),
  ]) {
    await assert.rejects(call(), (e: unknown) => e instanceof IpcError && e.code === 'attempt_unresolved');
  }

  // The PIN pad answers again: the retry finds the approval by its ECR reference.
  sim.setFault(null);
  const done = await Promise.race([approved, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('not approved within 8 s')), 8000).unref())]);
  assert.equal(done.approvalSource, 'terminal_lookup');
  assert.equal(done.amountApproved, total);
  assert.equal((await second.client.call('ticket.get', { ticketId: ticket.id })).status, 'paid');
  const charges = gateway.ledger.byInvoice(ecrRef).filter((e) => e.kind === 'sale' && e.status !== 'declined');
  assert.equal(charges.length, 1, 'the card was charged once');
  // No gateway configured: Find Missing says so instead of reporting "nothing missing".
  await assert.rejects(second.client.call('reconcile.findMissing', {}), (e: unknown) => e instanceof IpcError && e.code === 'gateway_unavailable' && /No payment gateway is configured/.test(e.message));
});

test('closing the host during a sale journals it in doubt; the next start resolves it before the ticket takes another payment', async () => {
  const journalPath = path.join(dir, 'closing.sqlite');
  const config: HostConfig = {
    journalPath,
    trainingMode: true,
    gateway: null,
    devices: { probeIntervalMs: 0, training: { cardTimeMs: 5000 } },
    payments: { lookupTimeoutMs: 1000, backoff: { initialMs: 100, maxMs: 200 } },
  };
  const first = createHost(config);
  hosts.push(first);
  await first.ready;
  const handlers = first.handlers;
  const ctx = { connectionId: 't' };
  const [item] = await handlers['catalog.list']({}, ctx);
  const ticket = await handlers['ticket.create']({}, ctx);
  const { total } = await handlers['ticket.addLine']({ ticketId: ticket.id, itemId: item.id, quantity: 1 }, ctx);
  const sent = new Promise<AttemptSnapshot>((resolve) => first.events.subscribe('payment.changed', (a) => a.state === 'sent' && resolve(a)));
  const sale = Promise.resolve(handlers['payment.start']({ ticketId: ticket.id, amount: total }, ctx));
  const attempt = await sent;
  // Close only once the PIN pad is really waiting for the card (before that, nothing was sent and the sale is simply aborted).
  const pinPad = first.devices.training()!.pinPadSimulator;
  for (let i = 0; i < 100 && pinPad.status().state !== 'busy'; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(pinPad.status().state, 'busy');
  const began = Date.now();
  await first.close();
  assert.ok(Date.now() - began < 4000, 'close does not wait for the customer');
  assert.equal((await sale).state, 'in_doubt', 'the sale cut short by close is in doubt, never aborted');

  const second = createHost({ ...config, devices: { probeIntervalMs: 0, training: { cardTimeMs: 20 } } });
  hosts.push(second);
  await second.recovered;
  const [resolved] = await second.handlers['payment.listForTicket']({ ticketId: ticket.id }, ctx);
  assert.equal(resolved.id, attempt.id);
  // Training simulators start afresh: the new PIN pad never saw this reference, so nothing was charged.
  assert.equal(resolved.state, 'not_charged', resolved.message);
  assert.equal((await second.handlers['payment.start']({ ticketId: ticket.id, amount: total }, ctx)).state, 'approved');
});
