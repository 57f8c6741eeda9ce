// What the store needs from the IPC client, so slices depend on the contract,
// not on a transport.

import type { IpcClient } from '../../src-shared/ipc-client.ts';

/** The commands-and-events face of the IPC client. */
export type HostApi = Pick<IpcClient, 'call' | 'on' | 'setSession'>;

/** Plain words for a failed command: the host's ErrorPayload message, or the error's own. */
export function errorMessage(err: unknown): string {
  if (typeof err === 'string' && err) return err;
  if (err instanceof Error && err.message) return err.message;
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') {
    return (err as { message: string }).message;
  }
  return 'Something went wrong talking to the register host. Try again.';
}
