// The card payment on the current ticket, as main reports it, and the commands
// of the "Please Complete Payment" dialog. The slice never sets a payment's
// state itself: `attempt` is always the newest snapshot main answered or pushed.

import type { AttemptSnapshot, FindMissingReport, ReceiptResult } from '../../src-shared/domain.ts';
import { IpcError } from '../../src-shared/ipc-client.ts';
import type { NoticeSlice } from './notice-slice.ts';
import type { SliceCreator } from './slice-types.ts';
import type { TicketSlice } from './ticket-slice.ts';
import { errorMessage } from './host-api.ts';

/** A sale can keep the customer at the PIN pad for minutes; the dialog follows events meanwhile. */
const START_TIMEOUT_MS = 15 * 60_000;
/** A confirmed cancel waits for the sale's own answer. */
const CANCEL_TIMEOUT_MS = 2 * 60_000;
/** The gateway report can be slow over a poor link. */
const FIND_MISSING_TIMEOUT_MS = 2 * 60_000;
const REPRINT_TIMEOUT_MS = 60_000;

/** Find Missing Payments as the dialog shows it. */
export interface FindMissingState {
  running: boolean;
  report: FindMissingReport | null;
  error: string | null;
}

/** The receipt of one ticket: main's newest word on it, or the answer to the last Reprint. */
export interface ReceiptState {
  ticketId: string;
  /** A reprint is printing. */
  running: boolean;
  /** Null while no print was tried yet (the sale receipt prints just after the approval). */
  result: ReceiptResult | null;
}

/** The sale receipt prints after the approval is recorded; ask again this often, this many times. */
const RECEIPT_POLL_MS = 1000;
const RECEIPT_POLLS = 40;

/** Card payment state and commands. */
export interface PaymentSlice {
  /** Newest snapshot of the attempt on the current ticket (or in the dialog). */
  attempt: AttemptSnapshot | null;
  /** Ticket the payment dialog is open for; null when the dialog is closed. */
  paymentTicketId: string | null;
  /** Local time (ms) the dialog asked main to start, until main reports the attempt. */
  paymentRequestedAt: number | null;
  /** A payment.start, cancel or find-missing command failed: the host's words. */
  paymentError: string | null;
  /** A cancel was sent and main has not answered yet. */
  cancelPending: boolean;
  findMissing: FindMissingState;
  receipt: ReceiptState | null;
  /** Opens the dialog and asks main to take a card for everything due on the current ticket. */
  startCard(): Promise<void>;
  /** Another card payment on the same ticket, for what is still due; main picks the slot. */
  retryCard(): Promise<void>;
  /** Asks main to have the PIN pad abort the attempt in the dialog. */
  cancelCard(): Promise<void>;
  /** Asks the gateway for charges the journal lacks (for the dialog's ticket, else the register). */
  runFindMissing(): Promise<void>;
  /** Closes the dialog; the attempt keeps going in main. */
  closePayment(): void;
  /** Asks main whether a ticket's receipt printed, asking again until a print was tried. */
  loadReceipt(ticketId: string): Promise<void>;
  /** Prints a ticket's receipt again from the journal. */
  reprintReceipt(ticketId: string): Promise<void>;
  paymentChanged(snapshot: AttemptSnapshot): void;
  /** Reopens the payment screen of an attempt main has out or in doubt (after a reload); no-op when the dialog is open. */
  restorePayment(): Promise<void>;
  /** The cashier confirmed the in-doubt amount match is another customer: starts the card payment anyway. */
  confirmMatchingCard(): Promise<void>;
}

const IDLE_FIND: FindMissingState = { running: false, report: null, error: null };

/** True when `next` should replace `prev` in the same view: same attempt and not older, or a newer attempt. */
export function supersedes(prev: AttemptSnapshot | null, next: AttemptSnapshot): boolean {
  if (!prev) return true;
  if (prev.id === next.id) return next.updatedAt >= prev.updatedAt;
  return next.createdAt >= prev.createdAt;
}

/** Creates the payment slice. */
export const createPaymentSlice: SliceCreator<PaymentSlice, TicketSlice & NoticeSlice> = (set, get, api) => {
  // Attempts the cashier already moved on from (retried): their late events must not reopen them.
  const retired = new Set<string>();

  const adopt = (snapshot: AttemptSnapshot | undefined) => {
    if (!snapshot || retired.has(snapshot.id)) return;
    const { paymentTicketId, currentTicket, attempt } = get();
    const ticketId = paymentTicketId ?? currentTicket?.id;
    if (snapshot.ticketId !== ticketId) return;
    if (attempt && attempt.ticketId !== ticketId) {
      set({ attempt: snapshot });
      return;
    }
    if (supersedes(attempt, snapshot)) set({ attempt: snapshot });
  };

  /** The unresolved attempt main refused to charge over, so the dialog shows its checking state. */
  const showBlocking = async (ticketId: string) => {
    try {
      const attempts = await api.call('payment.listForTicket', { ticketId });
      const blocking = attempts.filter((a) => a.state === 'sent' || a.state === 'in_doubt').at(-1);
      if (blocking) adopt(blocking);
    } catch {
      // The refusal message already says what is going on.
    }
  };

  const start = async (ticketId: string, amount: number, confirmed: { inDoubt?: boolean; crossRegister?: boolean } = {}) => {
    set({ paymentTicketId: ticketId, paymentRequestedAt: Date.now(), paymentError: null, cancelPending: false, findMissing: IDLE_FIND });
    try {
      const params = {
        ticketId,
        amount,
        ...(confirmed.inDoubt ? { confirmMatchingInDoubt: true } : {}),
        ...(confirmed.crossRegister ? { confirmCrossRegisterDuplicate: true } : {}),
      };
      adopt(await api.call('payment.start', params, { timeoutMs: START_TIMEOUT_MS }));
    } catch (err) {
      if (get().paymentTicketId !== ticketId) return;
      const attempt = get().attempt;
      const hasAttempt = attempt?.ticketId === ticketId && !retired.has(attempt.id);
      if (err instanceof IpcError && err.details?.needsConfirm === true) {
        // Nothing was sent: the cashier decides whether this is the in-doubt customer again.
        set({ paymentTicketId: null, paymentRequestedAt: null });
        const crossRegister = err.details?.crossRegisterDuplicate === true;
        get().askMatchingConfirm({ kind: 'card', ticketId, amount, message: errorMessage(err), crossRegister, inDoubtConfirmed: confirmed.inDoubt === true });
      } else if (err instanceof IpcError && err.code === 'attempt_unresolved') {
        set({ paymentError: errorMessage(err) });
        await showBlocking(ticketId);
      } else if (hasAttempt) {
        set({ paymentError: errorMessage(err) });
      } else {
        // Nothing reached the PIN pad: say why on the register, where the cashier picks another tender.
        set({ paymentTicketId: null, paymentRequestedAt: null });
        get().showError(err);
      }
    }
  };

  return {
    attempt: null,
    paymentTicketId: null,
    paymentRequestedAt: null,
    paymentError: null,
    cancelPending: false,
    findMissing: IDLE_FIND,
    receipt: null,

    async startCard() {
      const ticket = get().currentTicket;
      if (!ticket || ticket.status !== 'open' || ticket.due <= 0) {
        get().showError('There is nothing due on this ticket. Ring an item first.');
        return;
      }
      get().clearError();
      // An unresolved attempt stays in view: main will refuse to charge over it and the dialog shows it being checked.
      const prev = get().attempt;
      const keep = prev?.ticketId === ticket.id && (prev.state === 'sent' || prev.state === 'in_doubt');
      if (prev && !keep) retired.add(prev.id);
      set({ attempt: keep ? prev : null });
      await start(ticket.id, ticket.due);
    },

    async retryCard() {
      const { attempt, currentTicket, paymentTicketId } = get();
      const ticketId = paymentTicketId ?? currentTicket?.id;
      if (!ticketId) return;
      if (attempt && (attempt.state === 'sent' || attempt.state === 'in_doubt')) {
        set({ paymentError: 'This payment is not finished yet: wait for its answer before charging again.' });
        return;
      }
      const due = currentTicket?.id === ticketId ? currentTicket.due : 0;
      if (due <= 0) {
        set({ paymentError: 'Nothing is due on this ticket any more.' });
        return;
      }
      if (attempt) retired.add(attempt.id);
      set({ attempt: null });
      await start(ticketId, due);
    },

    async cancelCard() {
      const attempt = get().attempt;
      if (!attempt || get().cancelPending) return;
      set({ cancelPending: true, paymentError: null });
      try {
        adopt(await api.call('payment.cancel', { attemptId: attempt.id }, { timeoutMs: CANCEL_TIMEOUT_MS }));
      } catch (err) {
        set({ paymentError: errorMessage(err) });
      } finally {
        set({ cancelPending: false });
      }
    },

    async runFindMissing() {
      if (get().findMissing.running) return;
      const ticketId = get().paymentTicketId ?? undefined;
      set({ findMissing: { running: true, report: null, error: null } });
      try {
        const report = await api.call('reconcile.findMissing', ticketId ? { ticketId } : {}, { timeoutMs: FIND_MISSING_TIMEOUT_MS });
        for (const a of report.attached) adopt(a);
        set({ findMissing: { running: false, report, error: null } });
      } catch (err) {
        set({ findMissing: { running: false, report: null, error: errorMessage(err) } });
      }
    },

    closePayment() {
      set({ paymentTicketId: null, paymentRequestedAt: null, paymentError: null, cancelPending: false, findMissing: IDLE_FIND });
    },

    async loadReceipt(ticketId) {
      const mine = () => get().receipt?.ticketId === ticketId;
      if (!mine()) set({ receipt: { ticketId, running: false, result: null } });
      for (let i = 0; i < RECEIPT_POLLS && mine() && !get().receipt?.result; i++) {
        try {
          const result = await api.call('receipt.last', { ticketId });
          if (result && mine() && !get().receipt?.running) set({ receipt: { ticketId, running: false, result } });
          if (result) return;
        } catch {
          return; // an older host or a dead link: the Reprint button on the ticket still works
        }
        await new Promise((r) => setTimeout(r, RECEIPT_POLL_MS));
      }
    },

    async reprintReceipt(ticketId) {
      if (get().receipt?.running) return;
      set({ receipt: { ticketId, running: true, result: get().receipt?.ticketId === ticketId ? get().receipt!.result : null } });
      try {
        const result = await api.call('receipt.reprint', { ticketId }, { timeoutMs: REPRINT_TIMEOUT_MS });
        set({ receipt: { ticketId, running: false, result } });
      } catch (err) {
        set({ receipt: { ticketId, running: false, result: { printed: false, message: errorMessage(err) } } });
      }
    },

    paymentChanged: adopt,

    async restorePayment() {
      if (get().paymentTicketId) return;
      let open: AttemptSnapshot[];
      try {
        open = await api.call('payment.listUnresolved', {});
      } catch {
        return; // the register notice already says what is wrong with the host
      }
      const a = open.at(-1);
      if (!a || get().paymentTicketId) return;
      try {
        const ticket = await api.call('ticket.get', { ticketId: a.ticketId });
        set({ currentTicket: ticket, attempt: a, paymentTicketId: a.ticketId, paymentRequestedAt: null, paymentError: null, cancelPending: false, findMissing: IDLE_FIND });
      } catch {
        // Gone meanwhile: nothing to restore.
      }
    },

    async confirmMatchingCard() {
      const c = get().matchingConfirm;
      get().askMatchingConfirm(null);
      if (!c || c.kind !== 'card') return;
      set({ attempt: null });
      // Each warning is confirmed for itself: the store's cross-register one keeps an earlier in-doubt confirmation.
      await start(c.ticketId, c.amount, c.crossRegister ? { inDoubt: c.inDoubtConfirmed === true, crossRegister: true } : { inDoubt: true });
    },
  };
};
