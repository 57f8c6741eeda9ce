// The journal command: verify, off the host's thread, for a signed-in manager.

import type { Handlers } from '../../src-shared/ipc-contract.ts';
import { managerActor } from '../staff/staff-handlers.ts';
import type { Journal } from './journal.ts';

/** Journal commands; the getter throws while the journal is unavailable. */
export function journalHandlers(journal: () => Journal): Pick<Handlers, 'journal.verify'> {
  return {
    // Off the host's thread: a long verify must never delay a PIN pad's answer (issue 10 §3).
    'journal.verify': (_req, ctx) => {
      managerActor(ctx);
      return journal().verifyOffThread();
    },
  };
}
