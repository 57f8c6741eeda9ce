// The line protocol between the chaos driver and the chaos host: one JSON
// object per line each way. Requests carry an id; the host answers each with
// {re: id, ok, value | error} and pushes attempt snapshots as {event: ...}.

import type { AttemptSnapshot, TicketSnapshot } from '../../src-shared/domain.ts';
import type { AttemptRow } from '../../src-main/journal/attempt-repository.ts';
import type { BatchLine, BatchSnapshot } from '../../src-shared/batch-types.ts';
import type { ReversalResult } from '../../src-shared/reversal-types.ts';

/** Ids of the three PIN pads, one per transport. */
export const PAD_IDS = ['pad-tcp', 'pad-serial', 'pad-http'] as const;

/** One PIN pad id. */
export type PadId = (typeof PAD_IDS)[number];

/** Named points where the host SIGKILLs itself when armed (issue 14 §3). */
export const KILL_POINTS = ['after_commit', 'pad_charged', 'find_missing_attach', 'startup_recovery', 'reversal_sent'] as const;

/** One named kill point. */
export type KillPoint = (typeof KILL_POINTS)[number];

/** Environment variable (read only by chaos-host.ts) arming kill points at spawn, comma-separated. */
export const KILL_ENV = 'CHAOS_KILL_AT';

/** Environment variable (read only by chaos-host.ts) naming a deliberately broken register for the harness's own tests. */
export const BROKEN_ENV = 'CHAOS_BROKEN_REGISTER';

/** What the driver can ask the host. */
export type HostRequest =
  | { cmd: 'createTicket'; total: number }
  | { cmd: 'start'; ticketId: string; amount: number; terminalId: PadId; cancelAfterMs?: number; killAt?: KillPoint; confirmDuplicate?: boolean }
  // Store runs: push charges and queue items, wait until the relay has everything committed so far.
  | { cmd: 'storeFlush'; timeoutMs: number }
  | { cmd: 'ticket'; ticketId: string }
  | { cmd: 'waitResolved'; attemptId: string; timeoutMs: number }
  | { cmd: 'settle'; timeoutMs: number }
  | { cmd: 'findMissing' }
  | { cmd: 'dump' }
  | { cmd: 'shutdown' }
  // Manager commands, sent through the register's IPC dispatcher with a signed-in manager's session.
  | { cmd: 'reverse'; attemptId: string; amount?: number; reason: string; killAt?: KillPoint }
  | { cmd: 'batchOpen'; terminalId: PadId }
  | { cmd: 'batchResolve'; lineId: string; resolution: string }
  | { cmd: 'batchSignOff'; lineId: string; reason: string }
  | { cmd: 'batchClose'; terminalId: PadId };

/** A ticket with its attempts, as the driver sees it. */
export interface TicketView {
  ticket: TicketSnapshot;
  attempts: AttemptRow[];
}

/** An orphan charge as the host's orphan queue holds it. */
export interface OrphanView {
  refNum: string;
  invoice: string;
  amount: number;
}

/** Everything the reconciliation needs from the journal. */
export interface JournalDump {
  tickets: TicketSnapshot[];
  attempts: AttemptRow[];
  orphans: OrphanView[];
  /** Batches with their lines and the sale invoices each covers (absent in dumps of runs without batch close). */
  batches?: BatchView[];
  /** Original attempts an approved void reversed (a refunded one keeps its charge standing at the processor). */
  voided?: string[];
}

/** A PIN pad batch as the tally reads it. */
export interface BatchView {
  id: string;
  terminalId: string;
  status: 'open' | 'closed';
  lines: BatchLine[];
  /** Invoices of the sale attempts the batch covers (the PIN pad's, in its window). */
  invoices: string[];
}

/** The answer types, by command. */
export interface HostAnswers {
  createTicket: TicketSnapshot;
  start: AttemptSnapshot;
  ticket: TicketView;
  waitResolved: AttemptSnapshot;
  settle: { unresolved: number };
  findMissing: { attached: number };
  dump: JournalDump;
  shutdown: { ok: true };
  storeFlush: { ok: true };
  reverse: ReversalResult;
  batchOpen: BatchSnapshot;
  batchResolve: BatchLine;
  batchSignOff: BatchLine;
  batchClose: BatchSnapshot;
}

/** Host → driver lines. */
export type HostLine =
  | { event: 'ready'; recovered: number; stillUnresolved: number }
  | { event: 'kill_point'; point: KillPoint }
  | { event: 'attempt'; snapshot: AttemptSnapshot }
  | { re: number; ok: true; value: unknown }
  | { re: number; ok: false; error: { code: string; message: string; warning?: 'cross_register_duplicate' } };
