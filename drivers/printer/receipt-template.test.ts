import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containsFullPan } from '../../src-shared/card.ts';
import { AppError } from '../../src-shared/errors.ts';
import { buildReceipt, TRAINING_BANNER } from './receipt-template.ts';
import { printedLines } from './escpos-stream-parser.ts';
import { sampleReceipt } from './receipt-fixture.ts';

function refusedFor(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AppError);
    assert.equal(e.code, 'invalid_request');
    assert.match(e.message, pattern);
    assert.equal(containsFullPan(e.message), false);
    return true;
  });
}

test('prints store, lines, totals and a masked card tender with its approval source', () => {
  const bytes = buildReceipt(sampleReceipt());
  assert.deepEqual([...bytes.slice(0, 2)], [0x1b, 0x40], 'starts with ESC @');
  const lines = printedLines(bytes);
  const text = lines.join('\n');
  assert.match(text, /Harbour Cafe/);
  assert.match(text, /Ticket 1042  Register R1/);
  assert.match(text, /2 x Flat white\s+\$9\.00/);
  assert.match(text, /Croissant\s+\$3\.75/);
  assert.match(text, /Tax\s+\$1\.02/);
  assert.match(text, /TOTAL\s+\$13\.77/);
  assert.match(text, /VISA 411111\*\*\*\*\*\*1111\s+\$13\.77/);
  assert.match(text, /Auth code: A1B2C3/);
  assert.match(text, /Recovered approval/);
  assert.match(text, /Entry: chip/);
  assert.ok(lines.every((l) => l.length <= 42), 'fits 42 columns');
  assert.ok(!text.includes(TRAINING_BANNER));
  assert.equal(containsFullPan(text), false);
});

test('training mode prints the banner at top and bottom', () => {
  const lines = printedLines(buildReceipt(sampleReceipt({ training: true })));
  const banners = lines.filter((l) => l.trim() === TRAINING_BANNER);
  assert.equal(banners.length, 2);
  assert.equal(lines.find((l) => l.trim() !== '')?.trim(), TRAINING_BANNER);
});

test('currencies without an ASCII sign print their code', () => {
  const text = printedLines(buildReceipt(sampleReceipt({ currency: 'EUR' }))).join('\n');
  assert.match(text, /TOTAL\s+EUR 13\.77/);
});

test('refuses a full card number anywhere in the receipt', () => {
  for (const pan of ['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117', '4242424242424242']) {
    refusedFor(() => buildReceipt(sampleReceipt({ footerLines: [`card ${pan}`] })), /full card number/);
    refusedFor(() => buildReceipt(sampleReceipt({ items: [{ description: pan, quantity: 1, amount: 1 }] })), /full card number/);
    refusedFor(() => buildReceipt(sampleReceipt({ tenders: [{ kind: 'card', amount: 1377, maskedPan: pan }] })), /full card number/);
  }
});

test('refuses an unmasked or oddly masked card number field', () => {
  refusedFor(() => buildReceipt(sampleReceipt({ tenders: [{ kind: 'card', amount: 1377, maskedPan: '4111111111' }] })), /not masked/);
  refusedFor(() => buildReceipt(sampleReceipt({ tenders: [{ kind: 'card', amount: 1377, maskedPan: '41111111****1111' }] })), /not masked/);
});

test('refuses fractional amounts and unknown currencies', () => {
  refusedFor(() => buildReceipt(sampleReceipt({ totals: { subtotal: 12.75, total: 1377 } })), /subtotal must be whole minor units/);
  refusedFor(() => buildReceipt(sampleReceipt({ currency: 'XXX' })), /unknown currency/);
});

test('cash tenders show tendered and change', () => {
  const text = printedLines(buildReceipt(sampleReceipt({ tenders: [{ kind: 'cash', amount: 1377, tendered: 2000, change: 623 }] }))).join('\n');
  assert.match(text, /CASH\s+\$13\.77/);
  assert.match(text, /Change\s+\$6\.23/);
});

test('non-ASCII text is printed through a code page that has it', () => {
  const bytes = buildReceipt(sampleReceipt({ storeName: 'Café Øresund' }));
  const text = printedLines(bytes).join('\n');
  // The simulator decodes only ASCII, so accented letters show as one placeholder each.
  assert.match(text, /Caf\? \?resund/);
  assert.ok(Buffer.from(bytes).includes(Buffer.from([0x1b, 0x74])), 'selects a code page');
});
