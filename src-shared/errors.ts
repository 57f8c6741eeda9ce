// Typed error codes shared by both processes. Every error a person can see
// carries a message that says what happened and what to do next.

/** Every error code the host answers with. */
export const ERROR_CODES = [
  // IPC boundary
  'bad_envelope',
  'unknown_method',
  'invalid_request',
  'payload_too_large',
  'unauthorised',
  // a manager-only command without a live manager session: the UI opens the manager sign-in
  'manager_required',
  // domain
  'not_found',
  'conflict',
  'ticket_closed',
  'amount_exceeds_due',
  // a refund that would give back more than was charged (issue 11 §3)
  'over_refund',
  // a part of a card payment asked back before the processor settled it: refund after settlement, or void the whole
  'not_settled',
  'attempt_unresolved',
  'terminal_not_configured',
  'terminal_unavailable',
  // another app (on this or another workstation) holds the PIN pad: seed 002 table 4-14
  'pin_pad_in_use',
  'device_error',
  'gateway_unavailable',
  // the store server (issue 13) could not be reached for something only it can decide (a ticket move, the shared queue)
  'store_unavailable',
  // journal
  'journal_newer_than_code',
  'journal_corrupt',
  'journal_unavailable',
  // anything else
  'internal',
] as const;

/** An error code. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The wire form of an error. */
export interface ErrorPayload {
  code: ErrorCode;
  /** For people: what happened and what to do. */
  message: string;
  /** For programs and support: structured detail (never card data). */
  details?: Record<string, unknown>;
}

/** An error with a code, thrown by services and turned into an ErrorPayload at the IPC boundary. */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly details?: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, opts?: { cause?: unknown }) {
    super(message, opts);
    this.code = code;
    this.details = details;
  }
  /** The wire form. */
  toPayload(): ErrorPayload {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

/** True when a value is an error payload from the other side. */
export function isErrorPayload(v: unknown): v is ErrorPayload {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as ErrorPayload).code === 'string' &&
    (ERROR_CODES as readonly string[]).includes((v as ErrorPayload).code) &&
    typeof (v as ErrorPayload).message === 'string'
  );
}
