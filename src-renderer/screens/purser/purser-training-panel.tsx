// Training mode only: the purser's practice (issue 12 §6). What training's
// register scenarios cannot show at the desk: the ship offline (the PIN pad
// approves cards on its own with a temporary token, the card company cannot
// be reached) and back online with the queue draining; a chosen card on the
// PIN pad, so a guest can register a second card; and a card's next
// authorisation declined, so the decline cascade routes invoices to the next
// card. Each control is a manager's: the sign-in opens when none is signed in.

import { useState } from 'react';
import type { Outcome, TrainingCard } from '../../store/manager-slice.ts';
import { useAppActions, useAppState } from '../../store/store-context.ts';
import { FieldError, PlainMessage } from '../common/plain-message.tsx';

const BRANDS: { value: TrainingCard['brand']; words: string }[] = [
  { value: 'visa', words: 'Visa' },
  { value: 'mastercard', words: 'Mastercard' },
  { value: 'amex', words: 'American Express' },
  { value: 'discover', words: 'Discover' },
];

/** The panel; renders nothing outside training mode. */
export function PurserTrainingPanel() {
  const training = useAppState((s) => s.status?.trainingMode ?? false);
  const actions = useAppActions();
  const [brand, setBrand] = useState<TrainingCard['brand']>('mastercard');
  const [lastFour, setLastFour] = useState('4444');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  if (!training) return null;
  const valid = /^\d{4}$/.test(lastFour);
  const run = async (task: () => Promise<Outcome<{ message: string }>>) => {
    setBusy(true);
    setMessage(null);
    const r = await task();
    setBusy(false);
    setMessage(r.ok ? { ok: true, text: r.value.message } : { ok: false, text: r.message });
  };
  return (
    <section className="panel purser-training" aria-labelledby="purser-training-title" data-testid="purser-training">
      <h2 id="purser-training-title">
        <span className="badge badge-training">TRAINING</span> Practice (manager)
      </h2>
      <div className="toolbar">
        <button type="button" className="btn" disabled={busy} data-testid="purser-training-offline" onClick={() => void run(() => actions.setShipLink(false))}>
          Ship offline
        </button>
        <button type="button" className="btn" disabled={busy} data-testid="purser-training-online" onClick={() => void run(() => actions.setShipLink(true))}>
          Back online
        </button>
      </div>
      <div className="purser-form-row">
        <label className="field">
          Card brand
          <select value={brand} onChange={(e) => setBrand(e.target.value as TrainingCard['brand'])} data-testid="purser-training-brand">
            {BRANDS.map((b) => (
              <option key={b.value} value={b.value}>
                {b.words}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Last four digits
          <input
            value={lastFour}
            inputMode="numeric"
            maxLength={4}
            autoComplete="off"
            onChange={(e) => setLastFour(e.target.value)}
            aria-invalid={valid ? 'false' : 'true'}
            aria-describedby={valid ? undefined : 'purser-training-last-four-error'}
            data-testid="purser-training-last-four"
          />
        </label>
      </div>
      <FieldError text={valid ? null : 'Type the last four digits of the card.'} id="purser-training-last-four-error" />
      <div className="toolbar">
        <button type="button" className="btn" disabled={busy || !valid} data-testid="purser-training-present" onClick={() => void run(() => actions.presentTrainingCard({ brand, lastFour }))}>
          Next card on the PIN pad
        </button>
        <button type="button" className="btn" disabled={busy || !valid} data-testid="purser-training-decline" onClick={() => void run(() => actions.declineNextAuthorisation({ brand, lastFour }))}>
          Decline its next authorisation
        </button>
      </div>
      <p role="status" className={`purser-message ${message?.ok === false ? 'bad' : ''}`} data-testid="purser-training-message">
        {message && <PlainMessage text={message.text} />}
      </p>
    </section>
  );
}
