// The purser's store-and-forward sender (issue 12 §3, seed 002 "Store Forward
// Handling", tables 4-17 and 4-22). One pass walks the open records oldest
// first:
//   - an answer journaled (queue 3) but not yet applied gets its effects (8);
//   - a record left sent (queue 2) with no answer is RESOLVED BY LOOKUP before
//     anything is sent again: the gateway's report by its invoice, or the PIN
//     pad's report by its ECR reference for a PIN-pad transaction; only a
//     lookup that finds nothing AFTER THE SETTLE TIME (settleMs since it was
//     sent) lets it go out again, with the same reference, so the gateway's
//     duplicate check still sees one request. A gateway may process a request
//     after the client gave up on it (the folio chaos run's 'late' fault): a
//     lookup at once finds nothing yet, and a resend then would be taken twice
//     by a processor whose duplicate check is off. Until the settle time has
//     passed the record waits, and so do its card's later records;
//   - an offline approval (status 0, queue 8, a temporary token) is uploaded
//     from the PIN pad (forwardStored) and looked up for its real token;
//   - a pending record (queue 0) is journaled sent (2) before it leaves, and
//     its answer journaled (3) before its effects (8).
// Ordering gates: nothing more goes for a card whose initial authorisation is
// outstanding (4-17 #3), a card's later records wait behind an unresolved
// earlier one, and while any card's declined initial authorisation still has
// outstanding records nothing else is sent (4-17 #4). A link failure ends the
// pass; the next runs after the resend interval, or at once when the gateway
// is seen answering again (the same link signal the payment resolution engine
// gets from the gateway switch). Clock, timers and a hook at named points are
// injected, so tests and the folio chaos run can drive it and kill it.

import type { PaymentTerminal, TerminalRecord } from '../../drivers/terminal.ts';
import type { CardOnFileGateway, GatewayReportRow, GatewayResult } from '../gateways/card-on-file-gateway.ts';
import { isNotSettledText } from '../gateways/cardknox-protocol.ts';
import { GatewayUnavailableError } from '../gateways/gateway-errors.ts';
import type { QueueCardSummary, QueueSummary } from '../../src-shared/purser-types.ts';
import { declineCascade } from './purser-card-rules.ts';
import { PURSER_MESSAGES } from './purser-messages.ts';
import type { PurserRepository, RecordRow } from './purser-repository.ts';
import type { PurserService, QueuePort } from './purser-service.ts';

/** Where the hook is called, for tests and the chaos run. */
export type SenderHookPoint = 'after_mark_sent' | 'after_answer' | 'after_answer_journaled' | 'after_lookup';

/** Timers (injectable). */
export interface SenderTimers {
  setTimeout(cb: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** How the sender is built. */
export interface PurserQueueSenderOptions {
  repo: PurserRepository;
  service: () => PurserService;
  /** The gateway (undefined: none configured; records wait). */
  gateway: () => CardOnFileGateway | undefined;
  terminal: (id: string) => PaymentTerminal | undefined;
  /** Epoch ms (the injected clock). */
  now: () => number;
  timers?: SenderTimers;
  /** Awaited at each named point with the record concerned (a kill point for tests and chaos). */
  hook?: (point: SenderHookPoint, record: RecordRow) => void | Promise<void>;
  changed: (guestId: string) => void;
  /** ISO 4217 code of the ship's currency. */
  currency: string;
  log?: (line: string) => void;
  /** How far before a record's creation the lookup searches, ms (default 10 minutes). */
  lookupSlackMs?: number;
  /**
   * How long after a record was sent the gateway's "nothing under this
   * reference" is not yet final, ms (default DEFAULT_SENDER_SETTLE_MS, the
   * payments' hostSettleMs default, payment-coordinator.ts): only a lookup
   * that finds nothing after it lets the record go out again.
   */
  settleMs?: number;
}

/** The invoice the link check asks the report for (an empty window: nothing is ever found under it). */
const LINK_CHECK_INVOICE = 'LINK-CHECK';

/** The payments' default settle time (payment-coordinator.ts hostSettleMs): a request may still be processed this long after it was sent. */
export const DEFAULT_SENDER_SETTLE_MS = 90_000;

type LookupAnswer = { found: 'approved'; refNum: string; authCode?: string } | { found: 'declined'; text: string } | { found: 'nothing' } | { found: 'unknown' };

const realTimers: SenderTimers = { setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };

/** The background sender (see file comment). */
export class PurserQueueSender implements QueuePort {
  private running: Promise<void> | undefined;
  private rerun = false;
  private timer: unknown;
  private linkUp = true;
  private closed = false;
  private lastSendAt: string | null = null;
  /** Records whose PIN-pad transaction the service is still waiting for: not looked up meanwhile. */
  private readonly out = new Set<string>();
  private readonly timers: SenderTimers;

  constructor(private readonly o: PurserQueueSenderOptions) {
    this.timers = o.timers ?? realTimers;
  }

  private get repo() {
    return this.o.repo;
  }

  online(): boolean {
    return this.linkUp;
  }

  async inflight<T>(recordId: string, work: Promise<T>): Promise<T> {
    this.out.add(recordId);
    try {
      return await work;
    } finally {
      this.out.delete(recordId);
    }
  }

  /** The gateway was seen answering (or failing): a return runs a pass at once. */
  linkSeen(ok: boolean): void {
    const was = this.linkUp;
    this.linkUp = ok;
    if (ok && !was) this.kick();
  }

  kick(): void {
    if (this.closed) return;
    this.repo.journal.afterCommit(() => {
      if (this.running) {
        this.rerun = true;
        return;
      }
      this.schedule(0);
    });
  }

  /** Starts the background work: a first pass now (records a crash left), then by the resend interval. */
  start(): void {
    this.schedule(0);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      void this.runOnce().catch((err) => this.o.log?.(`purser sender: pass failed: ${(err as Error).message}`));
    }, ms);
  }

  /** Runs one pass now (joins a running one, then runs again). */
  async runOnce(): Promise<void> {
    while (this.running) {
      this.rerun = true;
      await this.running.catch(() => undefined);
    }
    this.rerun = false;
    this.running = this.pass().finally(() => {
      this.running = undefined;
    });
    await this.running;
    if (this.closed) return;
    if (this.rerun) {
      this.rerun = false;
      this.schedule(0);
    } else if (this.hasWork()) {
      this.schedule(this.repo.parameters().resendIntervalSeconds * 1000);
    }
  }

  private hasWork(): boolean {
    return this.repo.openRecords().some((r) => r.voided === 0 && r.awaiting_batch === 0);
  }

  private touched = new Set<string>();
  /** This pass sent or looked something up at the gateway (so the link state is fresh). */
  private askedGateway = false;

  private async pass(): Promise<void> {
    this.touched.clear();
    this.askedGateway = false;
    try {
      for (const r of this.repo.openRecords()) if (r.queue_status === 3) this.applyEffects(r);
      const uploaded = new Set<string>();
      const held = new Set<string>();
      for (const first of this.repo.openRecords()) {
        if (this.closed) return;
        const r = this.repo.record(first.id)!;
        if (r.status !== 0 || r.voided === 1 || this.out.has(r.id)) continue;
        const cardKey = r.card_id ?? `guest:${r.guest_id}`;
        if (r.queue_status === 8) {
          // An offline approval waiting for the PIN pad to upload it (4-17 #1).
          await this.forwardOffline(r, uploaded);
          continue;
        }
        if (r.terminal_id && r.queue_status === 2) {
          await this.lookUpOnPad(r);
          continue;
        }
        if (r.awaiting_batch === 1) continue;
        if (held.has(cardKey) || this.gated(r)) {
          held.add(cardKey);
          continue;
        }
        const gateway = this.o.gateway();
        if (!gateway) return;
        if (r.queue_status === 2) {
          const found = await this.lookUp(gateway, r);
          await this.o.hook?.('after_lookup', r);
          if (found.found === 'unknown') return; // the link is down: nothing more this pass
          if (found.found !== 'nothing') {
            this.journalAnswer(r, found.found === 'approved' ? { ok: true, refNum: found.refNum, authCode: found.authCode } : { ok: false, note: found.text });
            this.applyEffects(this.repo.record(r.id)!);
            continue;
          }
          if (!this.settled(r)) {
            // Nothing there YET: the gateway may still process it late. It and its card's later records wait.
            held.add(cardKey);
            continue;
          }
        }
        const sent = await this.send(gateway, r);
        if (!sent) {
          held.add(cardKey);
          return;
        }
      }
      await this.checkLink();
    } finally {
      for (const g of this.touched) this.o.changed(g);
    }
  }

  /**
   * A pass that asked the gateway nothing (every record held by a gate, or
   * waiting for the PIN pad to upload it) still learns whether the ship is
   * online: an empty report window is the cheapest question the gateway
   * answers. Otherwise "The card company answers" stayed on screen while the
   * ship was offline, until something was sent.
   */
  private async checkLink(): Promise<void> {
    if (this.askedGateway || this.closed) return;
    const gateway = this.o.gateway();
    if (!gateway) return;
    const was = this.linkUp;
    const now = this.o.now();
    try {
      await gateway.findByInvoice(LINK_CHECK_INVOICE, now, now);
      this.linkUp = true;
    } catch {
      this.linkUp = false;
    }
    // Every guest with something waiting sees the new state.
    if (this.linkUp !== was) for (const r of this.repo.openRecords()) this.touched.add(r.guest_id);
  }

  /** True once the settle time since the record was (last) sent has passed: absence at the gateway is then final. */
  private settled(r: RecordRow): boolean {
    const sentAt = Date.parse(r.sent_at ?? r.created_at);
    return this.o.now() >= sentAt + (this.o.settleMs ?? DEFAULT_SENDER_SETTLE_MS);
  }

  /** True while an ordering gate of 4-17 holds this record. */
  private gated(r: RecordRow): boolean {
    if (r.card_id && r.kind !== 'initial_auth' && r.previous_reference) {
      const initial = this.repo.journal.db.prepare('SELECT status, ref_num FROM purser_records WHERE reference = ?').get(r.previous_reference) as { status: number; ref_num: string | null } | undefined;
      if (initial && (initial.status === 0 || (initial.status === 1 && !initial.ref_num))) return true; // 4-17 #3
    }
    // 4-17 #4: a declined initial authorisation with records still outstanding holds every other card.
    const blocking = this.repo.journal.db
      .prepare(
        "SELECT i.card_id FROM purser_records i WHERE i.kind = 'initial_auth' AND i.status = 2 AND i.card_id IS NOT NULL AND EXISTS (SELECT 1 FROM purser_records o WHERE o.previous_reference = i.reference AND o.status = 0 AND o.voided = 0 AND o.id <> i.id) LIMIT 1",
      )
      .get() as { card_id: string } | undefined;
    return blocking !== undefined && blocking.card_id !== r.card_id;
  }

  /** Journals the record sent, sends it, journals the answer, applies it. False when the link failed. */
  private async send(gateway: CardOnFileGateway, r: RecordRow): Promise<boolean> {
    const at = this.repo.journal.nowIso();
    this.repo.journal.transact(() => this.repo.updateRecord(r.id, { queue_status: 2, sent_at: at, send_count: r.send_count + 1 }, 'sent'));
    this.lastSendAt = at;
    await this.o.hook?.('after_mark_sent', r);
    let res: GatewayResult;
    this.askedGateway = true;
    try {
      res = await this.call(gateway, r);
      this.linkUp = true;
    } catch (err) {
      this.linkUp = false;
      if (err instanceof GatewayUnavailableError && !err.sent) {
        // No connection was made (the ship offline): nothing left this machine, so it is pending again, with no
        // lookup and no settle time to wait out when the link returns.
        this.repo.journal.transact(() => this.repo.updateRecord(r.id, { queue_status: 0, sent_at: r.sent_at, send_count: r.send_count }, 'not_sent'));
        this.o.log?.(`purser sender: ${r.reference} not sent (${err.reason}): ${err.message}`);
        return false;
      }
      // Unanswered: left sent, so the next pass looks it up (and waits out the settle time) before anything else.
      this.o.log?.(`purser sender: ${r.reference} unanswered${err instanceof GatewayUnavailableError ? ` (${err.reason})` : ''}: ${(err as Error).message}`);
      return false;
    }
    await this.o.hook?.('after_answer', r);
    if (res.outcome === 'approved') this.journalAnswer(r, { ok: true, refNum: res.refNum, authCode: res.authCode });
    else if (res.outcome === 'duplicate') this.journalAnswer(r, { ok: true, refNum: res.originalRefNum ?? res.refNum, authCode: res.originalAuthCode });
    else {
      this.o.log?.(`purser sender: ${r.reference} ${res.outcome}: ${res.text}`);
      this.journalAnswer(r, { ok: false, note: plainGatewayText(res.text) });
    }
    await this.o.hook?.('after_answer_journaled', r);
    this.applyEffects(this.repo.record(r.id)!);
    return true;
  }

  private money(amount: number) {
    return { amount, currency: this.o.currency };
  }

  private call(gateway: CardOnFileGateway, r: RecordRow): Promise<GatewayResult> {
    const invoice = r.reference;
    const initialRef = () => {
      const initial = this.repo.journal.db.prepare('SELECT ref_num FROM purser_records WHERE reference = ?').get(r.previous_reference) as { ref_num: string | null } | undefined;
      if (!initial?.ref_num) throw new Error(`no authorisation reference for ${r.reference}`);
      return initial.ref_num;
    };
    switch (r.kind) {
      case 'incremental_auth':
        return gateway.increment({ authRefNum: initialRef(), amount: this.money(r.amount), invoice });
      case 'settlement':
        return gateway.capture({ authRefNum: initialRef(), amount: this.money(r.amount), invoice });
      case 'refund':
        return gateway.refund({ refNum: r.target_ref_num!, amount: this.money(r.amount), invoice });
      case 'void': {
        const target = this.repo.recordByRefNum(r.target_ref_num!);
        return target?.kind === 'initial_auth' || target?.kind === 'incremental_auth'
          ? gateway.voidAuthorisation({ authRefNum: r.target_ref_num!, invoice })
          : gateway.voidTransaction({ refNum: r.target_ref_num!, invoice });
      }
      default: {
        const card = r.card_id ? this.repo.card(r.card_id) : undefined;
        if (!card?.token) throw new Error(`no token for ${r.reference}`);
        return r.kind === 'initial_auth' ? gateway.authorise({ token: card.token, amount: this.money(r.amount), invoice }) : gateway.sale({ token: card.token, amount: this.money(r.amount), invoice });
      }
    }
  }

  private journalAnswer(r: RecordRow, a: { ok: true; refNum: string; authCode?: string } | { ok: false; note: string }): void {
    this.repo.journal.transact(() => {
      const at = this.repo.journal.nowIso();
      if (a.ok) this.repo.updateRecord(r.id, { status: 1, queue_status: 3, ref_num: a.refNum, approval_code: a.authCode ?? null, answered_at: at }, 'approved');
      else this.repo.updateRecord(r.id, { status: 2, queue_status: 3, note: a.note, answered_at: at }, 'declined');
    });
    this.touched.add(r.guest_id);
  }

  /** Queue 3 → 8: a decline's cascade (4-18); kept apart so a crash between the two is finished by the next pass. */
  private applyEffects(r: RecordRow): void {
    this.repo.journal.transact(() => {
      if (r.status === 2) declineCascade(this.repo, this.repo.parameters(), r);
      this.repo.updateRecord(r.id, { queue_status: 8 }, 'completed');
    });
    this.touched.add(r.guest_id);
  }

  /** The gateway's report by this record's invoice (its own reference; a void: also its target voided). */
  private async lookUp(gateway: CardOnFileGateway, r: RecordRow): Promise<LookupAnswer> {
    const since = Date.parse(r.created_at) - (this.o.lookupSlackMs ?? 600_000);
    const until = this.o.now() + 60_000;
    let rows: GatewayReportRow[];
    this.askedGateway = true;
    try {
      rows = await gateway.findByInvoice(r.reference, since, until);
      this.linkUp = true;
    } catch (err) {
      this.linkUp = false;
      this.o.log?.(`purser sender: lookup of ${r.reference} failed: ${(err as Error).message}`);
      return { found: 'unknown' };
    }
    const approved = rows.find((x) => x.invoice === r.reference && x.result === 'approved');
    if (approved) return { found: 'approved', refNum: approved.refNum, authCode: approved.authCode };
    const declined = rows.find((x) => x.invoice === r.reference);
    if (declined) return { found: 'declined', text: plainGatewayText(declined.responseError) };
    if (r.kind === 'void' && r.target_ref_num) {
      // Cardknox may report a void only as its original's row marked voided (attempt-resolver.ts voidedOriginalRow).
      const target = this.repo.recordByRefNum(r.target_ref_num);
      if (target) {
        try {
          const originals = await gateway.findByInvoice(target.reference, since, until);
          const voided = originals.find((x) => x.refNum === r.target_ref_num && x.voided);
          if (voided) return { found: 'approved', refNum: voided.refNum };
        } catch {
          return { found: 'unknown' };
        }
      }
    }
    return { found: 'nothing' };
  }

  /** A PIN-pad transaction left unanswered: the PIN pad's own report says what became of it. */
  private async lookUpOnPad(r: RecordRow): Promise<void> {
    const terminal = this.o.terminal(r.terminal_id!);
    if (!terminal) return;
    let records: TerminalRecord[];
    try {
      records = await terminal.lookup(r.reference);
    } catch (err) {
      this.o.log?.(`purser sender: PIN pad lookup of ${r.reference} failed: ${(err as Error).message}`);
      return;
    }
    await this.o.hook?.('after_lookup', r);
    const found = records.find((x) => x.result.ecrRef === r.reference);
    const service = this.o.service();
    if (!found) {
      // The PIN pad has no such transaction: it never ran, nothing was charged.
      this.repo.journal.transact(() => this.repo.updateRecord(r.id, { status: 2, queue_status: 8, note: PURSER_MESSAGES.padUnavailable, answered_at: this.repo.journal.nowIso() }, 'not_on_pad'));
    } else if (r.kind === 'initial_auth') {
      try {
        service.registrationAnswered(r, found.result);
      } catch (err) {
        this.o.log?.(`purser sender: registration ${r.reference} found and refused: ${(err as Error).message}`);
      }
    } else {
      service.padPaymentAnswered(r, found.result);
    }
    this.touched.add(r.guest_id);
  }

  /** 4-17 #1: the PIN pad uploads what it approved offline; its report then gives the real token, or the decline. */
  private async forwardOffline(r: RecordRow, uploaded: Set<string>): Promise<void> {
    const terminal = r.terminal_id ? this.o.terminal(r.terminal_id) : undefined;
    if (!terminal) return;
    try {
      if (terminal.forwardStored && !uploaded.has(terminal.id)) {
        uploaded.add(terminal.id);
        await terminal.forwardStored();
      }
      const records = await terminal.lookup(r.reference);
      const found = records.find((x) => x.result.ecrRef === r.reference);
      if (!found || found.offline === 'pending' || found.offline === undefined) return;
      this.repo.journal.transact(() => {
        const at = this.repo.journal.nowIso();
        if (found.offline === 'uploaded' && found.result.token) {
          if (r.card_id) this.repo.setCardToken(r.card_id, found.result.token);
          this.repo.updateRecord(r.id, { status: 1, queue_status: 8, ref_num: found.result.hostRef ?? null, approval_code: found.result.authCode ?? null, answered_at: at }, 'approved_on_upload');
        } else {
          const declined = this.repo.updateRecord(r.id, { status: 2, queue_status: 8, note: PURSER_MESSAGES.providerDeclined, answered_at: at }, 'declined_on_upload');
          declineCascade(this.repo, this.repo.parameters(), declined);
        }
      });
      this.touched.add(r.guest_id);
    } catch (err) {
      this.o.log?.(`purser sender: upload of ${r.reference} not done: ${(err as Error).message}`);
    }
  }

  /** purser.queue.status. */
  summary(): QueueSummary {
    const now = this.o.now();
    const params = this.repo.parameters();
    const open = this.repo.openRecords().filter((r) => r.status === 0 && r.voided === 0);
    const waiting = open.filter((r) => r.awaiting_batch === 0);
    const batch = open.filter((r) => r.awaiting_batch === 1);
    const perCard = new Map<string, QueueCardSummary>();
    for (const r of waiting) {
      const key = r.card_id ?? `guest:${r.guest_id}`;
      let s = perCard.get(key);
      if (!s) {
        const g = this.repo.guest(r.guest_id)!;
        const card = r.card_id ? this.repo.card(r.card_id) : undefined;
        s = {
          cardId: r.card_id,
          guestId: r.guest_id,
          guestName: g.name,
          cabin: g.cabin,
          maskedPan: card?.masked_pan ?? null,
          outstandingCount: 0,
          outstandingAmount: 0,
          offlineLimit: params.offlineLimitPerCard,
          hold: null,
        };
        perCard.set(key, s);
      }
      s.outstandingCount++;
      s.outstandingAmount += r.amount;
      if (r.kind !== 'initial_auth' && this.gated(r)) {
        const initial = this.repo.journal.db.prepare('SELECT status FROM purser_records WHERE reference = ?').get(r.previous_reference) as { status: number } | undefined;
        s.hold = initial?.status === 0 ? 'initial_outstanding' : 'initial_declined';
      } else if (!this.linkUp && s.hold === null) s.hold = 'offline';
    }
    const oldest = waiting.reduce<string | null>((m, r) => (m === null || r.created_at < m ? r.created_at : m), null);
    return {
      online: this.linkUp,
      outstandingCount: waiting.length,
      outstandingAmount: waiting.reduce((s, r) => s + r.amount, 0),
      oldestAgeSeconds: oldest === null ? null : Math.max(0, Math.floor((now - Date.parse(oldest)) / 1000)),
      awaitingBatchCount: batch.length,
      awaitingBatchAmount: batch.reduce((s, r) => s + r.amount, 0),
      perCard: [...perCard.values()],
      lastSendAt: this.lastSendAt,
      resendIntervalSeconds: params.resendIntervalSeconds,
    };
  }
}

/** The gateway's words for a purser: its refund-before-settlement sentence as it is, anything else plainly. */
function plainGatewayText(text: string): string {
  if (isNotSettledText(text)) return PURSER_MESSAGES.refundBeforeSettled;
  return PURSER_MESSAGES.providerDeclined;
}
