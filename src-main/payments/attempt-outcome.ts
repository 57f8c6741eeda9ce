// The one owner of "an attempt finished" (and of every attempt change the
// screen hears about): it journals the transition, tells listeners (the host
// forwards them as payment.changed; the ticket service announces the ticket
// itself from the same journal write), and prints the receipt of an approval.
// The sale path, the resolution engine and Find Missing Payments all finish
// attempts here, so none of them can forget a step.

import type { AttemptSnapshot } from '../../src-shared/domain.ts';
import type { ApprovalSource, AttemptEvent } from '../../src-shared/payment-state-machine.ts';
import type { AttemptPatch, AttemptRepository, AttemptRow } from '../journal/attempt-repository.ts';
import { toAttemptSnapshot } from './attempt-snapshot.ts';
import type { Journal } from '../journal/journal.ts';
import { recordApproval } from './approval-recorder.ts';
import type { TicketPort } from './payment-ports.ts';

/** Receipt printing, as an approval triggers it. */
export interface ReceiptPort {
  printForAttempt(attemptId: string): Promise<unknown>;
}

/** What the screen should show instead of the journal's words while an attempt is being worked on. */
export type LiveOverlay = (row: AttemptRow, snapshot: AttemptSnapshot) => AttemptSnapshot;

/** How the outcome owner is built. */
export interface AttemptOutcomeOptions {
  journal: Journal;
  attempts: AttemptRepository;
  tickets: TicketPort;
  receipts?: ReceiptPort;
  /** Background work (receipt printing) is handed here so close() can wait for it. */
  track: (p: Promise<unknown>) => void;
  log: (event: string, attemptId: string, detail?: string) => void;
}

type Listener = (s: AttemptSnapshot) => void;

/** Records, emits and prints (see file comment). */
export class AttemptOutcome {
  private readonly listeners = new Set<Listener>();
  private overlay: LiveOverlay = (_row, s) => s;

  constructor(private readonly o: AttemptOutcomeOptions) {}

  /** The resolution engine lays its live progress over the journal's state. */
  setOverlay(overlay: LiveOverlay): void {
    this.overlay = overlay;
  }

  /** Subscribes to attempt snapshots; returns the unsubscribe function. */
  onChanged(cb: Listener): () => void {
    this.listeners.add(cb);
    return () => void this.listeners.delete(cb);
  }

  /** The attempt as the payment screen shows it. */
  snapshot(row: AttemptRow): AttemptSnapshot {
    return this.overlay(row, toAttemptSnapshot(row));
  }

  /** Tells every listener about the attempt as it stands now. */
  emit(row: AttemptRow): void {
    const s = this.snapshot(row);
    for (const l of this.listeners) {
      try {
        l(s);
      } catch (err) {
        this.o.log('listener_failed', row.id, err instanceof Error ? err.message : String(err));
      }
    }
  }

  /** Journals a transition (not an approval) and emits it. */
  transition(attemptId: string, event: Exclude<AttemptEvent, { type: 'approve' }>, facts: AttemptPatch = {}): AttemptRow {
    const next = this.o.attempts.transition(attemptId, event, facts);
    this.emit(next);
    return next;
  }

  /**
   * Records an approval (attempt and ticket in one transaction), emits it and
   * prints the receipt. Already approved (two finders raced): nothing changes.
   */
  approve(attemptId: string, source: ApprovalSource, facts: AttemptPatch): { row: AttemptRow; changed: boolean } {
    const r = recordApproval({ journal: this.o.journal, attempts: this.o.attempts, tickets: this.o.tickets }, attemptId, source, facts);
    if (r.changed) this.announceApproval(r.row, source);
    return r;
  }

  /** An approval someone else journaled (Find Missing attaching a charge): emitted and printed like any other. */
  announceApproval(row: AttemptRow, source: ApprovalSource): void {
    this.o.log('approved', row.id, source);
    this.emit(row);
    if (this.o.receipts) this.o.track(this.o.receipts.printForAttempt(row.id));
  }
}
