// A guest's folio shared by all purser desks (issue 13 §3). A ship guest is
// the same guest on every desk (guestKey: cabin, embark date and name, what
// every desk's check-in writes alike; the training guests get the same on
// every desk). With a store configured, a posting is decided in the store
// under the guest's lock (SharedFolioStore.post): the line is added there,
// the folio total and every desk's authorisations are read there, and the
// increment table 4-8 needs is claimed there with its reference. The desk then
// journals the posting, and the increment too when the card is its own: an
// increment is always sent by the desk that holds the card (the token and the
// authorisation's processor reference never leave it), which adopts the
// other desks' claims on its cards at its next pass. So the store decides
// once and one desk sends once, by the one reference.
//
// The store out of reach: the desk decides alone as before (selling and
// posting go on), with the ship folio as it last mirrored it. When the link
// is back, one pass per guest publishes the desk's lines, cards and
// authorisations under the guest's lock; an increment the desk raised alone
// that the others already covered is flagged for the manager there.
//
// A pass also mends a crash between the store's decision and the desk's
// journal: a line of this desk the store holds and the journal does not is
// journaled, and a claim on this desk's card is journaled once (its
// reference is unique in the journal; the sender sends it once).

import { AppError } from '../../src-shared/errors.ts';
import type { PurserActionResult, PurserPaymentMethod } from '../../src-shared/purser-types.ts';
import { moneyWords, PURSER_MESSAGES } from './purser-messages.ts';
import type { PurserParameterValues } from './purser-parameters.ts';
import type { GuestRow, PurserRepository } from './purser-repository.ts';
import type { PurserService, QueuePort } from './purser-service.ts';

/** The ship-wide key of a guest: the same on every desk that checked the guest in. */
export function guestKey(g: Pick<GuestRow, 'cabin' | 'embark_date' | 'name'>): string {
  return `${g.cabin.trim().toUpperCase()}|${g.embark_date}|${g.name.trim().replace(/\s+/g, ' ').toLowerCase()}`;
}

/** One of this desk's folio lines (postings > 0, payments < 0). */
export interface FolioLineIn {
  lineId: string;
  amount: number;
  description: string;
}

/** A card of this desk, as the store needs it to choose the card a claim goes on (no card data). */
export interface PublishedCard {
  cardId: string;
  routingOrder: number;
  active: boolean;
  registeredAt: string;
}

/** An authorisation of this desk's card, as the store counts it. */
export interface PublishedAuthorisation {
  reference: string;
  cardId: string;
  kind: 'initial' | 'increment';
  amount: number;
  /** 0 outstanding, 1 approved, 2 declined or no longer holding. */
  status: 0 | 1 | 2;
}

/** An increment claimed in the store, for the desk holding its card to journal and send. */
export interface ClaimedIncrement {
  reference: string;
  guestKey: string;
  ownerRegister: string;
  cardId: string;
  amount: number;
  claimedBy: string;
  postingLineId: string | null;
  state: 'claimed' | 'adopted';
}

/** A shortfall that got two increments, for the manager. */
export interface FolioFlag {
  guestKey: string;
  kind: 'double_increment';
  refs: string[];
  detail: { folioTotal: number; authorisedWithout: number; amount: number };
  raisedBy: string;
}

/**
 * Table 4-8's switch and amount, from the posting desk's parameters; while the
 * ship is offline also the offline limit per card (no card may have more than
 * it waiting to be authorised, whichever desk claimed it), and what to do at
 * it: refuse the posting (a purser posting now) or claim nothing (lines a desk
 * already decided alone, published by a pass).
 */
export type IncrementRule = Pick<PurserParameterValues, 'autoIncrementalAuthEnabled' | 'autoIncrementalAuthAmount'> & {
  offline?: { limitPerCard: number; atLimit: 'refuse' | 'no_claim' };
};

/** The store refused a posting: the increment it needs would take the card past the offline limit (nothing was added). */
export class OfflineLimitReached extends Error {
  override readonly name = 'OfflineLimitReached';
  constructor(
    /** Minor units the card already has waiting to be authorised, every desk's claims counted. */
    readonly waiting: number,
  ) {
    super(`the increment would take the card past the offline limit (${waiting} waiting)`);
  }
}

/** What the store does for the shared folio (shared-folio-store.ts; rejects when the store is out of reach). */
export interface SharedFolioStore {
  /**
   * Under the guest's lock: publishes the desk's cards and authorisations,
   * adds its lines (idempotent by desk + line id), flags a new increment of
   * the desk that the others already covered, then claims the increment the
   * folio needs, if any.
   */
  post(req: { register: string; guestKey: string; lines: FolioLineIn[]; cards?: PublishedCard[]; authorisations?: PublishedAuthorisation[]; rule: IncrementRule }): Promise<{ claim: ClaimedIncrement | null; flags: FolioFlag[] }>;
  /** Claims on this desk's cards not yet adopted (a desk journals a claim before it marks it adopted). */
  claimsFor(register: string): Promise<ClaimedIncrement[]>;
  /** The claims are journaled at the card's desk. */
  markAdopted(register: string, references: string[]): Promise<void>;
  /** Lines of these guests after seq (every desk's), oldest first. */
  lines(guestKeys: string[], afterSeq: number): Promise<{ seq: number; register: string; lineId: string; guestKey: string; amount: number; description: string }[]>;
  /** The flags raised for the manager. */
  flags(): Promise<FolioFlag[]>;
  close(): Promise<void>;
}

/** Named points the kill test stops at. */
export type FolioShareHookPoint = 'after_store_decision';

export interface PurserFolioShareOptions {
  repo: PurserRepository;
  service: PurserService;
  queue: Pick<QueuePort, 'kick' | 'online'>;
  store: SharedFolioStore;
  /** This desk's register code (the same as the purser repository's). */
  register: string;
  log?: (line: string) => void;
  hook?: (point: FolioShareHookPoint, detail: { lineId: string; reference: string | null }) => void | Promise<void>;
}

/** The shared folio on one desk (see file comment). */
export class PurserFolioShare {
  private mirroredSeq = 0;
  private storeReachable = true;
  /** The store's copy of this desk's lines was checked against the journal (once per start). */
  private mended = false;
  /** What was last published per guest (its own lines, records and cards): an unchanged guest is skipped. */
  private readonly published = new Map<string, string>();

  constructor(private readonly o: PurserFolioShareOptions) {}

  /** Whether the store answered the last request. */
  reachable(): boolean {
    return this.storeReachable;
  }

  /** A posting at this desk: decided in the store when it can be reached, else here (see file comment). */
  async addPosting(guestId: string, amount: number, description: string): Promise<PurserActionResult> {
    const { service, repo } = this.o;
    service.checkPosting(guestId);
    const g = repo.guest(guestId)!;
    const lineId = repo.journal.newId();
    // The store failed the last time: decided here at once (a posting never waits on a dead link); the next pass retries the store.
    if (!this.storeReachable) return service.addPosting(guestId, amount, description, lineId);
    let decided: Awaited<ReturnType<SharedFolioStore['post']>>;
    try {
      decided = await this.o.store.post({ register: this.o.register, guestKey: guestKey(g), lines: [{ lineId, amount, description }], rule: this.rule('refuse') });
      this.storeReachable = true;
    } catch (err) {
      if (err instanceof OfflineLimitReached) {
        throw new AppError('conflict', PURSER_MESSAGES.postingOfflineLimit(moneyWords(err.waiting)), { reason: 'offline_limit' });
      }
      this.storeReachable = false;
      this.o.log?.(`shared folio: store not reached, posting decided on this desk: ${(err as Error).message}`);
      return service.addPosting(guestId, amount, description, lineId);
    }
    const claim = decided.claim;
    await this.o.hook?.('after_store_decision', { lineId, reference: claim?.reference ?? null });
    const mine = claim && claim.ownerRegister === this.o.register ? claim : null;
    const result = service.journalSharedPosting(guestId, amount, description, lineId, mine ? { reference: mine.reference, amount: mine.amount, cardId: mine.cardId } : null);
    if (mine) await this.o.store.markAdopted(this.o.register, [mine.reference]).catch(() => undefined);
    return result;
  }

  /**
   * Paying the invoice (checkout, 4-9): a pass first, so the desk settles the
   * ship's folio as the store has it now (the other desks' lines mirrored, the
   * claims on its cards journaled) and not as it stood at the last pass; then
   * the payment as on any desk. The store out of reach: the mirror as it is.
   */
  async pay(guestId: string, amount: number, method: PurserPaymentMethod, terminalId?: string): Promise<PurserActionResult> {
    await this.syncOnce();
    const result = await this.o.service.pay(guestId, amount, method, terminalId);
    // The payment's line and the card's new state reach the store now, not at the next interval.
    await this.syncOnce();
    return result;
  }

  private rule(atLimit: 'refuse' | 'no_claim'): IncrementRule {
    const p = this.o.service.params();
    const rule: IncrementRule = { autoIncrementalAuthEnabled: p.autoIncrementalAuthEnabled, autoIncrementalAuthAmount: p.autoIncrementalAuthAmount };
    // The ship offline (this desk's gateway link down): the store applies the limit over every desk's claims.
    if (!this.o.queue.online()) rule.offline = { limitPerCard: p.offlineLimitPerCard, atLimit };
    return rule;
  }

  /**
   * One pass (at start and by the host's sharedFolioPassMs interval, so
   * also the first after the store link returns): claims on this desk's cards journaled; this desk's lines,
   * cards and authorisations published per guest; lines the store holds and
   * this journal lacks (a crash after the decision) journaled; the other
   * desks' lines mirrored. Returns the flags raised in this pass.
   */
  async syncOnce(): Promise<FolioFlag[]> {
    try {
      const flags = await this.pass();
      this.storeReachable = true;
      return flags;
    } catch (err) {
      this.storeReachable = false;
      this.o.log?.(`shared folio: store pass failed: ${(err as Error).message}`);
      return [];
    }
  }

  private async pass(): Promise<FolioFlag[]> {
    const { repo, service, store, register } = this.o;
    const guests = repo.guests().filter((g) => g.status === 'checked_in');
    const byKey = new Map(guests.map((g) => [guestKey(g), g]));
    await this.adoptClaims();
    // This desk's own lines the store decided but the journal lacks (killed between the two): once after a start.
    const keys = [...byKey.keys()];
    if (!this.mended) {
      for (const l of await store.lines(keys, 0)) {
        if (l.register !== register || repo.lineExists(l.lineId)) continue;
        const g = byKey.get(l.guestKey);
        if (g) repo.journal.transact(() => repo.addPosting(g.id, l.amount, l.description, l.lineId));
      }
      this.mended = true;
    }
    const flags: FolioFlag[] = [];
    for (const [key, g] of byKey) {
      const mark = repo.guestMark(g.id);
      if (this.published.get(key) === mark) continue;
      const cards = repo.cards(g.id).filter((c) => c.token_kind !== 'none' || c.active === 1);
      const out = await store.post({
        register,
        guestKey: key,
        lines: repo.ownLines(g.id).map((l) => ({ lineId: l.id, amount: l.amount, description: l.description })),
        cards: cards.map((c) => ({ cardId: c.id, routingOrder: c.routing_order, active: c.active === 1, registeredAt: c.registered_at })),
        authorisations: cards.flatMap((c) => service.authorisationsHeld(c.id).map((a) => ({ ...a, cardId: c.id }))),
        rule: this.rule('no_claim'),
      });
      flags.push(...out.flags);
      this.published.set(key, mark);
    }
    // Claims the pass itself made (lines this desk posted alone, now decided).
    await this.adoptClaims();
    for (const l of await store.lines(keys, this.mirroredSeq)) {
      this.mirroredSeq = Math.max(this.mirroredSeq, l.seq);
      const g = byKey.get(l.guestKey);
      if (!g || l.register === register) continue;
      repo.journal.transact(() => repo.addMirroredLine(g.id, l.register, l.lineId, l.amount, `${l.description} (desk ${l.register})`));
    }
    for (const f of flags) this.o.log?.(`shared folio: flagged for the manager: ${f.kind} on ${f.refs.join(', ')}`);
    return flags;
  }

  /** The store's claims on this desk's cards, journaled once each, then marked adopted there. */
  private async adoptClaims(): Promise<void> {
    const { service, store, register } = this.o;
    const claims = await store.claimsFor(register);
    const adopted: string[] = [];
    for (const c of claims) {
      const rec = service.adoptClaim(c.cardId, c.amount, c.reference);
      if (rec) adopted.push(c.reference);
      if (!rec) this.o.log?.(`shared folio: claim ${c.reference} names a card this desk does not hold`);
    }
    if (adopted.length > 0) {
      await store.markAdopted(register, adopted);
      this.o.queue.kick();
    }
  }
}
