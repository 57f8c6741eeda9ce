// Cash tender: type the amount received, Enter to take it, Escape to go back.

import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { currencyExponent, toDecimalString } from '../../../src-shared/money.ts';
import { formatMoney } from '../common/money-format.ts';
import { isImplausibleTender, parseAmountInput, quickCashAmounts } from './amount-input.ts';
import { useFocusTrap } from '../common/focus-trap.ts';

/** Props of the cash dialog. */
export interface CashDialogProps {
  due: number;
  currency: string;
  /** Sends the tender; resolves true when main accepted it. */
  onTender(amount: number): Promise<boolean>;
  onClose(): void;
  /** The host's refusal, if any, in its words. */
  hostError: string | null;
}

/** The cash tender dialog. */
export function CashDialog({ due, currency, onTender, onClose, hostError }: CashDialogProps) {
  const [text, setText] = useState(() => toDecimalString(due, currency));
  const [inputError, setInputError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  /** An implausible amount the cashier is asked to confirm (minor units), until they do or change it. */
  const [confirming, setConfirming] = useState<number | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const form = useRef<HTMLFormElement>(null);
  useFocusTrap(form, input);
  const perUnit = 10 ** currencyExponent(currency);

  useEffect(() => {
    input.current?.select();
  }, []);

  const tender = async (amount: number) => {
    setInputError(null);
    setSending(true);
    const ok = await onTender(amount);
    setSending(false);
    if (ok) onClose();
    else input.current?.select();
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (sending) return;
    const parsed = parseAmountInput(text, currency);
    if (!parsed.ok) {
      setInputError(parsed.message);
      return;
    }
    // $1,500 for a $2.95 ticket is far more often a slip than a banknote: ask once.
    if (isImplausibleTender(parsed.amount, due, perUnit) && confirming !== parsed.amount) {
      setConfirming(parsed.amount);
      return;
    }
    await tender(parsed.amount);
  };

  const typed = parseAmountInput(text, currency);
  const stillDue = typed.ok && typed.amount < due ? due - typed.amount : 0;

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    }
  };

  const error = inputError ?? hostError;
  return (
    <div className="overlay" onKeyDown={onKeyDown}>
      <form ref={form} tabIndex={-1} className="dialog" role="dialog" aria-modal="true" aria-labelledby="cash-title" data-testid="cash-dialog" onSubmit={submit}>
        <h2 id="cash-title">Cash</h2>
        <p className="dialog-due">
          Due <strong>{formatMoney(due, currency)}</strong>
        </p>
        <label htmlFor="cash-amount">Amount received</label>
        <input
          id="cash-amount"
          ref={input}
          className="amount-input"
          data-testid="cash-amount"
          inputMode="decimal"
          autoComplete="off"
          value={text}
          aria-invalid={error ? 'true' : 'false'}
          aria-describedby={error ? 'cash-error' : undefined}
          onChange={(e) => {
            setText(e.target.value);
            setInputError(null);
            setConfirming(null);
          }}
        />
        <div className="quick-cash" role="group" aria-label="Quick cash">
          {quickCashAmounts(due, perUnit).map((amount, i) => (
            <button
              key={amount}
              type="button"
              className="btn"
              data-testid={`quick-cash-${i}`}
              disabled={sending}
              onClick={() => {
                setText(toDecimalString(amount, currency));
                setConfirming(null);
                void tender(amount);
              }}
            >
              {i === 0 ? `Exact ${formatMoney(amount, currency)}` : formatMoney(amount, currency)}
            </button>
          ))}
        </div>
        {stillDue > 0 && (
          <p className="dialog-still-due" aria-live="polite" data-testid="cash-still-due">
            Part payment: <strong>{formatMoney(stillDue, currency)}</strong> will still be due.
          </p>
        )}
        {confirming !== null && (
          <p className="field-warn" role="alert" data-testid="cash-confirm-implausible">
            {formatMoney(confirming, currency)} for {formatMoney(due, currency)} due? Check the amount, then press Take cash again to confirm.
          </p>
        )}
        {error && (
          <p id="cash-error" className="field-error" role="alert" data-testid="cash-error">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose} data-testid="cash-cancel">
            <kbd>Esc</kbd> Back
          </button>
          <button type="submit" className="btn btn-primary" disabled={sending} data-testid="cash-confirm">
            <kbd>Enter</kbd> Take cash
          </button>
        </div>
      </form>
    </div>
  );
}
