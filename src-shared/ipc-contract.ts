// The IPC contract: every command the UI can send to main and every event main
// pushes, in one place. Read it as the index of the app.
//
// Commands are named `domain.verb`. Each has a request schema (validated at the
// boundary: unknown fields, wrong types and non-integer or negative amounts are
// refused) and a result type. The main side implements `Handlers`, a mapped type
// over this table, so a missing handler is a compile error.
//
// The same JSON envelopes travel over Electron IPC and over the loopback
// WebSocket (browser mode).

import { z } from 'zod';
import type { ErrorPayload } from './errors.ts';
import { DeviceDraft } from './device-settings.ts';
import type {
  AppInfo,
  AttemptSnapshot,
  CatalogItem,
  DeviceSnapshot,
  DeviceTestResult,
  FindMissingReport,
  JournalEventSnapshot,
  JournalVerifyReport,
  RecoveryNotice,
  OrphanSnapshot,
  ReceiptResult,
  StatusSnapshot,
  TicketHistoryEntry,
  TicketSnapshot,
  TicketSummary,
} from './domain.ts';
import type { ManagerSession, SignInState, StaffActor, StaffSnapshot } from './staff.ts';
import { BatchGetRequest, BatchHistoryRequest, BatchOpenRequest, BatchResolveRequest, BatchSignOffRequest, type BatchLine, type BatchSnapshot, type BatchSummary } from './batch-types.ts';
import { OrphanAttachRequest, OrphanKeepOneRequest, OrphanRefundRequest, OrphanSuggestRequest, type OrphanActionResult, type OrphanSuggestions } from './orphan-action-types.ts';
import { ConfirmByPhoneRequest, ReversalStartRequest, type InDoubtEntry, type ReversalResult } from './reversal-types.ts';
import { EndOfDayRequest, SettlementListRequest, type EndOfDayReport, type SettlementPage, type SettlementSettings } from './settlement-types.ts';

import { Amount, Empty, Id, PositiveAmount, command, managerCommand } from './contract-builders.ts';
import { purserCommands } from './purser-contract.ts';
import { storeCommands } from './store-contract.ts';

export { Amount, Id, PositiveAmount };

/** Largest envelope accepted on any transport, in bytes of JSON. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

/**
 * The cashier saw the warning that this amount matches a card payment still in
 * doubt on this register, and confirmed it is another customer's payment.
 */
const ConfirmMatchingInDoubt = z.boolean().optional();

/** A PIN as typed on the sign-in dialog: 4 to 8 digits (never echoed in an error). */
const Pin = z.string().regex(/^\d{4,8}$/, 'a PIN is 4 to 8 digits');
/** A staff card number: the employee id on a staff card, 4 to 10 digits. */
const StaffCardNumber = z.string().regex(/^\d{4,10}$/, 'a staff card number is 4 to 10 digits');
/** A person's name on the staff list. */
const StaffName = z.string().trim().min(1, 'a name is needed').max(60);

/** A training test card as the trainee names it: its brand and last four digits (the number itself is built by the host). */
const TrainingCardRequest = z.strictObject({
  brand: z.enum(['visa', 'mastercard', 'amex', 'discover']),
  lastFour: z.string().regex(/^\d{4}$/, 'the last four are four digits'),
});

/** Every command the UI can send. */
export const commands = {
  'app.info': command<AppInfo>()(Empty, 'Who this app is: version, register, training mode.'),
  'status.get': command<StatusSnapshot>()(Empty, 'Journal, device and training status for the status bar.'),
  'catalog.list': command<CatalogItem[]>()(Empty, 'The items that can be rung up.'),

  'ticket.create': command<TicketSnapshot>()(Empty, 'Opens a new ticket, journaled at once.'),
  'ticket.get': command<TicketSnapshot>()(z.strictObject({ ticketId: Id }), 'One ticket with its lines and tenders.'),
  'ticket.listOpen': command<TicketSummary[]>()(Empty, 'Tickets still open on this register, newest first.'),
  'ticket.addLine': command<TicketSnapshot>()(
    z.strictObject({ ticketId: Id, itemId: Id, quantity: z.number().int().min(1).max(999).default(1) }),
    'Rings an item from the catalogue onto an open ticket.',
  ),
  'ticket.removeLine': command<TicketSnapshot>()(
    z.strictObject({ ticketId: Id, lineId: Id }),
    'Voids a line on an open ticket (it stays in the journal).',
  ),

  'ticket.void': command<TicketSnapshot>()(
    z.strictObject({ ticketId: Id }),
    'Voids an open ticket with nothing on it (no lines left, nothing paid, no card out); it stays in the journal.',
  ),
  'ticket.history': command<TicketHistoryEntry[]>()(
    z.strictObject({
      query: z
        .string()
        .max(40)
        .regex(/^[\p{L}\p{N} $#.,*-]*$/u, 'must be a ticket number, an amount, four digits or a reference')
        .optional(),
    }),
    "Today's closed tickets on this register, newest first; query matches number, amount, card last four or reference.",
  ),
  'ticket.events': command<JournalEventSnapshot[]>()(
    z.strictObject({ ticketId: Id }),
    'The journal events behind a ticket, its card attempts and its receipts, oldest first.',
  ),

  'tender.cash': command<{ ticket: TicketSnapshot; change: number }>()(
    z.strictObject({ ticketId: Id, amountTendered: PositiveAmount, confirmMatchingInDoubt: ConfirmMatchingInDoubt }),
    'Takes cash; applies up to the amount due and answers the change.',
  ),

  'payment.start': command<AttemptSnapshot>()(
    z.strictObject({ ticketId: Id, amount: PositiveAmount, terminalId: Id.optional(), confirmMatchingInDoubt: ConfirmMatchingInDoubt, confirmCrossRegisterDuplicate: z.boolean().optional() }),
    'Starts a card payment for part or all of what is due, on a PIN pad; with a store, the same card paying the same amount elsewhere asks the cashier first.',
  ),
  'payment.cancel': command<AttemptSnapshot>()(
    z.strictObject({ attemptId: Id }),
    'Asks the PIN pad to abort; an unanswered cancel leaves the attempt in doubt, never aborted.',
  ),
  'payment.listForTicket': command<AttemptSnapshot[]>()(
    z.strictObject({ ticketId: Id }),
    'Every card attempt of a ticket, oldest first.',
  ),
  'payment.listUnresolved': command<AttemptSnapshot[]>()(
    Empty,
    "This register's card attempts out on a PIN pad or in doubt, oldest first (a reloaded screen reopens them).",
  ),
  'recovery.notices': command<RecoveryNotice[]>()(
    Empty,
    'Every attempt start-up recovery found unanswered after a crash, with its outcome now (empty when none).',
  ),

  'reconcile.findMissing': command<FindMissingReport>()(
    z.strictObject({ ticketId: Id.optional() }),
    "Asks the gateway for this register's recent charges the journal lacks; attaches matches, queues orphans.",
  ),
  'orphan.list': command<OrphanSnapshot[]>()(Empty, 'Processor charges no ticket claims, for a manager.'),

  'receipt.last': command<ReceiptResult | null>()(
    z.strictObject({ ticketId: Id }),
    'Whether the last receipt of a ticket printed (null when none was printed yet).',
  ),
  'receipt.reprint': command<ReceiptResult>()(
    z.strictObject({ ticketId: Id }),
    'Prints the receipt of a ticket again, from the journal.',
  ),

  'device.list': command<DeviceSnapshot[]>()(Empty, "This register's configured devices (removed ones left out), PIN pads first."),
  'device.save': managerCommand<DeviceSnapshot>()(
    z.strictObject({ deviceId: Id.optional(), device: DeviceDraft }),
    'Adds a device (no deviceId) or changes one; journaled. A changed assigned device is reconnected.',
  ),
  'device.remove': managerCommand<DeviceSnapshot>()(
    z.strictObject({ deviceId: Id }),
    'Removes a device from this register (kept in the journal, marked removed; unassigned first).',
  ),
  'device.assign': managerCommand<DeviceSnapshot>()(
    z.strictObject({ deviceId: Id, assigned: z.boolean() }),
    'Puts a device in use on this register (replacing the one of its kind) or takes it out of use.',
  ),
  'device.test': managerCommand<DeviceTestResult>()(
    z
      .strictObject({ deviceId: Id.optional(), device: DeviceDraft.optional() })
      .refine((r) => (r.deviceId === undefined) !== (r.device === undefined), 'give either deviceId (a saved device) or device (unsaved settings), not both'),
    'Really connects to a saved device or to unsaved settings and says what happened.',
  ),

  'training.simulate': command<{ message: string }>()(
    z.strictObject({
      scenario: z.enum([
        'normal',
        'decline',
        'partial_approval',
        'lose_approval',
        'missing_payment',
        'stray_charge',
        'ignore_cancel',
        'terminal_offline',
        'printer_out_of_paper',
      ]),
    }),
    'Training mode only: makes the simulated devices behave this way for the next payment (stray_charge: at once), so a trainee sees every flow.',
  ),
  // The purser's practice (issue 12 §6): the ship offline, a chosen card on the PIN pad, a declined authorisation.
  'training.shipLink': managerCommand<{ message: string }>()(
    z.strictObject({ online: z.boolean() }),
    'Training mode only: takes the ship offline (the training PIN pad approves on its own with a temporary token, the card company cannot be reached) or brings it back online.',
  ),
  'training.presentCard': managerCommand<{ message: string }>()(
    TrainingCardRequest,
    'Training mode only: the card the training PIN pad reads next, a test card of this brand ending in these four digits.',
  ),
  'training.declineNext': managerCommand<{ message: string }>()(
    TrainingCardRequest,
    'Training mode only: the training card company declines the next authorisation (initial or added) of this card, once.',
  ),

  // Manager actions (issue 11 §1).
  'settlement.list': managerCommand<SettlementPage>()(
    SettlementListRequest,
    'One page of the card settlements (approved, voided, refunds, voids) matching the filter, sorted, with the total count.',
  ),
  'settlement.settings': managerCommand<SettlementSettings>()(Empty, "The settlement review's register settings (show voided)."),
  'settlement.setShowVoided': managerCommand<SettlementSettings>()(
    z.strictObject({ showVoided: z.boolean() }),
    'Shows or hides voided settlements in the review on this register; journaled.',
  ),
  'report.endOfDay': managerCommand<EndOfDayReport>()(
    EndOfDayRequest,
    'Cash and card totals of a local day (default today) by brand, entry mode and hour, with voids, refunds, orphans, doubt and variances.',
  ),

  'batch.open': managerCommand<BatchSnapshot>()(BatchOpenRequest, "A PIN pad's open batch, checked now against the journal and the card gateway, with its variance lines."),
  'batch.get': managerCommand<BatchSnapshot>()(BatchGetRequest, 'A batch as last checked (a closed one with its Z report figures).'),
  'batch.history': managerCommand<BatchSummary[]>()(BatchHistoryRequest, 'Closed batches, newest first.'),
  'batch.resolve': managerCommand<BatchLine>()(BatchResolveRequest, 'Resolves a variance line (a charge nobody recorded goes to the orphan payments); journaled with the manager.'),
  'batch.signOff': managerCommand<BatchLine>()(BatchSignOffRequest, 'Signs a variance line off with a reason; journaled with the manager.'),
  'batch.close': managerCommand<BatchSnapshot>()(BatchOpenRequest, "Closes the PIN pad's batch (refused while a line is open) and compares the host's totals."),
  'reversal.start': managerCommand<ReversalResult>()(
    ReversalStartRequest,
    'Voids (batch open) or refunds (batch closed; partial allowed) an approved card sale, never more than was charged; journaled with the manager and the reason before it is sent.',
  ),
  'indoubt.list': managerCommand<InDoubtEntry[]>()(Empty, 'Every payment attempt whose outcome is not known yet, with its age and last check.'),
  'indoubt.checkNow': managerCommand<InDoubtEntry[]>()(z.strictObject({ attemptId: Id }), 'Asks the PIN pad and the gateway about one attempt in doubt now; answers the queue after.'),
  'indoubt.confirmByPhone': managerCommand<InDoubtEntry[]>()(
    ConfirmByPhoneRequest,
    "Records a manager's confirmation from the processor by phone (charged or not, with the processor's reference) as manual evidence; answers the queue after.",
  ),

  'orphan.suggest': managerCommand<OrphanSuggestions>()(OrphanSuggestRequest, 'Open tickets and other orphans that may match one orphan charge (amount, time, last four, register).'),
  'orphan.attach': managerCommand<OrphanActionResult>()(OrphanAttachRequest, 'Attaches an orphan charge to an open ticket as its card payment; the manager and the reason journaled.'),
  'orphan.refund': managerCommand<OrphanActionResult>()(OrphanRefundRequest, 'Refunds an orphan charge in full at the gateway (an attempt with its own reference, never sent twice).'),
  'orphan.keepOneRefundRest': managerCommand<OrphanActionResult>()(
    OrphanKeepOneRequest,
    "Several charges of one customer and amount: keeps one on a ticket and refunds every other one, as one action.",
  ),

  'journal.verify': managerCommand<JournalVerifyReport>()(
    Empty,
    'Checks SQLite integrity and the event hash chain; reports any break or truncation (the journal CLI stays open to cashiers).',
  ),

  'staff.signIn': command<ManagerSession>()(
    z.strictObject({ pin: Pin }),
    'Signs a manager in by PIN; answers a session token for manager-only commands. Five wrong PINs lock PIN sign-in for a minute.',
  ),
  'staff.awaitCard': command<ManagerSession>()(
    z.strictObject({ waitSeconds: z.number().int().min(1).max(30).default(20) }),
    'Waits for a staff card swiped on the card reader and signs its manager in; fails when none is swiped in time.',
  ),
  'staff.signOut': command<null>()(Empty, "Ends the envelope's manager session, if any."),
  'staff.signInState': command<SignInState>()(
    Empty,
    "Who the envelope's session belongs to (null when none or expired), the lockout, and the training manager's PIN in training mode.",
  ),
  'staff.list': managerCommand<StaffSnapshot[]>()(Empty, 'Everyone on the staff list (no PINs, no card numbers).'),
  'staff.add': managerCommand<StaffSnapshot>()(
    z.strictObject({ name: StaffName, role: z.enum(['cashier', 'manager']), pin: Pin.optional(), cardNumber: StaffCardNumber.optional() }),
    'Adds a cashier or a manager, with a PIN and a staff card if given; journaled with who added them.',
  ),
  'staff.setPin': managerCommand<StaffSnapshot>()(z.strictObject({ staffId: Id, pin: Pin }), "Sets a person's PIN (stored as a slow salted hash)."),
  'staff.setCard': managerCommand<StaffSnapshot>()(
    z.strictObject({ staffId: Id, cardNumber: StaffCardNumber.nullable() }),
    "Registers a person's staff card (null: removes it).",
  ),
  'staff.deactivate': managerCommand<StaffSnapshot>()(
    z.strictObject({ staffId: Id }),
    'Deactivates a person (kept in the journal); their sessions end. The last active manager cannot be deactivated.',
  ),
  // Each later domain declares its commands in its own file (fewer merge conflicts, one index still):
  ...purserCommands,
  ...storeCommands,
} as const;

/** Every command name. */
export type CommandName = keyof typeof commands;

/** True when a command needs a signed-in manager. */
export function isManagerOnly(name: CommandName): boolean {
  return (commands[name] as { access?: string }).access === 'manager';
}

/** Every manager-only command, for tests and documentation. */
export const MANAGER_ONLY_COMMANDS: readonly CommandName[] = (Object.keys(commands) as CommandName[]).filter(isManagerOnly);
/** The request type of a command, after defaults are applied. */
export type RequestOf<M extends CommandName> = z.output<(typeof commands)[M]['request']>;
/** The request type of a command as the caller writes it (defaults optional). */
export type RequestInputOf<M extends CommandName> = z.input<(typeof commands)[M]['request']>;
/** The result type of a command. */
export type ResultOf<M extends CommandName> = Exclude<(typeof commands)[M]['result'], undefined>;

/** Every event main pushes, with its payload. */
export interface Events {
  'status.changed': StatusSnapshot;
  'ticket.changed': TicketSnapshot;
  'payment.changed': AttemptSnapshot;
  /** Start-up recovery finished a pass: every attempt it found, with its outcome. */
  'recovery.reported': RecoveryNotice[];
  /** A guest's folio, cards or queue records changed (issue 12): the screens fetch purser.guest.get again. */
  'purser.changed': { guestId: string };
}
/** Every event name. */
export type EventName = keyof Events;
/** Every event name, at run time. */
export const EVENT_NAMES: readonly EventName[] = ['status.changed', 'ticket.changed', 'payment.changed', 'recovery.reported', 'purser.changed'];

/** Context a handler gets: which connection sent the request, and who is signed in. */
export interface HandlerContext {
  /** Transport-specific id of the sending connection. */
  connectionId: string;
  /** The envelope's manager session token, if it carried one. */
  session?: string;
  /** The signed-in manager; set by the dispatcher for every manager-only command. */
  actor?: StaffActor;
}

/** What the main side must implement: one handler per command (missing = compile error). */
export type Handlers = {
  [M in CommandName]: (request: RequestOf<M>, ctx: HandlerContext) => ResultOf<M> | Promise<ResultOf<M>>;
};

/** A request from the UI. */
export interface RequestEnvelope {
  kind: 'request';
  /** Chosen by the client, echoed in the response. */
  id: number;
  method: string;
  params: unknown;
  /** A manager session token (from staff.signIn); sent with manager-only commands. */
  session?: string;
}

/** The answer to a request. */
export type ResponseEnvelope =
  | { kind: 'response'; id: number; ok: true; result: unknown }
  | { kind: 'response'; id: number | null; ok: false; error: ErrorPayload };

/** An event pushed by main. */
export interface EventEnvelope<E extends EventName = EventName> {
  kind: 'event';
  name: E;
  payload: Events[E];
}

/** Anything main sends. */
export type ServerMessage = ResponseEnvelope | EventEnvelope;

/** True when a string names a command. */
export function isCommandName(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(commands, name);
}
