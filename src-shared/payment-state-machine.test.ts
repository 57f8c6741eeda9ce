import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ATTEMPT_EVENT_TYPES,
  ATTEMPT_STATES,
  isCharged,
  isFinal,
  isUnresolved,
  transition,
  type AttemptEvent,
  type AttemptState,
} from './payment-state-machine.ts';

// The allowed transitions, written out from the diagram in DESIGN §3. Every
// pair not listed here must be refused.
const ALLOWED: Array<[AttemptState, AttemptEvent['type'], AttemptState]> = [
  ['created', 'send', 'sent'],
  ['created', 'abandon', 'abandoned'],
  ['sent', 'approve', 'approved'],
  ['sent', 'decline', 'declined'],
  ['sent', 'abort', 'aborted'],
  ['sent', 'doubt', 'in_doubt'],
  ['in_doubt', 'approve', 'approved'],
  ['in_doubt', 'confirm_absent', 'not_charged'],
  ['in_doubt', 'doubt', 'in_doubt'],
  ['approved', 'reverse', 'reversed'],
];

function event(type: AttemptEvent['type']): AttemptEvent {
  switch (type) {
    case 'approve':
      return { type, source: 'terminal' };
    case 'doubt':
      return { type, reason: 'timeout' };
    default:
      return { type } as AttemptEvent;
  }
}

test('every state × event pair is either the allowed transition or refused', () => {
  let checked = 0;
  for (const state of ATTEMPT_STATES) {
    for (const type of ATTEMPT_EVENT_TYPES) {
      const allowed = ALLOWED.find(([s, e]) => s === state && e === type);
      const result = transition(state, event(type));
      if (allowed) assert.deepEqual(result, { ok: true, state: allowed[2] }, `${state} + ${type}`);
      else {
        assert.equal(result.ok, false, `${state} + ${type} must be refused`);
        assert.match((result as { reason: string }).reason, new RegExp(`${state}.*${type}`));
      }
      checked++;
    }
  }
  assert.equal(checked, ATTEMPT_STATES.length * ATTEMPT_EVENT_TYPES.length);
});

test('an unanswered send can never become aborted or declined once in doubt', () => {
  // Invariant 5: unknown is resolved by asking, and only an approval or a
  // confirmed absence ends it.
  for (const type of ['abort', 'decline', 'abandon', 'send', 'reverse'] as const) {
    assert.equal(transition('in_doubt', event(type)).ok, false, type);
  }
});

test('a sent or in-doubt attempt is unresolved; only approved is charged', () => {
  assert.deepEqual(ATTEMPT_STATES.filter(isUnresolved), ['sent', 'in_doubt']);
  assert.deepEqual(ATTEMPT_STATES.filter(isCharged), ['approved']);
  assert.deepEqual(ATTEMPT_STATES.filter(isFinal), ['declined', 'aborted', 'not_charged', 'abandoned', 'reversed']);
});

test('final states accept no event at all', () => {
  for (const state of ATTEMPT_STATES.filter(isFinal)) {
    for (const type of ATTEMPT_EVENT_TYPES) assert.equal(transition(state, event(type)).ok, false);
  }
});
