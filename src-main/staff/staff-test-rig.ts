// Test support: a real manager on a test host, signed in through the real IPC
// commands (training's demo manager adds them, then they sign in by PIN).

import type { IpcClient } from '../../src-shared/ipc-client.ts';
import type { ManagerSession } from '../../src-shared/staff.ts';
import { TRAINING_MANAGER_PIN } from './staff-service.ts';

/** PIN of the manager signInTestManager adds. */
export const TEST_MANAGER_PIN = '13579';

/** Cheap scrypt cost for tests' host configs (the production default is far slower on purpose). */
export const TEST_HASH_PARAMS = { N: 1024, r: 8, p: 1 } as const;

/**
 * Signs a client in as a real manager: the training demo manager adds "Test
 * Manager" (the host must be in training mode with no manager yet) when none
 * answers to TEST_MANAGER_PIN, then that manager signs in. Sets the client's session.
 */
export async function signInTestManager(client: IpcClient): Promise<ManagerSession> {
  try {
    const session = await client.call('staff.signIn', { pin: TEST_MANAGER_PIN });
    client.setSession(session.token);
    return session;
  } catch {
    const demo = await client.call('staff.signIn', { pin: TRAINING_MANAGER_PIN });
    client.setSession(demo.token);
    await client.call('staff.add', { name: 'Test Manager', role: 'manager', pin: TEST_MANAGER_PIN });
    const session = await client.call('staff.signIn', { pin: TEST_MANAGER_PIN });
    client.setSession(session.token);
    return session;
  }
}
