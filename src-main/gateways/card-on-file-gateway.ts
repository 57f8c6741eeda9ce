// The gateway as the purser's folios see it (issue 12 §5): a guest's card is
// held as a token, authorised on registration, raised by incremental
// authorisations as postings arrive, captured at checkout, voided or refunded.
// A port of its own so the purser domain codes against this interface, not
// against the Cardknox client or the switch (both implement it:
// CardknoxClient.cardOnFile() and GatewaySwitch.cardOnFile()).
//
// Every request carries the purser's invoice (the store-and-forward record's
// stable reference): the gateway's duplicate check keys on it, so a resend of
// an unanswered request answers 'duplicate' with the original approval, and
// findByInvoice finds what an unanswered request did.

import type { Money } from '../../src-shared/money.ts';
import type { GatewayResult } from './cardknox-client.ts';
import type { GatewayReportRow } from './gateway-report-row.ts';

export type { GatewayResult } from './cardknox-client.ts';
export type { GatewayReportRow } from './gateway-report-row.ts';

/** The purser's card-on-file operations at the gateway. */
export interface CardOnFileGateway {
  /** Authorisation only, by token (an initial authorisation when the card was registered without one, or re-registration). */
  authorise(req: { token: string; amount: Money; invoice: string }): Promise<GatewayResult>;
  /** Incremental authorisation on an open authorisation (raises the hold by `amount`). */
  increment(req: { authRefNum: string; amount: Money; invoice: string }): Promise<GatewayResult>;
  /** Capture (settlement at checkout) of an authorisation, up to the authorised total plus tolerance. */
  capture(req: { authRefNum: string; amount: Money; invoice: string }): Promise<GatewayResult>;
  /** Release an uncaptured authorisation (void). */
  voidAuthorisation(req: { authRefNum: string; invoice: string }): Promise<GatewayResult>;
  /** Void a capture or sale not yet settled. */
  voidTransaction(req: { refNum: string; invoice: string }): Promise<GatewayResult>;
  /** Refund a settled capture or sale (refused before settlement). */
  refund(req: { refNum: string; amount: Money; invoice: string }): Promise<GatewayResult>;
  /** Direct sale by token (seed 4-10). */
  sale(req: { token: string; amount: Money; invoice: string }): Promise<GatewayResult>;
  /**
   * Every gateway record carrying this invoice, approved, declined or voided
   * (the lookup that resolves an unanswered request), in an inclusive window
   * of epoch ms. Rows tell their kind through gatewayRowKind (cardknox-client.ts):
   * 'pre_auth', 'incremental', 'capture', 'sale', 'refund', 'void'.
   */
  findByInvoice(invoice: string, sinceMs: number, untilMs: number): Promise<GatewayReportRow[]>;
}
