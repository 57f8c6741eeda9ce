import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeviceDraft } from '../../../src-shared/device-settings.ts';
import type { DeviceSnapshot } from '../../../src-shared/domain.ts';
import { draftFromForm, emptyForm, formFromDevice, switchKind, type DeviceForm } from './device-form.ts';

const pinPad = (over: Partial<DeviceForm> = {}): DeviceForm => ({ ...emptyForm('pin_pad'), name: 'Front pad', model: 'PAX A920', host: '10.0.0.5', ...over });

test('a PIN pad on TCP becomes a draft main accepts, with timeouts typed in seconds sent as milliseconds', () => {
  const r = draftFromForm(pinPad({ port: '10009', connectSeconds: '2.5', transactionSeconds: '120' }));
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual(r.draft, {
    kind: 'pin_pad',
    name: 'Front pad',
    model: 'PAX A920',
    settings: { transport: 'tcp', host: '10.0.0.5', port: 10009, timeouts: { connectMs: 2500, transactionMs: 120_000 } },
  });
  assert.ok(DeviceDraft.safeParse(r.draft).success);
});

test('each complaint lands on the field it is about, in seconds for timeouts', () => {
  const r = draftFromForm(pinPad({ name: ' ', host: '999.1.1.1', port: '70000', connectSeconds: '0.1', transactionSeconds: 'soon' }));
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.match(r.errors.name!, /name/);
  assert.match(r.errors.host!, /IP address/);
  assert.match(r.errors.port!, /1-65535/);
  assert.match(r.errors.connectSeconds!, /at least 0\.2 s/);
  assert.match(r.errors.transactionSeconds!, /number/);
  assert.equal(r.errors.form, undefined);
});

test('a serial PIN pad needs a serial device path and a known baud rate', () => {
  const bad = draftFromForm(pinPad({ transport: 'serial', serialPath: 'ttyUSB0', baudRate: '9601' }));
  assert.equal(bad.ok, false);
  if (!bad.ok) {
    assert.match(bad.errors.serialPath!, /\/dev\/ttyUSB0 or COM3/);
    assert.match(bad.errors.baudRate!, /9600/);
  }
  const good = draftFromForm(pinPad({ transport: 'serial', serialPath: '/dev/ttyUSB0', baudRate: '115200' }));
  assert.ok(good.ok);
  if (good.ok) assert.deepEqual(good.draft.settings, { transport: 'serial', serialPath: '/dev/ttyUSB0', baudRate: 115200, timeouts: {} });
});

test('a card reader takes USB ids in hex as printed on the label; a missing vendor id is named', () => {
  const form = { ...switchKind(pinPad(), 'card_reader'), vendorId: '0x0801', productId: '0011' };
  const r = draftFromForm(form);
  assert.ok(r.ok, JSON.stringify(r));
  if (r.ok) assert.deepEqual(r.draft.settings, { transport: 'usb_hid', vendorId: 0x0801, productId: 0x0011, timeouts: {} });
  const missing = draftFromForm({ ...form, vendorId: '' });
  assert.equal(missing.ok, false);
  if (!missing.ok) assert.ok(missing.errors.vendorId);
  const notHex = draftFromForm({ ...form, productId: 'zz' });
  assert.equal(notHex.ok, false);
  if (!notHex.ok) assert.ok(notHex.errors.productId);
});

test('switching kind keeps the name and address and takes the new kind\'s default port', () => {
  const printer = switchKind(pinPad(), 'printer');
  assert.equal(printer.kind, 'printer');
  assert.equal(printer.name, 'Front pad');
  assert.equal(printer.host, '10.0.0.5');
  assert.equal(printer.port, '9100');
  const r = draftFromForm({ ...printer, model: 'Epson TM-T88' });
  assert.ok(r.ok);
  if (r.ok) assert.deepEqual(r.draft.settings, { transport: 'tcp', host: '10.0.0.5', port: 9100, timeouts: {} });
});

test('a saved device round-trips through the edit form unchanged', () => {
  const saved: DeviceSnapshot = {
    id: 'd1',
    registerId: 'register-1',
    assigned: true,
    removed: false,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    kind: 'pin_pad',
    name: 'Front pad',
    model: 'PAX A920',
    settings: { transport: 'tcp', host: '10.0.0.5', port: 10010, timeouts: { connectMs: 3000, cancelMs: 5000 } },
  };
  const r = draftFromForm(formFromDevice(saved));
  assert.ok(r.ok);
  if (r.ok) assert.deepEqual(r.draft, { kind: saved.kind, name: saved.name, model: saved.model, settings: saved.settings });
});
