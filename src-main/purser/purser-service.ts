// The purser's commands (issue 12, seed 002 tables 4-7..4-18): guests and
// folios, registering a card on the PIN pad, postings that raise incremental
// authorisations, paying the invoice (settlement, direct sale, refunds), voids,
// activation with its lock reasons. Every record the gateway must see is
// written in the same transaction as the posting or payment that causes it,
// and sent by the queue sender (purser-queue-sender.ts); the PIN pad's own
// transactions (registration, direct sale, refund with the card present) are
// journaled before the PIN pad is asked, and an unanswered one is resolved by
// the sender's lookup, never sent again.

import { TerminalRequestError, TerminalUnavailableError, type PaymentTerminal, type TerminalResult } from '../../drivers/terminal.ts';
import { AppError } from '../../src-shared/errors.ts';
import type { GuestDetail, GuestSummary, PurserActionResult, PurserParameter, PurserParameterName, PurserParameterValue, PurserPaymentMethod } from '../../src-shared/purser-types.ts';
import { PURSER_PARAMETER_NAMES } from '../../src-shared/purser-types.ts';
import { cardHeads, DEFAULT_PROCESSOR_LIMITS, incrementAmount, invoicesRoutedHere, liveAuthorised, planIncrement, splitSettlement, type HeadState, type ProcessorLimits } from './purser-authorisation-plan.ts';
import { addInactiveCard, adoptRegistration, declineCascade, departmentCard, paymentDepartment } from './purser-card-rules.ts';
import { moneyWords, PURSER_MESSAGES } from './purser-messages.ts';
import { PARAMETER_DEFINITIONS, validateParameter, type PurserParameterValues } from './purser-parameters.ts';
import type { CardRow, GuestRow, PurserRepository, RecordRow } from './purser-repository.ts';
import type { PinPadLock, PinPadLockRegistry } from '../devices/pin-pad-lock.ts';

/** What the service needs of the queue sender. */
export interface QueuePort {
  /** Runs a pass soon (after the current transaction commits). */
  kick(): void;
  /** Runs a pass now and resolves when it is done. */
  runOnce(): Promise<void>;
  /** Whether the gateway answered the last request. */
  online(): boolean;
  /** A PIN-pad transaction of this record is out now: the sender leaves it alone until it settles. */
  inflight<T>(recordId: string, work: Promise<T>): Promise<T>;
}

/** How the service is built. */
export interface PurserServiceOptions {
  repo: PurserRepository;
  terminal: (id: string) => PaymentTerminal | undefined;
  queue: QueuePort;
  /** Told after the commit which guest changed. */
  changed: (guestId: string) => void;
  log?: (line: string) => void;
  /** What the card provider enforces on one authorisation (default DEFAULT_PROCESSOR_LIMITS). */
  limits?: ProcessorLimits;
  /** One PIN pad per workstation (4-14): the lock registry the devices use, and a PIN pad's lock address by terminal id. */
  pinPads?: PurserPinPadLocks;
}

/** How the purser takes a PIN pad's lock (the device service's registry, so its own hold counts as ours). */
export interface PurserPinPadLocks {
  registry: () => PinPadLockRegistry | undefined;
  address: (terminalId: string) => string | undefined;
}

/** Where an incremental authorisation comes from (table 4-22 names its mtype by it). */
type IncrementOrigin = 'posting' | 'payment' | 'manual';

const SAMPLE_GUESTS = [
  { name: 'Ada Lovelace', cabin: '7012', cabinCard: '100700120' },
  { name: 'Grace Hopper', cabin: '7014', cabinCard: '100700140' },
  { name: 'Alan Turing', cabin: '8101', cabinCard: '100810101' },
  { name: 'Katherine Johnson', cabin: '8103', cabinCard: '100810301' },
];

/** The purser's service (see file comment). */
export class PurserService {
  private readonly repo: PurserRepository;

  constructor(private readonly o: PurserServiceOptions) {
    this.repo = o.repo;
  }

  private get journal() {
    return this.repo.journal;
  }

  params(): PurserParameterValues {
    return this.repo.parameters();
  }

  /** Training mode: a few guests in their cabins, so a trainee has folios to work on (once per journal). */
  seedTrainingGuests(): void {
    if (this.repo.guestCount() > 0) return;
    const today = this.journal.now();
    const day = (d: number) => new Date(today.getTime() + d * 86_400_000).toISOString().slice(0, 10);
    for (const g of SAMPLE_GUESTS) this.repo.addGuest({ ...g, embarkDate: day(-2), disembarkDate: day(5), training: true });
  }

  addGuest(g: { name: string; cabin: string; cabinCard?: string; embarkDate: string; disembarkDate: string }): GuestRow {
    return this.repo.addGuest(g);
  }

  // --- reading ------------------------------------------------------------

  search(query: string): GuestSummary[] {
    return this.repo.searchGuests(query).map((g) => this.repo.summary(g));
  }

  get(guestId: string): GuestDetail {
    const g = this.guestRow(guestId);
    return {
      guest: this.repo.summary(g),
      folio: this.repo.folio(g.id),
      payments: this.repo.payments(g.id),
      cards: this.repo.cards(g.id).map((c) => this.repo.cardSnapshot(c)),
      records: this.repo.records(g.id).map((r) => this.repo.recordSnapshot(r)),
      balance: this.repo.balance(g.id),
      paymentDepartment: paymentDepartment(this.repo, g.id),
    };
  }

  byCabinCard(cardNumber: string): GuestDetail {
    const g = this.repo.guestByCabinCard(cardNumber);
    if (!g) throw new AppError('not_found', 'No checked-in guest has this cabin card. Search by name or cabin.');
    return this.get(g.id);
  }

  private guestRow(guestId: string): GuestRow {
    const g = this.repo.guest(guestId);
    if (!g) throw new AppError('not_found', PURSER_MESSAGES.notFound('guest'));
    return g;
  }

  private cardRow(cardId: string): CardRow {
    const c = this.repo.card(cardId);
    if (!c) throw new AppError('not_found', PURSER_MESSAGES.notFound('card'));
    return c;
  }

  private result(guestId: string, message: string | null): PurserActionResult {
    return { guest: this.get(guestId), message };
  }

  private announce(guestId: string): void {
    this.journal.afterCommit(() => this.o.changed(guestId));
  }

  // --- parameters -----------------------------------------------------------

  parameters(): PurserParameter[] {
    const values = this.repo.parameters() as Record<string, PurserParameterValue>;
    const rows = this.repo.parameterRows();
    return PURSER_PARAMETER_NAMES.map((name) => {
      const d = PARAMETER_DEFINITIONS[name];
      const row = rows.get(name);
      return {
        name,
        label: d.label,
        group: d.group,
        kind: d.kind,
        value: values[name],
        defaultValue: d.defaultValue,
        meaning: d.meaning,
        choices: d.choices ?? null,
        min: d.min ?? null,
        max: d.max ?? null,
        updatedAt: row?.updatedAt ?? null,
        updatedBy: row?.updatedBy ?? null,
      };
    });
  }

  setParameter(name: PurserParameterName, value: PurserParameterValue, actor: string): PurserParameter[] {
    this.repo.setParameter(name, validateParameter(name, value), actor);
    return this.parameters();
  }

  // --- postings and authorisations (4-8, 4-16) ------------------------------

  /** Refuses a posting the guest cannot take now (checked out, postings closed, a declined authorisation); returns the card postings go on. */
  checkPosting(guestId: string): CardRow | undefined {
    const g = this.guestRow(guestId);
    if (g.status !== 'checked_in') throw new AppError('conflict', PURSER_MESSAGES.guestCheckedOut);
    if (g.posting_enabled !== 1) throw new AppError('conflict', PURSER_MESSAGES.postingClosed);
    const card = departmentCard(this.repo, guestId);
    if (card && this.params().allowPostingForDeclinedAuth === 0 && this.hasDeclinedAuth(card)) throw new AppError('conflict', PURSER_MESSAGES.postingClosed);
    return card;
  }

  /**
   * A posting decided on this desk alone (no store, or the store out of
   * reach). `lineId`: the id the store was asked to decide it under, so a
   * decision that did commit there before the link failed is the same line.
   */
  addPosting(guestId: string, amount: number, description: string, lineId?: string): PurserActionResult {
    const card = this.checkPosting(guestId);
    const params = this.params();
    this.journal.transact(() => {
      this.repo.addPosting(guestId, amount, description, lineId);
      if (card) {
        const heads = this.heads(card);
        const increment = this.incrementFor(card, params, heads);
        if (invoicesRoutedHere(this.repo, card, heads) && card.token_kind === 'real') {
          // 4-17 #2: the invoices came here from a card whose initial authorisation was declined: a new initial authorisation (mtype 1) for them.
          const head = Math.max(params.onlineInitialAuthAmount, increment);
          this.refuseBeyondOfflineLimit(card, head, params);
          this.addHead(card, head);
        } else if (increment > 0) {
          this.refuseBeyondOfflineLimit(card, increment, params);
          this.addIncrement(card, increment, 'posting');
        }
      }
      this.announce(guestId);
    });
    this.o.queue.kick();
    return this.result(guestId, null);
  }

  /**
   * A posting the store decided (the shared folio, purser-folio-share.ts):
   * journaled under the store's line id, with the increment the store claimed
   * for it when the card is this desk's, under the store's reference. Nothing
   * of table 4-8 is decided here: the store did, under the guest's lock.
   */
  journalSharedPosting(guestId: string, amount: number, description: string, lineId: string, claim: { reference: string; amount: number; cardId: string } | null): PurserActionResult {
    this.journal.transact(() => {
      if (!this.repo.lineExists(lineId)) this.repo.addPosting(guestId, amount, description, lineId);
      if (claim) this.adoptClaim(claim.cardId, claim.amount, claim.reference);
      this.announce(guestId);
    });
    this.o.queue.kick();
    return this.result(guestId, null);
  }

  /**
   * An increment the store claimed on one of this desk's cards, journaled for
   * the sender under the store's reference (once: a reference already in the
   * journal is left as it is). On the card's newest authorisation, or a new
   * authorisation by token when that one is spent (as for a local posting).
   */
  adoptClaim(cardId: string, amount: number, reference: string): RecordRow | undefined {
    const existing = this.repo.recordByReference(reference);
    if (existing) return existing;
    const card = this.repo.card(cardId);
    if (!card) return undefined;
    return this.journal.transact(() => {
      const rec = this.addIncrement(card, amount, 'posting', reference);
      this.announce(card.guest_id);
      return rec;
    });
  }

  /**
   * Table 4-8: nothing while the folio is within what is authorised; a
   * shortfall up to the auto amount is authorised as the auto amount; a bigger
   * one as it is. Only when auto incremental authorisation is on.
   */
  private incrementFor(card: CardRow, params: PurserParameterValues, heads: HeadState[]): number {
    return incrementAmount(this.repo.balance(card.guest_id) - liveAuthorised(heads), params);
  }

  private get limits(): ProcessorLimits {
    return this.o.limits ?? DEFAULT_PROCESSOR_LIMITS;
  }

  /** The card's authorisations of its current cycle, as the processor sees them now. */
  private heads(card: CardRow): HeadState[] {
    return cardHeads(this.repo, card.id, this.limits, this.journal.now().getTime());
  }

  /**
   * An incremental authorisation on the card's newest authorisation; when that
   * one has used its increments or is near its expiry (or none is live), a new
   * authorisation by token instead (purser-authorisation-plan.ts).
   */
  private addIncrement(card: CardRow, amount: number, origin: IncrementOrigin, reference?: string): RecordRow {
    const plan = planIncrement(this.heads(card));
    if (plan.kind === 'new_head' && card.token_kind === 'real') return this.addHead(card, amount, reference);
    const initial = plan.kind === 'increment' ? plan.head : this.repo.currentInitial(card.id);
    return this.repo.addRecord({
      guestId: card.guest_id,
      cardId: card.id,
      cardSlot: card.slot,
      kind: 'incremental_auth',
      mtype: this.incrementMtype(initial, origin),
      amount,
      previousReference: initial?.reference ?? null,
      reference,
    });
  }

  /**
   * 4-22: an offline incremental (mtype 5) is one created while its initial
   * authorisation is still offline or the card provider cannot be reached;
   * and, as the table says, one a posting raises while "Allow Posting For
   * Declined Authorization" is 0, or one paying the invoice raises while
   * "Allow Payment For Declined Authorization" is 0 or 2. Else online (4).
   */
  private incrementMtype(initial: RecordRow | undefined, origin: IncrementOrigin): 4 | 5 {
    if (initial?.status === 0 || !this.o.queue.online()) return 5;
    const params = this.params();
    if (origin === 'posting' && params.allowPostingForDeclinedAuth === 0) return 5;
    if (origin === 'payment' && (params.allowPaymentForDeclinedAuth === 0 || params.allowPaymentForDeclinedAuth === 2)) return 5;
    return 4;
  }

  /** The card's authorisation is offline: approved by the PIN pad without the card provider (a temporary token), or the provider cannot be reached now. */
  private authorisationOffline(card: CardRow): boolean {
    return card.token_kind === 'temporary' || this.heads(card).some((h) => h.live && h.head.status === 0 && h.head.queue_status === 8) || !this.o.queue.online();
  }

  /**
   * Every authorisation of the card as the store counts it (the shared
   * folio): what a live authorisation of the current cycle holds keeps its
   * status; the rest (declined, expired, an earlier cycle's) holds nothing (2).
   */
  authorisationsHeld(cardId: string): { reference: string; kind: 'initial' | 'increment'; amount: number; status: 0 | 1 | 2 }[] {
    const card = this.repo.card(cardId);
    if (!card) return [];
    const holding = new Set<string>();
    for (const h of this.heads(card)) {
      if (!h.live) continue;
      holding.add(h.head.reference);
      for (const r of this.repo.headIncrements(h.head.reference)) holding.add(r.reference);
    }
    return this.repo
      .cardRecords(cardId)
      .filter((r) => r.kind === 'initial_auth' || r.kind === 'incremental_auth')
      .map((r) => ({ reference: r.reference, kind: r.kind === 'initial_auth' ? 'initial' : 'increment', amount: r.amount, status: holding.has(r.reference) ? r.status : 2 }));
  }

  /** A new authorisation by token on the card (an initial authorisation record, mtype 1), sent by the queue. */
  private addHead(card: CardRow, amount: number, reference?: string): RecordRow {
    return this.repo.addRecord({ guestId: card.guest_id, cardId: card.id, cardSlot: card.slot, kind: 'initial_auth', mtype: 1, amount, reference });
  }

  private refuseBeyondOfflineLimit(card: CardRow, more: number, params: PurserParameterValues): void {
    if (this.o.queue.online()) return;
    const waiting = this.repo.cardRecords(card.id).filter((r) => r.status === 0 && r.family === 'authorisation').reduce((s, r) => s + r.amount, 0);
    if (waiting + more > params.offlineLimitPerCard) throw new AppError('conflict', PURSER_MESSAGES.postingOfflineLimit(moneyWords(waiting)), { reason: 'offline_limit' });
  }

  private hasDeclinedAuth(card: CardRow): boolean {
    const heads = new Set(this.repo.cycleHeads(card.id).map((h) => h.reference));
    return this.repo.cardRecords(card.id).some((r) => r.family === 'authorisation' && r.status === 2 && r.previous_reference !== null && heads.has(r.previous_reference));
  }

  addAuthorisation(cardId: string, amount: number): PurserActionResult {
    const card = this.cardRow(cardId);
    if (card.active !== 1) throw new AppError('conflict', this.lockMessage(card) ?? PURSER_MESSAGES.noActiveCard);
    this.journal.transact(() => {
      this.addIncrement(card, amount, 'manual');
      this.announce(card.guest_id);
    });
    this.o.queue.kick();
    return this.result(card.guest_id, null);
  }

  // --- registration (4-7, 4-13, 4-17 #1) ------------------------------------

  /**
   * 4-14: the PIN pad's lock for one transaction, before anything is journaled
   * as sent. A PIN pad another application holds is refused in the seed's
   * words ("The PIN pad <address> is in use by <application> on workstation
   * <name>", pin-pad-lock.ts pinPadInUseError). Re-entrant with the device
   * service's own hold of the same registry.
   */
  private async lockPad(terminalId: string): Promise<PinPadLock | undefined> {
    const registry = this.o.pinPads?.registry();
    const address = this.o.pinPads?.address(terminalId);
    if (!registry || !address) return undefined;
    try {
      return await registry.acquire(address);
    } catch (err) {
      // The seed's refusal is the one message that names the PIN pad's address; any other failure is told plainly.
      if (err instanceof AppError && err.code === 'pin_pad_in_use') throw err;
      this.o.log?.(`purser: PIN pad ${terminalId} not locked: ${(err as Error).message}`);
      throw new AppError('device_error', PURSER_MESSAGES.padLockFailed);
    }
  }

  async register(guestId: string, terminalId: string): Promise<PurserActionResult> {
    const g = this.guestRow(guestId);
    if (g.status !== 'checked_in') throw new AppError('conflict', PURSER_MESSAGES.guestCheckedOut);
    const lock = await this.lockPad(terminalId);
    try {
      return await this.registerOnPad(guestId, terminalId);
    } finally {
      await lock?.release();
    }
  }

  private async registerOnPad(guestId: string, terminalId: string): Promise<PurserActionResult> {
    const terminal = this.o.terminal(terminalId);
    if (!terminal) throw new AppError('terminal_not_configured', PURSER_MESSAGES.padUnavailable);
    const params = this.params();
    // Journaled as sent before the PIN pad is asked: a crash leaves a record the sender looks up.
    const record = this.journal.transact(() =>
      this.repo.addRecord({
        guestId,
        cardId: null,
        cardSlot: this.repo.nextCardSlot(guestId),
        kind: 'initial_auth',
        mtype: 0,
        amount: params.onlineInitialAuthAmount,
        queueStatus: 2,
        terminalId,
      }),
    );
    let r: TerminalResult;
    try {
      r = await this.o.queue.inflight(
        record.id,
        terminal.preAuth({
          ecrRef: record.reference,
          invoice: record.reference,
          amount: record.amount,
          requestToken: true,
          requestSignature: params.signatureCapture === 1,
          timeoutMs: params.onlineTimeoutSeconds * 1000,
        }),
      );
    } catch (err) {
      return this.registrationFailed(record, err);
    }
    return this.registrationAnswered(record, r);
  }

  private registrationFailed(record: RecordRow, err: unknown): PurserActionResult {
    this.o.log?.(`purser: registration ${record.reference} failed: ${(err as Error).message}`);
    if (err instanceof TerminalUnavailableError || err instanceof TerminalRequestError) {
      // Nothing reached the PIN pad; the driver's words (they may name its address) stay in the log.
      const text = err instanceof TerminalRequestError ? PURSER_MESSAGES.padRequestRefused : PURSER_MESSAGES.padUnavailable;
      this.journal.transact(() => {
        this.repo.updateRecord(record.id, { status: 2, queue_status: 8, note: text, answered_at: this.journal.nowIso() }, 'not_sent');
        this.announce(record.guest_id);
      });
      throw new AppError(err instanceof TerminalRequestError ? 'device_error' : 'terminal_unavailable', text);
    }
    // Anything else (unanswered, or a driver failure whose words may name the PIN pad's address) is
    // left sent: the sender asks the PIN pad about this reference before anything else happens with it.
    this.o.queue.kick();
    return this.result(record.guest_id, PURSER_MESSAGES.registrationUnanswered);
  }

  /** The PIN pad answered a registration (here, or the sender's lookup): adopt it in one transaction. */
  registrationAnswered(record: RecordRow, r: TerminalResult): PurserActionResult {
    const params = this.params();
    let message: string;
    let refusal: AppError | undefined;
    this.journal.transact(() => {
      const at = this.journal.nowIso();
      if (r.outcome === 'approved' || r.outcome === 'approved_offline' || r.outcome === 'partially_approved') {
        if (r.signature === 'cancelled') {
          // 4-7 #5: the PIN pad voided its own authorisation; nothing is registered.
          this.repo.updateRecord(record.id, { status: 2, queue_status: 8, note: PURSER_MESSAGES.signatureCancelled, answered_at: at }, 'signature_cancelled');
          refusal = new AppError('conflict', PURSER_MESSAGES.signatureCancelled, { reason: 'signature_cancelled' });
          message = PURSER_MESSAGES.signatureCancelled;
        } else {
          const adopted = adoptRegistration(this.repo, params, record, r);
          message = adopted.message;
          if (adopted.releaseHold && r.hostRef) {
            // The PIN pad's hold is released through the queue (a void with its own reference, never sent twice).
            this.repo.addRecord({ guestId: record.guest_id, cardId: null, cardSlot: 0, kind: 'void', mtype: null, amount: record.amount, targetRefNum: r.hostRef, note: adopted.message });
          }
          if (adopted.refused) refusal = new AppError('conflict', adopted.message, { reason: 'registration_refused' });
        }
      } else {
        const declined = this.repo.updateRecord(record.id, { status: 2, queue_status: 8, note: PURSER_MESSAGES.cardDeclined, answered_at: at }, 'declined');
        // 4-7: a declined initial authorisation leaves the card inactive; with no card data there is no card.
        if (r.token && r.maskedPan) {
          const card = addInactiveCard(this.repo, record.guest_id, r, 1, 'declined');
          this.repo.updateRecord(declined.id, { card_id: card.id }, 'card_attached');
        }
        message = PURSER_MESSAGES.cardDeclined;
      }
      this.announce(record.guest_id);
    });
    this.o.queue.kick();
    if (refusal) throw refusal;
    return this.result(record.guest_id, message!);
  }

  // --- activation (4-15) -------------------------------------------------

  private lockMessage(card: CardRow): string | undefined {
    if (card.token_kind === 'none') return PURSER_MESSAGES.lockFormat;
    if (card.lock_activation === 1) return PURSER_MESSAGES.lockSettled;
    if (card.lock_activation === 2) return PURSER_MESSAGES.lockDirectSale;
    return undefined;
  }

  activate(cardId: string): PurserActionResult {
    const card = this.cardRow(cardId);
    if (card.active === 1) return this.result(card.guest_id, null);
    const locked = this.lockMessage(card);
    if (locked) throw new AppError('conflict', locked, { reason: 'activation_locked', lock: card.lock_activation });
    this.journal.transact(() => {
      this.repo.setCardState(card.id, { active: true, lock: 0, reason: null }, 'activated by the purser');
      this.repo.setPostingEnabled(card.guest_id, true, 'a card was activated');
      this.announce(card.guest_id);
    });
    return this.result(card.guest_id, null);
  }

  deactivate(cardId: string): PurserActionResult {
    const card = this.cardRow(cardId);
    if (card.active === 0) return this.result(card.guest_id, null);
    this.journal.transact(() => {
      this.repo.setCardState(card.id, { active: false, lock: 0, reason: 'manual' }, 'deactivated by the purser');
      this.announce(card.guest_id);
    });
    return this.result(card.guest_id, null);
  }

  setRouting(guestId: string, cardIds: string[]): PurserActionResult {
    this.guestRow(guestId);
    const own = new Set(this.repo.cards(guestId).map((c) => c.id));
    if (cardIds.some((id) => !own.has(id)) || new Set(cardIds).size !== cardIds.length) {
      throw new AppError('invalid_request', "Give each of this guest's cards once, in the order to use them.");
    }
    this.journal.transact(() => {
      // Cards left out keep their place after the ones given.
      const rest = this.repo.cards(guestId).filter((c) => !cardIds.includes(c.id)).map((c) => c.id);
      this.repo.setRouting(guestId, [...cardIds, ...rest]);
      this.announce(guestId);
    });
    return this.result(guestId, null);
  }

  // --- paying the invoice (4-9, 4-10, 4-11, 4-12) --------------------------

  async pay(guestId: string, amount: number, method: PurserPaymentMethod, terminalId?: string): Promise<PurserActionResult> {
    this.guestRow(guestId);
    if (method === 'cash') return this.payCash(guestId, amount);
    if (method === 'direct_sale') {
      if (!terminalId) throw new AppError('invalid_request', 'Choose the PIN pad the card is presented on.');
      const lock = await this.lockPad(terminalId);
      try {
        return await this.payOnPad(guestId, amount, terminalId);
      } finally {
        await lock?.release();
      }
    }
    return amount > 0 ? this.settle(guestId, amount) : this.refundToCard(guestId, -amount);
  }

  private payCash(guestId: string, amount: number): PurserActionResult {
    this.journal.transact(() => {
      this.repo.addPayment({ guestId, method: 'cash', amount, cardId: null, description: amount > 0 ? 'Cash payment' : 'Cash refund' });
      this.announce(guestId);
    });
    return this.result(guestId, PURSER_MESSAGES.paymentRecorded);
  }

  /**
   * 4-9: the settlement on the card invoices go to. Above the authorised total
   * an increment for the difference goes first (#1); less sends no reversal
   * (#2). The card is deactivated (lock 1) in the same transaction.
   */
  private settle(guestId: string, amount: number): PurserActionResult {
    const card = departmentCard(this.repo, guestId);
    if (!card) throw new AppError('conflict', PURSER_MESSAGES.noActiveCard);
    const params = this.params();
    // "Allow Payment For Declined Authorization": 0 refuses a card with a declined authorisation but allows an offline one,
    // 1 allows both, 2 refuses both (purser-parameters.ts).
    const allow = params.allowPaymentForDeclinedAuth;
    if (allow !== 1 && this.hasDeclinedAuth(card)) throw new AppError('conflict', PURSER_MESSAGES.paymentDeclinedAuth, { reason: 'declined_authorisation' });
    if (allow === 2 && this.authorisationOffline(card)) throw new AppError('conflict', PURSER_MESSAGES.paymentOfflineAuth, { reason: 'offline_authorisation' });
    if (params.cardTypesNotSupported.includes(card.type_code)) throw new AppError('conflict', PURSER_MESSAGES.cardTypeNotSupported);
    this.journal.transact(() => {
      const authorised = liveAuthorised(this.heads(card));
      if (amount > authorised) this.addIncrement(card, amount - authorised, 'payment');
      const paymentId = this.repo.addPayment({ guestId, method: 'card', amount, cardId: card.id, description: `Card ${card.masked_pan.slice(-4)}` });
      const lastApproval = params.getLastApprovalCode === 1 ? this.lastApprovalCode(card) : null;
      // One capture per authorisation, each up to its own total (purser-authorisation-plan.ts).
      const parts = splitSettlement(this.heads(card), amount);
      const fallback = this.repo.currentInitial(card.id);
      for (const part of parts.length > 0 ? parts : [{ head: fallback, amount }]) {
        this.repo.addRecord({
          guestId,
          cardId: card.id,
          cardSlot: card.slot,
          kind: 'settlement',
          mtype: null,
          amount: part.amount,
          previousReference: part.head?.reference ?? null,
          paymentId,
          awaitingBatch: params.automaticSettlement === 0,
          approvalCode: lastApproval,
        });
      }
      this.repo.setCardState(card.id, { active: false, lock: 1, reason: 'settled' }, 'settlement');
      this.announce(guestId);
    });
    this.o.queue.kick();
    return this.result(guestId, PURSER_MESSAGES.settlementDone);
  }

  private lastApprovalCode(card: CardRow): string | null {
    const approved = this.repo.cardRecords(card.id).filter((r) => r.family === 'authorisation' && r.status === 1 && r.approval_code);
    return approved.at(-1)?.approval_code ?? null;
  }

  /**
   * 4-11 #3/#4/#5: a negative amount on the card goes back as a refund of the
   * guest's last settled card payment, through the queue at once; refunds are
   * online only (4-12 #5), so one that cannot go now is not made.
   */
  private async refundToCard(guestId: string, amount: number): Promise<PurserActionResult> {
    const params = this.params();
    const settlement = this.repo
      .records(guestId)
      .filter((r) => r.kind === 'settlement' && r.status === 1 && r.voided === 0 && r.ref_num)
      .at(-1);
    if (!settlement) throw new AppError('conflict', PURSER_MESSAGES.refundBeforeSettled, { reason: 'not_settled' });
    const card = settlement.card_id ? this.repo.card(settlement.card_id) : undefined;
    if (card && params.reversalNotSupported.includes(card.type_code)) throw new AppError('conflict', PURSER_MESSAGES.refundNotSupported);
    if (card && params.noPartialReversal.includes(card.type_code) && amount !== settlement.amount) {
      throw new AppError('conflict', `This card type takes only a refund of the whole settlement (${moneyWords(settlement.amount)}).`);
    }
    const record = this.journal.transact(() => {
      const paymentId = this.repo.addPayment({ guestId, method: 'card', amount: -amount, cardId: settlement.card_id, description: 'Card refund' });
      const rec = this.repo.addRecord({
        guestId,
        cardId: settlement.card_id,
        cardSlot: card?.slot ?? 0,
        kind: 'refund',
        mtype: null,
        amount,
        paymentId,
        targetRefNum: settlement.ref_num,
        previousReference: settlement.previous_reference,
      });
      this.announce(guestId);
      return rec;
    });
    await this.o.queue.runOnce();
    const after = this.repo.record(record.id)!;
    if (after.status === 1) return this.result(guestId, PURSER_MESSAGES.refundSent);
    if (after.status === 2) return this.refundFailed(after, after.note ?? PURSER_MESSAGES.providerDeclined);
    if (after.queue_status === 0) {
      // Never sent (the gateway cannot be reached): not made, so the folio does not say it was.
      this.journal.transact(() => this.repo.updateRecord(after.id, { status: 2, queue_status: 8, note: PURSER_MESSAGES.refundOffline, answered_at: this.journal.nowIso() }, 'not_sent'));
      return this.refundFailed(this.repo.record(after.id)!, PURSER_MESSAGES.refundOffline);
    }
    return this.result(guestId, 'The refund is sent; its answer is being checked.');
  }

  private refundFailed(record: RecordRow, message: string): never {
    this.journal.transact(() => {
      if (record.payment_id) this.cancelPayment(record.payment_id, 'Refund not made');
      this.announce(record.guest_id);
    });
    throw new AppError('conflict', message, { reason: 'refund_failed' });
  }

  /** Takes a payment off the folio (its line counted back), keeping both in the journal. */
  private cancelPayment(paymentId: string, description: string): void {
    const p = this.repo.payment(paymentId)!;
    this.repo.markPaymentVoided(p.id);
    // What still stands: a share a declined settlement took off already is not counted back twice.
    const v = this.repo.addPayment({ guestId: p.guest_id, method: p.method, amount: -this.repo.standingAmount(p.id), cardId: p.card_id, voidOf: p.id, description });
    this.repo.markPaymentVoided(v);
  }

  /**
   * 4-10 and 4-12: the card is presented on the PIN pad. A positive amount is a
   * direct sale, a negative one a refund; either is an mtype 6 record with no
   * settlement, and the card it names is kept deactivated (lock 2 for a new
   * card; a card on file refunded is deactivated with lock 1, 4-12 #2).
   */
  private async payOnPad(guestId: string, amount: number, terminalId: string): Promise<PurserActionResult> {
    const terminal = this.o.terminal(terminalId);
    if (!terminal) throw new AppError('terminal_not_configured', PURSER_MESSAGES.padUnavailable);
    const refund = amount < 0;
    const record = this.journal.transact(() =>
      this.repo.addRecord({ guestId, cardId: null, cardSlot: 0, kind: refund ? 'refund' : 'direct_sale', mtype: 6, amount: Math.abs(amount), queueStatus: 2, terminalId }),
    );
    let r: TerminalResult;
    try {
      const req = { ecrRef: record.reference, invoice: record.reference, amount: record.amount, requestToken: true, timeoutMs: this.params().onlineTimeoutSeconds * 1000 };
      r = await this.o.queue.inflight(record.id, refund ? terminal.refund(req) : terminal.sale(req));
    } catch (err) {
      this.o.log?.(`purser: PIN pad payment ${record.reference} failed: ${(err as Error).message}`);
      if (err instanceof TerminalUnavailableError || err instanceof TerminalRequestError) {
        // Nothing reached the PIN pad; the driver's words (they may name its address) stay in the log.
        const text = err instanceof TerminalRequestError ? PURSER_MESSAGES.padRequestRefused : PURSER_MESSAGES.padUnavailable;
        this.journal.transact(() => this.repo.updateRecord(record.id, { status: 2, queue_status: 8, note: text, answered_at: this.journal.nowIso() }, 'not_sent'));
        throw new AppError(err instanceof TerminalRequestError ? 'device_error' : 'terminal_unavailable', text);
      }
      // Unanswered, or any other driver failure: the sender asks the PIN pad what became of it.
      this.o.queue.kick();
      return this.result(guestId, PURSER_MESSAGES.directSaleUnanswered);
    }
    const message = this.padPaymentAnswered(record, r);
    if (message.failed) throw new AppError('conflict', message.text, { reason: 'pad_payment_failed' });
    return this.result(guestId, message.text);
  }

  /** The PIN pad answered a direct sale or a refund with the card present (here, or the sender's lookup). */
  padPaymentAnswered(record: RecordRow, r: TerminalResult): { failed: boolean; text: string } {
    const refund = record.kind === 'refund';
    const at = this.journal.nowIso();
    let out: { failed: boolean; text: string } = { failed: true, text: PURSER_MESSAGES.cardDeclined };
    this.journal.transact(() => {
      if (refund && (r.outcome === 'approved_offline' || r.temporaryToken)) {
        // 4-12 #5: a refund the PIN pad could only approve offline is not a refund the ship can stand behind.
        this.repo.updateRecord(record.id, { status: 2, queue_status: 8, note: PURSER_MESSAGES.refundApprovedOffline, answered_at: at }, 'refused_offline');
        out = { failed: true, text: PURSER_MESSAGES.refundApprovedOffline };
      } else if (r.outcome === 'approved' || r.outcome === 'approved_offline') {
        const cards = this.repo.cards(record.guest_id);
        const same = r.token ? cards.find((c) => c.token === r.token && c.token_kind === 'real') : undefined;
        let cardId: string;
        if (same) {
          cardId = same.id;
          if (refund && same.active === 1) this.repo.setCardState(same.id, { active: false, lock: 1, reason: 'settled' }, 'refunded on the PIN pad');
        } else {
          cardId = addInactiveCard(this.repo, record.guest_id, r, 2, 'direct_sale').id;
        }
        const amount = refund ? -record.amount : r.amountApproved || record.amount;
        const paymentId = this.repo.addPayment({ guestId: record.guest_id, method: 'direct_sale', amount, cardId, description: refund ? 'Card refund' : 'Direct sale' });
        this.repo.updateRecord(record.id, { status: 1, queue_status: 8, card_id: cardId, ref_num: r.hostRef ?? null, approval_code: r.authCode ?? null, answered_at: at }, 'approved');
        this.journal.db.prepare('UPDATE purser_records SET payment_id = ? WHERE id = ?').run(paymentId, record.id);
        out = { failed: false, text: refund ? PURSER_MESSAGES.refundSent : PURSER_MESSAGES.directSaleDone };
      } else if (refund && (r.declinedByFault === true || r.outcome === 'error')) {
        // The PIN pad could not reach the host (4-12 #5): a refund is online only.
        this.repo.updateRecord(record.id, { status: 2, queue_status: 8, note: PURSER_MESSAGES.refundOffline, answered_at: at }, 'not_made');
        out = { failed: true, text: PURSER_MESSAGES.refundOffline };
      } else {
        this.repo.updateRecord(record.id, { status: 2, queue_status: 8, note: PURSER_MESSAGES.cardDeclined, answered_at: at }, 'declined');
      }
      this.announce(record.guest_id);
    });
    return out;
  }

  // --- void (4-11 #1, #2) ------------------------------------------------------

  voidPayment(paymentId: string): PurserActionResult {
    const p = this.repo.payment(paymentId);
    if (!p) throw new AppError('not_found', PURSER_MESSAGES.notFound('payment'));
    if (p.status === 'declined') throw new AppError('conflict', PURSER_MESSAGES.paymentDeclinedNoVoid);
    if (p.status === 'voided' || p.void_of) throw new AppError('conflict', 'This payment is already voided.');
    // A payment settles as one capture per authorisation of the card (purser-authorisation-plan.ts); a capture the
    // card provider declined is off the folio already (settlementDeclined in purser-card-rules.ts): nothing to void.
    const settlements = this.repo.records(p.guest_id).filter((r) => r.payment_id === p.id && r.kind === 'settlement' && !(r.status === 2 && r.voided === 0));
    if (settlements.length === 0) {
      this.journal.transact(() => {
        this.cancelPayment(p.id, 'Payment voided');
        this.announce(p.guest_id);
      });
      return this.result(p.guest_id, null);
    }
    const cardId = settlements[0].card_id;
    const slot = cardId ? this.repo.card(cardId)!.slot : 0;
    if (settlements.every((s) => s.queue_status === 0)) {
      // 4-11 #1: neither the settlement nor its refund goes out; the card is back, without a new initial authorisation.
      this.journal.transact(() => {
        for (const settlement of settlements) {
          this.repo.updateRecord(settlement.id, { status: 2, queue_status: 8, voided: 1, awaiting_batch: 0, note: PURSER_MESSAGES.voidedBeforeSent, answered_at: this.journal.nowIso() }, 'voided_before_sent');
          this.repo.addRecord({
            guestId: p.guest_id,
            cardId,
            cardSlot: slot,
            kind: 'void',
            mtype: null,
            amount: settlement.amount,
            status: 2,
            queueStatus: 8,
            voided: true,
            paymentId: p.id,
            previousReference: settlement.previous_reference,
            note: PURSER_MESSAGES.voidedBeforeSent,
          });
        }
        this.cancelPayment(p.id, 'Payment voided');
        if (cardId) this.repo.setCardState(cardId, { active: true, lock: 0, reason: null }, 'payment voided before its settlement was sent');
        this.announce(p.guest_id);
      });
      return this.result(p.guest_id, PURSER_MESSAGES.voidBeforeSent);
    }
    if (settlements.some((s) => s.status !== 1 || !s.ref_num)) throw new AppError('conflict', PURSER_MESSAGES.settlementStillSending);
    // 4-11 #2: sent already, so it is refunded; the card stays deactivated (the guest pays otherwise or swipes again).
    this.journal.transact(() => {
      for (const settlement of settlements) {
        this.repo.addRecord({
          guestId: p.guest_id,
          cardId,
          cardSlot: slot,
          kind: 'refund',
          mtype: null,
          amount: settlement.amount,
          paymentId: p.id,
          targetRefNum: settlement.ref_num,
          previousReference: settlement.previous_reference,
        });
      }
      this.cancelPayment(p.id, 'Payment voided (refund)');
      this.announce(p.guest_id);
    });
    this.o.queue.kick();
    return this.result(p.guest_id, PURSER_MESSAGES.voidAfterSent);
  }

  /** Releases settlements waiting for a manager's batch send (automatic settlement 0). */
  releaseBatch(): number {
    const waiting = this.repo.openRecords().filter((r) => r.awaiting_batch === 1 && r.voided === 0);
    this.journal.transact(() => {
      for (const r of waiting) {
        this.repo.updateRecord(r.id, { awaiting_batch: 0 }, 'batch_released');
        this.announce(r.guest_id);
      }
    });
    this.o.queue.kick();
    return waiting.length;
  }

  /** The decline cascade, for the sender (kept here so both apply the same rules). */
  declined(record: RecordRow): void {
    declineCascade(this.repo, this.params(), record);
  }
}
