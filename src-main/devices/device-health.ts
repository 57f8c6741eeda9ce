// What the status bar says about each device, in plain words. Pure mapping
// from driver states to DeviceHealth, kept apart from the service that owns
// the drivers so the wording lives in one place.

import type { TerminalPrompt, TerminalStatus } from '../../drivers/terminal.ts';
import type { PrinterStatus } from '../../drivers/printer/escpos-printer.ts';
import type { CardReaderStatus } from '../../drivers/hid/hid-card-reader.ts';
import { deviceAddress } from '../../src-shared/device-settings.ts';
import type { DeviceHealth, DeviceSnapshot } from '../../src-shared/domain.ts';

/** Who a live device is, for the words around its state. */
export type HealthSource = { training: true; id: string; name: string } | { training: false; device: DeviceSnapshot };

/** A kind that has no device in use. */
export function notConfigured(what: 'PIN pad' | 'receipt printer' | 'card reader'): DeviceHealth {
  return { configured: false, state: 'none', detail: `No ${what} is assigned to this register. A manager can add one in Settings.` };
}

function base(src: HealthSource): Pick<DeviceHealth, 'configured' | 'id' | 'name'> {
  return src.training ? { configured: true, id: src.id, name: src.name } : { configured: true, id: src.device.id, name: src.device.name };
}

function prefix(src: HealthSource): string {
  return src.training ? 'TRAINING (simulator, no real card is charged): ' : '';
}

function noAnswerAdvice(src: HealthSource, what: string): string {
  // Usually a training scenario (PIN pad offline, missing payment) did this on purpose: Normal undoes it.
  if (src.training) return `The training ${what} stopped answering. Choose Normal in the training panel to bring it back, or restart the app.`;
  const where = deviceAddress(src.device);
  return src.device.settings.transport === 'serial'
    ? `No answer from the ${what} on ${where}. Check the cable and the serial port setting.`
    : `No answer from the ${what} at ${where}. Check the cable and the IP address on the ${what}.`;
}

/** What the PIN pad asks of the customer, in the words the cashier sees live (status bar, payment dialog). */
export const PROMPT_WORDS: Readonly<Record<TerminalPrompt, string>> = {
  present_card: 'Insert, tap or swipe the card',
  enter_pin: 'Customer is entering the PIN',
  authorising: 'Authorising with the bank…',
  signature: 'Customer is signing on the PIN pad',
  remove_card: 'Remove the card',
  processing: 'Processing…',
};

/** Before the first answer from a PIN pad. */
export function connecting(src: HealthSource, what: string): DeviceHealth {
  return { ...base(src), state: 'disconnected', detail: `${prefix(src)}Connecting to the ${what}…` };
}

/** A PIN pad's status. */
export function terminalHealth(src: HealthSource, status: TerminalStatus): DeviceHealth {
  switch (status.state) {
    case 'connected':
      return { ...base(src), state: 'connected', detail: `${prefix(src)}Ready.` };
    case 'busy':
      // A prompt is the customer's step, shown as is under "Please Complete Payment"; the TRAINING badge already says training.
      return { ...base(src), state: 'busy', detail: status.prompt ? PROMPT_WORDS[status.prompt] : `${prefix(src)}Busy: ${status.command}.` };
    case 'disconnected':
      return status.reason === 'not contacted yet'
        ? connecting(src, 'PIN pad')
        : { ...base(src), state: 'disconnected', detail: `${prefix(src)}${noAnswerAdvice(src, 'PIN pad')}` };
  }
}

/** A printer's answer to a status request. */
export function printerHealth(src: HealthSource, status: PrinterStatus): DeviceHealth {
  if (status.ready) return { ...base(src), state: 'connected', detail: `${prefix(src)}${status.message}` };
  if (status.problem === 'offline') return { ...base(src), state: 'disconnected', detail: `${prefix(src)}${noAnswerAdvice(src, 'printer')}` };
  return { ...base(src), state: 'error', detail: `${prefix(src)}${status.message}` };
}

/** A card reader's status event. */
export function cardReaderHealth(src: HealthSource, status: CardReaderStatus): DeviceHealth {
  const state: DeviceHealth['state'] =
    status.state === 'connected' ? 'connected' : status.state === 'error' ? 'error' : 'disconnected';
  return { ...base(src), state, detail: status.message };
}
