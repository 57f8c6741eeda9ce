// Whether a paid ticket's receipt printed, with Reprint when it did not. The
// payment stands either way; the receipt is reprinted from the journal.

import { useEffect } from 'react';
import type { TicketSnapshot } from '../../../src-shared/domain.ts';
import { useAppActions, useAppState } from '../../store/store-context.ts';

/** Receipt line of a ticket that took money: main's word on its receipt, with Reprint when it did not print. */
export function ReceiptStatus({ ticket }: { ticket: TicketSnapshot }) {
  const receipt = useAppState((s) => (s.receipt?.ticketId === ticket.id ? s.receipt : null));
  const actions = useAppActions();
  const tenders = ticket.tenders.length;
  useEffect(() => {
    if (tenders > 0) void actions.loadReceipt(ticket.id);
  }, [ticket.id, tenders, actions]);

  if (!receipt || (!receipt.result && !receipt.running)) return null;
  const printed = receipt.result?.printed ?? false;
  return (
    <div
      className={`banner ${printed ? 'banner-ok' : 'banner-warn'} receipt-status`}
      role="status"
      data-testid="receipt-status"
      data-printed={printed ? 'true' : 'false'}
    >
      <span data-testid="receipt-message">{receipt.running ? 'Printing the receipt again…' : receipt.result?.message}</span>
      {!printed && (
        <button type="button" className="btn btn-small" data-testid="receipt-reprint" disabled={receipt.running} onClick={() => void actions.reprintReceipt(ticket.id)}>
          Reprint
        </button>
      )}
    </div>
  );
}
