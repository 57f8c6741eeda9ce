// The purser's IPC commands (issue 12). Work in progress: every command answers
// that the purser desk is not available yet, until the purser room is wired.

import { AppError } from '../../src-shared/errors.ts';
import type { Handlers } from '../../src-shared/ipc-contract.ts';
import { purserCommands } from '../../src-shared/purser-contract.ts';

type PurserCommand = keyof typeof purserCommands;

export function purserHandlers(): Pick<Handlers, PurserCommand> {
  const notYet = () => {
    throw new AppError('internal', 'The purser desk is not available yet.');
  };
  return Object.fromEntries(Object.keys(purserCommands).map((k) => [k, notYet])) as unknown as Pick<Handlers, PurserCommand>;
}
