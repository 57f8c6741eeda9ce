// Closed tickets of today (F10): search by number, amount, card last four or
// reference; a ticket shows its payments, a receipt reprint and the journal
// events behind them, so "was I charged?" has an answer on screen.

import { useEffect, useState } from 'react';
import type { TenderSnapshot } from '../../../src-shared/domain.ts';
import { ReversalDialog, reversalWords } from '../manager/reversal-dialog.tsx';
import { useAppActions, useAppState } from '../../store/store-context.ts';
import { formatMoney } from '../common/money-format.ts';
import { FieldError, PlainMessage } from '../common/plain-message.tsx';
import { canReverse, historyStatusWords, paymentWords, reversalLinkWords } from './history-payment-words.ts';
import { journalEventWords } from './journal-event-words.ts';



/** The closed-ticket history screen. */
export function HistoryScreen() {
  const history = useAppState((s) => s.history);
  const error = useAppState((s) => s.historyError);
  const selectedId = useAppState((s) => s.historyTicketId);
  const events = useAppState((s) => s.historyEvents);
  const receipt = useAppState((s) => s.receipt);
  const actions = useAppActions();
  const [query, setQuery] = useState('');
  const [reversing, setReversing] = useState<TenderSnapshot | null>(null);
  const [reversalDone, setReversalDone] = useState<string | null>(null);

  useEffect(() => {
    const timer = setTimeout(() => void actions.loadHistory(query), 200);
    return () => clearTimeout(timer);
  }, [query, actions]);

  const selected = history?.find((t) => t.id === selectedId);
  return (
    <main className="history" data-testid="history-screen">
      <section className="panel history-list" aria-labelledby="history-title">
        <h2 id="history-title">Closed tickets today</h2>
        <label htmlFor="history-search">Search: ticket number, amount, card last four or reference</label>
        <input id="history-search" data-testid="history-search" type="search" autoComplete="off" value={query} onChange={(e) => setQuery(e.target.value)} />
        <FieldError text={error} />
        {history && history.length === 0 && <p className="empty" data-testid="history-empty">No closed ticket matches.</p>}
        <ul>
          {history?.map((t) => (
            <li key={t.id}>
              <button
                type="button"
                className={`open-ticket ${t.id === selectedId ? 'current' : ''}`}
                aria-current={t.id === selectedId ? 'true' : undefined}
                data-testid={`history-ticket-${t.number}`}
                onClick={() => void actions.showHistoryTicket(t.id)}
              >
                <span className="open-ticket-number">#{t.number}</span>
                <span className="open-ticket-lines">{historyStatusWords(t)}</span>
                <span className="open-ticket-total">{formatMoney(t.total, t.currency)}</span>
              </button>
            </li>
          ))}
        </ul>
      </section>
      {selected && (
        <section className="panel history-detail" aria-labelledby="history-detail-title" data-testid="history-detail">
          <h2 id="history-detail-title">
            Ticket #{selected.number} · {historyStatusWords(selected)} · {formatMoney(selected.total, selected.currency)}
          </h2>
          <h3>Payments</h3>
          {selected.tenders.length === 0 ? (
            <p className="empty">No payment.</p>
          ) : (
            <ul data-testid="history-payments">
              {selected.tenders.map((p) => (
                <li key={p.id} data-testid={p.reverses ? 'history-reversal' : 'history-payment'} className={p.reversed ? 'history-payment-reversed' : undefined}>
                  {paymentWords(p, selected.currency)}
                  {p.reversed && <strong className="history-payment-flag"> · given back</strong>}
                  {canReverse(p) && selected.status === 'paid' && (
                    <>
                      {' '}
                      <button type="button" className="btn" data-testid="history-reverse" onClick={() => setReversing(p)}>
                        Void or refund…
                      </button>
                    </>
                  )}
                  {reversalLinkWords(p, selected.currency).map((w) => (
                    <p key={w} className="history-reversal-link muted" data-testid="history-reversal-link">
                      {w}
                    </p>
                  ))}
                </li>
              ))}
            </ul>
          )}
          {reversalDone && (
            <p role="status" data-testid="history-reversal-result">
              {reversalDone}
            </p>
          )}
          {reversing && (
            <ReversalDialog
              tender={reversing}
              currency={selected.currency}
              onClose={(done) => {
                setReversing(null);
                if (done) {
                  setReversalDone(reversalWords(done));
                  void actions.loadHistory(query).then(() => actions.showHistoryTicket(selected.id));
                }
              }}
            />
          )}
          {selected.references.length > 0 && <p className="muted">References: {selected.references.join(', ')}</p>}
          {selected.status === 'paid' && (
            <p>
              <button type="button" className="btn" data-testid="history-reprint" disabled={receipt?.running} onClick={() => void actions.reprintReceipt(selected.id).then(() => actions.showHistoryTicket(selected.id))}>
                Reprint receipt
              </button>{' '}
              {receipt?.ticketId === selected.id && receipt.result && (
                <span role="status" data-testid="history-reprint-result">
                  <PlainMessage text={receipt.result.message} />
                </span>
              )}
            </p>
          )}
          <h3>Journal events</h3>
          {events === null ? (
            <p className="muted">Loading…</p>
          ) : (
            <ol className="history-events" data-testid="history-events">
              {events.map((e) => (
                <li key={e.seq} data-testid="history-event">
                  <span className="muted">{new Date(e.at).toLocaleTimeString()}</span>{' '}
                  <span data-testid="history-event-words">{journalEventWords(e, selected.currency)}</span>
                </li>
              ))}
            </ol>
          )}
          {/* The raw fields (minor units, references, states) for a manager; closed by default so a cashier reads the words. */}
          {events && events.length > 0 && (
            <details className="technical-detail" data-testid="history-events-technical">
              <summary>Technical detail</summary>
              <ol className="history-events">
                {events.map((e) => (
                  <li key={e.seq}>
                    <code>
                      #{e.seq} {e.at} {e.entity}.{e.type} {e.detail}
                    </code>
                  </li>
                ))}
              </ol>
            </details>
          )}
        </section>
      )}
    </main>
  );
}
