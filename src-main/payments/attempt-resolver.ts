// One pass of resolving an attempt whose outcome is unknown (DESIGN §3): ask
// the PIN pad's local report by ECR reference, then the gateway's report by
// invoice. It only asks; it never resends and never reverses (invariants 2, 5).
// "Not charged" needs both sources to have answered and both to hold no
// approval: one silent source keeps the attempt in doubt.

import type { PaymentTerminal, TerminalRecord, TerminalTransactionKind } from '../../drivers/terminal.ts';
import { gatewayRowKind, type GatewayRowKind } from '../gateways/cardknox-client.ts';
import type { GatewayReportRow } from '../gateways/gateway-report-row.ts';
import type { AttemptKind, AttemptPatch, AttemptRow } from '../journal/attempt-repository.ts';
import { APPROVED_OUTCOMES, gatewayRowFacts, terminalFacts } from './attempt-outcome.ts';
import { originalOfReversalReference } from '../../src-shared/reversal-reference.ts';
import { RESOLVING } from './payment-messages.ts';

/** How far back a void's original may lie (a void is allowed while its batch is open: a day at most). */
const ORIGINAL_WINDOW_MS = 36 * 60 * 60 * 1000;
import { type GatewayReportPort } from './payment-ports.ts';

/** What one resolution pass learnt. */
export type LookupOutcome =
  | { kind: 'approved'; source: 'terminal_lookup' | 'gateway_lookup'; facts: AttemptPatch }
  | { kind: 'absent' }
  | { kind: 'unknown'; terminalAnswered: boolean; gatewayAnswered: boolean; message: string };

/** What a pass needs. */
export interface LookupDeps {
  terminal: PaymentTerminal | undefined;
  gateway: GatewayReportPort | undefined;
  /** Epoch ms now, from the injected clock. */
  now: number;
  lookupTimeoutMs: number;
  /** How far before the attempt's creation the gateway window opens. */
  gatewayWindowMs: number;
  /**
   * How long after the attempt was sent a charge may still land at the
   * processor when the PIN pad itself gave up on its host (its record says
   * timeout or error): the gateway's "no such charge" counts only after that.
   */
  hostSettleMs: number;
}

/**
 * Which records hold the approval of an attempt of each kind: on the PIN pad
 * (the driver's typed record kind) and at the gateway (the report row's kind).
 * A sale is also found as a captured pre-authorisation at the gateway, since
 * some gateways report a captured sale that way.
 */
export const APPROVAL_MATCHERS: Readonly<Record<AttemptKind, { terminal: readonly TerminalTransactionKind[]; gateway: readonly GatewayRowKind[] }>> = {
  sale: { terminal: ['sale'], gateway: ['sale', 'pre_auth', 'capture'] },
  refund: { terminal: ['refund'], gateway: ['refund'] },
  void: { terminal: ['void'], gateway: ['void'] },
  auth: { terminal: ['pre_auth'], gateway: ['pre_auth'] },
  incremental: { terminal: ['incremental', 'pre_auth'], gateway: ['pre_auth'] },
  capture: { terminal: ['capture'], gateway: ['capture'] },
};

/** The approved gateway row of this invoice for an attempt of this kind, if any (a voided approval holds no money). */
export function approvedGatewayRow(rows: readonly GatewayReportRow[], invoice: string, kind: AttemptKind = 'sale'): GatewayReportRow | undefined {
  const kinds = APPROVAL_MATCHERS[kind].gateway;
  return rows.find((r) => r.invoice === invoice && r.result === 'approved' && (kind === 'void' || !r.voided) && kinds.includes(gatewayRowKind(r)));
}

/**
 * A void at the gateway: Cardknox reports no row of its own for it but marks
 * the original's row voided (xVoid=1, the gateway simulator does the same), so
 * a void is found as its original's sale row, by the original's invoice, voided.
 */
export function voidedOriginalRow(rows: readonly GatewayReportRow[], originalInvoice: string): GatewayReportRow | undefined {
  return rows.find((r) => r.invoice === originalInvoice && r.result === 'approved' && r.voided && APPROVAL_MATCHERS.sale.gateway.includes(gatewayRowKind(r)));
}

/** terminalId of a reversal sent to the gateway, not to a PIN pad: the gateway alone can answer for it. */
export const GATEWAY_ONLY_TERMINAL_ID = 'gateway';

/**
 * True when the PIN pad holds a finished sale for this reference whose host
 * outcome it does not know (e.g. 100001, it timed out waiting for the bank):
 * the bank may still approve it after the PIN pad gave up.
 */
export function hostOutcomeUncertain(records: TerminalRecord[], ecrRef: string, kind: AttemptKind = 'sale'): boolean {
  const kinds = APPROVAL_MATCHERS[kind].terminal;
  return records.some(
    (r) => r.result.outcome === 'error' && kinds.includes(r.kind) && (r.result.ecrRef === '' || r.result.ecrRef === ecrRef),
  );
}

/** The approved record of this kind (default: a sale) for this ECR reference in a terminal's answer, if any. */
export function approvedRecord(records: TerminalRecord[], ecrRef: string, kind: AttemptKind = 'sale'): TerminalRecord | undefined {
  const kinds = APPROVAL_MATCHERS[kind].terminal;
  return records.find(
    (r) =>
      APPROVED_OUTCOMES.includes(r.result.outcome) &&
      // An approval voided on the device is no longer a charge.
      r.voided !== true &&
      kinds.includes(r.kind) &&
      (r.result.ecrRef === '' || r.result.ecrRef === ecrRef),
  );
}

/** Asks the terminal, then the gateway, for the attempt's own kind of record; reports each step through onStep. */
export async function lookUpAttempt(
  attempt: AttemptRow,
  deps: LookupDeps,
  onStep: (message: string) => void,
): Promise<LookupOutcome> {
  onStep(RESOLVING.checkingTerminal);
  // A reversal sent to the gateway was never on a PIN pad: nothing there to ask.
  let terminalAnswered = attempt.terminalId === GATEWAY_ONLY_TERMINAL_ID;
  let hostUncertain = false;
  if (deps.terminal && !terminalAnswered) {
    try {
      const records = await deps.terminal.lookup(attempt.ecrRef, { timeoutMs: deps.lookupTimeoutMs });
      terminalAnswered = true;
      hostUncertain = hostOutcomeUncertain(records, attempt.ecrRef, attempt.kind);
      const found = approvedRecord(records, attempt.ecrRef, attempt.kind);
      if (found) return { kind: 'approved', source: 'terminal_lookup', facts: terminalFacts(found.result, attempt.amountRequested) };
    } catch {
      terminalAnswered = false; // unreachable or unreadable: keep asking later
    }
  }

  onStep(terminalAnswered ? RESOLVING.checkingGateway : RESOLVING.terminalUnreachable);
  let gatewayAnswered = false;
  if (deps.gateway) {
    try {
      const begin = Date.parse(attempt.createdAt) - deps.gatewayWindowMs;
      const original = attempt.kind === 'void' ? originalOfReversalReference(attempt.invoice)?.original : undefined;
      const invoice = original ?? attempt.invoice;
      const rows = await deps.gateway.findByInvoice(invoice, begin - (original ? ORIGINAL_WINDOW_MS : 0), Math.max(deps.now, begin) + 60_000);
      gatewayAnswered = true;
      const found = original ? voidedOriginalRow(rows, original) : approvedGatewayRow(rows, attempt.invoice, attempt.kind);
      if (found) return { kind: 'approved', source: 'gateway_lookup', facts: gatewayRowFacts(found) };
    } catch {
      gatewayAnswered = false;
    }
  }

  if (terminalAnswered && gatewayAnswered) {
    const settled = deps.now >= Date.parse(attempt.createdAt) + deps.hostSettleMs;
    if (!hostUncertain || settled) return { kind: 'absent' };
    return { kind: 'unknown', terminalAnswered, gatewayAnswered, message: RESOLVING.waitingForBank };
  }
  const message = !gatewayAnswered ? RESOLVING.gatewayUnreachable : RESOLVING.terminalUnreachable;
  return { kind: 'unknown', terminalAnswered, gatewayAnswered, message };
}
