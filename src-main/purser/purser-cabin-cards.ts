// Cabin cards swiped on the HID reader find the guest (issue 12 §1): the reader
// classifies each swipe (drivers/hid/card-classifier.ts: `;7702<cabin>=<folio>?`
// is a cabin card) and keeps no track data; only the folio number reaches this
// point, the way staff cards reach manager sign-in (staff/staff-card-sign-in.ts).

import type { CardReaderEvent } from '../../drivers/hid/hid-card-reader.ts';
import { AppError } from '../../src-shared/errors.ts';
import type { GuestDetail } from '../../src-shared/purser-types.ts';

/** Anything that reports card reader events (the device service). */
export interface CabinCardReader {
  onCardReaderEvent(cb: (e: CardReaderEvent) => void): () => void;
}

/** Purser screens waiting for a cabin card; the first swipe answers them all. */
export class CabinCardWaiters {
  private readonly waiters = new Set<{ resolve: (g: GuestDetail) => void; reject: (e: unknown) => void }>();

  constructor(private readonly find: (folioNumber: string) => GuestDetail) {}

  /** Resolves with the guest of the next cabin card swiped; rejects after timeoutMs or when the card is unknown. */
  awaitCard(timeoutMs: number): Promise<GuestDetail> {
    return new Promise((resolve, reject) => {
      const w = {
        resolve: (g: GuestDetail) => {
          clearTimeout(timer);
          resolve(g);
        },
        reject: (e: unknown) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(w);
        reject(new AppError('conflict', 'No cabin card was swiped. Swipe the card again, or search by name or cabin.'));
      }, timeoutMs);
      this.waiters.add(w);
    });
  }

  /** A cabin card was swiped. */
  swiped(folioNumber: string): void {
    if (this.waiters.size === 0) return;
    const waiting = [...this.waiters];
    this.waiters.clear();
    let guest: GuestDetail;
    try {
      guest = this.find(folioNumber);
    } catch (err) {
      for (const w of waiting) w.reject(err);
      return;
    }
    for (const w of waiting) w.resolve(guest);
  }

  /** Feeds the reader's cabin cards to the waiters; returns the unsubscribe. */
  bind(reader: CabinCardReader): () => void {
    return reader.onCardReaderEvent((e) => {
      if (e.type === 'card' && e.card.kind === 'cabin') this.swiped(e.card.folioId);
    });
  }
}
