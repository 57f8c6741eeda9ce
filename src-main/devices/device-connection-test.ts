// "Test connection" for each kind of device: really talk to it, bounded by a
// timeout, and answer in words a manager can act on. The driver's own
// exceptions are translated here, in one place, so the Settings screen never
// shows a stack trace or an errno on its own.

import { performance } from 'node:perf_hooks';
import { OutcomeUnknownError, TerminalUnavailableError, type PaymentTerminal } from '../../drivers/terminal.ts';
import { findCardReaders } from '../../drivers/hid/hid-card-reader.ts';
import type { EscPosPrinter } from '../../drivers/printer/escpos-printer.ts';
import { withTimeout } from '../../drivers/with-timeout.ts';
import { deviceAddress, usbHex, type CardReaderSettings, type DeviceDraft } from '../../src-shared/device-settings.ts';
import type { DeviceTestResult } from '../../src-shared/domain.ts';

class TestTimeout extends Error {}

/** "5 s", "0.5 s". */
export function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** What to check when a device does not answer, by how it is connected. */
function advice(draft: Pick<DeviceDraft, 'kind' | 'settings'>): string {
  const what = draft.kind === 'printer' ? 'printer' : 'PIN pad';
  return draft.settings.transport === 'serial'
    ? `Check the cable and the serial port setting of the ${what}.`
    : `Check the cable and the IP address on the ${what}.`;
}

function errnoOf(err: unknown): string | undefined {
  const cause = (err as { cause?: { code?: unknown } }).cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

async function timed(fn: () => Promise<Omit<DeviceTestResult, 'elapsedMs'>>): Promise<DeviceTestResult> {
  const started = performance.now();
  const result = await fn();
  return { ...result, elapsedMs: Math.round(performance.now() - started) };
}

/** Asks a PIN pad who it is (PAX A00), within timeoutMs. */
export function testPinPad(terminal: PaymentTerminal, draft: Pick<DeviceDraft, 'kind' | 'settings'>, timeoutMs: number): Promise<DeviceTestResult> {
  const where = deviceAddress(draft);
  const noAnswer = `No answer from ${where} within ${seconds(timeoutMs)}. ${advice(draft)}`;
  return timed(async () => {
    try {
      const id = await withTimeout(terminal.identify(), timeoutMs, () => new TestTimeout());
      const vendor = id.vendor.toUpperCase();
      const model = id.model.toUpperCase().startsWith(vendor) ? id.model : `${vendor} ${id.model}`;
      return {
        ok: true,
        message: `Connected: ${model}, serial ${id.serialNumber || 'not reported'}.`,
        identity: { model: id.model, serialNumber: id.serialNumber, protocolVersion: id.protocolVersion },
      };
    } catch (err) {
      return { ok: false, message: pinPadFailure(err, where, noAnswer, draft) };
    }
  });
}

function pinPadFailure(err: unknown, where: string, noAnswer: string, draft: Pick<DeviceDraft, 'kind' | 'settings'>): string {
  if (err instanceof TestTimeout) return noAnswer;
  const errno = errnoOf(err);
  if (errno === 'ECONNREFUSED') return `${where} refused the connection: nothing is listening there. Check that the PIN pad is on and that its IP address and port are right.`;
  if (errno === 'EHOSTUNREACH' || errno === 'ENETUNREACH') return `${where} cannot be reached from this register (${errno}). Check the network cable and the IP address on the PIN pad.`;
  if (errno === 'ENOTFOUND' || errno === 'EAI_AGAIN') return `The host name in ${where} is unknown. Enter the PIN pad's IP address instead.`;
  if (err instanceof TerminalUnavailableError) {
    // The serial driver's words already name the port and what to check.
    return draft.settings.transport === 'serial' ? err.message : noAnswer;
  }
  if (err instanceof OutcomeUnknownError && (err.reason === 'timeout' || err.reason === 'link_lost')) return noAnswer;
  if (err instanceof OutcomeUnknownError) return `Something at ${where} answered, but not like a PAX PIN pad (${err.message}). Check the model, the port and the protocol setting.`;
  return `The test of ${where} failed: ${err instanceof Error ? err.message : String(err)}.`;
}

/** Asks a printer for its real-time status (DLE EOT). */
export function testPrinter(printer: EscPosPrinter, draft: Pick<DeviceDraft, 'kind' | 'settings'>, timeoutMs: number): Promise<DeviceTestResult> {
  const where = deviceAddress(draft);
  return timed(async () => {
    try {
      const status = await withTimeout(printer.status(), timeoutMs, () => new TestTimeout());
      if (status.ready) return { ok: true, message: `Connected: ${status.message}` };
      if (status.problem === 'offline') return { ok: false, message: `No answer from the printer at ${where}. ${advice(draft)} (${status.message})` };
      return { ok: false, message: `Connected, but the printer cannot print: ${status.message}` };
    } catch (err) {
      if (err instanceof TestTimeout) return { ok: false, message: `No answer from the printer at ${where} within ${seconds(timeoutMs)}. ${advice(draft)}` };
      return { ok: false, message: `The test of the printer at ${where} failed: ${err instanceof Error ? err.message : String(err)}.` };
    }
  });
}

/** Looks for the reader's vendor and product id among the plugged-in USB HID devices. */
export function testCardReader(settings: CardReaderSettings, timeoutMs: number): Promise<DeviceTestResult> {
  const which = `vendor ${usbHex(settings.vendorId)}${settings.productId === undefined ? '' : ` product ${usbHex(settings.productId)}`}`;
  return timed(async () => {
    try {
      const found = await findCardReaders(settings.vendorId, settings.productId, timeoutMs);
      if (found.length === 0) {
        return { ok: false, message: `No card reader with ${which} is plugged in. Plug it in, or check the vendor and product id on its label.` };
      }
      const name = [found[0].manufacturer, found[0].product].filter(Boolean).join(' ') || 'card reader';
      return { ok: true, message: `Connected: ${name} (USB ${usbHex(found[0].vendorId)}:${usbHex(found[0].productId)}) is plugged in.` };
    } catch (err) {
      return { ok: false, message: err instanceof Error ? err.message : `The USB device list could not be read (${String(err)}).` };
    }
  });
}
