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

/** A command's outcome for a screen: the value, or the host's words. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; message: string };

/** Runs a command and answers its outcome instead of throwing (forms show the words). */
export async function outcomeOf<T>(task: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await task() };
  } catch (err) {
    return { ok: false, message: errorMessage(err) };
  }
}
