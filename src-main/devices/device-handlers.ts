// The device commands of Settings (F7): list, save, remove, assign, test.

import type { Handlers } from '../../src-shared/ipc-contract.ts';
import type { DeviceService } from './device-service.ts';

/** Device commands. */
export function deviceHandlers(devices: DeviceService): Pick<Handlers, 'device.list' | 'device.save' | 'device.remove' | 'device.assign' | 'device.test'> {
  return {
    'device.list': () => devices.list(),
    'device.save': ({ deviceId, device }) => devices.save(deviceId, device),
    'device.remove': ({ deviceId }) => devices.remove(deviceId),
    'device.assign': ({ deviceId, assigned }) => devices.assign(deviceId, assigned),
    'device.test': (req) => devices.test(req),
  };
}
