import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InMemoryProcessor } from './in-memory-processor.ts';
import { decodeFrame, encodeFrame, EOT, NAK } from '../pax-frame.ts';
import { decodeResponse, encodeRequest, type PaxRequest } from '../pax-messages.ts';
import { PaxSimulator } from './pax-simulator.ts';
import { httpGet, type HttpAnswer } from './pax-simulator-test-rig.ts';

describe('PAX simulator over HTTP', () => {
  let sim: PaxSimulator;
  let processor: InMemoryProcessor;
  let port: number;

  before(async () => {
    processor = new InMemoryProcessor();
    sim = new PaxSimulator({ deviceId: 'WEB1', processor, cardTimeMs: 5 });
    port = await sim.listenHttp(0);
  });
  after(async () => sim.close());
  beforeEach(() => sim.setFault(null));

  const get = (req: PaxRequest, timeoutMs?: number): Promise<HttpAnswer> => httpGet(port, encodeFrame(encodeRequest(req)), timeoutMs);
  const decode = (a: HttpAnswer) => decodeResponse(decodeFrame(a.body));

  test('a sale over GET /?<base64> answers the raw T01 frame and charges once', async () => {
    const a = await get({ command: 'T00', transType: 'sale', amount: 1999, ecrRef: 'H1' });
    assert.equal(a.status, 200);
    const res = decode(a);
    assert.equal(res.command, 'T01');
    assert.equal(res.resultCode, '000000');
    assert.equal(processor.charges().filter((c) => c.invoice === 'H1').length, 1);
  });

  test('an undecodable request is a 400 with a reason, and the server keeps serving', async () => {
    const a = await httpGet(port, 'not%20base64!!');
    assert.equal(a.status, 400);
    assert.match(a.body.toString(), /base64/);
    const frame = encodeFrame(encodeRequest({ command: 'A00' }));
    frame[frame.length - 1] ^= 1;
    const b = await httpGet(port, frame);
    assert.equal(b.status, 400);
    assert.match(b.body.toString(), /LRC/);
    assert.equal(decode(await get({ command: 'A00' })).command, 'A01');
  });

  test('cancel is not possible over HTTP: A14 gets EOT (no public client knows an A15)', async () => {
    assert.deepEqual((await get({ command: 'A14' })).body, Buffer.of(EOT));
  });

  test('answers carry Access-Control-Allow-Origin so browser-based clients can read them (item 9)', async () => {
    const frame = encodeFrame(encodeRequest({ command: 'A00' }));
    const res = await fetch(`http://127.0.0.1:${port}/?${frame.toString('base64')}`, { headers: { origin: 'http://pos.example' } });
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.equal(decodeResponse(decodeFrame(Buffer.from(await res.arrayBuffer()))).command, 'A01');
  });

  test('faults: corrupt_lrc, nak_always, reset_mid_frame, drop_response, hang', async () => {
    sim.setFault({ kind: 'corrupt_lrc' }, { once: true });
    const corrupt = await get({ command: 'A00' });
    assert.throws(() => decodeFrame(corrupt.body), /LRC/);

    sim.setFault({ kind: 'nak_always' }, { once: true });
    assert.deepEqual((await get({ command: 'A00' })).body, Buffer.of(NAK));

    sim.setFault({ kind: 'reset_mid_frame' }, { once: true });
    await assert.rejects(get({ command: 'T00', transType: 'sale', amount: 500, ecrRef: 'H2' }));
    assert.equal(processor.charges().filter((c) => c.invoice === 'H2').length, 1, 'charged although the answer was cut');

    sim.setFault({ kind: 'drop_response' }, { once: true });
    await assert.rejects(get({ command: 'T00', transType: 'sale', amount: 500, ecrRef: 'H3' }, 300), /timeout/);
    assert.equal(processor.charges().filter((c) => c.invoice === 'H3').length, 1);

    sim.setFault({ kind: 'hang' }, { once: true });
    await assert.rejects(get({ command: 'T00', transType: 'sale', amount: 500, ecrRef: 'H4' }, 300), /timeout/);
    assert.equal(processor.requests().filter((c) => c.invoice === 'H4').length, 0);

    assert.equal(decode(await get({ command: 'A00' })).resultCode, '000000');
  });

  test('an unknown command is refused with EOT', async () => {
    const a = await httpGet(port, encodeFrame(['X01', '1.28']));
    assert.deepEqual(a.body, Buffer.of(EOT));
  });
});
