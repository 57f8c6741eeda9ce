// Requests and results of the manager's orphan actions (issue 11 §4): suggested
// matches, attach to a ticket, refund, and "keep one, refund the rest" as one
// action; shared by main and the renderer.

import { z } from 'zod';
import type { AttemptSnapshot, OrphanSnapshot, TicketSnapshot } from './domain.ts';

const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an id of letters, digits, _ or -');
const Reason = z.string().trim().min(1, 'say why').max(200);

export const OrphanSuggestRequest = z.strictObject({ orphanId: Id });
export const OrphanAttachRequest = z.strictObject({ orphanId: Id, ticketId: Id, reason: Reason });
export const OrphanRefundRequest = z.strictObject({ orphanId: Id, reason: Reason });
/** Several charges of one customer and amount: keep `keepOrphanId` (attached to `ticketId`), refund every other one. */
export const OrphanKeepOneRequest = z.strictObject({
  keepOrphanId: Id,
  refundOrphanIds: z.array(Id).min(1).max(20),
  ticketId: Id,
  reason: Reason,
});

/** An open ticket that could be the orphan's, and why. */
export interface OrphanTicketSuggestion {
  ticketId: string;
  ticketNumber: number;
  due: number;
  /** Plain words: what matches (amount, time). */
  why: string;
  /** Higher is a better match. */
  score: number;
}

/** Another open orphan that looks like the same customer (same amount and card). */
export interface OrphanSibling {
  orphan: OrphanSnapshot;
}

/** What suggestions a manager gets for one orphan. */
export interface OrphanSuggestions {
  orphan: OrphanSnapshot;
  /** The register the charge's invoice names, when it is one of our references. */
  registerCode: string | null;
  tickets: OrphanTicketSuggestion[];
  /** Other open orphans of the same amount and last four within the window: candidates for keep one, refund the rest. */
  siblings: OrphanSnapshot[];
}

/** What an orphan action did. */
export interface OrphanActionResult {
  /** The attempt each handled orphan became (the kept charge, or the charges refunded). */
  attempts: AttemptSnapshot[];
  /** The refund attempts sent (approved, declined or in doubt). */
  refunds: AttemptSnapshot[];
  ticket?: TicketSnapshot;
  /** A printable notice for the customer: what happened and what was done. */
  notice: string;
}
