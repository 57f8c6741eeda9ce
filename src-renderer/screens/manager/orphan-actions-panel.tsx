// One orphan charge's actions (issue 11 §4): suggested tickets and look-alike
// charges, then attach to a ticket (an open one, or a new one rung for the
// customer on the register first), refund, or keep one and refund the rest as
// one action. The customer notice the host wrote prints on its own sheet
// (print stylesheet: only .print-notice shows on paper).

import { useEffect, useState } from 'react';
import type { OrphanSnapshot } from '../../../src-shared/domain.ts';
import type { OrphanActionResult, OrphanSuggestions } from '../../../src-shared/orphan-action-types.ts';
import { useAppActions } from '../../store/store-context.ts';
import { formatMoney } from '../common/money-format.ts';

/** The panel for one orphan. */
export function OrphanActionsPanel({ orphan, onDone }: { orphan: OrphanSnapshot; onDone: () => void }) {
  const actions = useAppActions();
  const [s, setS] = useState<OrphanSuggestions | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [ticketId, setTicketId] = useState('');
  const [reason, setReason] = useState('');
  const [refundIds, setRefundIds] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<OrphanActionResult | null>(null);

  useEffect(() => {
    void actions.suggestOrphan(orphan.id).then((r) => {
      if (!r.ok) return setError(r.message);
      setS(r.value);
      setTicketId(r.value.tickets[0]?.ticketId ?? '');
      setRefundIds(new Set(r.value.siblings.map((x) => x.id)));
    });
  }, [orphan.id, actions]);

  const run = async (task: () => Promise<{ ok: true; value: OrphanActionResult } | { ok: false; message: string }>) => {
    if (!reason.trim()) return setError('Say in a few words why (the customer’s words, what you checked).');
    setBusy(true);
    setError(null);
    const r = await task();
    setBusy(false);
    if (r.ok) setResult(r.value);
    else setError(r.message);
  };

  if (result) {
    const refunded = result.refunds.filter((r) => r.state === 'approved').length;
    return (
      <section className="panel" aria-labelledby="orphan-done-title" data-testid="orphan-action-done">
        <h3 id="orphan-done-title">Done</h3>
        <p role="status" data-testid="orphan-action-result">
          {result.ticket ? `Ticket #${result.ticket.number} is ${result.ticket.status === 'paid' ? 'paid' : 'partly paid'} by the charge. ` : ''}
          {result.refunds.length > 0 ? `${refunded} of ${result.refunds.length} refunds approved${refunded < result.refunds.length ? '; the others are being checked (see Payments in doubt)' : ''}.` : ''}
        </p>
        <h4>Customer notice</h4>
        <pre className="print-notice" data-testid="orphan-notice">
          {result.notice}
        </pre>
        <div className="toolbar">
          <button type="button" className="btn btn-primary" data-testid="orphan-notice-print" onClick={() => window.print()}>
            Print notice
          </button>
          <button type="button" className="btn" data-testid="orphan-action-close" onClick={onDone}>
            Close
          </button>
        </div>
      </section>
    );
  }

  return (
    <section className="panel" aria-labelledby="orphan-actions-title" data-testid="orphan-actions">
      <h3 id="orphan-actions-title">
        {formatMoney(orphan.amount, orphan.currency)} on {orphan.maskedPan ? `card ending ${orphan.maskedPan.slice(-4)}` : 'an unknown card'}, {new Date(orphan.chargedAt).toLocaleString()}
      </h3>
      {s === null && !error && <p className="muted">Looking for matches…</p>}
      {s && (
        <>
          <fieldset>
            <legend>Ticket to attach to</legend>
            {s.tickets.length === 0 ? (
              <p className="muted" data-testid="orphan-no-ticket">
                No open ticket fits. To attach, ring a new ticket for the customer on the register, then come back.
              </p>
            ) : (
              s.tickets.map((t) => (
                <label key={t.ticketId} className="choice">
                  <input type="radio" name="orphan-ticket" value={t.ticketId} checked={ticketId === t.ticketId} onChange={() => setTicketId(t.ticketId)} data-testid="orphan-ticket-choice" /> Ticket #{t.ticketNumber}: {t.why}
                </label>
              ))
            )}
          </fieldset>
          {s.siblings.length > 0 && (
            <fieldset data-testid="orphan-siblings">
              <legend>Same customer? Same amount and card, close in time — refund these, keep this one</legend>
              {s.siblings.map((o) => (
                <label key={o.id} className="choice">
                  <input
                    type="checkbox"
                    checked={refundIds.has(o.id)}
                    data-testid="orphan-sibling"
                    onChange={(e) => {
                      const next = new Set(refundIds);
                      if (e.target.checked) next.add(o.id);
                      else next.delete(o.id);
                      setRefundIds(next);
                    }}
                  />{' '}
                  {formatMoney(o.amount, o.currency)} at {new Date(o.chargedAt).toLocaleTimeString()}
                </label>
              ))}
            </fieldset>
          )}
        </>
      )}
      <label className="field">
        Why (kept in the journal with your name)
        <input value={reason} maxLength={200} onChange={(e) => setReason(e.target.value)} data-testid="orphan-reason" />
      </label>
      {error && (
        <p className="field-error" role="alert" data-testid="orphan-action-error">
          {error}
        </p>
      )}
      <div className="toolbar">
        <button type="button" className="btn btn-primary" data-testid="orphan-attach" disabled={busy || !ticketId} onClick={() => void run(() => actions.attachOrphan({ orphanId: orphan.id, ticketId, reason }))}>
          Attach to ticket
        </button>
        <button type="button" className="btn" data-testid="orphan-refund" disabled={busy} onClick={() => void run(() => actions.refundOrphan({ orphanId: orphan.id, reason }))}>
          Refund
        </button>
        {s && s.siblings.length > 0 && (
          <button
            type="button"
            className="btn"
            data-testid="orphan-keep-one"
            disabled={busy || !ticketId || refundIds.size === 0}
            onClick={() => void run(() => actions.keepOneRefundRest({ keepOrphanId: orphan.id, refundOrphanIds: [...refundIds], ticketId, reason }))}
          >
            Keep this one, refund {refundIds.size}
          </button>
        )}
        <button type="button" className="btn" onClick={onDone}>
          Cancel
        </button>
      </div>
    </section>
  );
}
