// Training cards for the purser's practice (issue 12 §6): the card the
// training PIN pad reads next, chosen by brand and last four digits, and a
// one-shot decline of a card's next authorisation at the training processor.
// The number handed to the simulated PIN pad is built here at run time
// (brand prefix, zeros, one digit chosen so the Luhn check passes, the last
// four): no card number is written in the source, and the number never
// leaves the simulator (which keeps only a masked number and a hashed token).

import { luhnValid, type CardBrand } from '../../src-shared/card.ts';
import type { RequestOf } from '../../src-shared/ipc-contract.ts';
import type { ProcessorRequest } from '../../src-shared/processor-link.ts';

/** A card as the trainee names it: brand and last four (training.presentCard, training.declineNext). */
export type TrainingCard = RequestOf<'training.presentCard'>;

/** Prefix and length per brand, in the IIN ranges the simulator reads (pax-simulator-rules.ts cardBrandOf). */
const SHAPES: Record<TrainingCard['brand'], { prefix: string; length: number }> = {
  visa: { prefix: '4', length: 16 },
  mastercard: { prefix: '51', length: 16 },
  amex: { prefix: '37', length: 15 },
  discover: { prefix: '6011', length: 16 },
};

/**
 * A Luhn-valid test number of this brand ending in these four digits. The
 * digit just before the last four is the free one: doubled or not, its ten
 * values give ten different remainders mod 10, so exactly one passes.
 */
export function trainingCardNumber(card: TrainingCard): string {
  if (!/^\d{4}$/.test(card.lastFour)) throw new RangeError('the last four are four digits');
  const { prefix, length } = SHAPES[card.brand];
  const head = prefix.padEnd(length - 5, '0');
  for (let d = 0; d <= 9; d++) {
    const pan = `${head}${d}${card.lastFour}`;
    if (luhnValid(pan)) return pan;
  }
  throw new Error('unreachable: one free digit always completes the Luhn check');
}

/** True when the processor's request is for this card (it sees only the brand and the masked number). */
function isCard(req: Pick<ProcessorRequest, 'cardBrand' | 'maskedPan'>, card: TrainingCard): boolean {
  return req.cardBrand === (card.brand as CardBrand) && req.maskedPan.endsWith(card.lastFour);
}

/**
 * Cards whose next authorisation (an initial hold or an increment) the
 * training processor declines, once each. Sales, captures, voids and refunds
 * are not authorisations and pass through.
 */
export class TrainingDeclines {
  private armed: TrainingCard[] = [];

  /** The card's next authorisation is declined. */
  arm(card: TrainingCard): void {
    this.armed.push(card);
  }

  /** Disarms every card. */
  clear(): void {
    this.armed = [];
  }

  /** How many declines wait. */
  get count(): number {
    return this.armed.length;
  }

  /** The processor's decline rule hook: a reason when this request spends an armed decline, else null. */
  take(req: Pick<ProcessorRequest, 'command' | 'cardBrand' | 'maskedPan'>): string | null {
    if (req.command !== 'auth' && req.command !== 'incremental') return null;
    const i = this.armed.findIndex((c) => isCard(req, c));
    if (i < 0) return null;
    this.armed.splice(i, 1);
    return 'Declined';
  }
}
