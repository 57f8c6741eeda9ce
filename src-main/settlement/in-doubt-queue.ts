// The manager's in-doubt queue (issue 11 §4): every attempt whose outcome is
// not known, its age and last check; "check now" runs a resolution pass; and
// a manager's "confirmed with the processor by phone" (seed 001's last resort)
// is recorded as manual evidence: a 'manual_evidence' event with who, the
// processor's reference and the outcome, in the same transaction as the
// attempt's own transition (approval source 'manual', or confirmed absent).
// Never a silent state change.

import { AppError } from '../../src-shared/errors.ts';
import { isUnresolved } from '../../src-shared/payment-state-machine.ts';
import type { InDoubtEntry } from '../../src-shared/reversal-types.ts';
import type { AttemptRepository, AttemptRow } from '../journal/attempt-repository.ts';
import type { Journal } from '../journal/journal.ts';
import { recordApproval, type AttemptOutcome } from '../payments/attempt-outcome.ts';
import type { AttemptResolution } from '../payments/attempt-resolution.ts';
import type { TicketPort } from '../payments/payment-ports.ts';

/** How the queue is built. */
export interface InDoubtQueueOptions {
  journal: Journal;
  attempts: AttemptRepository;
  tickets: TicketPort;
  outcome: AttemptOutcome;
  resolution: AttemptResolution;
  now: () => number;
}

/** A manager's phone confirmation. */
export interface PhoneConfirmation {
  attemptId: string;
  outcome: 'charged' | 'not_charged';
  processorRef: string;
  note: string;
}

/** The in-doubt queue (see file comment). */
export class InDoubtQueue {
  constructor(private readonly o: InDoubtQueueOptions) {}

  /** Every unresolved attempt, oldest first. */
  list(): InDoubtEntry[] {
    const now = this.o.now();
    return this.o.attempts.findUnresolved().map((row) => this.entry(row, now));
  }

  /** Runs a resolution pass on one attempt now, then answers the queue. */
  async checkNow(attemptId: string): Promise<InDoubtEntry[]> {
    const row = this.o.attempts.get(attemptId);
    if (isUnresolved(row.state)) await this.o.resolution.resolve(attemptId);
    return this.list();
  }

  /** Records the manager's phone confirmation as manual evidence and resolves the attempt by it. */
  confirmByPhone(c: PhoneConfirmation, actor: string): InDoubtEntry[] {
    const { journal, attempts } = this.o;
    const before = attempts.get(c.attemptId);
    if (before.state !== 'in_doubt') {
      throw new AppError('conflict', 'This payment is no longer in doubt: its outcome is already known.', { attemptId: c.attemptId, state: before.state });
    }
    let approved: AttemptRow | undefined;
    journal.transact(() => {
      journal.appendEvent(
        { entity: 'manual_evidence', entityId: c.attemptId, type: 'confirmed_by_phone', payload: { actor, note: c.note, outcome: c.outcome, processorRef: c.processorRef } },
        journal.nowIso(),
      );
      if (c.outcome === 'charged') {
        approved = recordApproval({ journal, attempts, tickets: this.o.tickets }, c.attemptId, 'manual', {
          amountApproved: before.amountRequested,
          hostRef: c.processorRef,
          resultText: 'Confirmed with the processor by phone',
        }).row;
      } else {
        attempts.transition(c.attemptId, { type: 'confirm_absent' }, { resultText: 'Confirmed not charged with the processor by phone' });
      }
    });
    this.o.resolution.clear(c.attemptId);
    if (approved) this.o.outcome.announceApproval(approved, 'manual');
    else this.o.outcome.emit(attempts.get(c.attemptId));
    return this.list();
  }

  private entry(row: AttemptRow, now: number): InDoubtEntry {
    const attempt = this.o.outcome.snapshot(row);
    return { attempt, ageMs: Math.max(0, now - Date.parse(row.createdAt)), lastCheckAt: row.updatedAt, lastCheck: attempt.message };
  }
}
