// Errors of the gateway link. A card may have been charged whenever the request
// left this machine, so every failure says so (`sent`): resolve a sent request
// by the gateway's report, never by sending it again.

import { AppError } from '../../src-shared/errors.ts';

/** Why the gateway gave no usable answer. */
export type GatewayFailureReason =
  | 'connect_failed'
  | 'timeout'
  | 'reset'
  | 'http_status'
  | 'malformed_response'
  | 'response_too_large';

/** The gateway gave no usable answer; `sent` says whether the request may have been processed. */
export class GatewayUnavailableError extends AppError {
  /** True when the request may have reached the gateway: the outcome is unknown. */
  readonly sent: boolean;
  /** What went wrong on the link. */
  readonly reason: GatewayFailureReason;
  constructor(
    reason: GatewayFailureReason,
    sent: boolean,
    message: string,
    details: Record<string, unknown> = {},
    opts?: { cause?: unknown },
  ) {
    super('gateway_unavailable', message, { ...details, reason, sent }, opts);
    this.reason = reason;
    this.sent = sent;
  }
}

/** The gateway answered, but not in a form we can read. The request was received: outcome unknown. */
export class GatewayMalformedResponseError extends GatewayUnavailableError {
  constructor(problem: string, details: Record<string, unknown> = {}) {
    super(
      'malformed_response',
      true,
      `The payment gateway sent an answer we cannot read (${problem}). The card may have been charged: ` +
        'check the gateway report (Find Missing Payments) before charging again.',
      details,
    );
  }
}

/** Plain words for people about a request whose outcome is unknown or certainly not processed. */
export function unavailableAdvice(sent: boolean): string {
  return sent
    ? 'The card may have been charged: check the gateway report (Find Missing Payments) before charging again.'
    : 'Nothing was sent, so nothing was charged: check the network and try again.';
}

/** The gateway refused a request that charges nothing (a report): nothing to resolve, fix the setup. */
export class GatewayRefusedError extends AppError {
  constructor(what: string, gatewayText: string) {
    super(
      'gateway_unavailable',
      `The payment gateway refused the ${what}: ${gatewayText || 'no reason given'}. Check the gateway key and settings.`,
      { reason: 'refused', sent: true },
    );
  }
}
