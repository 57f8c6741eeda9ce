// Requests and results of the manager's voids, refunds and in-doubt queue
// (issue 11 §3, §4), shared by main and the renderer.

import { z } from 'zod';
import type { AttemptSnapshot } from './domain.ts';

const Id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an id of letters, digits, _ or -');
const Reason = z.string().trim().min(1, 'say why').max(200);

/** A void or refund as a manager asks for it; the amount is integer minor units, all that is left when absent. */
export const ReversalStartRequest = z.strictObject({
  attemptId: Id,
  amount: z.number().int('must be a whole number of minor units').min(1).max(99_999_999).optional(),
  reason: Reason,
});

/** A manager's "confirmed with the processor by phone". */
export const ConfirmByPhoneRequest = z.strictObject({
  attemptId: Id,
  outcome: z.enum(['charged', 'not_charged']),
  /** The processor's reference the manager was given on the phone. */
  processorRef: z.string().trim().regex(/^[A-Za-z0-9-]{1,32}$/, 'the processor reference is letters and digits'),
  note: z.string().trim().max(200).default(''),
});

/** One unresolved attempt in the manager's in-doubt queue. */
export interface InDoubtEntry {
  attempt: AttemptSnapshot;
  /** ms since it was sent. */
  ageMs: number;
  /** When anything last happened to it (its last check's result or its doubt), ISO time. */
  lastCheckAt: string;
  /** Plain words of its last check. */
  lastCheck: string;
}

/** What a reversal did. */
export interface ReversalResult {
  reversal: AttemptSnapshot;
  /** The original as it stands after (reversed when voided or refunded in full). */
  original: AttemptSnapshot;
  /** Minor units of the original that can still be given back. */
  remaining: number;
}
