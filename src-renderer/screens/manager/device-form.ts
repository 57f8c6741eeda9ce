// The Settings form's fields (what the manager typed, as text) and their
// conversion to a device draft, validated by the same schema main uses, with
// each complaint attached to the field it is about.

import {
  BAUD_RATES,
  DeviceDraft,
  PAX_TCP_PORT,
  PRINTER_TCP_PORT,
  usbHex,
  type DeviceDraftInput,
  type DeviceKind,
} from '../../../src-shared/device-settings.ts';
import type { DeviceSnapshot } from '../../../src-shared/domain.ts';

/** How a device is reached; which ones a kind allows is in TRANSPORTS. */
export type FormTransport = 'tcp' | 'http' | 'serial' | 'usb_hid';

/** Transports each kind of device offers, first is the default. */
export const TRANSPORTS: Record<DeviceKind, readonly FormTransport[]> = {
  pin_pad: ['tcp', 'serial', 'http'],
  printer: ['tcp', 'serial'],
  card_reader: ['usb_hid'],
};

/** Words for each kind and transport, for labels and lists. */
export const KIND_WORDS: Record<DeviceKind, string> = { pin_pad: 'PIN pad', card_reader: 'Card reader', printer: 'Receipt printer' };
export const TRANSPORT_WORDS: Record<FormTransport, string> = { tcp: 'Network (TCP)', http: 'Network (HTTP)', serial: 'Serial cable', usb_hid: 'USB' };

/** Every text field of the form; which are shown depends on kind and transport. */
export interface DeviceForm {
  kind: DeviceKind;
  name: string;
  model: string;
  transport: FormTransport;
  host: string;
  port: string;
  serialPath: string;
  baudRate: string;
  /** Four hex digits, as printed on the label. */
  vendorId: string;
  productId: string;
  /** Timeouts in seconds (people think in seconds); blank = the driver's default. */
  connectSeconds: string;
  transactionSeconds: string;
  cancelSeconds: string;
}

/** A field name of the form. */
export type FormField = keyof DeviceForm;
/** Complaints by field; `form` holds any that belong to no one field. */
export type FormErrors = Partial<Record<FormField | 'form', string>>;

/** A blank form for a new device of a kind. */
export function emptyForm(kind: DeviceKind): DeviceForm {
  const transport = TRANSPORTS[kind][0];
  return {
    kind,
    name: '',
    model: '',
    transport,
    host: '',
    port: String(kind === 'printer' ? PRINTER_TCP_PORT : PAX_TCP_PORT),
    serialPath: '',
    baudRate: '9600',
    vendorId: '',
    productId: '',
    connectSeconds: '',
    transactionSeconds: '',
    cancelSeconds: '',
  };
}

/** The form for kind changes: fields that make sense for the new kind are kept. */
export function switchKind(form: DeviceForm, kind: DeviceKind): DeviceForm {
  const fresh = emptyForm(kind);
  return { ...fresh, name: form.name, model: form.model, host: form.host, serialPath: form.serialPath };
}

const seconds = (ms: number | undefined) => (ms === undefined ? '' : String(ms / 1000));

/** The form for editing a saved device. */
export function formFromDevice(device: DeviceSnapshot): DeviceForm {
  const form = { ...emptyForm(device.kind), name: device.name, model: device.model };
  const s = device.settings;
  form.transport = s.transport;
  if ('host' in s) {
    form.host = s.host;
    form.port = String(s.port);
  }
  if ('serialPath' in s) {
    form.serialPath = s.serialPath;
    form.baudRate = String(s.baudRate);
  }
  if (s.transport === 'usb_hid') {
    form.vendorId = usbHex(s.vendorId);
    form.productId = s.productId === undefined ? '' : usbHex(s.productId);
    form.connectSeconds = seconds(s.timeouts.openMs);
  } else if (device.kind === 'pin_pad' && 'connectMs' in s.timeouts) {
    form.connectSeconds = seconds(s.timeouts.connectMs);
    form.transactionSeconds = seconds(s.timeouts.transactionMs);
    form.cancelSeconds = seconds(s.timeouts.cancelMs);
  } else if ('statusMs' in s.timeouts) {
    form.connectSeconds = seconds(s.timeouts.statusMs);
  }
  return form;
}

/** A typed number, or NaN so the schema names the field; blank is undefined. */
function num(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  return /^\d+(\.\d+)?$/.test(t) ? Number(t) : Number.NaN;
}

/** Seconds typed → whole milliseconds. */
function ms(text: string): number | undefined {
  const n = num(text);
  return n === undefined || Number.isNaN(n) ? n : Math.round(n * 1000);
}

/** "0801" or "0x0801" → 2049; anything else NaN. */
function hex(text: string): number | undefined {
  const t = text.trim().replace(/^0x/i, '');
  if (t === '') return undefined;
  return /^[0-9a-f]{1,4}$/i.test(t) ? parseInt(t, 16) : Number.NaN;
}

/** Drops keys whose value is undefined, so optional settings stay absent rather than present-but-empty. */
function defined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Which form field a schema path is about. */
const PATH_FIELD: Partial<Record<string, FormField>> = {
  name: 'name',
  model: 'model',
  kind: 'kind',
  'settings.transport': 'transport',
  'settings.host': 'host',
  'settings.port': 'port',
  'settings.serialPath': 'serialPath',
  'settings.baudRate': 'baudRate',
  'settings.vendorId': 'vendorId',
  'settings.productId': 'productId',
  'settings.timeouts.connectMs': 'connectSeconds',
  'settings.timeouts.statusMs': 'connectSeconds',
  'settings.timeouts.openMs': 'connectSeconds',
  'settings.timeouts.transactionMs': 'transactionSeconds',
  'settings.timeouts.cancelMs': 'cancelSeconds',
};

/** Schema messages speak milliseconds; the form speaks seconds. */
function inSeconds(field: FormField, message: string): string {
  if (!field.endsWith('Seconds')) return message;
  return message.replace(/(\d+) ms/g, (_, n: string) => `${Number(n) / 1000} s`).replace('whole number of milliseconds', 'number of seconds');
}

/** The draft to send, or the complaints to show beside the fields. */
export function draftFromForm(form: DeviceForm): { ok: true; draft: DeviceDraftInput } | { ok: false; errors: FormErrors } {
  const common = { name: form.name, model: form.model };
  let settings: Record<string, unknown>;
  if (form.transport === 'usb_hid') {
    settings = defined({ transport: 'usb_hid', vendorId: hex(form.vendorId) ?? Number.NaN, productId: hex(form.productId), timeouts: defined({ openMs: ms(form.connectSeconds) }) });
  } else {
    const where =
      form.transport === 'serial'
        ? { serialPath: form.serialPath.trim(), baudRate: num(form.baudRate) }
        : { host: form.host, port: num(form.port) };
    const timeouts =
      form.kind === 'pin_pad'
        ? defined({ connectMs: ms(form.connectSeconds), transactionMs: ms(form.transactionSeconds), cancelMs: ms(form.cancelSeconds) })
        : defined({ statusMs: ms(form.connectSeconds) });
    settings = defined({ transport: form.transport, ...where, timeouts });
  }
  const candidate = { kind: form.kind, ...common, settings };
  const parsed = DeviceDraft.safeParse(candidate);
  if (parsed.success) return { ok: true, draft: candidate as DeviceDraftInput };
  const errors: FormErrors = {};
  for (const issue of parsed.error.issues) {
    const field: FormField | undefined = PATH_FIELD[issue.path.join('.')];
    if (field === undefined) {
      errors.form ??= issue.message;
      continue;
    }
    errors[field] ??= inSeconds(field, issue.code === 'invalid_type' ? 'must be a number' : issue.message);
  }
  return { ok: false, errors };
}

/** Serial speeds offered in the form. */
export const BAUD_CHOICES: readonly string[] = BAUD_RATES.map(String);
