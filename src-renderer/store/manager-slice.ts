// What the manager screens read: which screen is shown, the orphan queue, and
// this register's devices. Device commands answer their outcome to the caller
// (the settings form shows it beside the fields) instead of the register notice.

import type { DeviceSnapshot, DeviceTestResult, JournalVerifyReport, OrphanSnapshot } from '../../src-shared/domain.ts';
import type { DeviceDraftInput } from '../../src-shared/device-settings.ts';
import type { RequestOf } from '../../src-shared/ipc-contract.ts';
import type { HistorySlice } from './history-slice.ts';
import type { SliceCreator } from './slice-types.ts';
import { outcomeOf, type Outcome } from './host-api.ts';

/** The screens of the window. */
export type Screen = 'register' | 'orphans' | 'settings' | 'history' | 'staff' | 'settlement' | 'endOfDay' | 'batch' | 'inDoubt' | 'purser' | 'purserParameters' | 'storeQueue';

/** How training mode's simulated devices behave for the next payment. */
export type TrainingScenario = RequestOf<'training.simulate'>['scenario'];

/** A training test card by brand and last four (the purser's practice). */
export type TrainingCard = RequestOf<'training.presentCard'>;

/** A command's outcome for a form: the value, or the host's words. */
export type { Outcome } from './host-api.ts';

/** A device test takes as long as the device's connect wait; allow the longest one plus slack. */
const DEVICE_TEST_TIMEOUT_MS = 45_000;

/** Verify reads every row: tens of seconds on a journal of millions of changes. */
const JOURNAL_VERIFY_TIMEOUT_MS = 300_000;

/** Manager screens' state and commands. */
export interface ManagerSlice {
  screen: Screen;
  orphans: OrphanSnapshot[] | null;
  orphansError: string | null;
  devices: DeviceSnapshot[] | null;
  devicesError: string | null;
  showScreen(screen: Screen): void;
  loadOrphans(): Promise<void>;
  loadDevices(): Promise<void>;
  saveDevice(device: DeviceDraftInput, deviceId?: string): Promise<Outcome<DeviceSnapshot>>;
  removeDevice(deviceId: string): Promise<Outcome<DeviceSnapshot>>;
  assignDevice(deviceId: string, assigned: boolean): Promise<Outcome<DeviceSnapshot>>;
  /** Really connects: to a saved device by id, or to unsaved settings. */
  testDevice(target: { deviceId: string } | { device: DeviceDraftInput }): Promise<Outcome<DeviceTestResult>>;
  /** Training mode only: how the simulators behave for the next payment. */
  simulate(scenario: TrainingScenario): Promise<Outcome<{ message: string }>>;
  /** Training mode only, a manager's: the ship offline (false) or back online (true). */
  setShipLink(online: boolean): Promise<Outcome<{ message: string }>>;
  /** Training mode only, a manager's: the card the training PIN pad reads next. */
  presentTrainingCard(card: TrainingCard): Promise<Outcome<{ message: string }>>;
  /** Training mode only, a manager's: the card company declines this card's next authorisation. */
  declineNextAuthorisation(card: TrainingCard): Promise<Outcome<{ message: string }>>;
  /** Checks the whole journal (chain and state rows); runs off the host's thread, so it may take a while. */
  verifyJournal(): Promise<Outcome<JournalVerifyReport>>;
}

/** Creates the manager slice. */
export const createManagerSlice: SliceCreator<ManagerSlice, HistorySlice> = (set, get, api) => {
  const outcome = outcomeOf;
  /** Runs a device change and reloads the list, so the screen shows what main journaled. */
  const change = async <T>(task: () => Promise<T>): Promise<Outcome<T>> => {
    const result = await outcome(task);
    await get().loadDevices();
    return result;
  };

  return {
    screen: 'register',
    orphans: null,
    orphansError: null,
    devices: null,
    devicesError: null,

    showScreen(screen) {
      set({ screen });
      if (screen === 'orphans') void get().loadOrphans();
      if (screen === 'settings') void get().loadDevices();
      if (screen === 'history') void get().loadHistory();
    },

    async loadOrphans() {
      const r = await outcome(() => api.call('orphan.list', {}));
      set(r.ok ? { orphans: r.value, orphansError: null } : { orphansError: r.message });
    },

    async loadDevices() {
      const r = await outcome(() => api.call('device.list', {}));
      set(r.ok ? { devices: r.value, devicesError: null } : { devicesError: r.message });
    },

    saveDevice: (device, deviceId) => change(() => api.call('device.save', deviceId ? { deviceId, device } : { device })),
    removeDevice: (deviceId) => change(() => api.call('device.remove', { deviceId })),
    assignDevice: (deviceId, assigned) => change(() => api.call('device.assign', { deviceId, assigned })),
    simulate: (scenario) => outcome(() => api.call('training.simulate', { scenario })),
    setShipLink: (online) => outcome(() => api.call('training.shipLink', { online })),
    presentTrainingCard: (card) => outcome(() => api.call('training.presentCard', card)),
    declineNextAuthorisation: (card) => outcome(() => api.call('training.declineNext', card)),
    testDevice: (target) => outcome(() => api.call('device.test', target, { timeoutMs: DEVICE_TEST_TIMEOUT_MS })),
    verifyJournal: () => outcome(() => api.call('journal.verify', {}, { timeoutMs: JOURNAL_VERIFY_TIMEOUT_MS })),
  };
};
