// Feeds staff cards swiped on the HID reader to manager sign-in. The reader
// classifies each swipe (drivers/hid/card-classifier.ts: `;7701<id>?` is a staff
// card) and keeps no track data; only the employee id reaches this point.

import type { CardReaderEvent } from '../../drivers/hid/hid-card-reader.ts';
import type { StaffService } from './staff-service.ts';

/** Anything that reports card reader events (the device service). */
export interface CardReaderEvents {
  onCardReaderEvent(cb: (e: CardReaderEvent) => void): () => void;
}

/** Signs in the manager whose staff card is swiped while a sign-in dialog waits; returns an unsubscribe. */
export function bindStaffCards(reader: CardReaderEvents, staff: () => StaffService | undefined): () => void {
  return reader.onCardReaderEvent((e) => {
    if (e.type === 'card' && e.card.kind === 'staff') staff()?.staffCardSwiped(e.card.employeeId);
  });
}
