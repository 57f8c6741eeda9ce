// The one owner of "an attempt finished" (and of every attempt change the
// screen hears about): it journals the transition, tells listeners (the IPC
// dispatcher's broadcast, subscribed here at start-up, sends them as
// payment.changed; the ticket service announces the ticket itself from the
// same journal write), and prints the receipt of an approval.
// The sale path, the resolution engine and Find Missing Payments all finish
// attempts here, so none of them can forget a step.

import type { AttemptSnapshot } from '../../src-shared/domain.ts';
import type { ApprovalSource, AttemptEvent } from '../../src-shared/payment-state-machine.ts';
import type { TerminalResult } from '../../drivers/terminal.ts';
import type { GatewayReportRow } from '../gateways/gateway-report-row.ts';
import type { AttemptPatch, AttemptRepository, AttemptRow } from '../journal/attempt-repository.ts';
import { toAttemptSnapshot } from './attempt-snapshot.ts';
import type { Journal } from '../journal/journal.ts';
import { finishReversalWithin, REVERSAL_KINDS } from '../journal/reversal-repository.ts';
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

// ── recording an approval ──────────────────────────────────────────────────
// Whoever found it (the PIN pad's answer, a lookup, a duplicate answer, Find
// Missing Payments): the attempt becomes approved and the ticket settles in ONE
// journal transaction, so a crash can never leave a charge recorded against a
// ticket that still shows it as due, or the reverse.

/** What recordApproval needs. */
export interface ApprovalDeps {
  journal: Journal;
  attempts: AttemptRepository;
  tickets: TicketPort;
}

/** Outcome classes of a terminal answer that mean money was taken. */
export const APPROVED_OUTCOMES: readonly TerminalResult['outcome'][] = ['approved', 'approved_offline', 'partially_approved'];

/** Attempt facts from a terminal answer (masked card data only). */
export function terminalFacts(r: TerminalResult, amountRequested: number): AttemptPatch {
  // A full approval that does not echo an amount approved the amount asked for.
  const amountApproved = r.outcome === 'approved' && !(r.amountApproved > 0) ? amountRequested : r.amountApproved;
  return dropUndefined({
    amountApproved,
    resultCode: r.resultCode,
    resultText: r.resultText,
    authCode: r.authCode,
    // Both references: HRef for follow-ups, and the host's own number (PAX host subfield 4).
    hostRef: r.hostRef,
    hostReferenceNumber: r.hostReferenceNumber,
    terminalRef: r.terminalRef,
    batchNumber: r.batchNumber,
    maskedPan: r.maskedPan,
    cardBrand: r.cardBrand,
    entryMode: r.entryMode,
  });
}

/** Attempt facts from a gateway report row. */
export function gatewayRowFacts(row: GatewayReportRow): AttemptPatch {
  return dropUndefined({
    amountApproved: row.amount,
    resultText: 'Approved (found in the gateway report)',
    authCode: row.authCode,
    hostRef: row.refNum,
    maskedPan: row.maskedPan || undefined,
    cardBrand: row.cardBrand,
    entryMode: row.entryMode,
  });
}

/**
 * Marks the attempt approved from `source` and settles its ticket, in one
 * transaction. Already approved: nothing changes (two finders may race).
 */
export function recordApproval(
  deps: ApprovalDeps,
  attemptId: string,
  source: ApprovalSource,
  facts: AttemptPatch,
): { row: AttemptRow; changed: boolean } {
  return deps.journal.transact(() => {
    const current = deps.attempts.get(attemptId);
    if (current.state === 'approved') return { row: current, changed: false };
    // One read, one time stamp, no nested savepoints: the row, the ticket and both events in this one transaction.
    const at = deps.journal.nowIso();
    const row = deps.attempts.transitionWithin(current, { type: 'approve', source }, facts, at);
    // A void or refund pays nothing towards its ticket: it reverses its original instead (issue 11 §3).
    if (REVERSAL_KINDS.includes(row.kind)) finishReversalWithin(deps.journal, deps.attempts, row, at);
    else deps.tickets.closeWhenPaidWithin(row.ticketId, at);
    return { row, changed: true };
  });
}

function dropUndefined(p: AttemptPatch): AttemptPatch {
  const out: AttemptPatch = {};
  for (const [k, v] of Object.entries(p)) if (v !== undefined && v !== '') (out as Record<string, unknown>)[k] = v;
  return out;
}
