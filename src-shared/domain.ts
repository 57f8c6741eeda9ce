// Domain snapshots: what main pushes to the UI and answers commands with.
// Amounts are integer minor units of the ticket's currency. Times are ISO 8601
// strings in UTC. Nothing here can hold a full card number.

import type { CardBrand, EntryMode } from './card.ts';
import type { ApprovalSource, AttemptState, DoubtReason } from './payment-state-machine.ts';
import type { DeviceDraft } from './device-settings.ts';

/** An item that can be rung up. */
export interface CatalogItem {
  id: string;
  name: string;
  /** Unit price in minor units. */
  price: number;
  currency: string;
  category: string;
  /** Single key that rings it on the register screen. */
  hotkey?: string;
}

/** A line on a ticket. Removed lines stay in the journal, marked voided. */
export interface TicketLine {
  id: string;
  itemId: string | null;
  description: string;
  quantity: number;
  /** Minor units. */
  unitPrice: number;
  /** quantity × unitPrice, minor units. */
  lineTotal: number;
  voided: boolean;
}

/** Life of a ticket. */
/** moved: closed here because it went to another register (issue 13 §3); not a void, it took no money here after. */
export type TicketStatus = 'open' | 'paid' | 'voided' | 'moved';

/**
 * Id prefix of the cash tender a ticket moved here from another register
 * carries (issue 13 §3): the notes are in the giving register's drawer, so
 * this register's end-of-day count leaves it out.
 */
export const MOVED_CASH_PREFIX = 'moved-cash-';

/** Money applied to a ticket. */
export interface TenderSnapshot {
  id: string;
  kind: 'cash' | 'card';
  /** Amount applied to the ticket, minor units. */
  amount: number;
  /** Cash handed over, minor units (cash only). */
  tendered?: number;
  /** Change given back, minor units (cash only). */
  change?: number;
  /** Payment attempt behind a card tender. */
  attemptId?: string;
  maskedPan?: string;
  cardBrand?: CardBrand;
  authCode?: string;
  createdAt: string;
  /** Closed-ticket history only: the voids and refunds of this card payment, oldest first. */
  reversedBy?: TenderReversal[];
  /** Closed-ticket history only: the card payment was wholly given back (voided or refunded in full). */
  reversed?: boolean;
  /** Closed-ticket history only: this line is a void or refund; what it gives back. */
  reverses?: TenderReversal & { originalAttemptId: string; originalAmount: number };
}

/** A void or refund linked to a card payment (table reversals), as the closed-ticket history words it. */
export interface TenderReversal {
  /** The void or refund attempt. */
  attemptId: string;
  kind: 'void' | 'refund';
  /** Approved amount once approved, else the amount asked, minor units. */
  amount: number;
  state: AttemptState;
  /** The manager who asked for it, by name. */
  actorName: string;
  reason: string;
  at: string;
}

/** A whole ticket as the register shows it. */
export interface TicketSnapshot {
  id: string;
  registerId: string;
  /** Per-register ticket number, shown to people. */
  number: number;
  status: TicketStatus;
  currency: string;
  lines: TicketLine[];
  /** Sum of the lines not voided. */
  total: number;
  /** Sum of the tenders. */
  paid: number;
  /** total − paid, never below zero. */
  due: number;
  tenders: TenderSnapshot[];
  createdAt: string;
  updatedAt: string;
}

/** One row of the open-ticket list. */
export interface TicketSummary {
  id: string;
  number: number;
  status: TicketStatus;
  currency: string;
  total: number;
  due: number;
  lineCount: number;
  updatedAt: string;
  /** A card attempt on it is out (sent) or in doubt: the ticket is locked until it is resolved. */
  locked?: boolean;
  /** That attempt is in doubt: the card may have been charged and it is being checked. */
  cardInDoubt?: boolean;
}

/** A closed ticket (paid, voided or moved) as the history screen lists it. */
export interface TicketHistoryEntry {
  id: string;
  number: number;
  status: TicketStatus;
  currency: string;
  total: number;
  paid: number;
  lineCount: number;
  /** When it was paid, voided or moved. */
  closedAt: string;
  /**
   * Where a ticket of status 'moved' went (issue 13 §3): the register's name
   * from its `moved` event, so the screen says where it went.
   */
  movedTo?: string;
  /** Cash and approved card tenders, oldest first. */
  tenders: TenderSnapshot[];
  /** ECR references of its card attempts (one per slot). */
  references: string[];
}

/** One journal event behind a ticket, its payments or its receipts, for "was I charged?". */
export interface JournalEventSnapshot {
  seq: number;
  at: string;
  /** ticket, attempt or receipt. */
  entity: string;
  type: string;
  /** The payload's money, state and reference fields as "key=value" text, for a manager's technical detail. */
  detail: string;
  /** The same fields as values (money in minor units), which the screen words for the cashier. */
  fields: Record<string, string | number | boolean>;
}

/** An attempt a crash left unanswered and start-up recovery looked at: what became of it. */
export interface RecoveryNotice {
  attemptId: string;
  ticketId: string;
  ticketNumber: number;
  amount: number;
  currency: string;
  state: AttemptState;
  /** Plain words for the cashier. */
  message: string;
}

/** A card payment attempt as the payment screen shows it. */
export interface AttemptSnapshot {
  id: string;
  ticketId: string;
  /** Payment slot on the ticket; the ECR reference is derived from it. */
  slot: number;
  ecrRef: string;
  terminalId: string;
  state: AttemptState;
  /** Minor units asked for. */
  amountRequested: number;
  /** Minor units approved (0 until approved; may be less: partial approval). */
  amountApproved: number;
  currency: string;
  authCode?: string;
  /** The processor's reference a void or refund sends (PAX "HRef", the gateway's xRefNum): what a manager quotes to follow up. */
  hostRef?: string;
  /** The host's own reference number (PAX host subfield 4), as the processor's statements show it. */
  hostReferenceNumber?: string;
  maskedPan?: string;
  cardBrand?: CardBrand;
  entryMode?: EntryMode;
  resultCode?: string;
  resultText?: string;
  approvalSource?: ApprovalSource;
  doubtReason?: DoubtReason;
  /** Plain words for the cashier: what is happening or what happened, and what to do. */
  message: string;
  createdAt: string;
  updatedAt: string;
}

/** Health of the journal for the status bar. */
export interface JournalHealth {
  healthy: boolean;
  path: string;
  schemaVersion: number;
  message?: string;
}

/** State of one device for the status bar. */
export interface DeviceHealth {
  configured: boolean;
  id?: string;
  name?: string;
  state: 'none' | 'connected' | 'busy' | 'disconnected' | 'error';
  /** Plain words: what the device is doing or what is wrong. */
  detail?: string;
}

/** Everything the status bar shows. */
export interface StatusSnapshot {
  trainingMode: boolean;
  registerId: string;
  registerName: string;
  journal: JournalHealth;
  terminal: DeviceHealth;
  /** Receipt printer. */
  printer: DeviceHealth;
  /** HID card reader (staff and cabin cards). */
  cardReader: DeviceHealth;
  /** The link to the store server (issue 13); absent when no store is configured (the embedded default). */
  store?: StoreLinkHealth;
}

/** How this register's replication to the store stands. */
export interface StoreLinkHealth {
  /**
   * connecting: first attempt under way; connected: sending; unreachable: the
   * store cannot be reached (retrying); refused: the store cannot take this
   * register's history (its schema is another release's, or it holds another
   * history under this register's id): retried rarely, a manager must act.
   */
  state: 'connecting' | 'connected' | 'unreachable' | 'refused';
  /** ISO 8601 time the state began. */
  since: string;
  /** Journal events not yet in the store. */
  backlogEvents: number;
  /** Sales (tickets) with changes not yet in the store. */
  backlogSales: number;
  /** Why the store refused, in plain words (state refused). */
  detail?: string;
}

/** A configured device as the Settings screen lists it (settings already hold their defaults). */
export type DeviceSnapshot = DeviceDraft & {
  id: string;
  registerId: string;
  /** In use on this register (at most one device of each kind). */
  assigned: boolean;
  /** Removed devices stay in the journal but are no longer listed or used. */
  removed: boolean;
  createdAt: string;
  updatedAt: string;
};

/** The outcome of "Test connection". */
export interface DeviceTestResult {
  ok: boolean;
  /** Plain words: "Connected: PAX A920, serial 1234" or what is wrong and what to check. */
  message: string;
  /** How long the test took, ms. */
  elapsedMs: number;
  /** What the device said about itself, when it answered (PIN pads). */
  identity?: { model: string; serialNumber: string; protocolVersion: string };
}

/** Who this app is. */
export interface AppInfo {
  name: string;
  version: string;
  registerId: string;
  registerName: string;
  currency: string;
  trainingMode: boolean;
  /** Seconds before Cancel appears on "Please Complete Payment". */
  cancelAfterSeconds: number;
}

/** One break found by journal verification. */
export interface JournalBreak {
  /** Sequence number where the break was found. */
  seq: number;
  /**
   * history_lost: the chain is behind the high-water mark kept outside the WAL (acknowledged changes missing);
   * state_mismatch: a state row differs from what its events rebuild.
   */
  kind: 'hash_mismatch' | 'prev_hash_mismatch' | 'sequence_gap' | 'truncated' | 'head_mismatch' | 'history_lost' | 'state_mismatch';
  detail: string;
  /** state_mismatch: the table whose row differs from its events (payment_attempts, tickets, ticket_lines, cash_tenders). */
  table?: string;
  /** state_mismatch: the id of that row. */
  rowId?: string;
}

/** Result of `journal verify`. */
export interface JournalVerifyReport {
  ok: boolean;
  /** Events checked. */
  events: number;
  /** Sequence number of the last event. */
  lastSeq: number;
  /** SQLite integrity_check answered "ok". */
  integrityOk: boolean;
  breaks: JournalBreak[];
}

/** A processor charge that no ticket claims: a manager attaches or refunds it. */
export interface OrphanSnapshot {
  id: string;
  /** Gateway / processor reference of the charge. */
  refNum: string;
  /** Invoice the charge carried (may be unknown to this register). */
  invoice: string;
  /** Minor units charged. */
  amount: number;
  currency: string;
  maskedPan?: string;
  cardBrand?: CardBrand;
  /** When the processor recorded it. */
  chargedAt: string;
  /** Plain words: why it is an orphan and what to do. */
  reason: string;
  status: 'open' | 'resolved';
  createdAt: string;
}

/** What Find Missing Payments did. */
export interface FindMissingReport {
  /** Processor rows compared with the journal. */
  checked: number;
  /** Attempts that got their missing approval (tickets settled). */
  attached: AttemptSnapshot[];
  /** Charges no ticket claims, newly queued for a manager. */
  orphans: OrphanSnapshot[];
  /** Plain words for the cashier. */
  message: string;
}

/** Whether a receipt printed. */
export interface ReceiptResult {
  printed: boolean;
  /** Plain words: printed, or why not and what to do. */
  message: string;
}
