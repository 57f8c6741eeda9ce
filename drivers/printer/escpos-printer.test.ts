import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { containsFullPan } from '../../src-shared/card.ts';
import { EscPosPrinter, serialPrinter, tcpPrinter } from './escpos-printer.ts';
import { PrinterSimulator } from './simulator/printer-simulator.ts';
import { sampleReceipt } from './receipt-fixture.ts';
import { closedPort } from '../test-rigs/loopback-port-test-rig.ts';
import { startPtyPair, type PtyPair } from '../test-rigs/socat-pair-test-rig.ts';

const TIMEOUT = 300;

describe('ESC/POS printer over TCP', () => {
  let sim: PrinterSimulator;
  let printer: EscPosPrinter;

  before(async () => {
    sim = await PrinterSimulator.start();
  });
  beforeEach(async () => {
    await printer?.close();
    sim.setFaults({ paperOut: false, paperNearEnd: false, coverOpen: false, error: false, noAnswer: false });
    sim.loadPaper();
    printer = tcpPrinter('127.0.0.1', sim.port, { timeoutMs: TIMEOUT });
  });
  after(async () => {
    await printer?.close();
    await sim.close();
  });

  test('prints a receipt: the simulator records its lines and the cut', async () => {
    const result = await printer.print(sampleReceipt());
    assert.deepEqual(result, { printed: true, paperNearEnd: false });
    const receipt = sim.receipts.at(-1);
    assert.ok(receipt?.cut);
    const text = receipt.lines.join('\n');
    assert.match(text, /VISA 411111\*\*\*\*\*\*1111/);
    assert.match(text, /Recovered approval/);
    assert.equal(containsFullPan(sim.allLines.join('\n')), false);
    assert.equal(sim.statusRequests >= 6, true, 'status asked before and after');
  });

  test('status says ready, and warns when paper runs low', async () => {
    assert.deepEqual(await printer.status(), { ready: true, paperNearEnd: false, message: 'The printer is ready.' });
    sim.setFaults({ paperNearEnd: true });
    const status = await printer.status();
    assert.equal(status.ready && status.paperNearEnd, true);
    assert.deepEqual(await printer.print(sampleReceipt()), { printed: true, paperNearEnd: true });
  });

  test('out of paper: not printed, nothing sent, clear reason', async () => {
    sim.setFaults({ paperOut: true });
    const before = sim.receipts.length;
    const result = await printer.print(sampleReceipt());
    assert.equal(result.printed, false);
    assert.ok(!result.printed);
    assert.equal(result.reason, 'paper_out');
    assert.equal(result.sent, false);
    assert.match(result.message, /out of paper.*Load a new roll.*not printed/);
    assert.equal(sim.receipts.length, before);
    assert.equal(sim.droppedBytes, 0, 'the receipt was not even sent');
  });

  test('paper running out in the middle of a receipt: not printed, may be incomplete', async () => {
    sim.loadPaper(5);
    const result = await printer.print(sampleReceipt());
    assert.ok(!result.printed);
    assert.equal(result.reason, 'paper_out');
    assert.equal(result.sent, true);
    assert.match(result.message, /may be incomplete/);
    const printed = sim.uncutLines;
    assert.equal(printed.at(-1), 'Cashier Ana', 'stopped after the 5 lines left on the roll');
    assert.ok(printed.some((l) => l.includes('Harbour Cafe')) && !printed.some((l) => l.includes('TOTAL')));
    assert.ok(sim.droppedBytes > 0);
  });

  test('cover open: not printed with reason', async () => {
    sim.setFaults({ coverOpen: true });
    const result = await printer.print(sampleReceipt());
    assert.ok(!result.printed);
    assert.equal(result.reason, 'cover_open');
    assert.match(result.message, /cover is open/);
    const status = await printer.status();
    assert.ok(!status.ready && status.problem === 'cover_open');
  });

  test('a printer that never answers is offline within the timeout, and recovers', async () => {
    sim.setFaults({ noAnswer: true });
    const started = Date.now();
    const result = await printer.print(sampleReceipt());
    assert.ok(Date.now() - started < TIMEOUT * 4, 'no hang');
    assert.ok(!result.printed);
    assert.equal(result.reason, 'offline');
    assert.equal(result.sent, false);
    assert.match(result.message, /did not answer a status request within 300 ms/);
    sim.setFaults({ noAnswer: false });
    assert.equal((await printer.print(sampleReceipt())).printed, true);
  });

  test('nothing listening: offline with a clear message', async () => {
    const port = await closedPort();
    const dead = tcpPrinter('127.0.0.1', port, { timeoutMs: TIMEOUT });
    const status = await dead.status();
    assert.ok(!status.ready);
    assert.equal(status.problem, 'offline');
    assert.match(status.message, new RegExp(`Could not connect to the printer at 127.0.0.1:${port}`));
    await dead.close();
  });

  test('a serial port that does not exist: offline with a clear message', async () => {
    const missing = serialPrinter('/dev/does-not-exist-printer', 9600, { timeoutMs: TIMEOUT });
    const status = await missing.status();
    assert.ok(!status.ready && status.problem === 'offline');
    assert.match(status.message, /Could not open the printer on \/dev\/does-not-exist-printer/);
    await missing.close();
  });

  test('a device that answers garbage or hangs up is offline, never a crash', async () => {
    const garbage = net.createServer((s) => s.on('data', () => s.write(Buffer.from([0xff]))));
    const hangup = net.createServer((s) => s.on('data', () => s.destroy()));
    for (const server of [garbage, hangup]) await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const p1 = tcpPrinter('127.0.0.1', (garbage.address() as net.AddressInfo).port, { timeoutMs: TIMEOUT });
    const p2 = tcpPrinter('127.0.0.1', (hangup.address() as net.AddressInfo).port, { timeoutMs: TIMEOUT });
    const s1 = await p1.status();
    assert.ok(!s1.ready && s1.problem === 'offline');
    assert.match(s1.message, /unexpected byte 0xff/);
    const r2 = await p2.print(sampleReceipt());
    assert.ok(!r2.printed && r2.reason === 'offline' && !r2.sent);
    assert.match(r2.message, /connection .* closed/);
    await p1.close();
    await p2.close();
    for (const server of [garbage, hangup]) await new Promise<void>((r) => server.close(() => r()));
  });

  test('a receipt with a full card number is refused before anything is sent', async () => {
    const asked = sim.statusRequests;
    await assert.rejects(printer.print(sampleReceipt({ footerLines: ['4111111111111111'] })), /full card number/);
    assert.equal(sim.statusRequests, asked);
  });

  test('concurrent prints do not mix their status answers', async () => {
    const results = await Promise.all([printer.print(sampleReceipt()), printer.status(), printer.print(sampleReceipt())]);
    assert.deepEqual(results.map((r) => ('printed' in r ? r.printed : r.ready)), [true, true, true]);
  });
});

describe('ESC/POS printer over a serial pair (socat)', () => {
  let pair: PtyPair | undefined;
  let sim: PrinterSimulator;
  let printer: EscPosPrinter;

  before(async () => {
    pair = await startPtyPair();
    const { a, b } = pair;
    sim = await PrinterSimulator.start();
    await sim.attachSerial(b);
    printer = serialPrinter(a, 9600, { timeoutMs: 500 });
  });
  after(async () => {
    await printer?.close();
    await sim?.close();
    await pair?.stop();
  });

  test('prints over serial', async () => {
    const result = await printer.print(sampleReceipt({ ticketNumber: 77 }));
    assert.deepEqual(result, { printed: true, paperNearEnd: false });
    assert.match(sim.receipts.at(-1)?.lines.join('\n') ?? '', /Ticket 77/);
  });

  test('out of paper over serial', async () => {
    sim.setFaults({ paperOut: true });
    const result = await printer.print(sampleReceipt());
    assert.ok(!result.printed && result.reason === 'paper_out');
    sim.loadPaper();
  });

  test('cover open over serial', async () => {
    sim.setFaults({ coverOpen: true });
    const result = await printer.print(sampleReceipt());
    assert.ok(!result.printed && result.reason === 'cover_open' && !result.sent);
    sim.setFaults({ coverOpen: false });
  });

  test('dead printer over serial: offline, no hang', async () => {
    sim.setFaults({ noAnswer: true });
    const status = await printer.status();
    assert.ok(!status.ready && status.problem === 'offline');
    assert.match(status.message, /on .*A did not answer/);
    sim.setFaults({ noAnswer: false });
    assert.equal((await printer.status()).ready, true);
  });
});
