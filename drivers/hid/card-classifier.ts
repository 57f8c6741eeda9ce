// Decides what a swiped card is. The HID reader only identifies people and
// cabins; card payments belong on the PIN pad, so a payment card is refused and
// the result carries nothing from it (not even a masked number).
//
// Card formats, all on track 2 (digits only, as track 2 allows), kept here and
// nowhere else:
//
//   staff card  ;<staffPrefix><employeeId>?               employeeId: 4-10 digits
//   cabin card  ;<cabinPrefix><cabin>=<folioId>?          cabin: 3-5 digits, folioId: 6-12 digits
//
// Prefixes are configured per property (defaults 7701 and 7702; 7 is the
// ISO/IEC 7812 "other industry" major industry identifier, so they do not
// collide with bank cards). A payment card is checked for first, so a
// configuration mistake can only ever refuse a card, never accept a bank card
// as an identity card.

import { luhnValid } from '../../src-shared/card.ts';
import { AppError } from '../../src-shared/errors.ts';
import { parseFinancialTrack1, parseFinancialTrack2, trackBody } from './iso7813-track-parser.ts';

/** Per-property prefixes of staff and cabin cards. */
export interface CardFormats {
  /** Track 2 prefix of staff cards, 2-8 digits. */
  staffPrefix: string;
  /** Track 2 prefix of guest cabin cards, 2-8 digits. */
  cabinPrefix: string;
}

/** Prefixes used when the property configures none. */
export const DEFAULT_CARD_FORMATS: Readonly<CardFormats> = Object.freeze({ staffPrefix: '7701', cabinPrefix: '7702' });

/** The message shown when a payment card is swiped on the HID reader. */
export const PAYMENT_CARD_REFUSED_MESSAGE = 'This is a payment card. Take card payments on the PIN pad.';
/** The message shown when a card decoded but is neither staff nor cabin. */
export const UNKNOWN_CARD_MESSAGE = 'This card is not a staff card or a cabin card. Check that you swiped the right card.';
/** The message shown when no track could be read. */
export const UNREADABLE_CARD_MESSAGE = 'The card could not be read. Swipe it again in one smooth movement.';

/** What a swiped card is. Only staff and cabin results carry anything from the card. */
export type CardClassification =
  | { kind: 'payment_card_refused'; message: string }
  | { kind: 'staff'; employeeId: string }
  | { kind: 'cabin'; cabin: string; folioId: string }
  | { kind: 'unknown'; message: string };

/** Track text as decoded by the reader; empty when the track is absent or unreadable. */
export interface SwipedTracks {
  track1: string;
  track2: string;
}

/**
 * Service codes whose first digit allows interchange (1, 2 international;
 * 5, 6 national): these are payment cards. 7 (private) and 9 (test) are not.
 */
const PAYMENT_SERVICE_CODE_FIRST_DIGITS = new Set(['1', '2', '5', '6']);

/** True when a PAN and service code together make a payment card. */
export function isPaymentCard(pan: string, serviceCode: string): boolean {
  return pan.length >= 12 && luhnValid(pan) && PAYMENT_SERVICE_CODE_FIRST_DIGITS.has(serviceCode[0]);
}

/** Throws an AppError when the configured prefixes are unusable. */
export function validateCardFormats(formats: CardFormats): void {
  for (const [name, prefix] of Object.entries(formats)) {
    if (!/^\d{2,8}$/.test(prefix)) {
      throw new AppError('invalid_request', `Card reader setting ${name} must be 2 to 8 digits; it is "${prefix}".`);
    }
  }
  const { staffPrefix: s, cabinPrefix: c } = formats;
  if (s.startsWith(c) || c.startsWith(s)) {
    throw new AppError('invalid_request', `Staff card prefix ${s} and cabin card prefix ${c} overlap; give them different leading digits.`);
  }
}

/** Classifies a swiped card. */
export function classifyCard(tracks: SwipedTracks, formats: CardFormats = DEFAULT_CARD_FORMATS): CardClassification {
  validateCardFormats(formats);
  const t1 = parseFinancialTrack1(tracks.track1);
  const t2 = parseFinancialTrack2(tracks.track2);
  if ((t1 && isPaymentCard(t1.pan, t1.serviceCode)) || (t2 && isPaymentCard(t2.pan, t2.serviceCode))) {
    return { kind: 'payment_card_refused', message: PAYMENT_CARD_REFUSED_MESSAGE };
  }
  if (!tracks.track1 && !tracks.track2) return { kind: 'unknown', message: UNREADABLE_CARD_MESSAGE };
  const body = trackBody(tracks.track2, ';');
  if (body !== null) {
    const staff = new RegExp(`^${formats.staffPrefix}(\\d{4,10})$`).exec(body);
    if (staff) return { kind: 'staff', employeeId: staff[1] };
    const cabin = new RegExp(`^${formats.cabinPrefix}(\\d{3,5})=(\\d{6,12})$`).exec(body);
    if (cabin) return { kind: 'cabin', cabin: cabin[1], folioId: cabin[2] };
  }
  return { kind: 'unknown', message: UNKNOWN_CARD_MESSAGE };
}
