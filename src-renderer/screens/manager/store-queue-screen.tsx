// The store's shared queue (issue 13 §3): what every register of the store
// left for a manager, in one list. A manager takes an item before acting on
// it, so two managers never work on the same one; the list says who has taken
// what. The action itself (attach, refund, confirm by phone) is done on the
// register the item is on; "Done" records what was done.

import { useEffect, useState } from 'react';
import type { StoreQueueItem } from '../../../src-shared/store-contract.ts';
import { useAppActions, useAppState } from '../../store/store-context.ts';
import { formatMoney } from '../common/money-format.ts';

const KIND_WORDS: Record<StoreQueueItem['kind'], string> = {
  orphan: 'Charge on no ticket',
  in_doubt: 'Payment in doubt',
  variance: 'Batch difference',
  cross_register_duplicate: 'Possible double charge',
};

function age(createdAt: number): string {
  const min = Math.floor((Date.now() - createdAt) / 60_000);
  if (min < 1) return 'under a minute';
  if (min < 60) return `${min} min`;
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}

/** The store queue screen. */
export function StoreQueueScreen() {
  const view = useAppState((s) => s.storeQueue);
  const error = useAppState((s) => s.storeQueueError);
  const actions = useAppActions();
  const [message, setMessage] = useState<string | null>(null);
  const [notes, setNotes] = useState<Record<number, string>>({});
  const [busy, setBusy] = useState<number | null>(null);

  useEffect(() => {
    void actions.loadStoreQueue();
  }, [actions]);

  const run = async (id: number, task: () => Promise<{ ok: boolean; message?: string }>, done: string) => {
    setBusy(id);
    const r = await task();
    setBusy(null);
    setMessage(r.ok ? done : (r.message ?? null));
  };

  return (
    <main className="manager-screen" data-testid="store-queue-screen">
      <section className="panel">
        <h2>Store queue</h2>
        <p className="muted">
          What every register of the store left for a manager. Take an item before you act on it, so no other manager works on it at the same time.
        </p>
        <div className="toolbar">
          <button type="button" className="btn" data-testid="store-queue-refresh" onClick={() => void actions.loadStoreQueue()}>
            Refresh
          </button>
        </div>
        {(message || error) && (
          <p role="status" data-testid="store-queue-message">
            {message ?? error}
          </p>
        )}
        {view && !view.configured && (
          <p data-testid="store-queue-alone">This register is not part of a store. Its orphans and payments in doubt are on the Orphans and In doubt screens.</p>
        )}
        {view?.configured && view.items.length === 0 && <p data-testid="store-queue-empty">Nothing is waiting for a manager.</p>}
        {view?.configured && view.items.length > 0 && (
          <table className="grid-table" data-testid="store-queue-table">
            <thead>
              <tr>
                <th scope="col">What</th>
                <th scope="col">Register</th>
                <th scope="col">Amount</th>
                <th scope="col">Waiting</th>
                <th scope="col">Details</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {view.items.map((item) => (
                <tr key={item.id} data-testid="store-queue-row">
                  <td>{KIND_WORDS[item.kind]}</td>
                  <td>{item.register}</td>
                  <td>{item.amount !== undefined && item.currency ? formatMoney(item.amount, item.currency) : ''}</td>
                  <td>{age(item.createdAt)}</td>
                  <td>{item.summary}</td>
                  <td data-testid="store-queue-holder">{item.status === 'claimed' ? (item.mine ? 'You' : `Taken by ${item.claimedBy ?? 'another manager'}`) : 'Nobody yet'}</td>
                  <td>
                    {item.status === 'open' && (
                      <button type="button" className="btn" disabled={busy === item.id} data-testid="store-queue-take" onClick={() => void run(item.id, () => actions.takeStoreItem(item.id), 'Taken: it is yours until you give it back or mark it done.')}>
                        Take
                      </button>
                    )}
                    {item.mine && (
                      <span className="inline-form">
                        <label>
                          What was done
                          <input
                            type="text"
                            maxLength={300}
                            value={notes[item.id] ?? ''}
                            data-testid="store-queue-note"
                            onChange={(e) => setNotes({ ...notes, [item.id]: e.target.value })}
                          />
                        </label>
                        <button
                          type="button"
                          className="btn btn-primary"
                          disabled={busy === item.id || (notes[item.id] ?? '').trim().length < 3}
                          data-testid="store-queue-done"
                          onClick={() => void run(item.id, () => actions.finishStoreItem(item.id, notes[item.id] ?? ''), 'Done: it has left the queue.')}
                        >
                          Done
                        </button>
                        <button type="button" className="btn" disabled={busy === item.id} data-testid="store-queue-give-back" onClick={() => void run(item.id, () => actions.giveBackStoreItem(item.id), 'Given back to the queue.')}>
                          Give back
                        </button>
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </main>
  );
}
