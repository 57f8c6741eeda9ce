// "Tickets moved here": tickets another register of the store moved to this
// one (issue 13 §3), waiting to be opened. Opening one makes it a ticket of
// this register with the same lines and the cash already taken there.

import type { MovedHereItem } from '../../../src-shared/store-contract.ts';
import { formatMoney } from '../common/money-format.ts';

/** Props of the list. */
export interface MovedHereListProps {
  items: readonly MovedHereItem[];
  /** The store's refusal to list them (out of reach), in plain words. */
  error: string | null;
  onOpen(transferId: number): void;
}

/** The list; nothing at all when there is nothing to say. */
export function MovedHereList({ items, error, onOpen }: MovedHereListProps) {
  if (items.length === 0 && !error) return null;
  return (
    <section className="panel moved-here" aria-labelledby="moved-here-title" data-testid="moved-here">
      <h2 id="moved-here-title">Tickets moved here</h2>
      {error && <p className="muted">{error}</p>}
      <ul>
        {items.map((t) => (
          <li key={t.transferId}>
            <button type="button" className="open-ticket" data-testid={`moved-here-${t.transferId}`} onClick={() => onOpen(t.transferId)}>
              <span className="open-ticket-number">
                #{t.originNumber} from {t.fromName}
              </span>
              <span className="open-ticket-lines">
                {t.lineCount} {t.lineCount === 1 ? 'line' : 'lines'}
              </span>
              <span className="open-ticket-total">{formatMoney(t.total, t.currency)}</span>
              {t.cashApplied > 0 && <span className="muted">{formatMoney(t.cashApplied, t.currency)} paid in cash there</span>}
              <span className="btn btn-small">Open here</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
