// A sample receipt for tests and the training-mode printer. Test card data only, masked.

import type { ReceiptData } from './receipt-template.ts';

/** A complete receipt with a card tender recovered after a lost response. */
export function sampleReceipt(overrides: Partial<ReceiptData> = {}): ReceiptData {
  return {
    storeName: 'Harbour Cafe',
    headerLines: ['Deck 5, Midship'],
    ticketNumber: 1042,
    registerId: 'R1',
    cashier: 'Ana',
    timestamp: '2026-11-22 14:05',
    currency: 'USD',
    items: [
      { description: 'Flat white', quantity: 2, amount: 900 },
      { description: 'Croissant', quantity: 1, amount: 375 },
    ],
    totals: { subtotal: 1275, tax: 102, total: 1377 },
    tenders: [{
      kind: 'card', amount: 1377, maskedPan: '411111******1111', brand: 'visa', authCode: 'A1B2C3',
      entryMode: 'chip', approvalSource: 'Recovered approval',
    }],
    footerLines: ['Thank you'],
    ...overrides,
  };
}
