// HID magnetic-stripe reader (node-hid) for staff cards and guest cabin cards.
// Each input report is parsed, classified and zeroed at once; the reader emits
// typed events and never logs or keeps track data. JavaScript strings made
// while parsing cannot be wiped, so they are kept local and short-lived.

import nodeHid from 'node-hid';
import type { Device as HidDeviceInfo, HIDAsync } from 'node-hid';
import { AppError } from '../../src-shared/errors.ts';
import { withTimeout } from '../with-timeout.ts';
import { classifyCard, DEFAULT_CARD_FORMATS, validateCardFormats, type CardClassification, type CardFormats } from './card-classifier.ts';
import { parseMagtekReport } from './magtek-report-parser.ts';

/** USB vendor id of MagTek. */
export const MAGTEK_VENDOR_ID = 0x0801;

/** Connection state of the reader. */
export type CardReaderState = 'connected' | 'not_found' | 'disconnected' | 'error' | 'closed';

/** What the reader tells the app. */
export type CardReaderEvent =
  | { type: 'card'; card: CardClassification }
  | { type: 'read_error'; message: string }
  | { type: 'status'; state: CardReaderState; message: string };

/** Reader status, as shown in the status bar. */
export type CardReaderStatus = Extract<CardReaderEvent, { type: 'status' }>;

/** Options of a HID card reader. */
export interface HidCardReaderOptions {
  /** USB vendor id to look for; MagTek by default. */
  vendorId?: number;
  /** USB product id; any product of the vendor when absent. */
  productId?: number;
  /** Staff and cabin card prefixes. */
  formats?: CardFormats;
  /** Longest wait for enumeration or opening, in ms. */
  timeoutMs?: number;
  /** Receives every event. */
  onEvent: (event: CardReaderEvent) => void;
}

/** Lists attached HID devices of a vendor (and product, when given). */
export async function findCardReaders(vendorId: number = MAGTEK_VENDOR_ID, productId?: number, timeoutMs = 5000): Promise<HidDeviceInfo[]> {
  const all = await withTimeout(nodeHid.devicesAsync(), timeoutMs, () =>
    new AppError('device_error', 'Listing USB card readers took too long. Unplug and replug the reader, then try again.'));
  return all.filter((d) => d.vendorId === vendorId && (productId === undefined || d.productId === productId));
}

// A late 'error' from a device we are done with must not crash the process.
function quiet(device: HIDAsync): void {
  device.removeAllListeners();
  device.on('error', () => undefined);
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(4, '0')}`;
}

/** A MagTek-style HID card reader. */
export class HidCardReader {
  private readonly vendorId: number;
  private readonly productId?: number;
  private readonly formats: CardFormats;
  private readonly timeoutMs: number;
  private readonly onEvent: (event: CardReaderEvent) => void;
  private device?: HIDAsync;
  private current: CardReaderStatus = { type: 'status', state: 'disconnected', message: 'The card reader has not been opened yet.' };

  constructor(options: HidCardReaderOptions) {
    this.vendorId = options.vendorId ?? MAGTEK_VENDOR_ID;
    this.productId = options.productId;
    this.formats = options.formats ?? DEFAULT_CARD_FORMATS;
    validateCardFormats(this.formats);
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.onEvent = options.onEvent;
  }

  /** Last status emitted. */
  get status(): CardReaderStatus {
    return this.current;
  }

  /** Finds the reader and starts listening; the returned status says whether it worked. */
  async open(): Promise<CardReaderStatus> {
    if (this.device) return this.current;
    const which = `USB vendor ${hex(this.vendorId)}${this.productId === undefined ? '' : `, product ${hex(this.productId)}`}`;
    let found: HidDeviceInfo[];
    try {
      found = await findCardReaders(this.vendorId, this.productId, this.timeoutMs);
    } catch (err) {
      return this.setStatus('error', err instanceof Error ? err.message : 'The USB device list could not be read.');
    }
    const target = found.find((d) => d.path);
    if (!target?.path) {
      return this.setStatus('not_found', `No card reader found (${which}). Plug the card reader in, or check its vendor and product id in settings.`);
    }
    try {
      const device = await withTimeout(nodeHid.HIDAsync.open(target.path), this.timeoutMs, () =>
        new AppError('device_error', 'Opening the card reader took too long.'));
      this.device = device;
      device.on('data', (report: Buffer) => this.handleReport(report));
      device.on('error', () => this.lost());
      return this.setStatus('connected', `Card reader ready (${target.product ?? which}).`);
    } catch {
      return this.setStatus('error', `The card reader (${which}) was found but could not be opened. Check that no other program is using it and that this user may access USB devices.`);
    }
  }

  /**
   * Parses, classifies and emits one input report, then zeroes the buffer so
   * card data does not linger in memory.
   */
  handleReport(report: Uint8Array): CardReaderEvent {
    let event: CardReaderEvent;
    try {
      const parsed = parseMagtekReport(report);
      const [t1, t2] = parsed.tracks;
      const card = classifyCard({ track1: t1.data, track2: t2.data }, this.formats);
      event = { type: 'card', card };
    } catch (err) {
      event = {
        type: 'read_error',
        message: err instanceof AppError ? err.message : 'The card reader sent something unreadable. Swipe the card again.',
      };
    } finally {
      report.fill(0);
    }
    this.onEvent(event);
    return event;
  }

  /** Stops listening and releases the device. */
  async close(): Promise<void> {
    const device = this.device;
    this.device = undefined;
    if (device) {
      quiet(device);
      await withTimeout(device.close(), this.timeoutMs, () => new AppError('device_error', 'Closing the card reader took too long.')).catch(() => undefined);
    }
    this.setStatus('closed', 'The card reader is closed.');
  }

  private lost(): void {
    const device = this.device;
    this.device = undefined;
    if (device) quiet(device);
    void device?.close().catch(() => undefined);
    this.setStatus('disconnected', 'The card reader was unplugged or stopped answering. Plug it in again, then reconnect it from the status bar.');
  }

  private setStatus(state: CardReaderState, message: string): CardReaderStatus {
    this.current = { type: 'status', state, message };
    this.onEvent(this.current);
    return this.current;
  }
}
