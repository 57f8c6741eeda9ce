// The shipboard purser's commands (issue 12): guests, folios, cards on file, the
// store-and-forward queue. Spread into the one command index in ipc-contract.ts.
// Snapshots are in purser-types.ts.

import { z } from 'zod';
import { Amount, Empty, Id, PositiveAmount, command, managerCommand } from './contract-builders.ts';
import { MAX_AMOUNT } from './money.ts';
import {
  CARD_TYPE_CODES,
  PURSER_PARAMETER_NAMES,
  type GuestDetail,
  type GuestSummary,
  type PurserActionResult,
  type PurserParameter,
  type QueueSummary,
} from './purser-types.ts';

/**
 * A signed amount in integer minor units: a payment (> 0) or a refund (< 0,
 * tables 4-11 and 4-12). Zero moves nothing and is refused.
 */
export const SignedAmount = z
  .number()
  .int('must be a whole number of minor units')
  .min(-MAX_AMOUNT)
  .max(MAX_AMOUNT)
  .refine((n) => n !== 0, 'must not be zero');

/** A cabin card number as the HID reader reads it: 4 to 19 digits. */
const CabinCardNumber = z.string().regex(/^\d{4,19}$/, 'a cabin card number is 4 to 19 digits');

/** A parameter's new value: a number, or a list of card type codes (validated per parameter by the host). */
const ParameterValue = z.union([z.number().int().min(0).max(MAX_AMOUNT), z.array(z.enum(CARD_TYPE_CODES)).max(CARD_TYPE_CODES.length)]);

export const purserCommands = {
  'purser.guest.search': command<GuestSummary[]>()(
    z.strictObject({ query: z.string().trim().max(40).regex(/^[\p{L}\p{N} '.-]*$/u, 'must be a name or a cabin number') }),
    'Guests whose name or cabin matches (empty: every checked-in guest), by cabin.',
  ),
  'purser.guest.get': command<GuestDetail>()(z.strictObject({ guestId: Id }), 'One guest with folio, payments, cards on file, authorisation and settlement records and balance.'),
  'purser.guest.byCabinCard': command<GuestDetail>()(z.strictObject({ cardNumber: CabinCardNumber }), 'The guest whose cabin card number this is (the folio number on the card).'),
  'purser.guest.awaitCabinCard': command<GuestDetail>()(
    z.strictObject({ waitSeconds: z.number().int().min(1).max(60).default(20) }),
    'Waits for a cabin card swiped on the card reader and answers its guest; fails when none is swiped in time.',
  ),
  'purser.posting.add': command<PurserActionResult>()(
    z.strictObject({ guestId: Id, amount: PositiveAmount, description: z.string().trim().min(1).max(60) }),
    'Posts a charge to the folio; raises an incremental authorisation by table 4-8 in the same transaction.',
  ),
  'purser.card.register': command<PurserActionResult>()(
    z.strictObject({ guestId: Id, terminalId: Id }),
    'Reads a card on the PIN pad (insert, swipe or tap), takes its token and sends the initial authorisation (table 4-7).',
  ),
  'purser.card.activate': command<PurserActionResult>()(z.strictObject({ cardId: Id }), 'Reactivates a card on file, unless its lock forbids it (table 4-15).'),
  'purser.card.deactivate': command<PurserActionResult>()(z.strictObject({ cardId: Id }), 'Deactivates a card on file by hand (it may be activated again).'),
  'purser.card.addAuthorisation': command<PurserActionResult>()(
    z.strictObject({ cardId: Id, amount: PositiveAmount }),
    'Adds an incremental authorisation by hand (table 4-16), queued for the gateway.',
  ),
  'purser.card.setRouting': command<PurserActionResult>()(
    z.strictObject({ guestId: Id, cardIds: z.array(Id).min(1).max(20) }),
    "Sets the order the guest's invoices are routed to the cards (first = first tried).",
  ),
  'purser.invoice.pay': command<PurserActionResult>()(
    z
      .strictObject({ guestId: Id, amount: SignedAmount, method: z.enum(['card', 'cash', 'direct_sale']), terminalId: Id.optional() })
      .refine((r) => r.method !== 'direct_sale' || r.terminalId !== undefined, 'a direct sale needs a PIN pad'),
    'Pays the invoice (card: settlement on the card on file, table 4-9; direct sale 4-10) or refunds a negative amount (4-11, 4-12).',
  ),
  'purser.payment.void': command<PurserActionResult>()(
    z.strictObject({ paymentId: Id }),
    'Voids a payment: an unsent settlement is withdrawn and the card reactivated, a sent one is refunded (table 4-11).',
  ),
  'purser.queue.status': command<QueueSummary>()(Empty, 'Outstanding records per card and in total, the oldest one’s age, offline limits.'),
  'purser.queue.sendNow': command<QueueSummary>()(Empty, 'Runs the sender now instead of waiting for the resend interval.'),
  'purser.settlement.sendBatch': managerCommand<QueueSummary>()(
    Empty,
    "Releases the settlements waiting for a manager's batch send (automatic settlement 0) to the queue.",
  ),
  'purser.parameters.get': command<PurserParameter[]>()(Empty, 'Every purser parameter with its value, default and meaning.'),
  'purser.parameters.set': managerCommand<PurserParameter[]>()(
    z.strictObject({ name: z.enum(PURSER_PARAMETER_NAMES), value: ParameterValue }),
    'Changes one purser parameter (validated); journaled with the manager.',
  ),
} as const;

// Amount is re-exported for screens that validate a posting before sending it.
export { Amount };
