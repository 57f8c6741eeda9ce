// The guest's Folio tab: every posting and payment, oldest first, with the
// balance after each; Add posting charges the folio (an incremental
// authorisation follows by table 4-8 when the postings pass what is authorised).

import { useRef, useState } from 'react';
import type { GuestDetail } from '../../../src-shared/purser-types.ts';
import { useAppActions } from '../../store/store-context.ts';
import { formatMoney } from '../common/money-format.ts';
import type { Report } from './cards-tab.tsx';
import { folioRows, parseSignedAmount } from './purser-view.ts';

/** The tab. */
export function FolioTab({ detail, currency, report }: { detail: GuestDetail; currency: string; report: Report }) {
  const actions = useAppActions();
  const rows = folioRows(detail.folio);
  const [description, setDescription] = useState('');
  const [amountText, setAmountText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const descriptionRef = useRef<HTMLInputElement>(null);
  const amountRef = useRef<HTMLInputElement>(null);
  const postingOff = !detail.guest.postingEnabled;

  const submit = async () => {
    if (!description.trim()) {
      setError('Say what the charge is for, like "Dinner, Deck 5 grill".');
      descriptionRef.current?.focus();
      return;
    }
    const parsed = parseSignedAmount(amountText, currency);
    if (!parsed.ok || parsed.amount < 0) {
      setError(parsed.ok ? 'A posting is a charge: type it without a minus. Refunds are on Pay invoice.' : parsed.message);
      amountRef.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    const r = await actions.addPosting(parsed.amount, description.trim());
    setBusy(false);
    if (r.ok) {
      setDescription('');
      setAmountText('');
      descriptionRef.current?.focus();
    }
    report(r, `${formatMoney(parsed.amount, currency)} posted.`);
  };

  return (
    <div className="purser-folio" data-testid="purser-folio">
      {rows.length === 0 ? (
        <p className="empty" data-testid="purser-folio-empty">
          Nothing on the folio yet.
        </p>
      ) : (
        <table className="grid-table" data-testid="purser-folio-table">
          <caption className="sr-only">Folio, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col" className="num">
                Amount
              </th>
              <th scope="col" className="num">
                Balance
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ line, balanceAfter }) => (
              <tr key={line.lineId} data-testid="purser-folio-line" data-kind={line.kind}>
                <td>{new Date(line.at).toLocaleString()}</td>
                <td>{line.description}</td>
                <td className="num">{formatMoney(line.amount, currency)}</td>
                <td className="num">{formatMoney(balanceAfter, currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        className="purser-inline-form"
        aria-label="Add posting"
        data-testid="purser-posting-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy) void submit();
        }}
      >
        <h3>Add posting</h3>
        {postingOff && (
          <p className="field-warn" role="status" data-testid="purser-posting-disabled">
            Posting is disabled for this guest after a declined authorisation. Register another card or take payment.
          </p>
        )}
        <div className="purser-form-row">
          <label className="field">
            What for
            <input ref={descriptionRef} value={description} maxLength={60} onChange={(e) => setDescription(e.target.value)} data-testid="purser-posting-description" disabled={postingOff} />
          </label>
          <label className="field">
            Amount
            <input
              ref={amountRef}
              inputMode="decimal"
              value={amountText}
              onChange={(e) => setAmountText(e.target.value)}
              data-testid="purser-posting-amount"
              disabled={postingOff}
              aria-invalid={error ? 'true' : 'false'}
              aria-describedby={error ? 'purser-posting-error' : undefined}
            />
          </label>
          <button type="submit" className="btn btn-primary" disabled={busy || postingOff} data-testid="purser-posting-submit">
            {busy ? 'Posting…' : 'Add posting'}
          </button>
        </div>
        {error && (
          <p id="purser-posting-error" className="field-error" role="alert" data-testid="purser-posting-error">
            {error}
          </p>
        )}
      </form>
    </div>
  );
}
