// Tickets still open on this register; choosing one makes it current.

import type { Ref } from 'react';
import type { TicketSummary } from '../../../src-shared/domain.ts';
import { formatMoney } from '../common/money-format.ts';

/** Props of the open-ticket list. */
export interface OpenTicketsListProps {
  tickets: readonly TicketSummary[];
  currentId: string | undefined;
  onSelect(ticketId: string): void;
  /** The first button, so F8 can move focus here. */
  firstRef: Ref<HTMLButtonElement>;
  /** "Move to register…" for a ticket; absent when this register is not part of a store. */
  onMove?(ticketId: string): void;
}

/** The open-ticket list. */
export function OpenTicketsList({ tickets, currentId, onSelect, firstRef, onMove }: OpenTicketsListProps) {
  return (
    <section className="panel open-tickets" aria-labelledby="open-tickets-title" data-testid="open-tickets">
      <h2 id="open-tickets-title">
        Open tickets <kbd className="hotkey">F8</kbd>
      </h2>
      {tickets.length === 0 ? (
        <p className="empty" data-testid="open-tickets-empty">No open tickets.</p>
      ) : (
        <ul>
          {tickets.map((t, i) => (
            <li key={t.id}>
              <button
                type="button"
                ref={i === 0 ? firstRef : undefined}
                className={`open-ticket ${t.id === currentId ? 'current' : ''} ${t.locked ? 'in-doubt' : ''}`}
                aria-current={t.id === currentId ? 'true' : undefined}
                data-testid={`open-ticket-${t.number}`}
                onClick={() => onSelect(t.id)}
              >
                <span className="open-ticket-number">#{t.number}</span>
                <span className="open-ticket-lines">
                  {t.lineCount} {t.lineCount === 1 ? 'line' : 'lines'}
                </span>
                <span className="open-ticket-total">{formatMoney(t.total, t.currency)}</span>
                {t.cardInDoubt ? (
                  <span className="open-ticket-doubt" data-testid={`open-ticket-doubt-${t.number}`}>
                    Card may have been charged: checking
                  </span>
                ) : (
                  t.locked && <span className="open-ticket-doubt">Card payment in progress</span>
                )}
              </button>
              {onMove && (
                <button type="button" className="btn btn-small open-ticket-move" aria-label={`Move to register… ticket #${t.number}`} data-testid={`move-ticket-${t.number}`} onClick={() => onMove(t.id)}>
                  Move to register…
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
