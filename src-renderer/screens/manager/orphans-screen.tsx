// The orphan queue: processor charges no ticket claims, for a manager to
// attach or refund. Find Missing Payments over the whole register refills it.

import { useEffect, useState } from 'react';
import type { OrphanSnapshot } from '../../../src-shared/domain.ts';
import { OrphanActionsPanel } from './orphan-actions-panel.tsx';
import { formatMoney } from '../common/money-format.ts';
import { useAppActions, useAppState } from '../../store/store-context.ts';
import { FindMissingResult } from '../common/find-missing-result.tsx';
import { cardWords } from './settlement-words.ts';

/** The Orphans screen. */
export function OrphansScreen() {
  const orphans = useAppState((s) => s.orphans);
  const error = useAppState((s) => s.orphansError);
  const findMissing = useAppState((s) => s.findMissing);
  const actions = useAppActions();
  // The snapshot itself: the panel stays after its orphan leaves the open list (to print the notice).
  const [chosen, setChosen] = useState<OrphanSnapshot | null>(null);

  // A register-wide run may have queued new orphans: show them as soon as it answers.
  useEffect(() => {
    if (findMissing.report) void actions.loadOrphans();
  }, [findMissing.report, actions]);

  return (
    <main className="manager-screen" data-testid="orphans-screen">
      <section className="panel">
        <h2>Orphan payments</h2>
        <p className="muted">
          Charges the processor made that no ticket on this register claims. Attach each to its ticket or refund it; never charge the
          customer again.
        </p>
        <div className="toolbar">
          <button type="button" className="btn btn-primary" data-testid="orphans-find-missing" disabled={findMissing.running} onClick={() => void actions.runFindMissing()}>
            Find Missing Payments
          </button>
          <button type="button" className="btn" data-testid="orphans-refresh" onClick={() => void actions.loadOrphans()}>
            Refresh
          </button>
        </div>
        {findMissing.running && <p className="muted">Asking the gateway for this register's recent charges…</p>}
        {findMissing.error && (
          <p className="field-error" role="alert">
            {findMissing.error}
          </p>
        )}
        {findMissing.report && <FindMissingResult report={findMissing.report} />}
        {error && (
          <p className="field-error" role="alert" data-testid="orphans-error">
            {error}
          </p>
        )}
        {orphans === null ? (
          <p className="muted">Loading…</p>
        ) : orphans.length === 0 ? (
          <p className="empty" data-testid="orphans-empty">
            No orphan payments: every charge the processor knows is on a ticket.
          </p>
        ) : (
          <table className="grid-table" data-testid="orphans-table">
            <thead>
              <tr>
                <th>Charged</th>
                <th>Invoice</th>
                <th>Amount</th>
                <th>Card</th>
                <th>Processor ref</th>
                <th>Why</th>
                <th>Status</th>
                <th>Action</th>
              </tr>
            </thead>
            <tbody>
              {orphans.map((o) => (
                <tr key={o.id} data-testid="orphan-row" data-status={o.status}>
                  <td>{new Date(o.chargedAt).toLocaleString()}</td>
                  <td>{o.invoice || '(none)'}</td>
                  <td className="num">{formatMoney(o.amount, o.currency)}</td>
                  <td>{o.maskedPan ? cardWords(o.cardBrand ?? null, o.maskedPan) : '—'}</td>
                  <td>{o.refNum}</td>
                  <td>{o.reason}</td>
                  <td>{o.status === 'open' ? 'Open' : 'Resolved'}</td>
                  <td>
                    {o.status === 'open' && (
                      <button type="button" className="btn" data-testid="orphan-resolve" onClick={() => setChosen(o)}>
                        Resolve…
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {chosen && <OrphanActionsPanel key={chosen.id} orphan={chosen} onDone={() => setChosen(null)} />}
    </main>
  );
}
