// Settings of the devices a manager configures (PIN pad, card reader, receipt
// printer): one schema, used by the IPC boundary, the journal and the Settings
// screen's form, so a value the UI accepts is a value main accepts.
//
// Bounds are deliberately tight: a timeout of 0 or of an hour is a typo, and a
// register that waits an hour for a dead PIN pad is stuck.

import { z } from 'zod';

/** What a configured device is. */
export const DEVICE_KINDS = ['pin_pad', 'card_reader', 'printer'] as const;
/** A device kind. */
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** Serial speeds a register's devices use; anything else is almost surely a typo. */
export const BAUD_RATES = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] as const;

/** Default TCP port of a PAX terminal. */
export const PAX_TCP_PORT = 10009;
/** Default raw-print port of a network printer. */
export const PRINTER_TCP_PORT = 9100;

const DOTTED_NUMBERS = /^[0-9.]+$/;

/** An IPv4 or IPv6 address or a DNS host name. */
export const HostAddress = z
  .string()
  .trim()
  .min(1, 'enter the IP address or host name of the device')
  .max(253)
  .pipe(z.union([z.ipv4(), z.ipv6(), z.hostname()], { error: 'must be an IP address (e.g. 10.0.0.5) or a host name' }))
  // "999.1.1.1" is a valid host name to DNS rules but always a mistyped address here.
  .refine((h) => !DOTTED_NUMBERS.test(h) || z.ipv4().safeParse(h).success, 'must be an IP address (e.g. 10.0.0.5) or a host name');

/** A TCP port. */
export const TcpPort = z.number().int('must be a whole number').min(1, 'must be 1-65535').max(65535, 'must be 1-65535');

/** A serial device: /dev/… on Linux and macOS, COMn on Windows. */
export const SerialPath = z
  .string()
  .regex(/^(\/[A-Za-z0-9._\-/]{1,200}|COM[0-9]{1,3})$/, 'must be a serial device such as /dev/ttyUSB0 or COM3');

/** A serial speed from BAUD_RATES. */
export const BaudRate = z
  .number()
  .refine((n) => (BAUD_RATES as readonly number[]).includes(n), `must be one of ${BAUD_RATES.join(', ')}`);

/** A wait in milliseconds between min and max. */
const waitMs = (min: number, max: number) =>
  z.number().int('must be a whole number of milliseconds').min(min, `must be at least ${min} ms`).max(max, `must be at most ${max} ms`);

/** Waits of a PIN pad; absent ones take the driver's defaults. */
export const PinPadTimeouts = z.strictObject({
  connectMs: waitMs(200, 30_000).optional(),
  adminMs: waitMs(1_000, 60_000).optional(),
  transactionMs: waitMs(30_000, 600_000).optional(),
  cancelMs: waitMs(1_000, 30_000).optional(),
  batchMs: waitMs(10_000, 300_000).optional(),
});

/** Where a PIN pad is reached. */
export const PinPadSettings = z.discriminatedUnion('transport', [
  z.strictObject({ transport: z.literal('tcp'), host: HostAddress, port: TcpPort.default(PAX_TCP_PORT), timeouts: PinPadTimeouts.default({}) }),
  z.strictObject({ transport: z.literal('http'), host: HostAddress, port: TcpPort.default(PAX_TCP_PORT), timeouts: PinPadTimeouts.default({}) }),
  z.strictObject({ transport: z.literal('serial'), serialPath: SerialPath, baudRate: BaudRate.default(9600), timeouts: PinPadTimeouts.default({}) }),
]);

/** Waits of a receipt printer. */
export const PrinterTimeouts = z.strictObject({
  statusMs: waitMs(200, 30_000).optional(),
  writeMs: waitMs(1_000, 60_000).optional(),
});

/** Where a receipt printer is reached. */
export const PrinterSettings = z.discriminatedUnion('transport', [
  z.strictObject({ transport: z.literal('tcp'), host: HostAddress, port: TcpPort.default(PRINTER_TCP_PORT), timeouts: PrinterTimeouts.default({}) }),
  z.strictObject({ transport: z.literal('serial'), serialPath: SerialPath, baudRate: BaudRate.default(9600), timeouts: PrinterTimeouts.default({}) }),
]);

const UsbId = z.number().int('must be a whole number').min(0, 'must be 0-65535 (0x0000-0xFFFF)').max(0xffff, 'must be 0-65535 (0x0000-0xFFFF)');

/** Which USB HID card reader to open. */
export const CardReaderSettings = z.strictObject({
  transport: z.literal('usb_hid').default('usb_hid'),
  vendorId: UsbId,
  /** Absent: any product of the vendor. */
  productId: UsbId.optional(),
  timeouts: z.strictObject({ openMs: waitMs(200, 30_000).optional() }).default({}),
});

/** Settings of a PIN pad, after defaults. */
export type PinPadSettings = z.output<typeof PinPadSettings>;
/** Settings of a printer, after defaults. */
export type PrinterSettings = z.output<typeof PrinterSettings>;
/** Settings of a card reader, after defaults. */
export type CardReaderSettings = z.output<typeof CardReaderSettings>;

const Name = z.string().trim().min(1, 'give the device a name').max(60, 'at most 60 characters');
const Model = z.string().trim().min(1, 'enter the model, e.g. PAX A920').max(40, 'at most 40 characters');

/** A device as the manager describes it (no id, no assignment): the body of device.save and device.test. */
export const DeviceDraft = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('pin_pad'), name: Name, model: Model, settings: PinPadSettings }),
  z.strictObject({ kind: z.literal('card_reader'), name: Name, model: Model, settings: CardReaderSettings }),
  z.strictObject({ kind: z.literal('printer'), name: Name, model: Model, settings: PrinterSettings }),
]);
/** A validated device description. */
export type DeviceDraft = z.output<typeof DeviceDraft>;
/** A device description as the UI writes it (defaults optional). */
export type DeviceDraftInput = z.input<typeof DeviceDraft>;

/** The settings type of one kind. */
export type SettingsOf<K extends DeviceKind> = Extract<DeviceDraft, { kind: K }>['settings'];

/** Four hex digits, the way USB ids are printed on labels and in lsusb. */
export function usbHex(n: number): string {
  return n.toString(16).padStart(4, '0');
}

/** Where a device is reached, in words: "10.0.0.5:10009", "/dev/ttyUSB0 at 9600 baud", "USB 0801:0011". */
export function deviceAddress(draft: Pick<DeviceDraft, 'kind' | 'settings'>): string {
  const s = draft.settings;
  if (s.transport === 'usb_hid') return `USB ${usbHex(s.vendorId)}:${s.productId === undefined ? 'any' : usbHex(s.productId)}`;
  if (s.transport === 'serial') return `${s.serialPath} at ${s.baudRate} baud`;
  return `${s.host}:${s.port}`;
}
