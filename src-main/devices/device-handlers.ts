// The device commands of Settings (F7): list, save, remove, assign, test.
// Every change is a manager action (the dispatcher ran the guard): its event
// names the manager as actor.

import type { Handlers } from '../../src-shared/ipc-contract.ts';
import { managerActor } from '../staff/staff-handlers.ts';
import type { DeviceService } from './device-service.ts';

/** Device commands. */
export function deviceHandlers(devices: DeviceService): Pick<Handlers, 'device.list' | 'device.save' | 'device.remove' | 'device.assign' | 'device.test'> {
  return {
    'device.list': () => devices.list(),
    'device.save': ({ deviceId, device }, ctx) => devices.save(deviceId, device, managerActor(ctx).staffId),
    'device.remove': ({ deviceId }, ctx) => devices.remove(deviceId, managerActor(ctx).staffId),
    'device.assign': ({ deviceId, assigned }, ctx) => devices.assign(deviceId, assigned, managerActor(ctx).staffId),
    'device.test': (req, ctx) => devices.test(req, managerActor(ctx).staffId),
  };
}
