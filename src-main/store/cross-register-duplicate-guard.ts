// The cashier's warning before a second charge on the same card at another
// register (issue 13 §3), run by payment.start before the payment
// coordinator when a store is configured.
//
// The card is only known once the PIN pad reads it, so the check goes in two
// steps, and only sales that look like a duplicate pay for the second:
// 1. The store is asked (a 1 s deadline; after a miss, not again for 15 s
//    unless a background push finds it back) for approved charges of the same
//    amount on another ticket or register within the window. None, or no
//    answer (store unreachable): the sale goes on as without a store; the
//    store flags any pair afterwards when this register's charges reach it.
// 2. There are some: when the PIN pad can, the card is read first with a
//    tokenize (no money moves) and compared by token, else masked number +
//    brand + expiry. Only a match stops the sale, with the cashier's warning;
//    a PIN pad that cannot tokenize (or fails to) warns on the amount alone.
// The sale is then sent as always (the PIN pad reads the card again): not
// charged by the token, because a token sale is card-not-present (no chip or
// PIN, no liability shift, dearer). Real systems check after the charge only
// (Clover's POTENTIAL_DUPLICATE on the payment answer, which the POS must
// then confirm or refund; processors decline card + amount repeats within
// their window): this register warns before the money moves.
//
// The sale path's promises are untouched: the guard runs before the attempt
// exists, sends no charge, and the tokenize carries its own reference (never
// the slot's ECR reference, so no lookup by that reference can mistake the card
// read for the sale). A ticket with an unresolved attempt is left to the
// coordinator's refusal without reading any card.

import type { PaymentTerminal } from '../../drivers/terminal.ts';
import { AppError } from '../../src-shared/errors.ts';
import type { CardIdentity, ChargeProbe } from './cross-register-duplicate-rule.ts';
import { duplicateCandidates, DEFAULT_DUPLICATE_WINDOW_MS, type StoreCharge } from './cross-register-duplicate-rule.ts';

/** What the guard asks the store (card-charge-repository's recentChargesPort). */
export type RecentChargesPort = (probe: ChargeProbe, windowMs: number) => Promise<StoreCharge[]>;

/** What the guard decided. */
export type GuardVerdict =
  /** No same-amount charge elsewhere (or the card read did not match one). */
  | 'clear'
  /** The store did not answer in time: nobody could warn; the store flags afterwards. */
  | 'store_unreachable'
  /** The cashier confirmed a warning: a different purchase. */
  | 'confirmed';

/** How the guard is built. */
export interface DuplicateGuardOptions {
  registerId: string;
  recentCharges: RecentChargesPort;
  now: () => number;
  windowMs?: number;
  /** Deadline of the store query, ms (default 1000): a slow store never holds a sale up for long. */
  storeTimeoutMs?: number;
  /**
   * After the store failed to answer, sales skip the query this long, ms
   * (default 15 000), unless storeAnswered() says it is back: during an
   * outage only the first sale waits out the deadline, not every one.
   */
  storeRestMs?: number;
  /** Deadline of the card read, ms (default 30 000: the customer presents the card). */
  readTimeoutMs?: number;
  /** A register's name when the store's row has none, in the cashier's words (default "another register"). */
  registerName?: (registerId: string) => string;
  log?: (event: string, detail?: string) => void;
}

/** A sale about to start. */
export interface GuardRequest {
  ticketId: string;
  /** The ticket's number on this register: the card read's reference is made from it. */
  ticketNumber: number;
  amount: number;
  currency: string;
  terminal: PaymentTerminal;
  /** The cashier already confirmed the warning for this sale. */
  confirmed?: boolean;
}

/** Error details the renderer reads to ask the cashier (needsConfirm, as the in-doubt confirmation). */
export const CROSS_REGISTER_DETAIL = 'crossRegisterDuplicate';

function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** The card read's own reference: K + register-free ticket number, never an R…T…P… slot reference. */
export function cardReadReference(ticketNumber: number, at: number): string {
  return `K${ticketNumber}S${Math.floor(at / 1000) % 1_000_000}`.slice(0, 16);
}

/** Checks a sale against the store before it is sent (see file comment). */
export class CrossRegisterDuplicateGuard {
  private restUntil = 0;
  constructor(private readonly o: DuplicateGuardOptions) {}

  /** The store answered something else (a background push): sales ask it again at once. */
  storeAnswered(): void {
    this.restUntil = 0;
  }

  private get windowMs(): number {
    return this.o.windowMs ?? DEFAULT_DUPLICATE_WINDOW_MS;
  }

  /** Resolves the verdict, or throws AppError 'conflict' with needsConfirm when the cashier must confirm. */
  async check(req: GuardRequest): Promise<GuardVerdict> {
    if (req.confirmed) return 'confirmed';
    const at = this.o.now();
    const probe: ChargeProbe = { registerId: this.o.registerId, ticketId: req.ticketId, amount: req.amount, currency: req.currency, at };
    let near: StoreCharge[];
    if (Date.now() < this.restUntil) return 'store_unreachable';
    try {
      near = await withDeadline(this.o.recentCharges(probe, this.windowMs), this.o.storeTimeoutMs ?? 1000);
    } catch (err) {
      this.restUntil = Date.now() + (this.o.storeRestMs ?? 15_000);
      this.o.log?.('duplicate_check_store_unreachable', err instanceof Error ? err.message : String(err));
      return 'store_unreachable';
    }
    const sameAmount = duplicateCandidates(near, probe, this.windowMs);
    if (sameAmount.length === 0) return 'clear';
    let card: CardIdentity | undefined;
    if (req.terminal.capabilities.tokenize) {
      try {
        const read = await req.terminal.tokenize({ ecrRef: cardReadReference(req.ticketNumber, at), invoice: cardReadReference(req.ticketNumber, at), timeoutMs: this.o.readTimeoutMs ?? 30_000 });
        if (read.token || read.maskedPan) card = { token: read.token ?? null, maskedPan: read.maskedPan ?? null, brand: read.cardBrand ?? null };
      } catch (err) {
        // The PIN pad could not read the card: warn on the amount alone rather than not at all.
        this.o.log?.('duplicate_check_card_read_failed', err instanceof Error ? err.name : String(err));
      }
    }
    const matches = card ? duplicateCandidates(sameAmount, { ...probe, card }, this.windowMs) : sameAmount;
    if (matches.length === 0) return 'clear';
    const m = matches[0];
    throw new AppError('conflict', this.words(m, at, card !== undefined), {
      needsConfirm: true,
      [CROSS_REGISTER_DETAIL]: true,
      otherRegister: m.registerId,
      otherTicket: m.ticketId,
    });
  }

  private words(m: StoreCharge, at: number, cardKnown: boolean): string {
    const minutes = Math.max(0, Math.round((at - m.at) / 60_000));
    const when = minutes === 0 ? 'less than a minute ago' : `${minutes} minute${minutes === 1 ? '' : 's'} ago`;
    const where = m.registerId === this.o.registerId ? 'on another ticket at this register' : `at ${m.registerName ?? this.o.registerName?.(m.registerId) ?? 'another register'}`;
    const what = cardKnown ? 'This card already paid the same amount' : 'A card already paid the same amount';
    return `${what} ${when} ${where}. If it is the same customer paying again, do not charge: the first payment stands. Charge only if this is another purchase.`;
  }
}

/** What the payment.start hook needs from the register. */
export interface GuardHookDeps {
  guard: () => CrossRegisterDuplicateGuard | undefined;
  ticket: (ticketId: string) => { number: number; currency: string };
  /** The PIN pad the sale will use (the named one, else the default); undefined when none: the coordinator then refuses. */
  terminal: (terminalId: string | undefined) => PaymentTerminal | undefined;
  /** Told every verdict, for the log and the chaos run's count of confirmed warnings. */
  onVerdict?: (v: GuardVerdict, sale: { ticketId: string; amount: number }) => void;
}

/** The payment handlers' beforeCardSale built on the guard (see PaymentHandlerDeps.beforeCardSale). */
export function crossRegisterSaleHook(d: GuardHookDeps): (sale: { ticketId: string; amount: number; terminalId?: string; confirmed: boolean }) => Promise<void> {
  return async (sale) => {
    const guard = d.guard();
    const terminal = d.terminal(sale.terminalId);
    if (!guard || !terminal) return;
    const t = d.ticket(sale.ticketId);
    const v = await guard.check({ ticketId: sale.ticketId, ticketNumber: t.number, amount: sale.amount, currency: t.currency, terminal, confirmed: sale.confirmed });
    d.onVerdict?.(v, sale);
  };
}
