import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeStatus, encodeStatus, isStatusByte, statusRequest, type PrinterCondition } from './escpos-status.ts';

const OK: PrinterCondition = { online: true, coverOpen: false, paperOut: false, paperNearEnd: false, error: false };

test('a healthy printer answers 0x12 to every request', () => {
  assert.deepEqual([1, 2, 4].map((n) => encodeStatus(n, OK)), [0x12, 0x12, 0x12]);
  assert.deepEqual(decodeStatus(0x12, 0x12, 0x12), OK);
});

test('Epson bit layout: offline 0x08, cover 0x04, paper-end stop 0x20, paper end 0x60, near end 0x0c', () => {
  assert.equal(encodeStatus(1, { ...OK, online: false }), 0x1a);
  assert.equal(encodeStatus(2, { ...OK, coverOpen: true }), 0x16);
  assert.equal(encodeStatus(2, { ...OK, paperOut: true }), 0x32);
  assert.equal(encodeStatus(4, { ...OK, paperOut: true }), 0x72);
  assert.equal(encodeStatus(4, { ...OK, paperNearEnd: true }), 0x1e);
  assert.deepEqual(decodeStatus(0x1a, 0x16, 0x12), { ...OK, online: false, coverOpen: true });
  assert.deepEqual(decodeStatus(0x1a, 0x12, 0x72), { ...OK, online: false, paperOut: true });
});

test('every combination survives encode then decode', () => {
  for (let bits = 0; bits < 32; bits++) {
    const c: PrinterCondition = { online: !!(bits & 1), coverOpen: !!(bits & 2), paperOut: !!(bits & 4), paperNearEnd: !!(bits & 8), error: !!(bits & 16) };
    const answers = [1, 2, 4].map((n) => encodeStatus(n, c));
    assert.ok(answers.every(isStatusByte));
    assert.deepEqual(decodeStatus(answers[0], answers[1], answers[2]), c);
  }
});

test('bytes without the fixed bits are not status answers', () => {
  for (const b of [0x00, 0xff, 0x13, 0x92, 0x10, 0x02]) assert.equal(isStatusByte(b), false, b.toString(16));
  assert.deepEqual([...statusRequest(4)], [0x10, 0x04, 0x04]);
});
