// The receipt commands: reprint, and whether the last receipt printed.

import type { Handlers } from '../../src-shared/ipc-contract.ts';
import type { TicketService } from '../tickets/ticket-service.ts';
import type { ReceiptService } from './receipt-service.ts';

/** Receipt commands; getters throw while the journal is unavailable. */
export function receiptHandlers(d: { tickets: () => TicketService; receipts: () => ReceiptService }): Pick<Handlers, 'receipt.reprint' | 'receipt.last'> {
  return {
    'receipt.reprint': async ({ ticketId }) => {
      const r = await d.receipts().reprint(ticketId);
      return { printed: r.printed, message: r.message };
    },
    'receipt.last': ({ ticketId }) => {
      d.tickets().get(ticketId);
      const r = d.receipts().lastReceipt(ticketId);
      return r ? { printed: r.status === 'printed', message: r.message } : null;
    },
  };
}
