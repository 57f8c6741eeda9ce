// The payment attempt state machine (DESIGN §3), as a pure function.
//
//   created ──send──▶ sent ──approved──▶ approved ──reverse──▶ reversed
//      │                │ ──declined──▶ declined
//      │                │ ──aborted (terminal says not charged)──▶ aborted
//      │                └─ timeout / link lost / cancel unanswered ──▶ in_doubt
//      └─ (never sent) ─▶ abandoned             in_doubt ──lookup found──▶ approved
//                                               in_doubt ──confirmed absent──▶ not_charged
//
// The coordinator in src-main/payments performs the I/O and journals every
// transition; nothing here touches a clock, a device or a database.

/** Every state a payment attempt can be in. */
export const ATTEMPT_STATES = [
  'created',
  'sent',
  'approved',
  'declined',
  'aborted',
  'in_doubt',
  'not_charged',
  'abandoned',
  'reversed',
] as const;

/** A payment attempt's state. */
export type AttemptState = (typeof ATTEMPT_STATES)[number];

/** States in which the card may have been charged and nobody knows yet. */
export const UNRESOLVED_STATES: readonly AttemptState[] = ['sent', 'in_doubt'];

/** States that will never change again (approved can still be reversed). */
export const FINAL_STATES: readonly AttemptState[] = ['declined', 'aborted', 'not_charged', 'abandoned', 'reversed'];

/** Where an approval came from: the direct answer, or one of the ways of recovering it. */
export type ApprovalSource =
  | 'terminal'
  | 'terminal_duplicate'
  | 'terminal_lookup'
  | 'gateway'
  | 'gateway_duplicate'
  | 'gateway_lookup'
  | 'find_missing'
  // A manager confirmed it with the processor by phone (issue 11 §4), journaled with who and the processor's reference.
  | 'manual';

/** Why an attempt's outcome became unknown. */
export type DoubtReason = 'timeout' | 'link_lost' | 'bad_response' | 'device_reset' | 'unanswered_cancel' | 'crash';

/** Things that happen to an attempt. */
export type AttemptEvent =
  | { type: 'send' }
  | { type: 'approve'; source: ApprovalSource }
  | { type: 'decline' }
  | { type: 'abort' }
  | { type: 'doubt'; reason: DoubtReason }
  | { type: 'confirm_absent' }
  | { type: 'abandon' }
  | { type: 'reverse' };

/** The result of a transition: the next state, or why the event is refused. */
export type TransitionResult = { ok: true; state: AttemptState } | { ok: false; reason: string };

const NEXT: Record<AttemptState, Partial<Record<AttemptEvent['type'], AttemptState>>> = {
  created: { send: 'sent', abandon: 'abandoned' },
  sent: { approve: 'approved', decline: 'declined', abort: 'aborted', doubt: 'in_doubt' },
  // A lookup that finds a decline or nothing confirms the card was not charged.
  in_doubt: { approve: 'approved', confirm_absent: 'not_charged', doubt: 'in_doubt' },
  approved: { reverse: 'reversed' },
  declined: {},
  aborted: {},
  not_charged: {},
  abandoned: {},
  reversed: {},
};

/** Applies an event to a state. Pure; never throws. */
export function transition(state: AttemptState, event: AttemptEvent): TransitionResult {
  const next = NEXT[state]?.[event.type];
  if (next === undefined) {
    return { ok: false, reason: `A payment attempt that is ${state} cannot take "${event.type}".` };
  }
  return { ok: true, state: next };
}

/** True when the card may have been charged and the outcome is not known yet. */
export function isUnresolved(state: AttemptState): boolean {
  return UNRESOLVED_STATES.includes(state);
}

/** True when the attempt holds money taken from the card. */
export function isCharged(state: AttemptState): boolean {
  return state === 'approved';
}

/** True when the attempt can never change again. */
export function isFinal(state: AttemptState): boolean {
  return FINAL_STATES.includes(state);
}

/** Every event type, for exhaustive tests. */
export const ATTEMPT_EVENT_TYPES: readonly AttemptEvent['type'][] = [
  'send',
  'approve',
  'decline',
  'abort',
  'doubt',
  'confirm_absent',
  'abandon',
  'reverse',
];
