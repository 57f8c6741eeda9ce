// The devices of this register: settings saved in the journal, live drivers
// for the assigned ones (or training simulators when no PIN pad is assigned),
// connection tests, and the live status the status bar shows.
//
// Live drivers are re-attached whenever assignments or settings change, one
// change at a time. An "attached device" is the driver bound to one role of the
// register (PIN pad, printer, card reader): not a ticket's payment slot, and
// re-attaching is not a native-module rebuild. A PIN pad in the middle of a
// payment is never swapped or closed: such a change is refused until it is
// idle. Callers look the terminal up per use (terminal(id) / activeTerminal())
// because the instance can change.
//
// A PIN pad is locked for this app before its driver opens and unlocked when it
// closes (pin-pad-lock.ts, seed 002 table 4-14): one held by another app is not
// opened; its status and its connection test say who holds it, and the service
// tries again at every probe until the other app lets go.

import { createPaxTerminal } from '../../drivers/pax/pax-terminal-factory.ts';
import { serialPrinter, tcpPrinter, type EscPosPrinter } from '../../drivers/printer/escpos-printer.ts';
import { HidCardReader, type CardReaderEvent } from '../../drivers/hid/hid-card-reader.ts';
import type { PaymentTerminal } from '../../drivers/terminal.ts';
import type { DeviceDraft, PinPadSettings, PrinterSettings, CardReaderSettings } from '../../src-shared/device-settings.ts';
import type { DeviceHealth, DeviceSnapshot, DeviceTestResult } from '../../src-shared/domain.ts';
import { AppError } from '../../src-shared/errors.ts';
import { testCardReader, testPinPad, testPrinter } from './device-connection-test.ts';
import { cardReaderHealth, connecting, notConfigured, printerHealth, terminalHealth, type HealthSource } from './device-health.ts';
import type { DeviceRepository } from './device-repository.ts';
import { MonitoredTerminal } from './monitored-terminal.ts';
import { FilePinPadLockRegistry, pinPadAddress, pinPadInUseError, type PinPadLock, type PinPadLockRegistry } from './pin-pad-lock.ts';
import { TRAINING_PRINTER_ID, TRAINING_TERMINAL_ID, TrainingDevices, type TrainingOptions } from './training-devices.ts';

/** How the service decides on training mode. */
export type TrainingMode = 'auto' | 'on' | 'off';

/** Options of the device service. */
export interface DeviceServiceOptions {
  /** The journal's device rows; throws journal_unavailable when the journal could not be opened. */
  repository: () => DeviceRepository;
  /** 'auto' (default): simulators when no PIN pad is assigned; 'on': always; 'off': never. */
  training?: TrainingMode;
  trainingOptions?: TrainingOptions;
  /** How often idle devices are asked for their status, ms (default 15 000; 0 = never). */
  probeIntervalMs?: number;
  /** Longest "Test connection", ms (default 5 000). */
  testTimeoutMs?: number;
  clock?: () => Date;
  /** One line per internal failure (never card data). */
  log?: (line: string) => void;
  /**
   * Where PIN pad locks are taken; default a FilePinPadLockRegistry for this
   * machine named `application`; false: no locking (a test of something else).
   */
  pinPadLocks?: PinPadLockRegistry | false;
  /** The name other apps see when this one holds a PIN pad (default "Cashier Desk"). */
  application?: string;
}

/** What the status bar shows about devices. */
export interface DevicesHealth {
  trainingMode: boolean;
  terminal: DeviceHealth;
  printer: DeviceHealth;
  cardReader: DeviceHealth;
}

type Source = DeviceSnapshot | 'training';

/** The driver attached to one role of the register (PIN pad, printer, card reader), with where it came from and its health. */
interface AttachedDevice<T> {
  source: Source;
  driver: T;
  health: DeviceHealth;
  release: () => Promise<void>;
}

const TRAINING_SOURCE = (id: string, name: string): HealthSource => ({ training: true, id, name });

function sameSource(a: Source | undefined, b: Source | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a === 'training' || b === 'training') return a === b;
  return a.id === b.id && a.updatedAt === b.updatedAt;
}

function healthSource(src: Source, trainingId: string, trainingName: string): HealthSource {
  return src === 'training' ? TRAINING_SOURCE(trainingId, trainingName) : { training: false, device: src };
}

/** Printer drivers already wrapped to re-probe after a print (the training printer outlives a re-attach). */
const PROBED_AFTER_PRINT = new WeakSet<EscPosPrinter>();

/** Devices of this register (see file comment). */
export class DeviceService {
  private readonly o: DeviceServiceOptions;
  private readonly mode: TrainingMode;
  private pinPad: AttachedDevice<MonitoredTerminal> | undefined;
  /** The assigned PIN pad another app holds: not opened; shown with who holds it. */
  private pinPadRefused: { source: DeviceSnapshot; detail: string } | undefined;
  private readonly locks: PinPadLockRegistry | undefined;
  private attachedPrinter: AttachedDevice<EscPosPrinter> | undefined;
  private cardReader: AttachedDevice<HidCardReader> | undefined;
  private rig: TrainingDevices | undefined;
  private rigProblem: string | undefined;
  private trainingOn: boolean;
  private readonly listeners = new Set<(h: DevicesHealth) => void>();
  private readonly readerListeners = new Set<(e: CardReaderEvent) => void>();
  private lastEmitted = '';
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(opts: DeviceServiceOptions) {
    this.o = opts;
    this.mode = opts.training ?? 'auto';
    this.locks = opts.pinPadLocks === false ? undefined : (opts.pinPadLocks ?? new FilePinPadLockRegistry({ application: opts.application ?? 'Cashier Desk', clock: opts.clock }));
    // Known before start() so the first status already says TRAINING.
    this.trainingOn = this.wantsTraining(this.assignedOrNone());
  }

  /** Builds the live drivers for the assigned devices (or training) and starts probing. */
  async start(): Promise<void> {
    await this.queueAttach();
    const every = this.o.probeIntervalMs ?? 15_000;
    if (every > 0 && !this.closed) {
      this.timer = setInterval(() => void this.probeAll(), every);
      this.timer.unref();
    }
  }

  /** Current device health. */
  health(): DevicesHealth {
    let terminal = this.pinPad?.health ?? notConfigured('PIN pad');
    const refused = this.pinPadRefused;
    if (!this.pinPad && refused) terminal = { configured: true, id: refused.source.id, name: refused.source.name, state: 'error', detail: refused.detail };
    else if (!this.pinPad && this.rigProblem) terminal = { configured: true, id: TRAINING_TERMINAL_ID, state: 'error', detail: this.rigProblem };
    return {
      trainingMode: this.trainingOn,
      terminal,
      printer: this.attachedPrinter?.health ?? notConfigured('receipt printer'),
      cardReader: this.cardReader?.health ?? notConfigured('card reader'),
    };
  }

  /** Listens to health changes; returns an unsubscribe. */
  onChange(cb: (h: DevicesHealth) => void): () => void {
    this.listeners.add(cb);
    return () => void this.listeners.delete(cb);
  }

  /** Listens to the card reader's events (cards swiped, read errors); returns an unsubscribe. */
  onCardReaderEvent(cb: (e: CardReaderEvent) => void): () => void {
    this.readerListeners.add(cb);
    return () => void this.readerListeners.delete(cb);
  }

  /** The PIN pad with this id, if it is the one in use. */
  terminal(id: string): PaymentTerminal | undefined {
    return this.pinPad?.driver.id === id ? this.pinPad.driver : undefined;
  }

  /** The PIN pad in use (the training one in training mode). */
  activeTerminal(): PaymentTerminal | undefined {
    return this.pinPad?.driver;
  }

  /** The receipt printer in use. */
  printer(): EscPosPrinter | undefined {
    return this.attachedPrinter?.driver;
  }

  /** The training simulators, when training mode is on. */
  training(): TrainingDevices | undefined {
    return this.rig;
  }

  /** Devices not removed. */
  list(): DeviceSnapshot[] {
    return this.o.repository().list();
  }

  /** Adds (no id) or changes a device; an assigned one is reconnected with its new settings. */
  async save(deviceId: string | undefined, draft: DeviceDraft, actor?: string): Promise<DeviceSnapshot> {
    const repo = this.o.repository();
    return this.change(async () => {
      if (deviceId === undefined) return repo.add(draft, actor);
      const before = repo.get(deviceId);
      if (before.assigned && before.kind === 'pin_pad') this.assertPinPadIdle('change its settings');
      return repo.update(deviceId, draft, actor);
    });
  }

  /** Puts a device in use (replacing the one of its kind) or takes it out of use. */
  async assign(deviceId: string, assigned: boolean, actor?: string): Promise<DeviceSnapshot> {
    const repo = this.o.repository();
    return this.change(async () => {
      const device = repo.get(deviceId);
      if (device.kind === 'pin_pad' && device.assigned !== assigned) this.assertPinPadIdle(assigned ? 'switch PIN pads' : 'take it out of use');
      return repo.assign(deviceId, assigned, actor).device;
    });
  }

  /** Marks a device removed (out of use first). */
  async remove(deviceId: string, actor?: string): Promise<DeviceSnapshot> {
    const repo = this.o.repository();
    return this.change(async () => {
      const device = repo.get(deviceId);
      if (device.kind === 'pin_pad' && device.assigned) this.assertPinPadIdle('remove it');
      return repo.remove(deviceId, actor);
    });
  }

  /** Really connects to a saved device (journaling the outcome) or to unsaved settings. */
  async test(req: { deviceId?: string; device?: DeviceDraft }, actor?: string): Promise<DeviceTestResult> {
    if (req.device) return this.testDraft(req.device);
    const repo = this.o.repository();
    const device = repo.get(req.deviceId ?? '');
    if (device.removed) throw new AppError('conflict', `Device "${device.name}" was removed. Add it again to test it.`);
    const result = await this.testSaved(device);
    if (!this.closed) repo.recordTest(device.id, result.ok, result.message, actor);
    return result;
  }

  /** Asks every idle live device for its status now, and asks again for a PIN pad another app held. */
  async probeAll(): Promise<void> {
    if (this.closed) return;
    if (this.pinPadRefused) await this.queueAttach();
    await this.probeDevices();
  }

  private async probeDevices(): Promise<void> {
    if (this.closed) return;
    const pin = this.pinPad;
    const printer = this.attachedPrinter;
    const reader = this.cardReader;
    await Promise.allSettled([
      pin?.driver.probe(),
      printer && this.probePrinter(printer),
      reader && reader.driver.status.state !== 'connected' ? reader.driver.open() : undefined,
    ]);
  }

  /** Stops probing and releases every driver and simulator. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.listeners.clear();
    this.readerListeners.clear();
    await this.queue.catch(() => undefined);
    await Promise.allSettled([this.pinPad?.release(), this.attachedPrinter?.release(), this.cardReader?.release()]);
    this.pinPad = this.attachedPrinter = this.cardReader = undefined;
    await this.rig?.close();
    this.rig = undefined;
  }

  // ---------------------------------------------------------------------------

  /** One change at a time: write to the journal, then re-attach the live drivers. */
  private change<T>(write: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      if (this.closed) throw new AppError('journal_unavailable', 'The register host has shut down. Restart the app.');
      const result = await write();
      await this.attachDevices();
      return result;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private queueAttach(): Promise<void> {
    const run = this.queue.then(() => this.attachDevices());
    this.queue = run.catch(() => undefined);
    return run;
  }

  private assertPinPadIdle(action: string): void {
    if (this.pinPad?.driver.busy) {
      throw new AppError('conflict', `The PIN pad is in the middle of a payment. Wait until it finishes, then ${action}.`);
    }
  }

  private assignedOrNone(): DeviceSnapshot[] {
    try {
      return this.o.repository().assigned();
    } catch {
      // No journal: nothing is configured as far as this register knows.
      return [];
    }
  }

  private wantsTraining(assigned: DeviceSnapshot[]): boolean {
    return this.mode === 'on' || (this.mode === 'auto' && !assigned.some((d) => d.kind === 'pin_pad'));
  }

  private async attachDevices(): Promise<void> {
    if (this.closed) return;
    const assigned = this.assignedOrNone();
    const training = this.wantsTraining(assigned);
    this.trainingOn = training;
    if (training && !this.rig) {
      try {
        this.rig = await TrainingDevices.start({ clock: this.o.clock, ...this.o.trainingOptions });
        this.rigProblem = undefined;
      } catch (err) {
        this.rigProblem = `TRAINING: the simulators could not start (${err instanceof Error ? err.message : String(err)}). Restart the app.`;
        this.o.log?.(`devices: ${this.rigProblem}`);
      }
      if (this.closed) {
        await this.rig?.close();
        this.rig = undefined;
        return;
      }
    }
    const of = (kind: DeviceSnapshot['kind']) => assigned.find((d) => d.kind === kind);
    const wantPin: Source | undefined = training ? (this.rig ? 'training' : undefined) : of('pin_pad');
    const wantPrinter: Source | undefined = of('printer') ?? (training && this.rig ? 'training' : undefined);
    const wantReader = of('card_reader');

    if (!sameSource(this.pinPad?.source, wantPin) || this.pinPadRefused) {
      // Also when the assigned PIN pad was refused: another try at its lock.
      await this.pinPad?.release();
      this.pinPad = undefined;
      this.pinPadRefused = undefined;
      if (wantPin) this.pinPad = await this.attachPinPad(wantPin);
    }
    if (!sameSource(this.attachedPrinter?.source, wantPrinter)) {
      await this.attachedPrinter?.release();
      this.attachedPrinter = wantPrinter && this.buildPrinter(wantPrinter);
    }
    if (!sameSource(this.cardReader?.source, wantReader)) {
      await this.cardReader?.release();
      this.cardReader = wantReader && this.buildCardReader(wantReader);
    }
    if (!training && this.rig) {
      const rig = this.rig;
      this.rig = undefined;
      await rig.close();
    }
    if (!training) this.rigProblem = undefined;
    this.emit();
    void this.probeDevices();
  }

  /** Locks a real PIN pad for this app, then opens its driver; undefined (and the refusal shown) when another app holds it. */
  private async attachPinPad(src: Source): Promise<AttachedDevice<MonitoredTerminal> | undefined> {
    if (src === 'training' || !this.locks) return this.buildPinPad(src);
    let lock: PinPadLock;
    try {
      lock = await this.locks.acquire(pinPadAddress(src.settings as PinPadSettings));
    } catch (err) {
      const detail = err instanceof AppError ? err.message : `The PIN pad could not be locked for this workstation (${err instanceof Error ? err.message : String(err)}).`;
      this.pinPadRefused = { source: src, detail };
      this.o.log?.(`devices: PIN pad ${src.id} not opened: ${detail}`);
      return undefined;
    }
    if (this.closed) {
      await lock.release();
      return undefined;
    }
    return this.buildPinPad(src, lock);
  }

  private buildPinPad(src: Source, lock?: PinPadLock): AttachedDevice<MonitoredTerminal> {
    const terminal =
      src === 'training'
        ? this.rig!.terminal
        : new MonitoredTerminal(createPaxTerminal({ id: src.id, ...pinPadConfig(src.settings as PinPadSettings), clock: this.o.clock }));
    const hs = healthSource(src, TRAINING_TERMINAL_ID, 'Training PIN pad (simulated PAX A920)');
    const attached: AttachedDevice<MonitoredTerminal> = {
      source: src,
      driver: terminal,
      health: connecting(hs, 'PIN pad'),
      release: async () => {
        off();
        // The training terminal belongs to the simulators and closes with them.
        try {
          if (src !== 'training') await terminal.close();
        } finally {
          // Unlocked only once the driver let go of the PIN pad.
          await lock?.release();
        }
      },
    };
    const off = terminal.onStatus((status) => {
      attached.health = terminalHealth(hs, status);
      this.emit();
    });
    if (terminal.status().state !== 'disconnected') attached.health = terminalHealth(hs, terminal.status());
    return attached;
  }

  private buildPrinter(src: Source): AttachedDevice<EscPosPrinter> {
    const printer = src === 'training' ? this.rig!.printer : makePrinter(src.settings as PrinterSettings);
    const hs = healthSource(src, TRAINING_PRINTER_ID, 'Training receipt printer (simulated)');
    const attached: AttachedDevice<EscPosPrinter> = {
      source: src,
      driver: printer,
      health: { ...connecting(hs, 'printer') },
      release: async () => {
        if (src !== 'training') await printer.close();
      },
    };
    this.probeAfterPrint(printer);
    return attached;
  }

  /**
   * A print is when paper-out (or its end) is learnt: ask the printer at once and
   * push the change, instead of leaving the status bar wrong until the next probe.
   */
  private probeAfterPrint(printer: EscPosPrinter): void {
    if (PROBED_AFTER_PRINT.has(printer)) return;
    PROBED_AFTER_PRINT.add(printer);
    const print = printer.print.bind(printer);
    printer.print = async (receipt) => {
      try {
        return await print(receipt);
      } finally {
        const attached = this.attachedPrinter;
        if (attached?.driver === printer && !this.closed) void this.probePrinter(attached).catch(() => undefined);
      }
    };
  }

  private async probePrinter(attached: AttachedDevice<EscPosPrinter>): Promise<void> {
    const status = await attached.driver.status();
    if (this.attachedPrinter !== attached) return;
    attached.health = printerHealth(healthSource(attached.source, TRAINING_PRINTER_ID, 'Training receipt printer (simulated)'), status);
    this.emit();
  }

  private buildCardReader(device: DeviceSnapshot): AttachedDevice<HidCardReader> {
    const settings = device.settings as CardReaderSettings;
    const hs: HealthSource = { training: false, device };
    let attached: AttachedDevice<HidCardReader> | undefined;
    const reader = new HidCardReader({
      vendorId: settings.vendorId,
      productId: settings.productId,
      timeoutMs: settings.timeouts.openMs,
      onEvent: (event) => {
        if (event.type === 'status') {
          if (attached && this.cardReader === attached) {
            attached.health = cardReaderHealth(hs, event);
            this.emit();
          }
          return;
        }
        for (const l of this.readerListeners) {
          try {
            l(event);
          } catch (err) {
            this.o.log?.(`devices: card reader listener failed: ${err instanceof Error ? err.message : String(err)}`);
          }
        }
      },
    });
    attached = { source: device, driver: reader, health: connecting(hs, 'card reader'), release: () => reader.close() };
    return attached;
  }

  private async testSaved(device: DeviceSnapshot): Promise<DeviceTestResult> {
    const timeoutMs = this.o.testTimeoutMs ?? 5000;
    const liveSource = (attached: AttachedDevice<unknown> | undefined) => attached && attached.source !== 'training' && attached.source.id === device.id;
    if (device.kind === 'pin_pad' && liveSource(this.pinPad)) {
      // A serial port can be open only once: test the live driver, and never while it takes a payment.
      if (this.pinPad!.driver.busy) return { ok: false, message: 'The PIN pad is busy with a payment. Test it again when the payment is finished.', elapsedMs: 0 };
      return testPinPad(this.pinPad!.driver, device, timeoutMs);
    }
    if (device.kind === 'printer' && liveSource(this.attachedPrinter)) return testPrinter(this.attachedPrinter!.driver, device, timeoutMs);
    if (device.kind === 'card_reader' && liveSource(this.cardReader)) {
      const status = await this.cardReader!.driver.open();
      if (status.state === 'connected') return { ok: true, message: `Connected: ${status.message}`, elapsedMs: 0 };
    }
    return this.testDraft(device);
  }

  private async testDraft(draft: DeviceDraft): Promise<DeviceTestResult> {
    const timeoutMs = this.o.testTimeoutMs ?? 5000;
    switch (draft.kind) {
      case 'pin_pad': {
        // A PIN pad another app holds is not disturbed by a second connection: the test says who holds it.
        const address = pinPadAddress(draft.settings);
        const holder = this.locks && !this.locks.heldHere(address) ? await this.locks.holder(address) : undefined;
        if (holder) return { ok: false, message: pinPadInUseError(address, holder).message, elapsedMs: 0 };
        const config = pinPadConfig(draft.settings);
        // Connecting must fit inside the test's own limit.
        const connectMs = Math.min(config.timeouts.connectMs ?? timeoutMs, timeoutMs);
        const terminal = createPaxTerminal({ id: 'connection-test', ...config, timeouts: { ...config.timeouts, connectMs }, clock: this.o.clock });
        try {
          return await testPinPad(terminal, draft, timeoutMs);
        } finally {
          await terminal.close();
        }
      }
      case 'printer': {
        const printer = makePrinter(draft.settings, timeoutMs);
        try {
          return await testPrinter(printer, draft, timeoutMs + 500);
        } finally {
          await printer.close();
        }
      }
      case 'card_reader':
        return testCardReader(draft.settings, timeoutMs);
    }
  }

  private emit(): void {
    if (this.closed) return;
    const health = this.health();
    const text = JSON.stringify(health);
    if (text === this.lastEmitted) return;
    this.lastEmitted = text;
    for (const l of this.listeners) {
      try {
        l(health);
      } catch (err) {
        this.o.log?.(`devices: status listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
}

function pinPadConfig(s: PinPadSettings) {
  return s.transport === 'serial'
    ? { transport: s.transport, serialPath: s.serialPath, baudRate: s.baudRate, timeouts: s.timeouts }
    : { transport: s.transport, host: s.host, port: s.port, timeouts: s.timeouts };
}

function makePrinter(s: PrinterSettings, maxStatusMs?: number): EscPosPrinter {
  const timeoutMs = Math.min(s.timeouts.statusMs ?? 2000, maxStatusMs ?? Infinity);
  const opts = { timeoutMs, writeTimeoutMs: s.timeouts.writeMs };
  return s.transport === 'serial' ? serialPrinter(s.serialPath, s.baudRate, opts) : tcpPrinter(s.host, s.port, opts);
}
