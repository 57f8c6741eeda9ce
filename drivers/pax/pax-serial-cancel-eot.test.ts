// A cancel's EOT on a shared serial line must never be read as the refusal of
// the sale in flight or of the next sale: that would call a sale the terminal
// is running (and the processor charges) "not charged". Found by the chaos run
// (a sale journaled aborted, "Refused by the terminal", while the processor
// had approved it). A scripted terminal on the far end of a real pty pair
// sends the EOTs exactly where a real one can.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SerialPort } from 'serialport';
import { startPtyPair, type PtyPair } from '../test-rigs/socat-pair-test-rig.ts';
import { ACK, encodeFrame, EOT, FrameDecoder } from './pax-frame.ts';
import { decodeRequest, encodeResponse } from './pax-messages.ts';
import { PaxTerminal } from './pax-terminal.ts';
import { PaxSerialTransport } from './pax-serial-transport.ts';
import { PaxExchangeSession } from './pax-transport.ts';

let pair: PtyPair;
before(async () => {
  pair = await startPtyPair();
});
after(async () => {
  await pair?.stop();
});

/** The far end: hands every decoded request to `onRequest`, which writes what a terminal would. */
async function scriptedTerminal(path: string, onRequest: (command: string, ecrRef: string, port: SerialPort) => void): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  const decoder = new FrameDecoder();
  port.on('data', (chunk: Buffer) => {
    for (const item of decoder.push(chunk)) {
      if (item.type !== 'frame') continue;
      const req = decodeRequest(item.fields);
      onRequest(req.command, req.command === 'T00' ? req.ecrRef : '', port);
    }
  });
  return port;
}

function approvedT01(ecrRef: string, amount: number): Buffer {
  return encodeFrame(
    encodeResponse({
      command: 'T01', status: '0', resultCode: '000000', resultText: 'OK', host: { code: '00', message: 'APPROVAL', authCode: 'A1' },
      transType: 'sale', amountApproved: amount, amountDue: 0, account: {}, trace: { terminalRef: '7', ecrRef }, additional: { HRef: 'H7' },
    }),
  );
}

const closePort = (p: SerialPort) => new Promise<void>((r) => (p.isOpen ? p.close(() => r()) : r()));

test('an EOT answering the cancel while the sale runs goes to the cancel; the sale still gets its approval', async () => {
  let saleRef = '';
  const far = await scriptedTerminal(pair.b, (command, ecrRef, port) => {
    if (command === 'T00') {
      saleRef = ecrRef;
      port.write(Buffer.of(ACK)); // took the sale; the customer is at the PIN pad
    } else if (command === 'A14') {
      // Too late to abort: answer the cancel with EOT, then the sale with its approval.
      port.write(Buffer.of(EOT));
      setTimeout(() => port.write(approvedT01(saleRef, 1250)), 50);
    }
  });
  const t = new PaxTerminal({ id: 's1', transport: new PaxSerialTransport({ path: pair.a }), timeouts: { cancelMs: 1000, transactionMs: 5000 } });
  try {
    const sale = t.sale({ ecrRef: 'EOT1', invoice: 'EOT1', amount: 1250 });
    await new Promise((r) => setTimeout(r, 150));
    const confirmed = await t.cancel();
    const r = await sale;
    assert.equal(r.outcome, 'approved', 'the cancel EOT did not abort the sale');
    assert.equal(r.amountApproved, 1250);
    assert.equal(confirmed, true, 'the sale got its definite answer within the cancel wait');
  } finally {
    await t.close();
    await closePort(far);
  }
});

test('an EOT from a cancel that stopped waiting, arriving at the next sale, is not that sale\'s refusal', async () => {
  let a14s = 0;
  const far = await scriptedTerminal(pair.b, (command, ecrRef, port) => {
    if (command === 'A14') a14s++; // silent: the cancel's EOT comes late
    else if (command === 'T00') {
      port.write(Buffer.of(EOT)); // the late answer to the cancel
      port.write(Buffer.of(ACK));
      setTimeout(() => port.write(approvedT01(ecrRef, 800)), 30);
    }
  });
  const t = new PaxTerminal({ id: 's2', transport: new PaxSerialTransport({ path: pair.a }), timeouts: { cancelMs: 200, transactionMs: 5000 } });
  try {
    assert.equal(await t.cancel(), false, 'an unanswered cancel confirms nothing');
    assert.equal(a14s, 1);
    const r = await t.sale({ ecrRef: 'EOT2', invoice: 'EOT2', amount: 800 });
    assert.equal(r.outcome, 'approved', 'the stray EOT was taken for the cancel it answers');
  } finally {
    await t.close();
    await closePort(far);
  }
});

test('without an outstanding cancel, an EOT before the ACK is still the terminal refusing the sale', async () => {
  const far = await scriptedTerminal(pair.b, (command, _ecrRef, port) => {
    if (command === 'T00') port.write(Buffer.of(EOT));
  });
  const t = new PaxTerminal({ id: 's3', transport: new PaxSerialTransport({ path: pair.a }), timeouts: { transactionMs: 3000 } });
  try {
    const r = await t.sale({ ecrRef: 'EOT3', invoice: 'EOT3', amount: 500 });
    assert.equal(r.outcome, 'aborted');
    assert.equal(r.resultCode, 'EOT');
  } finally {
    await t.close();
    await closePort(far);
  }
});

test('an exchange ignores an EOT after its request was acknowledged, unless EOT is its answer (A14)', async () => {
  const sale = new PaxExchangeSession(() => undefined, Buffer.of(1), { timeoutMs: 1000, label: 'sale', accept: () => true });
  sale.start();
  sale.onItem({ type: 'ack' });
  assert.equal(sale.onItem({ type: 'eot' }), false);
  assert.equal(sale.finished, false);
  sale.fail(new Error('done'));

  const cancel = new PaxExchangeSession(() => undefined, Buffer.of(1), { timeoutMs: 1000, label: 'cancel', accept: () => false, eotAnswers: true });
  cancel.start();
  cancel.onItem({ type: 'ack' });
  assert.equal(cancel.onItem({ type: 'eot' }), true);
  assert.equal(cancel.finished, true);
});
