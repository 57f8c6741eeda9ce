// The purser parameters (seed 002 tables 4-1 and 4-2, and those tables 4-7..4-18
// name): one definition each with its label as the cruise system spells it,
// its meaning in plain words for the parameters screen, its default and its
// validator. Values live in purser_parameters (purser-repository.ts), changed by
// a manager only (purser.parameters.set is a managerCommand).

import { AppError } from '../../src-shared/errors.ts';
import { CARD_TYPE_CODES, type CardTypeCode, type PurserParameter, type PurserParameterName, type PurserParameterValue } from '../../src-shared/purser-types.ts';
import { MAX_AMOUNT } from '../../src-shared/money.ts';

/** One parameter's definition. */
interface Definition {
  label: string;
  group: PurserParameter['group'];
  kind: PurserParameter['kind'];
  defaultValue: PurserParameterValue;
  meaning: string;
  choices?: { value: number; meaning: string }[];
  min?: number;
  max?: number;
}

const onOff = (off: string, on: string) => [
  { value: 0, meaning: off },
  { value: 1, meaning: on },
];

/** Every parameter, by name. */
export const PARAMETER_DEFINITIONS: Readonly<Record<PurserParameterName, Definition>> = {
  onlineInitialAuthAmount: {
    label: 'Online Initial Auth Amount',
    group: 'General',
    kind: 'amount',
    defaultValue: 10_000,
    meaning: 'The amount authorised on the card when it is registered at the PIN pad, whatever the folio balance.',
    min: 1,
    max: MAX_AMOUNT,
  },
  autoIncrementalAuthAmount: {
    label: 'Auto Incremental Auth Amount',
    group: 'Interfaces',
    kind: 'amount',
    defaultValue: 5_000,
    meaning: 'When postings pass what is authorised by less than this, the card is authorised for this much more; a bigger shortfall is authorised as it is.',
    min: 1,
    max: MAX_AMOUNT,
  },
  autoIncrementalAuthEnabled: {
    label: 'Enable Auto Incremental Auth',
    group: 'Interfaces',
    kind: 'switch',
    defaultValue: 1,
    meaning: 'Whether postings raise the authorisation on the card by themselves.',
    choices: onOff('Postings never raise the authorisation', 'Postings above what is authorised raise it'),
  },
  getLastApprovalCode: {
    label: 'Get Last Approval Code',
    group: 'Interfaces',
    kind: 'switch',
    defaultValue: 1,
    meaning: "Whether a settlement carries the card's last approval code.",
    choices: onOff('The settlement carries no approval code', 'The settlement carries the last approval code'),
  },
  onlineTimeoutSeconds: {
    label: 'Online CCard Timeout',
    group: 'Interfaces',
    kind: 'seconds',
    defaultValue: 120,
    meaning: 'How long to wait for the card provider to answer before the record is checked again later.',
    min: 1,
    max: 600,
  },
  automaticSettlement: {
    label: 'Online CCard Automatic Settlement',
    group: 'Interfaces',
    kind: 'switch',
    defaultValue: 1,
    meaning: 'Whether settlements go to the card provider by themselves or wait for a manager to send the batch.',
    choices: onOff("Settlements wait for a manager's batch send", 'Settlements are sent by themselves'),
  },
  showVoidedSettlement: {
    label: 'Show Void Settlement',
    group: 'General',
    kind: 'switch',
    defaultValue: 1,
    meaning: 'Whether voided settlements are listed in the settlement review.',
    choices: onOff('Voided settlements are hidden', 'Voided settlements are shown'),
  },
  cardTypesNotSupported: {
    label: 'CC Type not Supported',
    group: 'General',
    kind: 'card_types',
    defaultValue: [],
    meaning: 'Card types that cannot be registered or used for payment.',
  },
  noPartialReversal: {
    label: 'CC Partial Reversal',
    group: 'General',
    kind: 'card_types',
    defaultValue: [],
    meaning: 'Card types that do not take a partial reversal: their refunds are only for the full settlement.',
  },
  reversalNotSupported: {
    label: 'CC Type Reversal Not Supported',
    group: 'General',
    kind: 'card_types',
    defaultValue: [],
    meaning: 'Card types whose payments cannot be voided or refunded on the card: refund them in cash.',
  },
  checkCardRegistration: {
    label: 'Check Credit Card Registration',
    group: 'General',
    kind: 'switch',
    defaultValue: 0,
    meaning:
      "Whether a card active on another guest's account is refused. The same card on the same guest is always refused, whatever this says.",
    choices: onOff("A card may be on several guests' accounts", "A card active on another guest's account is refused"),
  },
  allowPostingForDeclinedAuth: {
    label: 'Allow Posting For Declined Authorization',
    group: 'Interfaces',
    kind: 'switch',
    defaultValue: 1,
    meaning: 'Whether charges may still be posted after the card declined an authorisation.',
    choices: onOff('Posting stops after a declined authorisation', 'Posting goes on after a declined authorisation'),
  },
  allowPaymentForDeclinedAuth: {
    label: 'Allow Payment For Declined Authorization',
    group: 'Interfaces',
    kind: 'choice',
    defaultValue: 1,
    meaning: 'Whether the invoice may be paid on a card that declined an authorisation.',
    choices: [
      { value: 0, meaning: 'No payment on a card that declined' },
      { value: 1, meaning: 'Payment allowed' },
      { value: 2, meaning: 'Payment allowed, the extra authorisation is kept offline' },
    ],
  },
  disableCardAndPostingOnDecline: {
    label: 'Disable C/Card and Posting when auth is decline',
    group: 'Interfaces',
    kind: 'choice',
    defaultValue: 0,
    meaning: 'What a declined authorisation does to the card and to posting (table 4-18).',
    choices: [
      { value: 0, meaning: 'Only a declined initial authorisation deactivates the card; posting stays open' },
      { value: 1, meaning: 'Any decline deactivates the card and stops posting unless another card takes the invoices' },
      { value: 2, meaning: 'Any decline deactivates the card; posting stays open' },
    ],
  },
  resendIntervalSeconds: {
    label: 'Resend Interval',
    group: 'Interfaces',
    kind: 'seconds',
    defaultValue: 60,
    meaning: 'How often records still waiting are tried again while the card provider cannot be reached.',
    min: 1,
    max: 3600,
  },
  signatureCapture: {
    label: 'Enable Signature Capture for Credit Card',
    group: 'General',
    kind: 'switch',
    defaultValue: 0,
    meaning: "Whether the guest signs on the PIN pad when the card is registered.",
    choices: onOff('No signature', 'The guest signs on the PIN pad'),
  },
  offlineLimitPerCard: {
    label: 'Offline Limit Per Card',
    group: 'Interfaces',
    kind: 'amount',
    defaultValue: 100_000,
    meaning: 'While the card provider cannot be reached, the most a card may have waiting; postings beyond it are refused until the link returns.',
    min: 0,
    max: MAX_AMOUNT,
  },
};

/** Values by name, as the service reads them. */
type CardTypeListName = 'cardTypesNotSupported' | 'noPartialReversal' | 'reversalNotSupported';
export type PurserParameterValues = { [K in CardTypeListName]: CardTypeCode[] } & { [K in Exclude<PurserParameterName, CardTypeListName>]: number };

/** Every default. */
export function defaultParameters(): PurserParameterValues {
  return Object.fromEntries(Object.entries(PARAMETER_DEFINITIONS).map(([k, d]) => [k, d.defaultValue])) as PurserParameterValues;
}

/** Checks a new value against its parameter; answers it normalised or throws invalid_request in plain words. */
export function validateParameter(name: PurserParameterName, value: PurserParameterValue): PurserParameterValue {
  const d = PARAMETER_DEFINITIONS[name];
  const refuse = (why: string) => new AppError('invalid_request', `${d.label}: ${why}`, { field: name });
  if (d.kind === 'card_types') {
    if (!Array.isArray(value)) throw refuse('give a list of card types.');
    const bad = value.filter((v) => !(CARD_TYPE_CODES as readonly string[]).includes(v));
    if (bad.length > 0) throw refuse(`unknown card type ${bad.join(', ')}.`);
    return [...new Set(value)].sort();
  }
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw refuse('give a whole number.');
  if (d.choices && !d.choices.some((c) => c.value === value)) throw refuse(`choose one of ${d.choices.map((c) => c.value).join(', ')}.`);
  if (d.min !== undefined && value < d.min) throw refuse(`at least ${d.min}.`);
  if (d.max !== undefined && value > d.max) throw refuse(`at most ${d.max}.`);
  return value;
}
