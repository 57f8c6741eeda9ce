// The shipboard purser's snapshots (issue 12, seed 002 tables 4-1..4-22): guests
// and their folios, cards on file, the authorisation and settlement records of
// the store-and-forward queue with the cruise system's status codes, the queue
// summary and the parameters with their meanings. The purser screens read only
// these; the commands are in purser-contract.ts.
//
// Amounts are integer minor units (signed where a folio line or a refund is a
// credit); times ISO 8601 UTC. No card number anywhere: a token reference kind,
// the masked number (first six / last four at most), brand and expiry only.

import type { CardBrand } from './card.ts';

/** A guest account's stay status. */
export type GuestStatus = 'checked_in' | 'checked_out';

/** One guest as a search lists them. */
export interface GuestSummary {
  guestId: string;
  name: string;
  cabin: string;
  /** Local dates YYYY-MM-DD. */
  embarkDate: string;
  disembarkDate: string;
  status: GuestStatus;
  /** Postings minus payments, minor units (negative: the ship owes the guest). */
  balance: number;
  /** False while table 4-18 has disabled posting to this account. */
  postingEnabled: boolean;
}

/** A line of the folio: a charge (posting) or a payment / refund. */
export interface FolioLine {
  lineId: string;
  kind: 'posting' | 'payment';
  /** Signed minor units as it counts against the balance: postings positive, payments negative, refunds positive. */
  amount: number;
  description: string;
  at: string;
  /** For a payment line, the payment it shows. */
  paymentId?: string;
}

/** How a payment was taken. */
export type PurserPaymentMethod = 'card' | 'cash' | 'direct_sale';

/** A payment on the folio (negative amount: a refund to the guest). */
export interface PurserPayment {
  paymentId: string;
  guestId: string;
  method: PurserPaymentMethod;
  /** Signed minor units: positive a payment, negative a refund. */
  amount: number;
  /** The card on file it was settled on (method 'card'), or the card record a direct sale or refund created. */
  cardId: string | null;
  /** Declined: its settlement was declined by the card provider, so it no longer counts on the folio (nor its counter line). */
  status: 'posted' | 'voided' | 'declined';
  /** For a void (or a declined payment's counter line): the payment it takes off. */
  voidOf: string | null;
  createdAt: string;
}

/**
 * CRD_LOCK_ACTIVATION of table 4-15: 0 none (a manual deactivation, or a
 * decline under parameter 1/2, may be reactivated), 1 settlement or reversal
 * done (get the card again), 2 direct sale card (never activated).
 */
export type CardActivationLock = 0 | 1 | 2;

/** How the card was read: I inserted (chip), A swiped, T tapped (4-7 CRD_MANUAL). */
export type CardEntryMethod = 'I' | 'A' | 'T';

/**
 * Cruise card type codes (table 4-1's lists): AX American Express, DS/DI
 * Discover, VI Visa, MC Mastercard, DC Diners, JC JCB, EC Eurocard, OT other.
 */
export const CARD_TYPE_CODES = ['AX', 'DS', 'VI', 'MC', 'DI', 'DC', 'JC', 'EC', 'OT'] as const;
export type CardTypeCode = (typeof CARD_TYPE_CODES)[number];

/** Why a card is inactive, as the card tab says it. */
export type CardInactiveReason = 'settled' | 'manual' | 'direct_sale' | 'declined' | 'format_not_supported';

/** A card on file of a guest. */
export interface CardOnFileSnapshot {
  cardId: string;
  guestId: string;
  /** Masked number, first six / last four at most. */
  maskedPan: string;
  brand: CardBrand;
  typeCode: CardTypeCode;
  expiryMonth: number | null;
  expiryYear: number | null;
  entryMethod: CardEntryMethod;
  /**
   * 'real': a gateway token; 'temporary': the PIN pad approved offline and
   * holds the card until it uploads (4-17 #1); 'none': no token (4-15 #4).
   */
  tokenKind: 'real' | 'temporary' | 'none';
  active: boolean;
  lockActivation: CardActivationLock;
  inactiveReason: CardInactiveReason | null;
  /** 1 = the first card invoices are routed to. */
  routingOrder: number;
  signature: 'captured' | 'not_requested';
  /** Approved plus outstanding authorisations, minor units (what the folio may reach before an increment). */
  totalAuthorised: number;
  /** Approved authorisations only. */
  totalApproved: number;
  registeredAt: string;
}

/** CCA_STATUS / CCT_STATUS of table 4-22: 0 outstanding (pending), 1 approved, 2 declined. */
export type RecordStatus = 0 | 1 | 2;
/**
 * CCA_QSTATUS / CCT_QSTATUS of table 4-22: 0 pending, 2 sent, 3 acknowledged
 * by the provider, 8 completed. Status 0 with queue 8 is an offline approval
 * holding a temporary token until the link returns.
 */
export type QueueStatus = 0 | 2 | 3 | 8;

/** What a queue record asks the gateway for. */
export type PurserRecordKind = 'initial_auth' | 'incremental_auth' | 'settlement' | 'refund' | 'void' | 'direct_sale';

/** 'authorisation' rows are CCA records (operation 1 initial, 2 incremental, mtype 6 direct); 'settlement' rows are CCT records (settlement, refund, void). */
export type PurserRecordFamily = 'authorisation' | 'settlement';

/** CCA_OPERATION (table 4-22): 1 initial, 2 incremental; null for settlements and direct payments. */
export type PurserOperation = 1 | 2 | null;
/** CCA_MTYPE (table 4-22): 0 online initial, 1 offline initial, 4 online incremental, 5 offline incremental, 6 direct payment; null for settlements. */
export type PurserMtype = 0 | 1 | 4 | 5 | 6 | null;

/** One authorisation or settlement record of the store-and-forward queue. */
export interface PurserRecord {
  recordId: string;
  guestId: string;
  /** The card on file (null: a cash refund has no card). */
  cardId: string | null;
  family: PurserRecordFamily;
  kind: PurserRecordKind;
  /** CCA_OPERATION: 1 initial, 2 incremental; null for settlements and direct payments. */
  operation: PurserOperation;
  /** CCA_MTYPE: 0 online initial, 1 offline initial, 4 online incremental, 5 offline incremental, 6 direct payment; null for settlements. */
  mtype: PurserMtype;
  /** Minor units, ≥ 0 (a refund's amount is what goes back). */
  amount: number;
  status: RecordStatus;
  queueStatus: QueueStatus;
  /** The stable reference sent to the gateway as its invoice (its duplicate check keys on it). */
  reference: string;
  /** CCA_PREVIOUS: the initial authorisation's reference this record belongs to. */
  previousReference: string | null;
  /** The payment this settlement / refund / void belongs to. */
  paymentId: string | null;
  approvalCode: string | null;
  /** True for a settlement waiting for a manager's batch send (automatic settlement 0). */
  awaitingBatch: boolean;
  /** True for a settlement voided before it was sent (neither it nor its void goes out: 4-11 #1). */
  voided: boolean;
  /** Plain words on a decline or a hold (never codes). */
  note: string | null;
  createdAt: string;
  sentAt: string | null;
  answeredAt: string | null;
}

/** Where the guest's invoices go (the cruise system's payment department). */
export type PaymentDepartment = { kind: 'card'; cardId: string } | { kind: 'cash' };

/** purser.guest.get: the guest with everything the guest screen shows. */
export interface GuestDetail {
  guest: GuestSummary;
  folio: FolioLine[];
  payments: PurserPayment[];
  /** By routing order. */
  cards: CardOnFileSnapshot[];
  /** Oldest first. */
  records: PurserRecord[];
  balance: number;
  paymentDepartment: PaymentDepartment;
}

/** What most purser actions answer: the guest afterwards and, when the seed names one, the message to show. */
export interface PurserActionResult {
  guest: GuestDetail;
  /** E.g. 'Settlement is done. The card is currently deactivated.' (null: nothing to say). */
  message: string | null;
}

/** Why the sender holds a card's records. */
export type QueueHold = 'initial_outstanding' | 'initial_declined' | 'offline' | null;

/** One card's share of the queue. */
export interface QueueCardSummary {
  cardId: string | null;
  guestId: string;
  guestName: string;
  cabin: string;
  maskedPan: string | null;
  outstandingCount: number;
  outstandingAmount: number;
  /** The card's limit of outstanding amount while offline. */
  offlineLimit: number;
  hold: QueueHold;
}

/** purser.queue.status: what is waiting to go out. */
export interface QueueSummary {
  /** Whether the gateway answered the last request. */
  online: boolean;
  outstandingCount: number;
  outstandingAmount: number;
  /** Age of the oldest outstanding record in seconds (null: none). */
  oldestAgeSeconds: number | null;
  /** Settlements waiting for a manager's batch send (automatic settlement 0). */
  awaitingBatchCount: number;
  awaitingBatchAmount: number;
  perCard: QueueCardSummary[];
  lastSendAt: string | null;
  resendIntervalSeconds: number;
}

/** Every parameter name (tables 4-1, 4-2 and those tables 4-7..4-18 name). */
export const PURSER_PARAMETER_NAMES = [
  'onlineInitialAuthAmount',
  'autoIncrementalAuthAmount',
  'autoIncrementalAuthEnabled',
  'getLastApprovalCode',
  'onlineTimeoutSeconds',
  'automaticSettlement',
  'showVoidedSettlement',
  'cardTypesNotSupported',
  'noPartialReversal',
  'reversalNotSupported',
  'checkCardRegistration',
  'allowPostingForDeclinedAuth',
  'allowPaymentForDeclinedAuth',
  'disableCardAndPostingOnDecline',
  'resendIntervalSeconds',
  'signatureCapture',
  'offlineLimitPerCard',
] as const;
export type PurserParameterName = (typeof PURSER_PARAMETER_NAMES)[number];

/** A parameter's value: a number (amount, seconds, switch, choice) or a list of card type codes. */
export type PurserParameterValue = number | CardTypeCode[];

/** One parameter as the parameters screen shows it. */
export interface PurserParameter {
  name: PurserParameterName;
  /** Its name as the cruise system's parameter list spells it. */
  label: string;
  group: 'General' | 'Interfaces';
  kind: 'amount' | 'seconds' | 'switch' | 'choice' | 'card_types';
  value: PurserParameterValue;
  defaultValue: PurserParameterValue;
  /** What it does, in plain words. */
  meaning: string;
  /** For 'switch' and 'choice': each value with what it means. */
  choices: { value: number; meaning: string }[] | null;
  /** Lowest and highest allowed ('amount', 'seconds'). */
  min: number | null;
  max: number | null;
  updatedAt: string | null;
  updatedBy: string | null;
}
