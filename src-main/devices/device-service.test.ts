// The device service against real simulators over loopback TCP and a real
// journal file: connection tests, clear failures within their limit, journaled
// changes, live status, training mode, and no PIN pad swap mid-payment.

import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { after, afterEach, test } from 'node:test';
import { PaxSimulator } from '../../drivers/pax/simulator/pax-simulator.ts';
import { PrinterSimulator } from '../../drivers/printer/simulator/printer-simulator.ts';
import { DeviceDraft, type DeviceDraftInput } from '../../src-shared/device-settings.ts';
import type { DeviceHealth } from '../../src-shared/domain.ts';
import { AppError } from '../../src-shared/errors.ts';
import { openTestJournal, tempDir } from '../journal/journal-test-rig.ts';
import type { Journal } from '../journal/journal.ts';
import { DeviceRepository } from './device-repository.ts';
import { DeviceService, type DevicesHealth, type DeviceServiceOptions } from './device-service.ts';
import { FilePinPadLockRegistry } from './pin-pad-lock.ts';
import { TRAINING_TERMINAL_ID } from './training-devices.ts';
import { closedPort } from '../../drivers/test-rigs/loopback-port-test-rig.ts';

const tmp = tempDir('cashier-devices-');
after(() => tmp.cleanup());
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let n = 0;
function rig(opts: Partial<DeviceServiceOptions> = {}): { journal: Journal; service: DeviceService } {
  const journal = openTestJournal(path.join(tmp.dir, `j-${++n}.sqlite`));
  const repo = new DeviceRepository(journal, 'register-1');
  // Locks in this run's own directory: runs of other worktrees on this machine must not see them.
  const pinPadLocks = new FilePinPadLockRegistry({ application: 'Cashier Desk test', dir: path.join(tmp.dir, 'locks') });
  const service = new DeviceService({ repository: () => repo, training: 'off', probeIntervalMs: 0, testTimeoutMs: 1000, pinPadLocks, ...opts });
  cleanups.push(() => journal.close());
  cleanups.push(() => service.close());
  return { journal, service };
}

async function paxSim(): Promise<{ sim: PaxSimulator; port: number }> {
  const sim = new PaxSimulator({ deviceId: 'front', cardTimeMs: 300 });
  cleanups.push(() => sim.close());
  return { sim, port: await sim.listenTcp(0) };
}

const pinPad = (port: number): DeviceDraft =>
  DeviceDraft.parse({ kind: 'pin_pad', name: 'Front', model: 'PAX A920', settings: { transport: 'tcp', host: '127.0.0.1', port } } satisfies DeviceDraftInput);

/** A server that accepts connections and never says a word. */
async function silentServer(): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return (server.address() as net.AddressInfo).port;
}

function waitForHealth(service: DeviceService, pred: (h: DevicesHealth) => boolean, ms = 5000): Promise<DevicesHealth> {
  if (pred(service.health())) return Promise.resolve(service.health());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`device health did not change as expected within ${ms} ms: ${JSON.stringify(service.health())}`));
    }, ms);
    const off = service.onChange((h) => {
      if (!pred(h)) return;
      clearTimeout(timer);
      off();
      resolve(h);
    });
  });
}

function events(journal: Journal, id: string): string[] {
  return (journal.db.prepare("SELECT type FROM events WHERE entity = 'device' AND entity_id = ? ORDER BY seq").all(id) as { type: string }[]).map((r) => r.type);
}

test('testing a saved PIN pad really asks the simulator who it is, and the outcome is journaled', async () => {
  const { journal, service } = rig();
  const { port } = await paxSim();
  const saved = await service.save(undefined, pinPad(port));
  const result = await service.test({ deviceId: saved.id });
  assert.equal(result.ok, true, result.message);
  assert.match(result.message, /^Connected: PAX A920, serial SIMFRONT\.$/);
  assert.equal(result.identity?.model, 'A920');
  assert.deepEqual(events(journal, saved.id), ['added', 'tested']);
});

test('a dead port fails at once with a clear message; a silent device fails within the test limit', async () => {
  const { service } = rig({ testTimeoutMs: 600 });
  const dead = await closedPort();
  const refused = await service.test({ device: pinPad(dead) });
  assert.equal(refused.ok, false);
  assert.equal(refused.message, `127.0.0.1:${dead} refused the connection: nothing is listening there. Check that the PIN pad is on and that its IP address and port are right.`);

  const silent = await silentServer();
  const started = Date.now();
  const quiet = await service.test({ device: pinPad(silent) });
  const took = Date.now() - started;
  assert.equal(quiet.ok, false);
  assert.equal(quiet.message, `No answer from 127.0.0.1:${silent} within 0.6 s. Check the cable and the IP address on the PIN pad.`);
  assert.ok(took >= 550 && took < 2000, `the test took ${took} ms`);
});

test('printer and card reader tests: ready, out of paper, not plugged in', async () => {
  const { service } = rig();
  const printerSim = await PrinterSimulator.start(0);
  cleanups.push(() => printerSim.close());
  const printer = DeviceDraft.parse({ kind: 'printer', name: 'Receipts', model: 'Epson TM-T20', settings: { transport: 'tcp', host: '127.0.0.1', port: printerSim.port } });
  const ok = await service.test({ device: printer });
  assert.equal(ok.ok, true, ok.message);
  assert.match(ok.message, /^Connected: The printer is ready/);
  printerSim.setFaults({ paperOut: true });
  const noPaper = await service.test({ device: printer });
  assert.equal(noPaper.ok, false);
  assert.match(noPaper.message, /out of paper/);

  const reader = DeviceDraft.parse({ kind: 'card_reader', name: 'Swipe', model: 'MagTek', settings: { vendorId: 0x0801, productId: 0x0011 } });
  const missing = await service.test({ device: reader });
  assert.equal(missing.ok, false);
  assert.match(missing.message, /^No card reader with vendor 0801 product 0011 is plugged in\./);
});

test('changes are journaled with their events; kinds cannot change; one assigned device per kind', async () => {
  const { journal, service } = rig();
  const a = await service.save(undefined, pinPad(10009));
  const b = await service.save(undefined, pinPad(10010));
  await service.assign(a.id, true);
  await service.assign(b.id, true);
  const list = service.list();
  assert.deepEqual(list.map((d) => [d.id, d.assigned]), [[a.id, false], [b.id, true]]);
  const renamed = await service.save(b.id, { ...pinPad(10011), name: 'Back office' });
  assert.equal(renamed.name, 'Back office');
  assert.equal(renamed.assigned, true);
  await assert.rejects(
    service.save(b.id, DeviceDraft.parse({ kind: 'printer', name: 'P', model: 'M', settings: { transport: 'tcp', host: '127.0.0.1' } })),
    (e: unknown) => e instanceof AppError && e.code === 'conflict' && /cannot become a receipt printer/.test(e.message),
  );
  await service.remove(b.id);
  assert.deepEqual(events(journal, a.id), ['added', 'assigned', 'unassigned']);
  assert.deepEqual(events(journal, b.id), ['added', 'assigned', 'changed', 'removed']);
  assert.equal((journal.db.prepare('SELECT count(*) AS c FROM devices').get() as { c: number }).c, 2, 'removed rows are kept');
  assert.equal(journal.verify().ok, true);
});

test('live status: the assigned PIN pad shows connected, then disconnected when the simulator goes away', async () => {
  const { service } = rig({ probeIntervalMs: 100 });
  await service.start();
  assert.equal(service.health().terminal.state, 'none');
  const { sim, port } = await paxSim();
  const saved = await service.save(undefined, pinPad(port));
  await service.assign(saved.id, true);
  const up = await waitForHealth(service, (h) => h.terminal.state === 'connected');
  assert.equal(up.terminal.id, saved.id);
  assert.equal(up.trainingMode, false);
  assert.equal(service.terminal(saved.id), service.activeTerminal());

  await sim.close();
  const down = await waitForHealth(service, (h) => h.terminal.state === 'disconnected');
  assert.equal((down.terminal as DeviceHealth).detail, `No answer from the PIN pad at 127.0.0.1:${port}. Check the cable and the IP address on the PIN pad.`);
});

test('a PIN pad taking a payment is not swapped, removed or probed', async () => {
  const { service } = rig({ probeIntervalMs: 50 });
  await service.start();
  const { sim, port } = await paxSim();
  const saved = await service.save(undefined, pinPad(port));
  await service.assign(saved.id, true);
  const terminal = service.activeTerminal()!;
  const sale = terminal.sale({ ecrRef: 'R1T1P1', invoice: 'R1T1P1', amount: 1250 });
  await assert.rejects(service.assign(saved.id, false), (e: unknown) => e instanceof AppError && e.code === 'conflict' && /middle of a payment/.test(e.message));
  await assert.rejects(service.remove(saved.id), (e: unknown) => e instanceof AppError && e.code === 'conflict');
  const busyTest = await service.test({ deviceId: saved.id });
  assert.equal(busyTest.ok, false);
  assert.match(busyTest.message, /busy with a payment/);
  const result = await sale;
  assert.equal(result.outcome, 'approved');
  // The sale ran to its end on the device, untouched by the refused changes.
  assert.equal(sim.records().length, 1);
  assert.equal((await service.assign(saved.id, false)).assigned, false);
});

test('training mode: with no PIN pad assigned the simulators start and the training PIN pad takes a sale', async () => {
  const { service } = rig({ training: 'auto', trainingOptions: { cardTimeMs: 10 } });
  assert.equal(service.health().trainingMode, true, 'said before start() finishes');
  await service.start();
  const terminal = service.activeTerminal();
  assert.ok(terminal);
  assert.equal(terminal.id, TRAINING_TERMINAL_ID);
  assert.equal((await terminal.identify()).model, 'A920');
  const sale = await terminal.sale({ ecrRef: 'R1T7P1', invoice: 'R1T7P1', amount: 1999 });
  assert.equal(sale.outcome, 'approved');
  const rigDevices = service.training()!;
  assert.equal(rigDevices.gateway.ledger.byInvoice('R1T7P1').length, 1, 'the charge reached the gateway simulator ledger');
  const health = await waitForHealth(service, (h) => h.terminal.state === 'connected' && h.printer.state === 'connected');
  assert.match(health.terminal.detail ?? '', /^TRAINING/);
  assert.match(health.printer.detail ?? '', /^TRAINING/);

  // Assigning a real PIN pad leaves training and stops the simulators.
  const { port } = await paxSim();
  const real = await service.save(undefined, pinPad(port));
  await service.assign(real.id, true);
  assert.equal(service.health().trainingMode, false);
  assert.equal(service.training(), undefined);
  assert.equal(service.activeTerminal()?.id, real.id);
  await service.assign(real.id, false);
  assert.equal(service.health().trainingMode, true, 'back to training once no PIN pad is assigned');
  assert.equal(service.activeTerminal()?.id, TRAINING_TERMINAL_ID);
});

test('live status: while a sale runs the PIN pad prompts reach the listeners in plain words, in order', async () => {
  const { service } = rig();
  await service.start();
  const { port } = await paxSim();
  const saved = await service.save(undefined, pinPad(port));
  await service.assign(saved.id, true);
  await waitForHealth(service, (h) => h.terminal.state === 'connected');
  const details: string[] = [];
  service.onChange((h) => {
    if (h.terminal.state === 'busy' && h.terminal.detail && details.at(-1) !== h.terminal.detail) details.push(h.terminal.detail);
  });
  const result = await service.activeTerminal()!.sale({ ecrRef: 'R1T9P1', invoice: 'R1T9P1', amount: 1250 });
  assert.equal(result.outcome, 'approved');
  assert.deepEqual(details, ['Insert, tap or swipe the card', 'Customer is entering the PIN', 'Authorising with the bank…']);
  assert.equal(service.health().terminal.state, 'connected');
  assert.equal(service.health().terminal.detail, 'Ready.');
});

test('live status without polling: a print that finds the paper out is pushed at once, and so is the paper back', async () => {
  const { service } = rig({ training: 'auto', trainingOptions: { cardTimeMs: 10 }, probeIntervalMs: 0 });
  await service.start();
  await waitForHealth(service, (h) => h.printer.state === 'connected');
  const sim = service.training()!.printerSimulator;
  sim.setFaults({ paperOut: true });
  const printed = await service.printer()!.print(new Uint8Array([0x1b, 0x40]));
  assert.equal(printed.printed, false);
  const out = await waitForHealth(service, (h) => h.printer.state !== 'connected');
  assert.match(out.printer.detail ?? '', /paper/i);
  sim.setFaults({ paperOut: false });
  assert.equal((await service.printer()!.print(new Uint8Array([0x1b, 0x40]))).printed, true);
  await waitForHealth(service, (h) => h.printer.state === 'connected');
});
