// Settlement review and end-of-day report: the request schemas and result
// types of the settlement.* and report.* commands (ipc-contract.ts lists the
// commands). A settlement is a card payment that moved money: an approved
// sale or capture, a refund, a void, and the voided (reversed) originals.
// Amounts are integer minor units; times ISO 8601 UTC. No full card number.

import { z } from 'zod';
import type { CardBrand, EntryMode } from './card.ts';
import { MAX_AMOUNT } from './money.ts';

/** How a settlement stands: approved sale, voided (reversed) original, refund, or the void record itself. */
export const SETTLEMENT_STATUSES = ['approved', 'voided', 'refund', 'void'] as const;
export type SettlementStatus = (typeof SETTLEMENT_STATUSES)[number];

/** Card brands as filters name them; 'unknown' is a settlement whose brand was never reported. */
export const SETTLEMENT_BRANDS = ['visa', 'mastercard', 'amex', 'discover', 'diners', 'jcb', 'other', 'unknown'] as const satisfies readonly (CardBrand | 'unknown')[];
/** Entry modes as filters name them; 'unknown' also covers a mode never reported. */
export const SETTLEMENT_ENTRY_MODES = ['chip', 'contactless', 'swipe', 'fallback_swipe', 'manual', 'scanner', 'unknown'] as const satisfies readonly EntryMode[];

/** Columns the review sorts by. */
export const SETTLEMENT_SORTS = ['time', 'amount', 'brand', 'status'] as const;

const FilterAmount = z.number().int('must be a whole number of minor units').min(0).max(MAX_AMOUNT);
const IsoTime = z.iso.datetime({ offset: true });

/** The review's filters; every one optional, all of them must match. */
export const SettlementFilter = z
  .strictObject({
    statuses: z.array(z.enum(SETTLEMENT_STATUSES)).min(1).max(SETTLEMENT_STATUSES.length).optional(),
    brands: z.array(z.enum(SETTLEMENT_BRANDS)).min(1).max(SETTLEMENT_BRANDS.length).optional(),
    entryModes: z.array(z.enum(SETTLEMENT_ENTRY_MODES)).min(1).max(SETTLEMENT_ENTRY_MODES.length).optional(),
    minAmount: FilterAmount.optional(),
    maxAmount: FilterAmount.optional(),
    from: IsoTime.optional(),
    to: IsoTime.optional(),
    /** ECR reference (any case), processor reference, host reference number or authorisation code. */
    reference: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be letters, digits or -').optional(),
    lastFour: z.string().regex(/^\d{4}$/, 'must be the last four digits of the card').optional(),
    /** Only the settlements of one PIN pad batch (its PIN pad, from its opening to its close). */
    batchId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a batch id').optional(),
  })
  .refine((f) => f.minAmount === undefined || f.maxAmount === undefined || f.minAmount <= f.maxAmount, 'the lowest amount must not be above the highest')
  .refine((f) => f.from === undefined || f.to === undefined || Date.parse(f.from) <= Date.parse(f.to), 'the start must not be after the end');
export type SettlementFilter = z.output<typeof SettlementFilter>;

/** Largest page the review asks for. */
export const MAX_SETTLEMENT_PAGE = 500;

/** settlement.list: one page of the filtered, sorted settlements. */
export const SettlementListRequest = z.strictObject({
  filter: SettlementFilter.default({}),
  sort: z.enum(SETTLEMENT_SORTS).default('time'),
  direction: z.enum(['asc', 'desc']).default('desc'),
  offset: z.number().int().min(0).max(10_000_000).default(0),
  limit: z.number().int().min(1).max(MAX_SETTLEMENT_PAGE).default(100),
});
export type SettlementListRequest = z.output<typeof SettlementListRequest>;

/** One settlement as the review lists it. */
export interface SettlementRow {
  attemptId: string;
  ticketId: string;
  ticketNumber: number;
  ecrRef: string;
  status: SettlementStatus;
  /** Minor units approved (for a voided original: what it had approved). */
  amount: number;
  currency: string;
  cardBrand: CardBrand | null;
  entryMode: EntryMode | null;
  /** Masked card number (first six / last four at most). */
  maskedPan: string | null;
  authCode: string | null;
  /** Processor reference (PAX HRef / gateway xRefNum). */
  hostRef: string | null;
  hostReferenceNumber: string | null;
  terminalId: string;
  /** When the payment was taken. */
  createdAt: string;
  /** Last change (for a voided original: when it was reversed). */
  updatedAt: string;
  /** A purser's folio settlement (issue 12): the guest and cabin instead of a ticket (ticketId is the guest's id, ticketNumber 0). */
  guestName?: string;
  cabin?: string;
}

/** One page of the review. */
export interface SettlementPage {
  rows: SettlementRow[];
  /** Settlements matching the filter (every page), so the list knows its length. */
  total: number;
  offset: number;
  /** Whether voided settlements were included (the register's setting). */
  showVoided: boolean;
}

/** The review's register settings (journaled; a manager changes them). */
export interface SettlementSettings {
  /** Show voided settlements (highlighted) in the review; off hides them (seed 002 "Show Void Settlement"). */
  showVoided: boolean;
}

/** report.endOfDay: a local calendar date (default: today on the register's clock). */
export const EndOfDayRequest = z.strictObject({
  date: z.iso.date().optional(),
});

/** A count and a sum of minor units. */
export interface Tally {
  count: number;
  amount: number;
}

/**
 * Variances of the day as batch close records them (issue 11 §2). Until a batch
 * module records any, `recorded` is false and the report says so in plain words
 * instead of showing zero.
 */
export type VarianceDaySummary =
  | { recorded: false; message: string }
  | {
      recorded: true;
      /** Every variance line of the batches closed that day. */
      lines: Tally;
      /** Lines still open (not resolved nor signed off). */
      open: Tally;
      /** By variance type (charged but not recorded, amount differs, …), plain-word label → tally. */
      byType: { type: string; label: string; count: number; amount: number }[];
    };

/** The end-of-day report of one local day. */
export interface EndOfDayReport {
  /** The local date, YYYY-MM-DD. */
  date: string;
  currency: string;
  /** The day's window in UTC: [from, to). */
  from: string;
  to: string;
  generatedAt: string;
  /** Money taken: cash applied to tickets; card sales and captures approved (voided ones left out). */
  tenders: { cash: Tally; card: Tally };
  /** cash + card − refunds, minor units. */
  netAmount: number;
  /** Approved card sales by brand ('unknown' when none was reported), largest first. */
  byBrand: ({ brand: CardBrand | 'unknown' } & Tally)[];
  /** Approved card sales by entry mode, largest first. */
  byEntryMode: ({ entryMode: EntryMode | 'unknown' } & Tally)[];
  /** Cash and card by local hour (every hour of the day, empty ones too). */
  byHour: { hour: number; startsAt: string; cash: Tally; card: Tally }[];
  /** Card payments voided (reversed) during the day, at their approved amounts. */
  voids: Tally;
  /** Card refunds approved during the day. */
  refunds: Tally;
  /** Processor charges no ticket claimed, queued during the day. */
  orphans: { open: Tally; resolved: Tally };
  /** Card payments of the day whose outcome is still unknown (sent or in doubt), at the amount asked. */
  inDoubt: Tally;
  variances: VarianceDaySummary;
}
