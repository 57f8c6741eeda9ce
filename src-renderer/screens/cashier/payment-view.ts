// What the "Please Complete Payment" dialog shows for an attempt snapshot: a
// pure mapping from main's snapshot to a phase, words and the actions the
// cashier may take next. The dialog never decides a payment's state; it only
// chooses how to show the one main reported.

import type { AttemptSnapshot, DeviceHealth } from '../../../src-shared/domain.ts';
import type { ApprovalSource, AttemptState } from '../../../src-shared/payment-state-machine.ts';

/** How the dialog presents an attempt. */
export type PaymentPhase =
  | 'starting'
  | 'waiting'
  | 'checking'
  | 'approved'
  | 'partial'
  | 'recovered'
  | 'declined'
  | 'not_charged'
  | 'reversed';

/** Something the cashier can do from the dialog. */
export type PaymentAction = 'done' | 'retry' | 'other_tender' | 'find_missing' | 'cancel' | 'back';

/** Everything the dialog needs to render one moment of a payment. */
export interface PaymentView {
  phase: PaymentPhase;
  title: string;
  /** Plain words: main's message, or the recovered/decline wording the issue asks for. */
  message: string;
  tone: 'info' | 'ok' | 'bad' | 'warn';
  /** In the order the buttons appear; the first one gets focus. */
  actions: PaymentAction[];
  /** Shows masked card and auth code. */
  showCard: boolean;
  /** The clock runs while the customer is at the PIN pad or the app is checking. */
  timerRunning: boolean;
  /** What the PIN pad asks of the customer right now ("Customer is entering the PIN"), while the attempt is sent. */
  pinPadLine?: string;
}

/** Facts about the screen's moment that are not in the snapshot. */
export interface PaymentViewContext {
  /** Seconds since the attempt started. */
  elapsedSeconds: number;
  /** From app.info: when Cancel appears. */
  cancelAfterSeconds: number;
  /** A cancel was sent and main has not answered it yet. */
  cancelPending: boolean;
  /** The PIN pad's live health from status.changed (its detail carries the prompt in plain words). */
  terminal?: DeviceHealth;
}

/** The heading of the recovered outcome. */
export const RECOVERED_MESSAGE = 'Already paid: recorded without charging again.';
/** The heading shown while an outcome is unknown. */
export const CHECKING_TITLE = 'The card may have been charged. Checking…';

/** Approvals that were pulled in after the fact rather than answered directly. */
const RECOVERED_SOURCES: ReadonlySet<ApprovalSource> = new Set([
  'terminal_duplicate',
  'terminal_lookup',
  'gateway_duplicate',
  'gateway_lookup',
  'find_missing',
]);

/** True while Cancel should be offered: customer at the PIN pad, long enough, no cancel already asked. */
export function cancelVisible(state: AttemptState | undefined, ctx: PaymentViewContext): boolean {
  const atPinPad = state === 'created' || state === 'sent';
  return atPinPad && !ctx.cancelPending && ctx.elapsedSeconds >= ctx.cancelAfterSeconds;
}

/** Whole seconds between an ISO start time and now, never negative (clocks of two processes may differ slightly). */
export function elapsedSeconds(startedAtIso: string, nowMs: number): number {
  const start = Date.parse(startedAtIso);
  if (!Number.isFinite(start)) return 0;
  return Math.max(0, Math.floor((nowMs - start) / 1000));
}

/**
 * The PIN pad's live line for an attempt: only while the attempt is at the PIN
 * pad ('sent'), only while that PIN pad is busy, and never another PIN pad's.
 */
export function pinPadLine(attempt: AttemptSnapshot | null, terminal: DeviceHealth | undefined): string | undefined {
  if (attempt?.state !== 'sent' || terminal?.state !== 'busy') return undefined;
  if (terminal.id !== undefined && terminal.id !== attempt.terminalId) return undefined;
  const detail = terminal.detail?.trim();
  return detail ? detail : undefined;
}

/** "0:07", "1:05", "12:00". */
export function formatElapsed(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** The dialog's view of an attempt; null means payment.start was sent and main has not reported the attempt yet. */
export function paymentView(attempt: AttemptSnapshot | null, ctx: PaymentViewContext): PaymentView {
  if (!attempt) {
    return { phase: 'starting', title: 'Please Complete Payment', message: 'Getting the PIN pad ready…', tone: 'info', actions: [], showCard: false, timerRunning: true };
  }
  const base = { message: attempt.message, showCard: false, timerRunning: false };
  switch (attempt.state) {
    case 'created':
    case 'sent':
      return {
        ...base,
        phase: attempt.state === 'created' ? 'starting' : 'waiting',
        title: 'Please Complete Payment',
        message: ctx.cancelPending ? 'Asking the PIN pad to cancel… Do not charge again.' : attempt.message,
        tone: 'info',
        actions: cancelVisible(attempt.state, ctx) ? ['cancel'] : [],
        timerRunning: true,
        // While a cancel is pending the PIN pad's prompt would contradict "Do not charge again".
        pinPadLine: ctx.cancelPending ? undefined : pinPadLine(attempt, ctx.terminal),
      };
    case 'in_doubt':
      // No retry while unresolved: a second charge is exactly what this state guards against.
      return { ...base, phase: 'checking', title: CHECKING_TITLE, tone: 'warn', actions: ['find_missing', 'back'], timerRunning: true };
    case 'approved': {
      const recovered = attempt.approvalSource !== undefined && RECOVERED_SOURCES.has(attempt.approvalSource);
      if (attempt.amountApproved < attempt.amountRequested) {
        return { ...base, phase: 'partial', title: 'Partially approved', tone: 'warn', actions: ['retry', 'other_tender'], showCard: true };
      }
      if (recovered) {
        return { ...base, phase: 'recovered', title: 'Already paid', message: RECOVERED_MESSAGE, tone: 'ok', actions: ['done'], showCard: true };
      }
      return { ...base, phase: 'approved', title: 'Approved', tone: 'ok', actions: ['done'], showCard: true };
    }
    case 'declined': {
      const reason = attempt.resultText?.trim();
      return {
        ...base,
        phase: 'declined',
        title: 'Declined',
        message: reason ? `${reason}. ${attempt.message}` : attempt.message,
        tone: 'bad',
        // A decline is a final answer: Find Missing Payments would only add doubt where there is none.
        actions: ['retry', 'other_tender'],
      };
    }
    case 'aborted':
    case 'not_charged':
    case 'abandoned':
      return { ...base, phase: 'not_charged', title: 'Not charged', tone: 'info', actions: ['retry', 'other_tender', 'find_missing'] };
    case 'reversed':
      return { ...base, phase: 'reversed', title: 'Reversed', tone: 'info', actions: ['done'] };
  }
}
