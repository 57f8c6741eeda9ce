// Fuzz: thousands of random and mutated frames (seeded, so a failure
// reproduces) through the stream decoder and the message decoders. Only typed
// errors may come out; the decoder's buffer never exceeds MAX_FRAME_BYTES.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containsFullPan } from '../../src-shared/card.ts';
import { mulberry32 } from '../../src-shared/seeded-random.ts';
import { ACK, EOT, ETX, FS, FrameDecoder, MAX_FRAME_BYTES, NAK, PaxFrameError, STX, US, encodeFrame, type Field } from './pax-frame.ts';
import {
  PaxMessageError,
  decodeRequest,
  decodeResponse,
  decodeStatusReport,
  encodeRequest,
  encodeResponse,
  encodeStatusReport,
  type PaxResponse,
} from './pax-messages.ts';

const SEED = 0xc0ffee;
const rand = mulberry32(SEED);
const int = (n: number) => Math.floor(rand() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];

const SPECIAL = [STX, ETX, FS, US, ACK, NAK, EOT, 0x00, 0xff, 0x30, 0x41];

const T01: PaxResponse = {
  command: 'T01', status: '0', version: '1.28', resultCode: '000000', resultText: 'APPROVED',
  host: { code: '00', message: 'APPROVAL', authCode: 'A1B2C3', hostRef: '1000123', traceNumber: '42', batchNumber: '7' },
  transType: 'sale', amountApproved: 1250, amountDue: 0,
  account: { maskedPan: '411111******1111', entryMode: 'chip', cardBrand: 'visa' },
  trace: { terminalRef: '45', ecrRef: 'R1T42P1', timestamp: '20260102030405' }, additional: { TOKEN: 'tok1' },
};

const SEEDS: Buffer[] = [
  encodeFrame(encodeResponse(T01)),
  encodeFrame(encodeRequest({ command: 'T00', transType: 'sale', amount: 1250, ecrRef: 'R1T42P1', invoice: 'R1T42P1' })),
  encodeFrame(encodeRequest({ command: 'R02', ecrRef: 'R1T42P1' })),
  encodeFrame(['0', 'R03', '1.28', '000000', 'OK', '1', '0', ['00'], '00', '01', '', ['1250'], ['4111111111111111', '4', '', '', '', '', '01'], ['1', 'R1']]),
  encodeFrame(['0', 'B01', '1.28', '000000', 'OK', ['00'], '2', '3345']),
  encodeFrame(['A00', '1.28']),
  encodeFrame(encodeStatusReport({ prompt: 'enter_pin', version: '1.28', text: 'ENTER PIN' })),
  encodeFrame(encodeRequest({ command: 'T00', transType: 'sale', amount: 1250, ecrRef: 'R1T42P1', invoice: 'R1T42P1', reportStatus: true })),
];

function mutate(src: Buffer): Buffer {
  const b = Buffer.from(src);
  const ops = 1 + int(4);
  let out = b;
  for (let i = 0; i < ops; i++) {
    switch (int(5)) {
      case 0: // flip a byte
        if (out.length) out[int(out.length)] = pick(SPECIAL) ^ (rand() < 0.5 ? 0 : int(256));
        break;
      case 1: // cut
        out = out.subarray(0, int(out.length + 1));
        break;
      case 2: // insert a control byte
        {
          const at = int(out.length + 1);
          out = Buffer.concat([out.subarray(0, at), Buffer.from([pick(SPECIAL)]), out.subarray(at)]);
        }
        break;
      case 3: // duplicate a slice
        {
          const at = int(out.length + 1);
          out = Buffer.concat([out, out.subarray(at)]);
        }
        break;
      case 4: // recompute the LRC so the mutation reaches the message decoder
        if (out.length >= 3 && out[0] === STX && out[out.length - 2] === ETX) {
          let x = 0;
          for (let j = 1; j < out.length - 1; j++) x ^= out[j];
          out[out.length - 1] = x;
        }
        break;
    }
  }
  return out;
}

function randomBytes(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = rand() < 0.2 ? pick(SPECIAL) : int(256);
  return b;
}

function checkMessage(fields: string[][]): void {
  for (const decode of [decodeRequest, decodeResponse, decodeStatusReport] as const) {
    try {
      const msg = decode(fields);
      if (decode === decodeResponse) {
        const m = msg as PaxResponse;
        if ('account' in m) assert.equal(containsFullPan(m.account.maskedPan ?? ''), false, 'account number left unmasked');
        if (m.command === 'R03' && m.record) assert.equal(containsFullPan(m.record.account.maskedPan ?? ''), false);
      }
      if (decode === decodeStatusReport) assert.equal(containsFullPan((msg as ReturnType<typeof decodeStatusReport>).text), false, 'status text left unmasked');
    } catch (err) {
      assert.ok(err instanceof PaxFrameError || err instanceof PaxMessageError, `untyped error: ${String(err)}`);
    }
  }
}

test(`fuzz: mutated and random input yields only typed errors, bounded memory (seed ${SEED})`, () => {
  const decoder = new FrameDecoder();
  let frames = 0;
  let errors = 0;
  for (let i = 0; i < 20_000; i++) {
    const input = rand() < 0.8 ? mutate(pick(SEEDS)) : randomBytes(int(300));
    // Deliver in random chunk sizes, the way a socket does.
    let off = 0;
    while (off < input.length) {
      const n = 1 + int(64);
      for (const item of decoder.push(input.subarray(off, off + n))) {
        if (item.type === 'frame') {
          frames++;
          checkMessage(item.fields);
        } else if (item.type === 'error') {
          errors++;
          assert.ok(item.error instanceof PaxFrameError);
        }
      }
      off += n;
      assert.ok(decoder.bufferedBytes <= MAX_FRAME_BYTES);
    }
  }
  // The run must have exercised both paths, or it proves nothing.
  assert.ok(frames > 1000, `only ${frames} frames decoded`);
  assert.ok(errors > 1000, `only ${errors} errors seen`);
  // And the decoder still works after all that.
  decoder.reset();
  assert.deepEqual(decoder.push(SEEDS[5]), [{ type: 'frame', fields: [['A00'], ['1.28']] }]);
  assert.deepEqual(decoder.push(SEEDS[6]), [{ type: 'frame', fields: [['0'], ['S01'], ['1.28'], ['02'], ['ENTER PIN']] }]);
});

test('fuzz: oversized input is rejected and never buffered beyond the limit', () => {
  const decoder = new FrameDecoder();
  for (let i = 0; i < 50; i++) {
    const size = MAX_FRAME_BYTES + int(MAX_FRAME_BYTES * 4);
    const body = Buffer.alloc(size, 0x41);
    const items = decoder.push(Buffer.concat([Buffer.from([STX]), body, Buffer.from([ETX, 0x00])]));
    assert.deepEqual(items.map((x) => (x.type === 'error' ? x.error.code : x.type)), ['too_long']);
    assert.ok(decoder.bufferedBytes <= MAX_FRAME_BYTES);
  }
  const longField: Field[] = ['x'.repeat(MAX_FRAME_BYTES)];
  assert.throws(() => encodeFrame(longField), (e) => e instanceof PaxFrameError && e.code === 'too_long');
});

test('fuzz: random field lists never crash the message decoders', () => {
  const alphabet = ['', '0', 'S01', '01', 'REPORTSTATUS=1', 'T01', 'T00', 'R03', 'R02', 'B01', 'A01', '000000', '100023', '12.50', '-1', '4111111111111111', '99', 'x=y', 'HREF=1', 'A'.repeat(40)];
  for (let i = 0; i < 5000; i++) {
    const fields: string[][] = [];
    const nf = int(20);
    for (let f = 0; f < nf; f++) {
      const ns = 1 + int(4);
      fields.push(Array.from({ length: ns }, () => pick(alphabet)));
    }
    checkMessage(fields);
  }
});

test('fuzz: whole-chunk fast path and byte-by-byte path decode the same stream alike', () => {
  // A 1-byte chunk never holds a whole frame, so it always takes the buffered
  // path; a whole input (as a Buffer or a plain Uint8Array) takes the fast path
  // wherever a frame fits. Both must yield the same items, errors included.
  const summary = (items: ReturnType<FrameDecoder['push']>) => items.map((x) => (x.type === 'error' ? `error:${x.error.code}` : x));
  let frames = 0;
  for (let i = 0; i < 5000; i++) {
    const input = Buffer.concat(Array.from({ length: 1 + int(3) }, () => (rand() < 0.9 ? mutate(pick(SEEDS)) : randomBytes(int(100)))));
    const slow = new FrameDecoder();
    const bytewise = [];
    for (let off = 0; off < input.length; off++) bytewise.push(...slow.push(input.subarray(off, off + 1)));
    const whole = new FrameDecoder().push(input);
    const plain = new FrameDecoder().push(new Uint8Array(input));
    assert.deepEqual(summary(whole), summary(bytewise));
    assert.deepEqual(summary(plain), summary(bytewise));
    frames += bytewise.filter((x) => x.type === 'frame').length;
  }
  assert.ok(frames > 1000, `only ${frames} frames decoded`);
});
