// Cash tender: type the amount received, Enter to take it, Escape to go back.

import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { formatMoney, toDecimalString } from '../../src-shared/money.ts';
import { parseAmountInput } from './amount-input.ts';

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
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (sending) return;
    const parsed = parseAmountInput(text, currency);
    if (!parsed.ok) {
      setInputError(parsed.message);
      return;
    }
    setInputError(null);
    setSending(true);
    const ok = await onTender(parsed.amount);
    setSending(false);
    if (ok) onClose();
    else input.current?.select();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    }
  };

  const error = inputError ?? hostError;
  return (
    <div className="overlay" onKeyDown={onKeyDown}>
      <form className="dialog" role="dialog" aria-modal="true" aria-labelledby="cash-title" data-testid="cash-dialog" onSubmit={submit}>
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
          }}
        />
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
