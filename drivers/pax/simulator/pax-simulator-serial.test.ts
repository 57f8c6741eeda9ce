import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SerialPort } from 'serialport';
import { InMemoryProcessor } from './in-memory-processor.ts';
import { encodeFrame } from '../pax-frame.ts';
import { decodeResponse } from '../pax-messages.ts';
import { PaxSimulator } from './pax-simulator.ts';
import { RawLink } from './pax-simulator-test-rig.ts';
import { startPtyPair, type PtyPair } from '../../test-rigs/socat-pair-test-rig.ts';

describe('PAX simulator over a serial line (socat pty pair)', () => {
  let pair: PtyPair | undefined;
  let ecrPort: SerialPort;
  let link: RawLink;
  let sim: PaxSimulator;
  const processor = new InMemoryProcessor();

  before(async () => {
    pair = await startPtyPair();
    const { a, b } = pair;
    sim = new PaxSimulator({ deviceId: 'SER1', processor, cardTimeMs: 400 });
    await sim.attachSerial(a);
    ecrPort = new SerialPort({ path: b, baudRate: 9600, autoOpen: false });
    await new Promise<void>((resolve, reject) => ecrPort.open((e) => (e ? reject(e) : resolve())));
    link = new RawLink((buf) => void ecrPort.write(buf));
    ecrPort.on('data', (c: Buffer) => link.onData(c));
  });

  after(async () => {
    await new Promise<void>((resolve) => (ecrPort?.isOpen ? ecrPort.close(() => resolve()) : resolve()));
    await sim?.close();
    await pair?.stop();
  });

  test('a sale is approved over the serial line', async () => {
    const res = await link.request({ command: 'T00', transType: 'sale', amount: 3100, ecrRef: 'S1' }, 3000);
    assert.equal(res.command, 'T01');
    assert.equal(res.resultCode, '000000');
    assert.equal(processor.charges().length, 1);
  });

  test('A14 on the same line aborts the sale waiting for the card: EOT then T01 100002', async () => {
    link.send({ command: 'T00', transType: 'sale', amount: 3200, ecrRef: 'S2' });
    assert.equal((await link.next()).type, 'ack');
    await new Promise((r) => setTimeout(r, 100));
    link.send({ command: 'A14' });
    assert.equal((await link.nextResponse(3000)).type, 'eot', 'a cancel is answered with EOT, never an A15 (item 3)');
    const item = await link.nextResponse(3000);
    assert.equal(item.type, 'frame');
    const res = decodeResponse(item.type === 'frame' ? item.fields : []);
    assert.equal(res.command, 'T01');
    assert.equal(res.resultCode, '100002');
    assert.equal(processor.charges().length, 1, 'the aborted sale was not charged');
  });

  test('garbage and a bad LRC get NAK; the line keeps working', async () => {
    link.write(Buffer.from('\x00\x7fjunk', 'latin1'));
    const frame = encodeFrame(['A00', '1.28']);
    frame[frame.length - 1] ^= 0x0f;
    link.write(frame);
    assert.equal((await link.next()).type, 'nak');
    const res = await link.request({ command: 'A00' });
    assert.equal(res.command, 'A01');
  });
});
