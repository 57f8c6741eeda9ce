// The store-and-forward queue as the purser sees it (issue 12 §3): whether the
// ship reaches the card company, what is outstanding per card and in total,
// the oldest record's age, the offline limits, and Send now (instead of
// waiting for the resend interval).

import { useState } from 'react';
import type { QueueSummary } from '../../../src-shared/purser-types.ts';
import { useAppActions, useAppState } from '../../store/store-context.ts';
import { formatMoney } from '../common/money-format.ts';
import { PlainMessage } from '../common/plain-message.tsx';
import { ageWords, holdWords, lastFour } from './purser-words.ts';

/** The panel. */
export function QueuePanel({ currency }: { currency: string }) {
  const queue = useAppState((s) => s.purserQueue);
  const error = useAppState((s) => s.purserQueueError);
  const actions = useAppActions();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);

  const sendNow = async () => {
    setBusy(true);
    setMessage(null);
    const r = await actions.sendQueueNow();
    setBusy(false);
    setMessage(r.ok ? sentWords(r.value) : r.message);
  };

  // Automatic settlement 0 (table 4-2): settlements wait for a manager's batch send; the sign-in opens if needed.
  const sendBatch = async () => {
    setBusy(true);
    setMessage(null);
    const r = await actions.sendSettlementBatch();
    setBusy(false);
    setMessage(r.ok ? sentWords(r.value) : r.message);
  };

  return (
    <section className="panel purser-queue" aria-labelledby="purser-queue-title" data-testid="purser-queue" data-online={queue ? String(queue.online) : undefined}>
      <h2 id="purser-queue-title">Waiting to send</h2>
      {queue === null ? (
        <p className="muted">{error ? <PlainMessage text={error} /> : 'Loading…'}</p>
      ) : (
        <>
          <p className={`purser-link ${queue.online ? 'ok' : 'bad'}`} data-testid="purser-queue-link">
            {queue.online ? 'The card company answers.' : 'The ship is offline: authorisations and settlements wait here and go out when the link is back.'}
          </p>
          <dl className="purser-facts">
            <dt>Outstanding</dt>
            <dd data-testid="purser-queue-total" data-count={queue.outstandingCount} data-amount={queue.outstandingAmount}>
              {queue.outstandingCount} {queue.outstandingCount === 1 ? 'record' : 'records'}, {formatMoney(queue.outstandingAmount, currency)}
            </dd>
            <dt>Oldest</dt>
            <dd data-testid="purser-queue-oldest">{ageWords(queue.oldestAgeSeconds)}</dd>
            {queue.awaitingBatchCount > 0 && (
              <>
                <dt>For the batch send</dt>
                <dd data-testid="purser-queue-batch">
                  {queue.awaitingBatchCount} {queue.awaitingBatchCount === 1 ? 'settlement' : 'settlements'}, {formatMoney(queue.awaitingBatchAmount, currency)} (a manager sends them)
                </dd>
              </>
            )}
            <dt>Resent every</dt>
            <dd>{queue.resendIntervalSeconds < 120 ? `${queue.resendIntervalSeconds} s` : `${Math.round(queue.resendIntervalSeconds / 60)} min`}</dd>
            {queue.lastSendAt && (
              <>
                <dt>Last sent</dt>
                <dd>{new Date(queue.lastSendAt).toLocaleTimeString()}</dd>
              </>
            )}
          </dl>
          {queue.perCard.length > 0 && (
            <ul className="purser-queue-cards" aria-label="Outstanding per card" data-testid="purser-queue-cards">
              {queue.perCard.map((c) => (
                <li key={`${c.guestId}-${c.cardId ?? 'none'}`} data-testid="purser-queue-card" data-count={c.outstandingCount} data-amount={c.outstandingAmount}>
                  <span className="purser-queue-who">
                    {c.guestName}, cabin {c.cabin}
                    {c.maskedPan ? `, card ending ${lastFour(c.maskedPan)}` : ', no card'}
                  </span>
                  <span>
                    {c.outstandingCount} waiting, {formatMoney(c.outstandingAmount, currency)}{' '}
                    <span className={c.outstandingAmount > c.offlineLimit ? 'over-limit' : 'muted'}>
                      (offline limit {formatMoney(c.offlineLimit, currency)}
                      {c.outstandingAmount > c.offlineLimit ? ': over it' : ''})
                    </span>
                  </span>
                  {holdWords(c.hold) && <span className="muted">{holdWords(c.hold)}</span>}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      <div className="toolbar">
        <button type="button" className="btn" data-testid="purser-queue-send-now" disabled={busy} onClick={() => void sendNow()}>
          {busy ? 'Sending…' : 'Send now'}
        </button>
        <button type="button" className="btn" data-testid="purser-queue-refresh" disabled={busy} onClick={() => void actions.loadQueue()}>
          Refresh
        </button>
        {queue && queue.awaitingBatchCount > 0 && (
          <button type="button" className="btn" data-testid="purser-queue-send-batch" disabled={busy} onClick={() => void sendBatch()}>
            Send the settlements (manager)
          </button>
        )}
      </div>
      <p role="status" className="purser-message" data-testid="purser-queue-message">
        {message && <PlainMessage text={message} />}
      </p>
    </section>
  );
}

/** What Send now left behind, in words. */
function sentWords(q: QueueSummary): string {
  if (q.outstandingCount === 0) return 'Everything is sent.';
  if (!q.online) return `The ship is still offline: ${q.outstandingCount} ${q.outstandingCount === 1 ? 'record waits' : 'records wait'} and will be sent when the link is back.`;
  return `${q.outstandingCount} ${q.outstandingCount === 1 ? 'record is' : 'records are'} still waiting (held until an earlier answer comes back).`;
}
