// The line protocol between the folio chaos driver (folio-chaos-run.ts) and
// its host (folio-chaos-host.ts), spoken through ChaosHost
// (chaos-host-client.ts) like the payments chaos run's: one JSON object per
// line each way, requests with an id, answers {re, ok, value | error}.

import type { GuestDetail, PurserParameterName, PurserParameterValue } from '../../src-shared/purser-types.ts';
import type { PaymentRow, RecordRow } from '../../src-main/purser/purser-repository.ts';

/**
 * Named points where the folio host SIGKILLs itself when armed: the sender's
 * own hook points (src-main/purser/purser-queue-sender.ts: journaled sent with
 * nothing on the wire yet; answered with the answer not journaled; answer
 * journaled with its effects not applied; looked up with the finding not
 * journaled), and `startup`: the first of those reached by the pass a
 * restarted host runs before it says it is ready.
 */
export const FOLIO_KILL_POINTS = ['after_mark_sent', 'after_answer', 'after_answer_journaled', 'after_lookup', 'startup'] as const;

/** One named kill point of the folio host. */
export type FolioKillPoint = (typeof FOLIO_KILL_POINTS)[number];

/** What the driver can ask the folio host. */
export type FolioRequest =
  | { cmd: 'setParameter'; name: PurserParameterName; value: PurserParameterValue }
  | { cmd: 'addGuest'; name: string; cabin: string }
  | { cmd: 'register'; guestId: string }
  | { cmd: 'post'; guestId: string; amount: number }
  | { cmd: 'addAuthorisation'; cardId: string; amount: number }
  | { cmd: 'checkout'; guestId: string; amount: number; method: 'card' | 'cash' }
  | { cmd: 'refund'; guestId: string; amount: number }
  | { cmd: 'voidPayment'; paymentId: string }
  | { cmd: 'guest'; guestId: string }
  | { cmd: 'arm'; point: FolioKillPoint }
  | { cmd: 'send' }
  | { cmd: 'drain'; timeoutMs: number }
  | { cmd: 'dump' }
  | { cmd: 'shutdown' };

/** A guest as the tally reads it: what was posted on the folio. */
export interface DumpGuest {
  id: string;
  number: number;
  /** Sum of the folio's postings (minor units). */
  posted: number;
}

/** Everything the tally needs from the journal. */
export interface FolioDump {
  guests: DumpGuest[];
  records: RecordRow[];
  payments: PaymentRow[];
}

/** Answers by command. */
export interface FolioAnswers {
  setParameter: { ok: true };
  addGuest: { guestId: string };
  register: { message: string | null };
  post: { ok: true };
  addAuthorisation: { ok: true };
  checkout: { message: string | null };
  refund: { message: string | null };
  voidPayment: { message: string | null };
  guest: GuestDetail;
  arm: { ok: true };
  send: { ok: true };
  drain: { open: number };
  dump: FolioDump;
  shutdown: { ok: true };
}
