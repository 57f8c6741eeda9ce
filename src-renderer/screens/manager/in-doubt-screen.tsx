// The manager's in-doubt queue (issue 11 §4): every payment whose outcome is
// not known, its age and last check; "Check now" asks the PIN pad and the
// gateway at once; "Confirmed by phone" records the processor's answer as the
// manager's evidence (with the processor's reference), never a silent change.

import { useEffect, useRef, useState } from 'react';
import { parseEcrReference } from '../../../src-shared/ecr-reference.ts';
import type { InDoubtEntry } from '../../../src-shared/reversal-types.ts';
import { useAppActions, useAppState } from '../../store/store-context.ts';
import { useFocusTrap } from '../common/focus-trap.ts';
import { formatMoney } from '../common/money-format.ts';

/** "Ticket #4, card payment 1" from the attempt's reference; the reference itself when it is not one of ours. */
function paymentWords(e: InDoubtEntry): string {
  const ref = parseEcrReference(e.attempt.ecrRef);
  return ref ? `Ticket #${ref.ticketNumber}, card payment ${ref.slot}` : e.attempt.ecrRef;
}

function age(ms: number): string {
  const min = Math.floor(ms / 60_000);
  if (min < 1) return 'under a minute';
  if (min < 60) return `${min} min`;
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}

/** The in-doubt screen. */
export function InDoubtScreen() {
  const entries = useAppState((s) => s.inDoubt);
  const error = useAppState((s) => s.inDoubtError);
  const actions = useAppActions();
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<InDoubtEntry | null>(null);

  useEffect(() => {
    void actions.loadInDoubt();
  }, [actions]);

  const checkNow = async (e: InDoubtEntry) => {
    setBusy(e.attempt.id);
    const r = await actions.checkInDoubtNow(e.attempt.id);
    setBusy(null);
    setMessage(r.ok ? (r.value.some((x) => x.attempt.id === e.attempt.id) ? 'Checked: the outcome is still not known.' : 'Checked: the outcome is now known.') : r.message);
  };

  return (
    <main className="manager-screen" data-testid="in-doubt-screen">
      <section className="panel">
        <h2>Payments in doubt</h2>
        <p className="muted">Card payments whose outcome is not known yet. They are checked by themselves; check one now, or record what the processor told you on the phone.</p>
        <div className="toolbar">
          <button type="button" className="btn" data-testid="in-doubt-refresh" onClick={() => void actions.loadInDoubt()}>
            Refresh
          </button>
        </div>
        {(message || error) && (
          <p role="status" data-testid="in-doubt-message">
            {message ?? error}
          </p>
        )}
        {entries === null ? (
          <p className="muted">Loading…</p>
        ) : entries.length === 0 ? (
          <p className="empty" data-testid="in-doubt-empty">
            No payment is in doubt.
          </p>
        ) : (
          <table className="grid-table" data-testid="in-doubt-table">
            <thead>
              <tr>
                <th>Payment</th>
                <th>Amount</th>
                <th>Age</th>
                <th>Last check</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.attempt.id} data-testid="in-doubt-row">
                  <td>{paymentWords(e)}</td>
                  <td className="num">{formatMoney(e.attempt.amountRequested, e.attempt.currency)}</td>
                  <td>{age(e.ageMs)}</td>
                  <td>
                    {new Date(e.lastCheckAt).toLocaleTimeString()}: {e.lastCheck}
                  </td>
                  <td>
                    <button type="button" className="btn" data-testid="in-doubt-check-now" disabled={busy !== null} onClick={() => void checkNow(e)}>
                      {busy === e.attempt.id ? 'Checking…' : 'Check now'}
                    </button>{' '}
                    <button type="button" className="btn" data-testid="in-doubt-confirm-phone" disabled={e.attempt.state !== 'in_doubt'} onClick={() => setConfirming(e)}>
                      Confirmed by phone…
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {confirming && (
        <ConfirmByPhoneDialog
          entry={confirming}
          onClose={(words) => {
            setConfirming(null);
            if (words) setMessage(words);
          }}
        />
      )}
    </main>
  );
}

function ConfirmByPhoneDialog({ entry, onClose }: { entry: InDoubtEntry; onClose: (message?: string) => void }) {
  const actions = useAppActions();
  const ref = useRef<HTMLFormElement>(null);
  const first = useRef<HTMLInputElement>(null);
  useFocusTrap(ref, first);
  const [outcome, setOutcome] = useState<'charged' | 'not_charged'>('charged');
  const [processorRef, setProcessorRef] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    if (!/^[A-Za-z0-9-]{1,32}$/.test(processorRef.trim())) {
      setError('Type the reference the processor gave you on the phone (letters and digits).');
      return;
    }
    const r = await actions.confirmByPhone({ attemptId: entry.attempt.id, outcome, processorRef: processorRef.trim(), note });
    if (r.ok) onClose(outcome === 'charged' ? 'Recorded: the processor confirmed the charge.' : 'Recorded: the processor confirmed nothing was charged.');
    else setError(r.message);
  };
  return (
    <div className="overlay" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="phone-title"
        tabIndex={-1}
        ref={ref}
        data-testid="confirm-phone-dialog"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <h2 id="phone-title">Confirmed with the processor by phone</h2>
        <p>
          {formatMoney(entry.attempt.amountRequested, entry.attempt.currency)} payment {entry.attempt.ecrRef}. This is recorded with your name as the evidence for its outcome.
        </p>
        <fieldset>
          <legend>The processor said</legend>
          <label>
            <input type="radio" name="phone-outcome" checked={outcome === 'charged'} onChange={() => setOutcome('charged')} data-testid="phone-charged" /> The card was charged
          </label>
          <label>
            <input type="radio" name="phone-outcome" checked={outcome === 'not_charged'} onChange={() => setOutcome('not_charged')} data-testid="phone-not-charged" /> Nothing was charged
          </label>
        </fieldset>
        <label className="field">
          Processor reference
          <input value={processorRef} onChange={(e) => setProcessorRef(e.target.value)} data-testid="phone-processor-ref" ref={first} />
        </label>
        <label className="field">
          Note (optional)
          <input value={note} maxLength={200} onChange={(e) => setNote(e.target.value)} data-testid="phone-note" />
        </label>
        {error && (
          <p className="field-error" role="alert" data-testid="phone-error">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="submit" className="btn btn-primary" data-testid="phone-record">
            Record
          </button>
          <button type="button" className="btn" onClick={() => onClose()}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
