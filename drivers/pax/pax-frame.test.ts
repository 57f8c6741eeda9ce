import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACK, EOT, ETX, FrameDecoder, MAX_FRAME_BYTES, NAK, PaxFrameError, STX, decodeFrame, encodeFrame, lrc } from './pax-frame.ts';

test('encodes the worked A00 example byte for byte', () => {
  const frame = encodeFrame(['A00', '1.28']);
  assert.equal(frame.toString('hex'), '024130301c312e323803' + '4b');
});

test('lrc is the XOR of the bytes after STX through ETX', () => {
  assert.equal(lrc(Buffer.from([0x41, 0x30, 0x30, 0x1c, 0x31, 0x2e, 0x32, 0x38, 0x03])), 0x4b);
});

test('subfields are joined by US with trailing empty ones trimmed', () => {
  const frame = encodeFrame(['T00', ['1250', '', '', ''], ['', 'x', '', '']]);
  assert.equal(frame.subarray(1, -2).toString('latin1'), 'T00\x1c1250\x1c\x1fx');
  assert.deepEqual(decodeFrame(frame), [['T00'], ['1250'], ['', 'x']]);
});

test('refuses values that would break the framing or exceed the limit', () => {
  assert.throws(() => encodeFrame(['A\x1cB']), (e) => e instanceof PaxFrameError && e.code === 'malformed');
  assert.throws(() => encodeFrame(['A\x03']), (e) => e instanceof PaxFrameError && e.code === 'malformed');
  assert.throws(() => encodeFrame(['\u20ac']), (e) => e instanceof PaxFrameError && e.code === 'malformed');
  assert.throws(() => encodeFrame(['x'.repeat(MAX_FRAME_BYTES)]), (e) => e instanceof PaxFrameError && e.code === 'too_long');
  const biggest = encodeFrame(['x'.repeat(MAX_FRAME_BYTES - 3)]);
  assert.equal(biggest.length, MAX_FRAME_BYTES);
  // The largest frame the encoder makes is one the decoder takes, whole or in pieces.
  assert.equal(new FrameDecoder().push(biggest)[0].type, 'frame');
  const d = new FrameDecoder();
  const pieces = [biggest.subarray(0, 100), biggest.subarray(100, 5000), biggest.subarray(5000)].flatMap((c) => d.push(c));
  assert.deepEqual(pieces.map((x) => x.type), ['frame']);
  const tooBig = Buffer.concat([biggest.subarray(0, 2), biggest.subarray(1)]);
  tooBig[tooBig.length - 1] = 0;
  assert.deepEqual(new FrameDecoder().push(tooBig).map((x) => (x.type === 'error' ? x.error.code : x.type)), ['too_long']);
});

test('decodes a frame delivered one byte at a time', () => {
  const frame = encodeFrame(['0', 'T01', '1.28', '000000', 'APPROVED']);
  const d = new FrameDecoder();
  const items = [];
  for (const b of frame) items.push(...d.push(Buffer.from([b])));
  assert.deepEqual(items, [{ type: 'frame', fields: [['0'], ['T01'], ['1.28'], ['000000'], ['APPROVED']] }]);
  assert.equal(d.bufferedBytes, 0);
});

test('decodes control bytes and several frames in one read, skipping garbage', () => {
  const a = encodeFrame(['A00', '1.28']);
  const b = encodeFrame(['B00', '1.28', '20260101120001']);
  const chunk = Buffer.concat([Buffer.from('junk\r\n'), Buffer.from([ACK]), a, Buffer.from([0xff, NAK]), b, Buffer.from([EOT])]);
  const items = new FrameDecoder().push(chunk);
  assert.deepEqual(
    items.map((i) => i.type),
    ['ack', 'frame', 'nak', 'frame', 'eot'],
  );
});

test('an LRC byte equal to STX is read as the LRC, not a new frame', () => {
  // Find a body whose LRC is 0x02 by varying one character.
  let frame: Buffer | undefined;
  for (let c = 0x20; c < 0x7f && !frame; c++) {
    const f = encodeFrame(['X', String.fromCharCode(c)]);
    if (f[f.length - 1] === STX) frame = f;
  }
  assert.ok(frame, 'found a frame whose LRC is STX');
  const items = new FrameDecoder().push(Buffer.concat([frame, frame]));
  assert.deepEqual(items.map((i) => i.type), ['frame', 'frame']);
});

test('bad LRC gives a typed error and the next frame still decodes', () => {
  const bad = encodeFrame(['A00', '1.28']);
  bad[bad.length - 1] ^= 0x01;
  const good = encodeFrame(['A14', '1.28']);
  const items = new FrameDecoder().push(Buffer.concat([bad, good]));
  assert.equal(items.length, 2);
  assert.equal(items[0].type, 'error');
  assert.equal(items[0].type === 'error' && items[0].error.code, 'bad_lrc');
  assert.deepEqual(items[1], { type: 'frame', fields: [['A14'], ['1.28']] });
});

test('a frame cut short by a new STX is reported as truncated and the new one decoded', () => {
  const full = encodeFrame(['A00', '1.28']);
  const items = new FrameDecoder().push(Buffer.concat([full.subarray(0, 5), full]));
  assert.deepEqual(items.map((i) => (i.type === 'error' ? i.error.code : i.type)), ['truncated', 'frame']);
});

test('an oversized frame is rejected once, memory stays bounded, then decoding resynchronises', () => {
  const d = new FrameDecoder();
  const items = d.push(Buffer.concat([Buffer.from([STX]), Buffer.alloc(MAX_FRAME_BYTES * 3, 0x41)]));
  assert.deepEqual(items.map((i) => (i.type === 'error' ? i.error.code : i.type)), ['too_long']);
  assert.ok(d.bufferedBytes <= MAX_FRAME_BYTES);
  // Still discarding until the next STX: a stray ETX does not produce anything.
  assert.deepEqual(d.push(Buffer.from([ETX, 0x00])), []);
  assert.deepEqual(d.push(encodeFrame(['A00', '1.28'])), [{ type: 'frame', fields: [['A00'], ['1.28']] }]);
});

test('decodeFrame refuses anything but exactly one good frame', () => {
  assert.throws(() => decodeFrame(Buffer.from([ACK])), (e) => e instanceof PaxFrameError && e.code === 'malformed');
  assert.throws(() => decodeFrame(encodeFrame(['A']).subarray(0, 3)), (e) => e instanceof PaxFrameError && e.code === 'malformed');
  const twice = Buffer.concat([encodeFrame(['A']), encodeFrame(['B'])]);
  assert.throws(() => decodeFrame(twice), (e) => e instanceof PaxFrameError);
});
