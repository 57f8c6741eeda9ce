import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EscPosStreamParser, printedLines, type EscPosEvent } from './escpos-stream-parser.ts';
import { buildReceipt } from './receipt-template.ts';
import { sampleReceipt } from './receipt-fixture.ts';

function feedByteByByte(bytes: Uint8Array): EscPosEvent[] {
  const parser = new EscPosStreamParser();
  const events: EscPosEvent[] = [];
  for (const b of bytes) events.push(...parser.push(Uint8Array.of(b)));
  return events;
}

function linesOf(events: EscPosEvent[]): string[] {
  const lines: string[] = [];
  let line = '';
  for (const e of events) {
    if (e.type === 'text') line += e.text;
    if (e.type === 'newline') { lines.push(line.trimEnd()); line = ''; }
  }
  return lines;
}

test('a receipt split into one-byte chunks reads the same as in one piece', () => {
  const bytes = buildReceipt(sampleReceipt());
  assert.deepEqual(linesOf(feedByteByByte(bytes)), printedLines(bytes));
  assert.equal(feedByteByByte(bytes).filter((e) => e.type === 'cut').length, 1);
});

test('status requests, cuts and init are events; parameters are not text', () => {
  const bytes = Buffer.from([
    0x1b, 0x40, 0x1b, 0x45, 0x41, 0x1d, 0x21, 0x42, ...Buffer.from('Hi'), 0x0a,
    0x10, 0x04, 0x01, 0x10, 0x04, 0x04, 0x1d, 0x56, 0x41, 0x03, 0x1d, 0x56, 0x00,
  ]);
  assert.deepEqual(new EscPosStreamParser().push(bytes), [
    { type: 'init' }, { type: 'text', text: 'Hi' }, { type: 'newline' },
    { type: 'status_request', n: 1 }, { type: 'status_request', n: 4 }, { type: 'cut' }, { type: 'cut' },
  ]);
});

test('image and barcode payloads are skipped by length, even when they hold text-like bytes', () => {
  const raster = [0x1d, 0x76, 0x30, 0x00, 0x02, 0x00, 0x02, 0x00, 0x41, 0x0a, 0x10, 0x04];
  const gsParen = [0x1d, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x41, 0x42];
  const barcode = [0x1d, 0x6b, 0x49, 0x03, 0x7b, 0x42, 0x31];
  const events = feedByteByByte(Uint8Array.from([...raster, ...gsParen, ...barcode, ...Buffer.from('ok'), 0x0a]));
  assert.deepEqual(events, [{ type: 'text', text: 'o' }, { type: 'text', text: 'k' }, { type: 'newline' }]);
});
