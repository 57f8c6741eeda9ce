// Pay invoice (seed 002 tables 4-9 to 4-12): the amount (the balance by
// default); a negative amount turns Pay into Refund; card on file, cash, or a
// direct sale on the PIN pad for a guest with no card on file. The payments
// below can be voided, with the seed's own confirmation when the settlement
// already went out (table 4-11 #2).

import { useRef, useState } from 'react';
import type { GuestDetail, PurserActionResult, PurserPayment, PurserPaymentMethod } from '../../../src-shared/purser-types.ts';
import type { Outcome } from '../../store/host-api.ts';
import { useAppActions, useAppState } from '../../store/store-context.ts';
import { formatMoney } from '../common/money-format.ts';
import { FieldError, PlainMessage } from '../common/plain-message.tsx';
import type { Report } from './cards-tab.tsx';
import { PinPadChooser } from './pin-pad-chooser.tsx';
import { PurserDialog, PurserDialogActions } from './purser-dialog.tsx';
import { cardName, recordStateWords, voidConfirmation } from './purser-words.ts';
import { editableAmount, payInvoiceView, pinPadChoices, settlementOfPayment } from './purser-view.ts';

const METHOD_WORDS: Record<PurserPaymentMethod, string> = { card: 'Card on file', cash: 'Cash', direct_sale: 'Card on the PIN pad' };

/** The tab. */
export function PayInvoiceTab({ detail, currency, report }: { detail: GuestDetail; currency: string; report: Report }) {
  const actions = useAppActions();
  const terminal = useAppState((s) => s.status?.terminal);
  const devices = useAppState((s) => s.devices);
  const pads = pinPadChoices(terminal, devices);
  const [amountText, setAmountText] = useState(() => editableAmount(detail.balance, currency));
  const [chosen, setChosen] = useState<PurserPaymentMethod | null>(null);
  const [terminalId, setTerminalId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [voiding, setVoiding] = useState<PurserPayment | null>(null);
  const amountRef = useRef<HTMLInputElement>(null);
  const view = payInvoiceView(detail, amountText, chosen, currency);
  const pad = terminalId ?? pads[0]?.id ?? null;

  const submit = async () => {
    if (view.amount === null) {
      setError(view.error ?? 'Type the amount to pay, like 120.00 (a refund: -50.00).');
      amountRef.current?.focus();
      return;
    }
    if (view.needsPinPad && !pad) {
      setError('No PIN pad is set up on this register.');
      return;
    }
    setBusy(true);
    setError(null);
    const r = await actions.payInvoice(view.amount, view.method, view.needsPinPad ? pad! : undefined);
    setBusy(false);
    // One message in one place: a refusal beside the amount, what was done under the guest's name.
    if (!r.ok) return setError(r.message);
    setAmountText(editableAmount(r.value.guest.balance, currency));
    report(r, view.action === 'refund' ? `${formatMoney(-view.amount, currency)} refunded.` : `${formatMoney(view.amount, currency)} paid.`);
  };

  const payments = [...detail.payments].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
  return (
    <div className="purser-pay" data-testid="purser-pay">
      <form
        className="purser-inline-form"
        aria-label="Pay invoice"
        data-testid="purser-pay-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy) void submit();
        }}
      >
        <p className="purser-balance-line">
          Balance: <strong data-testid="purser-pay-balance">{formatMoney(detail.balance, currency)}</strong>
          {detail.balance < 0 ? ' (the ship owes the guest: pay a negative amount to refund it)' : ''}
        </p>
        <label className="field purser-amount-field">
          Amount (negative: refund)
          <input
            ref={amountRef}
            inputMode="decimal"
            value={amountText}
            onChange={(e) => {
              setAmountText(e.target.value);
              setError(null);
            }}
            aria-invalid={view.error || error ? 'true' : 'false'}
            aria-describedby={view.error || error ? 'purser-pay-error' : undefined}
            data-testid="purser-pay-amount"
          />
        </label>
        <fieldset className="purser-fieldset" data-testid="purser-pay-methods">
          <legend>Pay with</legend>
          {view.methods.map((m) => (
            <label key={m.method} className="choice">
              <input
                type="radio"
                name="purser-pay-method"
                value={m.method}
                checked={view.method === m.method}
                disabled={m.unavailable !== null}
                onChange={() => setChosen(m.method)}
                data-testid={`purser-pay-method-${m.method}`}
              />
              {m.label}
              {m.method === 'card' && view.card ? `: ${cardName(view.card)}` : ''}
              {m.unavailable && <span className="muted"> — {m.unavailable}</span>}
            </label>
          ))}
        </fieldset>
        {view.needsPinPad && <PinPadChooser choices={pads} value={pad} onChange={setTerminalId} name="pay-pin-pad" />}
        {busy && view.needsPinPad && (
          <p className="payment-pin-pad" role="status" data-testid="purser-pay-waiting">
            Insert, swipe or tap the card on the PIN pad…
          </p>
        )}
        {(error || view.error) && (
          <p id="purser-pay-error" className="field-error" role="alert" data-testid="purser-pay-error">
            <PlainMessage text={error ?? view.error ?? ''} />
          </p>
        )}
        <div className="toolbar">
          {view.action === 'refund' ? (
            <button type="submit" className="btn btn-primary" disabled={busy || !view.canSubmit} data-testid="purser-refund-submit">
              {busy ? 'Refunding…' : 'Refund'}
            </button>
          ) : (
            <button type="submit" className="btn btn-primary" disabled={busy || !view.canSubmit} data-testid="purser-pay-submit">
              {busy ? 'Paying…' : 'Pay'}
            </button>
          )}
        </div>
      </form>
      <h3>Payments</h3>
      {payments.length === 0 ? (
        <p className="empty" data-testid="purser-payments-empty">
          No payment yet.
        </p>
      ) : (
        <table className="grid-table" data-testid="purser-payments">
          <caption className="sr-only">Payments, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">How</th>
              <th scope="col" className="num">
                Amount
              </th>
              <th scope="col">Settlement</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {payments.map((p) => {
              const settlement = settlementOfPayment(detail.records, p.paymentId);
              const card = p.cardId ? detail.cards.find((c) => c.cardId === p.cardId) : undefined;
              const words = settlement ? recordStateWords(settlement) : null;
              return (
                <tr key={p.paymentId} data-testid="purser-payment" data-status={p.status} className={p.status === 'posted' ? undefined : 'record-voided'}>
                  <td>{new Date(p.createdAt).toLocaleString()}</td>
                  <td>
                    {p.amount < 0 ? 'Refund, ' : p.voidOf ? 'Void, ' : ''}
                    {METHOD_WORDS[p.method]}
                    {card ? `: ${cardName(card)}` : ''}
                    {p.status === 'voided' ? ' (voided)' : p.status === 'declined' ? ' (declined by the card provider)' : ''}
                  </td>
                  <td className="num">{formatMoney(p.amount, currency)}</td>
                  <td data-testid="purser-payment-settlement">{words ? `${words.status} · ${words.queue}` : '—'}</td>
                  <td>
                    {p.status === 'posted' && !p.voidOf && (
                      <button type="button" className="btn" data-testid="purser-payment-void" disabled={busy} onClick={() => setVoiding(p)}>
                        Void…
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {voiding && (
        <VoidDialog
          payment={voiding}
          question={voidConfirmation(settlementOfPayment(detail.records, voiding.paymentId))}
          currency={currency}
          onClose={(r) => {
            setVoiding(null);
            if (r) report(r, 'The payment is voided.');
          }}
        />
      )}
    </div>
  );
}

function VoidDialog({ payment, question, currency, onClose }: { payment: PurserPayment; question: string; currency: string; onClose: (r?: Outcome<PurserActionResult>) => void }) {
  const actions = useAppActions();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    setBusy(true);
    setError(null);
    const r = await actions.voidPayment(payment.paymentId);
    setBusy(false);
    if (r.ok) onClose(r);
    else setError(r.message);
  };
  return (
    <PurserDialog title="Void the payment" testId="purser-void-dialog" onClose={() => onClose()} onSubmit={() => void submit()} busy={busy} describedBy="purser-void-question">
      <p>
        {METHOD_WORDS[payment.method]} payment of {formatMoney(payment.amount, currency)}.
      </p>
      <p id="purser-void-question" className="purser-question" data-testid="purser-void-question">
        {question}
      </p>
      <FieldError text={error} testId="purser-void-error" />
      <PurserDialogActions busy={busy} onCancel={() => onClose()} cancelWords="No" cancelTestId="purser-void-no" submitWords="Yes, void it" busyWords="Voiding…" submitTestId="purser-void-yes" />
    </PurserDialog>
  );
}
