// Late answers on a shared serial line. A terminal runs one request at a time,
// in order: a lookup written while a sale is on the device is answered after
// that sale, and a lookup that gave up waiting is still answered later, while
// the next lookup waits. The chaos run charged slot R7T20P1 twice because the
// late R03 of a lookup for another ticket was read as "no such transaction"
// for R7T20P1, whose sale the PIN pad had just finished. The simulated
// terminal on the far end of a real pty pair holds its sales with card time.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startPtyPair, type PtyPair } from '../test-rigs/socat-pair-test-rig.ts';
import { OutcomeUnknownError, TerminalUnavailableError } from '../terminal.ts';
import { InMemoryProcessor } from './simulator/in-memory-processor.ts';
import { SerialPort } from 'serialport';
import { ACK, encodeFrame, FrameDecoder } from './pax-frame.ts';
import { encodeRequest, encodeResponse } from './pax-messages.ts';
import { PaxSerialTransport } from './pax-serial-transport.ts';
import { PaxSimulator } from './simulator/pax-simulator.ts';
import { PaxTerminal, reportIsFor } from './pax-terminal.ts';
import { decodeFrame } from './pax-frame.ts';

let pair: PtyPair;
before(async () => {
  pair = await startPtyPair();
});
after(async () => {
  await pair?.stop();
});

/** Card time: how long each sale keeps the simulated terminal busy. */
const CARD_MS = 600;

async function rig(): Promise<{ sim: PaxSimulator; processor: InMemoryProcessor; transport: PaxSerialTransport; t: PaxTerminal; close(): Promise<void> }> {
  const processor = new InMemoryProcessor();
  const sim = new PaxSimulator({ deviceId: 'SER1', processor, cardTimeMs: CARD_MS });
  // The previous test's simulator let go of this end of the pair; on a loaded machine its lock can outlive the
  // close by a moment ("Cannot lock port"), so opening is tried again for a few seconds.
  for (let tries = 0; ; tries++) {
    try {
      await sim.attachSerial(pair.b);
      break;
    } catch (err) {
      if (tries >= 50 || !/Cannot lock port/.test(String(err))) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const transport = new PaxSerialTransport({ path: pair.a });
  const t = new PaxTerminal({ id: 'ser1', transport, timeouts: { transactionMs: 5000, adminMs: 5000 } });
  return {
    sim, processor, transport, t,
    async close() {
      await t.close();
      await sim.close();
    },
  };
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('a late R03 of an earlier lookup is never read as the next lookup\'s "no such transaction"', async () => {
  const r = await rig();
  try {
    assert.equal((await r.t.sale({ ecrRef: 'SX1', invoice: 'SX1', amount: 500 })).outcome, 'approved');
    // The sale for SA1 is still on the device (the customer is at the PIN pad) when the register gives up on it…
    await assert.rejects(r.t.sale({ ecrRef: 'SA1', invoice: 'SA1', amount: 700, timeoutMs: 150 }), OutcomeUnknownError);
    // …and a lookup for another ticket gives up too: its R03 will come once the sale is done.
    await assert.rejects(r.t.lookup('SX1', { timeoutMs: 150 }), OutcomeUnknownError);
    // Answered now, SX1's R03 would be read as SA1's "no record" while SA1 is being charged.
    await assert.rejects(r.t.lookup('SA1', { timeoutMs: 3000 }), TerminalUnavailableError, 'not sent while the line owes an R03');
    await until(() => r.transport.owedAnswerCount() === 0, 3000, 'the late answers to arrive');
    const records = await r.t.lookup('SA1', { timeoutMs: 3000 });
    assert.equal(records.length, 1);
    assert.equal(records[0].result.outcome, 'approved', 'the PIN pad charged SA1');
    assert.equal(records[0].result.ecrRef, 'SA1');
    assert.equal(r.processor.charges().filter((c) => c.invoice === 'SA1').length, 1);
  } finally {
    await r.close();
  }
});

test('a lookup written while a sale it gave up on is still on the device is answered after that sale', async () => {
  const r = await rig();
  try {
    await assert.rejects(r.t.sale({ ecrRef: 'SB1', invoice: 'SB1', amount: 900, timeoutMs: 150 }), OutcomeUnknownError);
    assert.equal(r.sim.status().state, 'busy');
    const records = await r.t.lookup('SB1', { timeoutMs: 3000 });
    assert.deepEqual(records.map((x) => [x.result.ecrRef, x.result.outcome]), [['SB1', 'approved']]);
    assert.equal(r.transport.owedAnswerCount(), 0, 'the sale\'s late T01 was taken as the answer it owed');
  } finally {
    await r.close();
  }
});

test('reportIsFor: an R03 holding another ECR ref\'s record is not this lookup\'s answer', () => {
  const r03 = (ecrRef: string | undefined) =>
    decodeFrame(
      encodeFrame(
        encodeResponse(
          ecrRef === undefined
            ? { command: 'R03', status: '0', resultCode: '100023', resultText: 'NOT FOUND', totalRecords: 0, recordNumber: 0 }
            : {
                command: 'R03', status: '0', resultCode: '000000', resultText: 'OK', totalRecords: 1, recordNumber: 0,
                record: {
                  host: { code: '00', message: 'APPROVAL' }, transType: 'sale', amountApproved: 500, amountDue: 0, account: {},
                  trace: { terminalRef: '1', ecrRef }, additional: {}, resultCode: '000000', resultText: 'OK',
                },
              },
        ),
      ),
    );
  assert.equal(reportIsFor(r03('SX1'), 'SX1'), true);
  assert.equal(reportIsFor(r03('SX1'), 'SA1'), false);
  assert.equal(reportIsFor(r03(undefined), 'SA1'), true, 'a "not found" names no ref: the transport keeps it apart');
});

test('a lost lookup answer keeps lookups off the line only until a later request is answered', async () => {
  const r = await rig();
  try {
    // The R03 is lost on the wire: the line owes it, perhaps for good.
    r.sim.setFault({ kind: 'drop_response' }, { once: true });
    await assert.rejects(r.t.lookup('SC0', { timeoutMs: 300 }), OutcomeUnknownError);
    assert.equal(r.transport.owedAnswerCount(), 1);
    await assert.rejects(r.t.lookup('SC1', { timeoutMs: 300 }), TerminalUnavailableError);
    // A sale answered after it: a terminal answers in order, so nothing earlier is still to come.
    assert.equal((await r.t.sale({ ecrRef: 'SC1', invoice: 'SC1', amount: 300 })).outcome, 'approved');
    assert.equal(r.transport.owedAnswerCount(), 0);
    assert.equal((await r.t.lookup('SC1', { timeoutMs: 3000 }))[0]?.result.outcome, 'approved');
  } finally {
    await r.close();
  }
});

test('the simulated terminal answers in the order it took requests: a held-back sale answer is not overtaken by the lookup behind it', async () => {
  const processor = new InMemoryProcessor();
  const sim = new PaxSimulator({ deviceId: 'SER2', processor, cardTimeMs: 0 });
  await sim.attachSerial(pair.b);
  const port = new SerialPort({ path: pair.a, baudRate: 9600, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  const answers: string[] = [];
  const decoder = new FrameDecoder();
  port.on('data', (chunk: Buffer) => {
    for (const item of decoder.push(chunk)) {
      if (item.type !== 'frame') continue;
      port.write(Buffer.of(ACK));
      answers.push(item.fields[1]?.[0] ?? '');
    }
  });
  try {
    sim.setFault({ kind: 'delay', ms: 500 }, { once: true });
    port.write(encodeFrame(encodeRequest({ command: 'T00', transType: 'sale', amount: 400, ecrRef: 'SD1', invoice: 'SD1' })));
    await new Promise((res) => setTimeout(res, 50));
    port.write(encodeFrame(encodeRequest({ command: 'R02', ecrRef: 'SD1', recordNumber: 0 })));
    await until(() => answers.length >= 2, 3000, 'both answers');
    assert.deepEqual(answers, ['T01', 'R03']);
  } finally {
    await new Promise<void>((res) => (port.isOpen ? port.close(() => res()) : res()));
    await sim.close();
  }
});
