// Builds the purser room over one journal: repository, service and the queue
// sender, wired to each other. The host builds one; tests and the folio chaos
// run build their own with an injected clock, timers and sender hook.

import type { PaymentTerminal } from '../../drivers/terminal.ts';
import type { CardOnFileGateway } from '../gateways/card-on-file-gateway.ts';
import type { Journal } from '../journal/journal.ts';
import type { ProcessorLimits } from './purser-authorisation-plan.ts';
import { PurserQueueSender, type SenderHookPoint, type SenderTimers } from './purser-queue-sender.ts';
import { PurserRepository, type RecordRow } from './purser-repository.ts';
import { PurserService, type PurserPinPadLocks } from './purser-service.ts';

/** How the room is built. */
export interface PurserRoomOptions {
  journal: Journal;
  terminal: (id: string) => PaymentTerminal | undefined;
  gateway: () => CardOnFileGateway | undefined;
  currency: string;
  /** The register's code (1-4 letters or digits), the first part of every queue reference. */
  registerCode?: string;
  changed: (guestId: string) => void;
  timers?: SenderTimers;
  hook?: (point: SenderHookPoint, record: RecordRow) => void | Promise<void>;
  log?: (line: string) => void;
  /** What the card provider enforces on one authorisation (default DEFAULT_PROCESSOR_LIMITS). */
  limits?: ProcessorLimits;
  /** One PIN pad per workstation (4-14). */
  pinPads?: PurserPinPadLocks;
  /** The sender's settle time, ms (PurserQueueSenderOptions.settleMs; default the payments' 90 s). */
  settleMs?: number;
}

/** A built room. */
export interface PurserRoom {
  repo: PurserRepository;
  service: PurserService;
  sender: PurserQueueSender;
  close(): Promise<void>;
}

export function buildPurserRoom(o: PurserRoomOptions): PurserRoom {
  const repo = new PurserRepository(o.journal, o.registerCode);
  let service: PurserService | undefined;
  const sender = new PurserQueueSender({
    repo,
    service: () => service!,
    gateway: o.gateway,
    terminal: o.terminal,
    now: () => o.journal.now().getTime(),
    timers: o.timers,
    hook: o.hook,
    changed: o.changed,
    currency: o.currency,
    log: o.log,
    settleMs: o.settleMs,
  });
  service = new PurserService({ repo, terminal: o.terminal, queue: sender, changed: o.changed, log: o.log, limits: o.limits, pinPads: o.pinPads });
  return { repo, service, sender, close: () => sender.close() };
}
