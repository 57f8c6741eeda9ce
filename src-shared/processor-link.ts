// How a simulated PIN pad reaches the simulated processor. A real terminal
// sends the charge to its host; our PAX simulator does the same through this
// link, so one processor ledger (owned by the gateway simulator) is the ground
// truth of who was charged, whichever device or path took the money.
//
// The link never carries a full card number: a simulated card is identified by
// an opaque token plus its masked number and brand.

import type { CardBrand, EntryMode } from './card.ts';

/**
 * What the processor is asked to do. `settle` is a terminal's batch close: the
 * host settles what that device sent since its last close (a PAX B00 batch
 * close goes to the host; a transaction "already batched cannot be voided and
 * must be refunded instead", PAX S80/A80 operations guides in
 * Jax-ZZZZZ/tech-docs docs/card-terminal-guide/). Its card fields are empty.
 */
export type ProcessorCommand = 'sale' | 'auth' | 'capture' | 'incremental' | 'refund' | 'void' | 'settle';

/** A request from a simulated device to the simulated processor. */
export interface ProcessorRequest {
  command: ProcessorCommand;
  /** Invoice (the ECR reference): the processor's duplicate check keys on it. */
  invoice: string;
  /** Minor units. */
  amount: number;
  currency: string;
  /** Opaque id of the simulated card (never a card number). */
  cardToken: string;
  maskedPan: string;
  cardBrand: CardBrand;
  entryMode: EntryMode;
  /** Which device sent it. */
  deviceId: string;
  /** Accept a deliberate repeat of an approved invoice. */
  allowDuplicate?: boolean;
  /** Processor reference of the original, for capture / incremental / void / refund. */
  originalRefNum?: string;
}

/** The processor's answer. */
export interface ProcessorResponse {
  result: 'approved' | 'partial' | 'declined' | 'duplicate' | 'error';
  /** Processor reference number (always present, also for declines). */
  refNum: string;
  authCode?: string;
  /** Minor units approved. */
  amountApproved: number;
  batch?: string;
  /** Processor's text, e.g. "Approved", "Duplicate Transaction", "Insufficient funds". */
  text: string;
  /** For a duplicate: the original approval. */
  original?: { refNum: string; authCode?: string; amountApproved: number; maskedPan: string; cardBrand: CardBrand };
}

/** The link a simulated device charges through. */
export interface ProcessorLink {
  /** Submits one request; rejects when the processor cannot be reached. */
  submit(request: ProcessorRequest): Promise<ProcessorResponse>;
}
