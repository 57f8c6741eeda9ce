// What the payment coordinator and Find Missing need from their neighbours,
// kept to the few calls they make so the real services (TicketService,
// CardknoxClient, the printer driver) fit without adapters.

import type { TicketSnapshot } from '../../src-shared/domain.ts';
import type { GatewayReportRow } from '../gateways/gateway-report-row.ts';

/** The ticket calls payments make (TicketService implements it). */
export interface TicketPort {
  /** One ticket; AppError 'not_found'. */
  get(ticketId: string): TicketSnapshot;
  /** Closes the ticket when nothing is due; runs inside the caller's transaction. */
  closeWhenPaid(ticketId: string): TicketSnapshot;
  /** closeWhenPaid inside the caller's open transaction, stamped `at`, building no snapshot; true when it closed. */
  closeWhenPaidWithin(ticketId: string, at: string): boolean;
  /** AppError 'conflict' while the ticket is being moved to another register (issue 13 §3); absent: never moving. */
  assertNotMoving?(ticketId: string): void;
}

/** The gateway report calls payments make (CardknoxClient implements it). */
export interface GatewayReportPort {
  /** Approved (and voided) rows of one invoice in an inclusive window of epoch ms; rejects when the gateway cannot be asked. */
  findByInvoice(invoice: string, begin: number, end: number): Promise<GatewayReportRow[]>;
  /** Every row of a window; rejects when the gateway cannot be asked. */
  report(query: { kind?: 'all' | 'approved'; begin: number; end: number; invoice?: string }): Promise<GatewayReportRow[]>;
  /** A cheap request that resolves when the gateway answers (link watch); optional. */
  probe?(): Promise<void>;
}

/** Timers the coordinator's backoff uses; injectable so tests control time. */
export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** Real timers that never keep the process alive. */
export const REAL_TIMERS: Timers = {
  set(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clear(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};
