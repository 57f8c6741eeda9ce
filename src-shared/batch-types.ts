// Batch close and three-way reconciliation (issue 11 §2): what the manager's
// batch screen shows and sends. Amounts in integer minor units.

import { z } from 'zod';

/** Every kind of difference a batch line can record. */
export type VarianceType =
  | 'charged_not_recorded'
  | 'recorded_not_charged'
  | 'amount_differs'
  | 'duplicate_charge'
  | 'voided_on_pad_only'
  | 'declined_after_upload'
  | 'in_doubt'
  | 'totals_mismatch';

/** Plain-word names of the variance types, for screens and the Z report. */
export const VARIANCE_LABELS: Record<VarianceType, string> = {
  charged_not_recorded: 'Charged but not recorded',
  recorded_not_charged: 'Recorded but not charged',
  amount_differs: 'Amount differs',
  duplicate_charge: 'Duplicate charge',
  voided_on_pad_only: 'Voided on the PIN pad only',
  declined_after_upload: 'Declined after offline approval',
  in_doubt: 'Still in doubt',
  totals_mismatch: "Host totals differ from the expected totals",
};

/** One difference between the journal, the PIN pad and the gateway. */
export interface BatchLine {
  id: string;
  batchId: string;
  type: VarianceType;
  /** Why, in plain words. */
  cause: string;
  /** What resolves it, in plain words. */
  action: string;
  invoice: string | null;
  /** The gateway's reference of the charge concerned, when there is one. */
  refNum: string | null;
  attemptId: string | null;
  /** Net amounts each source holds for this line (null: that source has nothing to say). */
  journalAmount: number;
  padAmount: number | null;
  gatewayAmount: number | null;
  /** The amount at stake. */
  amount: number;
  status: 'open' | 'resolved' | 'signed_off';
  resolution: string | null;
  /** Staff id of the manager who resolved or signed it off ('system' when a re-check explained it). */
  resolvedBy: string | null;
  resolvedAt: string | null;
  createdAt: string;
}

/** Count and net amount. */
export interface BatchTotals {
  count: number;
  amount: number;
}

/** A PIN pad batch with its three-way comparison. */
export interface BatchSnapshot {
  id: string;
  terminalId: string;
  status: 'open' | 'closed';
  openedAt: string;
  closedAt: string | null;
  closedBy: string | null;
  currency: string;
  /** Totals of each source over the batch (null: that source could not be read). */
  journal: BatchTotals;
  pad: BatchTotals | null;
  gateway: BatchTotals | null;
  /** Why a source could not be read, in plain words. */
  sourceProblems: string[];
  /** Closed batches: what the PIN pad should have reported, and what the host did. */
  expected: BatchTotals | null;
  host: (BatchTotals & { batchNumber: string | null }) | null;
  reconciledAt: string | null;
  lines: BatchLine[];
}

/** A closed batch in the history list. */
export interface BatchSummary {
  id: string;
  terminalId: string;
  openedAt: string;
  closedAt: string;
  expected: BatchTotals | null;
  host: BatchTotals | null;
  lines: number;
}

const TerminalId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an id of letters, digits, _ or -');
const LineId = TerminalId;
const Reason = z.string().trim().min(3, 'say why in a few words').max(500);

export const BatchOpenRequest = z.strictObject({ terminalId: TerminalId });
export const BatchGetRequest = z.strictObject({ batchId: TerminalId });
export const BatchHistoryRequest = z.strictObject({ terminalId: TerminalId.optional(), limit: z.number().int().min(1).max(200).default(50) });
export const BatchResolveRequest = z.strictObject({ lineId: LineId, resolution: Reason });
export const BatchSignOffRequest = z.strictObject({ lineId: LineId, reason: Reason });
