// "Please Complete Payment": the card attempt as main reports it, the time the
// customer has been at the PIN pad, Cancel once it is due, and each outcome
// with what to do next. Keyboard: Tab between buttons, Enter presses, Esc goes
// back to the register when the payment is no longer at the PIN pad.

import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { formatMoney } from '../common/money-format.ts';
import { useAppActions, useAppState } from '../../store/store-context.ts';
import { FindMissingResult } from '../common/find-missing-result.tsx';
import { elapsedSeconds, formatElapsed, paymentView, type PaymentAction } from './payment-view.ts';
import { ReceiptStatus } from './receipt-status.tsx';
import { useFocusTrap } from '../common/focus-trap.ts';
import { TrainingControl } from './training-control.tsx';

/** Props of the payment dialog. */
export interface PaymentDialogProps {
  /** Closes the dialog and opens another tender (cash) on the same ticket. */
  onOtherTender(): void;
}

const LABELS: Record<PaymentAction, string> = {
  done: 'Done',
  retry: 'Try again',
  other_tender: 'Other tender',
  find_missing: 'Find Missing Payments',
  cancel: 'Cancel payment',
  back: 'Back to register (keeps checking)',
};

/** The payment dialog for the ticket in `paymentTicketId`. */
export function PaymentDialog({ onOtherTender }: PaymentDialogProps) {
  const attempt = useAppState((s) => s.attempt);
  const ticket = useAppState((s) => s.currentTicket);
  const requestedAt = useAppState((s) => s.paymentRequestedAt);
  const cancelAfterSeconds = useAppState((s) => s.appInfo?.cancelAfterSeconds ?? 30);
  const cancelPending = useAppState((s) => s.cancelPending);
  const paymentError = useAppState((s) => s.paymentError);
  const findMissing = useAppState((s) => s.findMissing);
  const terminalHealth = useAppState((s) => s.status?.terminal);
  const actions = useAppActions();
  const [now, setNow] = useState(() => Date.now());
  const dialog = useRef<HTMLElement>(null);
  useFocusTrap(dialog);

  const startedAt = attempt?.createdAt ?? (requestedAt ? new Date(requestedAt).toISOString() : new Date(now).toISOString());
  const elapsed = elapsedSeconds(startedAt, now);
  const view = paymentView(attempt, { elapsedSeconds: elapsed, cancelAfterSeconds, cancelPending, terminal: terminalHealth });

  useEffect(() => {
    if (!view.timerRunning) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [view.timerRunning]);

  // Find Missing helps while the outcome is not known or a command failed; never on a final approval or decline.
  const helps = view.phase === 'checking' || view.phase === 'not_charged' || paymentError !== null;
  const buttons = view.actions.includes('find_missing') || !helps ? view.actions : [...view.actions, 'find_missing' as const];
  // While the card is out (starting, waiting, checking) no button takes focus by itself: Cancel appearing at
  // 30 s must not catch an Enter meant for something else. A final result focuses its first button (Done,
  // Try again), where Enter takes no money.
  const final = view.phase !== 'starting' && view.phase !== 'waiting' && view.phase !== 'checking';
  const firstButton = useRef<HTMLButtonElement>(null);
  const firstAction = buttons[0];
  useEffect(() => {
    if (final && firstAction !== 'cancel') firstButton.current?.focus();
  }, [final, firstAction, view.phase]);

  const press = (action: PaymentAction) => {
    switch (action) {
      case 'done':
      case 'back':
        actions.closePayment();
        break;
      case 'retry':
        void actions.retryCard();
        break;
      case 'other_tender':
        actions.closePayment();
        onOtherTender();
        break;
      case 'find_missing':
        void actions.runFindMissing();
        break;
      case 'cancel':
        void actions.cancelCard();
        break;
    }
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    // Leaving is allowed whenever the card is not in the customer's hands: main keeps resolving meanwhile.
    if (buttons.includes('done') || buttons.includes('back') || buttons.includes('other_tender')) actions.closePayment();
  };

  const currency = attempt?.currency ?? ticket?.currency ?? 'USD';
  const amount = attempt?.amountRequested ?? ticket?.due ?? 0;
  const cancelIn = Math.max(0, cancelAfterSeconds - elapsed);
  return (
    <div className="overlay" onKeyDown={onKeyDown}>
      <section
        ref={dialog}
        tabIndex={-1}
        className={`dialog payment-dialog tone-${view.tone}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby="payment-title"
        data-testid="payment-dialog"
        data-phase={view.phase}
        data-state={attempt?.state ?? 'none'}
      >
        <h2 id="payment-title" data-testid="payment-title">
          {view.title}
        </h2>
        {view.pinPadLine && (
          <p className="payment-pin-pad" role="status" aria-live="polite" data-testid="payment-pin-pad-status">
            PIN pad: <strong>{view.pinPadLine}</strong>
          </p>
        )}
        <p className="dialog-due">
          Amount <strong data-testid="payment-amount">{formatMoney(amount, currency)}</strong>
          {ticket && <span className="muted"> · Ticket #{ticket.number}</span>}
          {attempt && <span className="muted"> · Ref {attempt.ecrRef}</span>}
        </p>
        <p className="payment-message" role="status" aria-live="polite" data-testid="payment-message">
          {view.message}
        </p>
        {view.timerRunning && (
          <p className="payment-elapsed muted">
            Elapsed <span data-testid="payment-elapsed">{formatElapsed(elapsed)}</span>
            {!view.actions.includes('cancel') && (view.phase === 'waiting' || view.phase === 'starting') && !cancelPending && (
              <span data-testid="payment-cancel-hint"> · Cancel available in {cancelIn} s</span>
            )}
          </p>
        )}
        {view.showCard && attempt && (
          <dl className="payment-card" data-testid="payment-card">
            <dt>Card</dt>
            <dd data-testid="payment-masked-pan">
              {attempt.cardBrand ? `${attempt.cardBrand} ` : ''}
              {attempt.maskedPan ?? 'not reported'}
            </dd>
            <dt>Auth code</dt>
            <dd data-testid="payment-auth-code">{attempt.authCode ?? 'not reported'}</dd>
            <dt>Approved</dt>
            <dd data-testid="payment-approved-amount">{formatMoney(attempt.amountApproved, attempt.currency)}</dd>
          </dl>
        )}
        {/* One attempt, one current message: a command error is shown only while the attempt has no final word. */}
        {paymentError && !view.showCard && (
          <p className="field-error" role="alert" data-testid="payment-error">
            {paymentError}
          </p>
        )}
        {view.showCard && ticket && <ReceiptStatus ticket={ticket} />}
        {findMissing.running && (
          <p className="muted" data-testid="find-missing-running">
            Asking the gateway for this register's recent charges…
          </p>
        )}
        {findMissing.error && (
          <p className="field-error" role="alert" data-testid="find-missing-error">
            {findMissing.error}
          </p>
        )}
        {findMissing.report && <FindMissingResult report={findMissing.report} />}
        {/* While checking, the trainee may bring the connections back (Normal); never while the customer is at the PIN pad.
            The register hides its own panel meanwhile, so the panel is shown once. */}
        {(!view.timerRunning || view.phase === 'checking') && <TrainingControl />}
        <div className="dialog-actions">
          {buttons.map((action, i) => (
            <button
              key={action}
              ref={i === 0 ? firstButton : undefined}
              type="button"
              className={`btn ${i === 0 ? 'btn-primary' : ''}`}
              data-testid={`payment-${action.replace('_', '-')}`}
              disabled={action === 'find_missing' && findMissing.running}
              onClick={() => press(action)}
            >
              {LABELS[action]}
            </button>
          ))}
        </div>
      </section>
    </div>
  );
}
