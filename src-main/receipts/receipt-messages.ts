// What the cashier reads when a receipt did or did not print. Kept in one
// place so the words stay consistent between the payment screen and reprints.

import type { ReceiptReason } from './receipt-repository.ts';

const WHY: Record<ReceiptReason, { what: string; todo: string }> = {
  paper_out: { what: 'the printer is out of paper', todo: 'Load paper, then press Reprint.' },
  cover_open: { what: 'the printer cover is open', todo: 'Close the cover, then press Reprint.' },
  offline: { what: 'the printer is offline', todo: 'Check that it is switched on and connected, then press Reprint.' },
  error: { what: 'the printer reports an error', todo: 'Switch the printer off and on, then press Reprint.' },
  no_answer: { what: 'the printer stopped answering while printing', todo: 'If nothing came out, check the printer, then press Reprint.' },
  no_printer: { what: 'no receipt printer is set up', todo: 'Set up a receipt printer in the settings, then press Reprint.' },
  refused: { what: 'it would have shown card data that must never be printed', todo: 'Do not retry; report this to support.' },
  failed: { what: 'the printer driver failed', todo: 'Check the printer, then press Reprint.' },
};

/** The message for a receipt that did not print; `paid` adds that the payment stands. */
export function notPrintedMessage(reason: ReceiptReason, paid: boolean): string {
  const { what, todo } = WHY[reason];
  // After no_answer part of the receipt may have come out: say "may not have".
  const verb = reason === 'no_answer' ? 'may not have printed' : 'did not print';
  return `The receipt ${verb}: ${what}. ${paid ? 'The payment is recorded. ' : ''}${todo}`;
}

/** The message for a receipt that printed. */
export function printedMessage(paperNearEnd: boolean): string {
  return paperNearEnd ? 'The receipt printed. The paper is running low: load a new roll soon.' : 'The receipt printed.';
}
