// A manager's void or refund of one card payment from the closed-ticket
// history (issue 11 §3). The host decides void (batch open, whole amount) or
// refund (batch closed, or a part); an amount left empty gives back all that
// is left. An over-refund is refused by the host in plain words, shown here.

import { useRef, useState } from 'react';
import type { TenderSnapshot } from '../../../src-shared/domain.ts';
import type { ReversalResult } from '../../../src-shared/reversal-types.ts';
import { useAppActions } from '../../store/store-context.ts';
import { parseAmountInput } from '../cashier/amount-input.ts';
import { useFocusTrap } from '../common/focus-trap.ts';
import { formatMoney } from '../common/money-format.ts';

/** The dialog; `onClose` gets what was done, if anything. */
export function ReversalDialog({ tender, currency, onClose }: { tender: TenderSnapshot; currency: string; onClose: (done?: ReversalResult) => void }) {
  const actions = useAppActions();
  const ref = useRef<HTMLFormElement>(null);
  const first = useRef<HTMLInputElement>(null);
  useFocusTrap(ref, first);
  const [amountText, setAmountText] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    let amount: number | undefined;
    if (amountText.trim()) {
      const parsed = parseAmountInput(amountText, currency);
      if (!parsed.ok) return setError('Type the amount to give back, for example 4.00, or leave it empty to give back all of it.');
      amount = parsed.amount;
    }
    if (!reason.trim()) return setError('Say in a few words why (kept in the journal with your name).');
    setBusy(true);
    setError(null);
    const r = await actions.reversePayment({ attemptId: tender.attemptId!, reason, ...(amount !== undefined ? { amount } : {}) });
    setBusy(false);
    if (r.ok) onClose(r.value);
    else setError(r.message);
  };

  return (
    <div className="overlay" onKeyDown={(e) => e.key === 'Escape' && !busy && onClose()}>
      <form
        ref={ref}
        tabIndex={-1}
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="reversal-title"
        data-testid="reversal-dialog"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h2 id="reversal-title">Void or refund a card payment</h2>
        <p>
          Card payment of {formatMoney(tender.amount, currency)}
          {tender.maskedPan ? ` on the card ending ${tender.maskedPan.slice(-4)}` : ''}. While its batch is open only the whole payment can be given back (it is voided); once the batch is closed, all or part of it is refunded to the card.
        </p>
        <label className="field">
          Amount to give back (empty: all that is left)
          <input ref={first} inputMode="decimal" value={amountText} onChange={(e) => setAmountText(e.target.value)} data-testid="reversal-amount" />
        </label>
        <label className="field">
          Why
          <input value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} data-testid="reversal-reason" />
        </label>
        {error && (
          <p className="field-error" role="alert" data-testid="reversal-error">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="submit" className="btn btn-primary" disabled={busy} data-testid="reversal-submit">
            {busy ? 'Sending…' : 'Give back'}
          </button>
          <button type="button" className="btn" disabled={busy} onClick={() => onClose()}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}

/** Plain words of what a reversal did. */
export function reversalWords(r: ReversalResult): string {
  const money = formatMoney(r.reversal.amountRequested, r.reversal.currency);
  const left = formatMoney(r.remaining, r.reversal.currency);
  if (r.reversal.state === 'approved') return `${money} given back. ${r.remaining > 0 ? `${left} of the payment can still be refunded.` : 'Nothing is left to give back.'}`;
  if (r.reversal.state === 'in_doubt' || r.reversal.state === 'sent') return `${money} was sent; the answer did not come back. It is being checked (see Payments in doubt) and will not be sent again.`;
  // The host's words for a reversal that did not go through already say that nothing was given back, and why.
  return `${money}: ${r.reversal.message}`;
}
