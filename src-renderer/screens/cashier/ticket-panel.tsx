// The current ticket: its lines, total, paid and due, and the result of the last cash tender.

import { useEffect, useLayoutEffect, useRef } from 'react';
import type { TicketSnapshot } from '../../../src-shared/domain.ts';
import { formatMoney } from '../common/money-format.ts';
import type { CashResult } from '../../store/ticket-slice.ts';

/** Props of the ticket panel. */
export interface TicketPanelProps {
  ticket: TicketSnapshot | null;
  selectedLineId: string | undefined;
  lastCash: CashResult | null;
  onRemoveLine(lineId: string): void;
  /** A card payment on it is out or in doubt: lines cannot be removed (main refuses too). */
  locked?: 'sent' | 'in_doubt';
}

const STATUS_WORDS: Record<TicketSnapshot['status'], string> = { open: 'Open', paid: 'Paid', voided: 'Voided', moved: 'Moved' };

/**
 * Keeps the lines list a whole number of lines tall inside the space its box
 * leaves (a line cut in half above Total reads as a different amount), and
 * scrolls the selected line into view.
 */
function useWholeLines(selectedLineId: string | undefined, lineCount: number) {
  const box = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLUListElement>(null);
  useLayoutEffect(() => {
    const outer = box.current;
    if (!outer) return;
    const fit = () => {
      const ul = list.current;
      const first = ul?.querySelector<HTMLElement>('.ticket-line');
      if (!ul || !first) return;
      const lineHeight = first.offsetHeight;
      const whole = Math.max(1, Math.floor(outer.clientHeight / lineHeight));
      ul.style.maxHeight = `${whole * lineHeight}px`;
    };
    fit();
    const observer = new ResizeObserver(fit);
    observer.observe(outer);
    return () => observer.disconnect();
  }, [lineCount]);
  useEffect(() => {
    list.current?.querySelector('[aria-current="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [selectedLineId, lineCount]);
  return { box, list };
}

/** The current ticket. */
export function TicketPanel({ ticket, selectedLineId, lastCash, onRemoveLine, locked }: TicketPanelProps) {
  const { box, list } = useWholeLines(selectedLineId, ticket?.lines.length ?? 0);
  if (!ticket) {
    return (
      <section className="panel ticket" data-testid="ticket">
        <h2>No ticket</h2>
        <p className="empty" data-testid="ticket-empty">
          Ring an item to start a ticket, or press <kbd>F9</kbd> for a new one.
        </p>
      </section>
    );
  }
  const money = (n: number) => formatMoney(n, ticket.currency);
  return (
    <section className="panel ticket" data-testid="ticket" data-ticket-number={ticket.number} data-status={ticket.status}>
      <h2>
        Ticket <span data-testid="ticket-number">#{ticket.number}</span>{' '}
        <span className={`ticket-status status-${ticket.status}`} data-testid="ticket-status">
          {STATUS_WORDS[ticket.status]}
        </span>
      </h2>
      {locked && (
        <p className="banner banner-warn" data-testid="ticket-locked">
          {locked === 'in_doubt'
            ? 'Card may have been charged: checking. This ticket is locked until the payment is resolved.'
            : 'A card payment is in progress. This ticket is locked until it finishes.'}
        </p>
      )}
      {ticket.lines.length === 0 ? (
        <p className="empty">No lines yet: ring an item.</p>
      ) : (
        // A plain list (not a listbox): each line carries its own Remove button, which an option may not contain.
        // The box takes the room left above the totals; the list inside it is a whole number of lines tall and scrolls.
        <div className="ticket-lines-box" ref={box}>
        <ul className="ticket-lines" data-testid="ticket-lines" aria-label="Ticket lines" ref={list} tabIndex={0}>
          {ticket.lines.map((line) => (
            <li
              key={line.id}
              aria-current={line.id === selectedLineId ? 'true' : undefined}
              className={`ticket-line ${line.voided ? 'voided' : ''} ${line.id === selectedLineId ? 'selected' : ''}`}
              data-testid="ticket-line"
              data-voided={line.voided ? 'true' : 'false'}
            >
              <span className="line-qty">{line.quantity}×</span>
              <span className="line-desc">{line.description}</span>
              <span className="line-total">{line.voided ? 'removed' : money(line.lineTotal)}</span>
              {!line.voided && ticket.status === 'open' && !locked && (
                <button
                  type="button"
                  className="line-remove"
                  aria-label={`Remove ${line.description}`}
                  data-testid="line-remove"
                  onClick={() => onRemoveLine(line.id)}
                >
                  ✕
                </button>
              )}
            </li>
          ))}
        </ul>
        </div>
      )}
      {/* Announced to screen readers as they change. */}
      <dl className="totals" aria-live="polite" aria-atomic="true">
        <dt>Total</dt>
        <dd data-testid="ticket-total">{money(ticket.total)}</dd>
        <dt>Paid</dt>
        <dd data-testid="ticket-paid">{money(ticket.paid)}</dd>
        <dt className="due">Due</dt>
        <dd className="due" data-testid="ticket-due">
          {money(ticket.due)}
        </dd>
      </dl>
      {lastCash && lastCash.ticketId === ticket.id && (
        <div className="banner banner-ok" role="status" data-testid="cash-result">
          Cash received {formatMoney(lastCash.tendered, lastCash.currency)}.{' '}
          {lastCash.change === 0 && ticket.due > 0 ? (
            <>
              Still due: <strong data-testid="cash-still-due-after">{formatMoney(ticket.due, ticket.currency)}</strong>
            </>
          ) : (
            <>
              Change: <strong data-testid="cash-change">{formatMoney(lastCash.change, lastCash.currency)}</strong>
            </>
          )}
          {ticket.status === 'paid' && ' — ticket paid. Ring an item to start the next one.'}
        </div>
      )}
    </section>
  );
}
