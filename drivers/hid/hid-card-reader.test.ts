import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containsFullPan } from '../../src-shared/card.ts';
import { findCardReaders, HidCardReader, MAGTEK_VENDOR_ID, type CardReaderEvent } from './hid-card-reader.ts';
import { buildMagtekReport } from './magtek-report-builder.ts';
import { PAYMENT_CARD_REFUSED_MESSAGE } from './card-classifier.ts';

function reader(): { r: HidCardReader; events: CardReaderEvent[] } {
  const events: CardReaderEvent[] = [];
  return { r: new HidCardReader({ onEvent: (e) => events.push(e) }), events };
}

test('real node-hid enumeration returns an array and no reader is reported clearly', async () => {
  const found = await findCardReaders(MAGTEK_VENDOR_ID);
  assert.ok(Array.isArray(found));
  // No USB HID hardware on the build machine: the reader must say so, not throw or hang.
  if (found.length === 0) {
    const { r, events } = reader();
    const status = await r.open();
    assert.equal(status.state, 'not_found');
    assert.match(status.message, /No card reader found \(USB vendor 0x0801\)/);
    assert.match(status.message, /Plug the card reader in/);
    assert.deepEqual(events, [status]);
    assert.equal(r.status, status);
    await r.close();
    assert.equal(r.status.state, 'closed');
  }
});

test('a product id filter is named in the not-found message', async () => {
  const events: CardReaderEvent[] = [];
  const r = new HidCardReader({ vendorId: 0x0801, productId: 0x0011, onEvent: (e) => events.push(e) });
  const status = await r.open();
  if (status.state === 'not_found') assert.match(status.message, /product 0x0011/);
  await r.close();
});

test('a payment card swipe is refused, the event holds no PAN and the buffer is zeroed', () => {
  for (const pan of ['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117', '4242424242424242']) {
    const { r, events } = reader();
    const report = buildMagtekReport({
      tracks: [`%B${pan}^DOE/JOHN^2812101000000001?`, `;${pan}=2812101000000001?`],
      reportId: 0,
    });
    const event = r.handleReport(report);
    assert.deepEqual(event, { type: 'card', card: { kind: 'payment_card_refused', message: PAYMENT_CARD_REFUSED_MESSAGE } });
    assert.deepEqual(events, [event]);
    const json = JSON.stringify(events);
    assert.equal(containsFullPan(json), false);
    assert.ok(!json.includes(pan.slice(-4)) && !json.includes(pan.slice(0, 6)));
    assert.ok(report.every((b) => b === 0), 'raw report must be zeroed');
  }
});

test('staff and cabin swipes become card events', () => {
  const { r } = reader();
  assert.deepEqual(r.handleReport(buildMagtekReport({ tracks: ['', ';7701004512?'] })), { type: 'card', card: { kind: 'staff', employeeId: '004512' } });
  assert.deepEqual(r.handleReport(buildMagtekReport({ tracks: ['', ';770208123=000045678?'] })), {
    type: 'card', card: { kind: 'cabin', cabin: '08123', folioId: '000045678' },
  });
});

test('corrupted, short and oversized reports become read errors and are still zeroed', () => {
  const { r, events } = reader();
  const short = buildMagtekReport({ tracks: ['', ';4111111111111111=2812101?'] }).subarray(0, 200);
  const e1 = r.handleReport(short);
  assert.equal(e1.type, 'read_error');
  assert.match((e1 as { message: string }).message, /short report \(200 of 337 bytes\)/);
  assert.ok(short.every((b) => b === 0));
  const oversized = Buffer.concat([buildMagtekReport({ tracks: ['', ';4111111111111111=2812101?'] }), Buffer.alloc(10, 0x31)]);
  assert.equal(r.handleReport(oversized).type, 'read_error');
  assert.ok(oversized.every((b) => b === 0));
  const lying = buildMagtekReport({ tracks: ['', ';4111111111111111=2812101?'], lengths: [0, 250, 0] });
  assert.equal(r.handleReport(lying).type, 'read_error');
  assert.ok(lying.every((b) => b === 0));
  assert.equal(events.length, 3);
  assert.equal(containsFullPan(JSON.stringify(events)), false);
});

test('a swipe where every track failed to decode asks for another swipe', () => {
  const { r } = reader();
  const event = r.handleReport(buildMagtekReport({ tracks: ['%B4111111111111111^X/Y^2812101?', ';4111111111111111=2812101?'], decodeStatus: [1, 1, 0] }));
  assert.equal(event.type, 'card');
  assert.deepEqual((event as { card: unknown }).card, { kind: 'unknown', message: 'The card could not be read. Swipe it again in one smooth movement.' });
});

test('bad prefix settings are refused when the reader is created', () => {
  assert.throws(() => new HidCardReader({ formats: { staffPrefix: '7', cabinPrefix: '8' }, onEvent: () => undefined }), /2 to 8 digits/);
});
