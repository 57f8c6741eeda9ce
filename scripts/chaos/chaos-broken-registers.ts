// Deliberately broken registers for the chaos harness's own tests (issue 14
// §4): a chaos run must FAIL on each. Built through the payment coordinator's
// test seams; only the chaos host loads this, and only when the harness's
// tests name one in its environment.
//
// - hasty_resolver: calls an attempt "not charged" as soon as either the PIN
//   pad or the gateway answered without an approval, skipping both the wait
//   for the other source and the wait for a late bank answer.
// - wrong_invoice: sends every sale under a different invoice than the one it
//   journals (the ECR reference stays right, so the PIN pad's report still
//   finds the approval).

import { lookUpAttempt } from '../../src-main/payments/attempt-resolver.ts';
import type { PaymentTestSeams } from '../../src-main/payments/payment-coordinator.ts';

/** Names of the broken registers. */
export const BROKEN_REGISTERS = ['hasty_resolver', 'wrong_invoice'] as const;

/** One broken register. */
export type BrokenRegister = (typeof BROKEN_REGISTERS)[number];

/** True for a known broken register name. */
export function isBrokenRegister(name: string): name is BrokenRegister {
  return (BROKEN_REGISTERS as readonly string[]).includes(name);
}

/** The coordinator seams that make the named register broken. */
export function brokenSeams(kind: BrokenRegister): PaymentTestSeams {
  switch (kind) {
    case 'hasty_resolver':
      return {
        resolver: async (attempt, deps, onStep) => {
          const outcome = await lookUpAttempt(attempt, deps, onStep);
          if (outcome.kind === 'unknown' && (outcome.terminalAnswered || outcome.gatewayAnswered)) return { kind: 'absent' };
          return outcome;
        },
      };
    case 'wrong_invoice':
      return { saleInvoice: (row) => `W${row.invoice}` };
  }
}
