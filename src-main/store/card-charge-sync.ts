// Pushes this register's approved card charges to the store (issue 13 §3),
// where each new one is compared with every register's: the store flags a
// cross-register duplicate pair for the manager whether or not the cashier
// was warned (the store may have been unreachable then). The register's
// journal is the source: each pass pushes every approved sale since the
// store's own mark for this register (less a margin), idempotently, so a cut
// link, a SIGKILL of the register or of PostgreSQL loses nothing and pushes
// nothing twice. The amount is the one asked for (a partial approval keeps
// it): a re-rung ticket asks the same total, whatever was approved the first
// time, and the processor's ledger keeps it as amountRequested. Never on the sale path: a pass runs after approvals and on a
// timer, and a failed pass only waits for the next.

import type pg from 'pg';
import type { CardBrand } from '../../src-shared/card.ts';
import type { Journal } from '../journal/journal.ts';
import { lastChargeAt, recordCharges, type ChargeRecord } from './card-charge-repository.ts';
import { DEFAULT_DUPLICATE_WINDOW_MS } from './cross-register-duplicate-rule.ts';

/** How the sync is built. */
export interface CardChargeSyncOptions {
  journal: Journal;
  /** This register's id in the store. */
  registerId: string;
  /** Its name as people call it (the words of other registers' warnings). */
  registerName?: string;
  pool: pg.Pool;
  windowMs?: number;
  log?: (event: string, detail?: string) => void;
}

interface ApprovedRow {
  id: string;
  ticketId: string;
  invoice: string;
  amount: number;
  currency: string;
  maskedPan: string | null;
  cardBrand: CardBrand | null;
  at: string;
}

/** See file comment. */
export class CardChargeSync {
  private running: Promise<{ recorded: number; flagged: number }> | undefined;
  constructor(private readonly o: CardChargeSyncOptions) {}

  /**
   * One pass that starts after this call (a pass already running may have
   * read the journal before the latest approval: the caller then waits for it
   * and one more); rejects when the store cannot be reached.
   */
  async push(): Promise<{ recorded: number; flagged: number }> {
    while (this.running) await this.running.catch(() => undefined);
    const run = this.pass().finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }

  private async pass(): Promise<{ recorded: number; flagged: number }> {
    const mark = await lastChargeAt(this.o.pool, this.o.registerId);
    // A margin: charges approved just before the mark may have been committed after it was read.
    const since = new Date(mark === undefined ? 0 : mark - 5 * 60_000).toISOString();
    const rows = this.o.journal.db
      .prepare(
        `SELECT id, ticket_id AS ticketId, invoice, amount_requested AS amount, currency, masked_pan AS maskedPan, card_brand AS cardBrand, updated_at AS at
         FROM payment_attempts WHERE kind = 'sale' AND state IN ('approved', 'reversed') AND amount_approved > 0 AND updated_at >= ? ORDER BY updated_at`,
      )
      .all(since) as ApprovedRow[];
    const charges: ChargeRecord[] = rows.map((r) => ({
      registerId: this.o.registerId,
      ...(this.o.registerName ? { registerName: this.o.registerName } : {}),
      attemptId: r.id,
      ticketId: r.ticketId,
      invoice: r.invoice,
      amount: r.amount,
      currency: r.currency,
      card: { maskedPan: r.maskedPan, brand: r.cardBrand },
      at: Date.parse(r.at),
    }));
    const result = await recordCharges(this.o.pool, charges, this.o.windowMs ?? DEFAULT_DUPLICATE_WINDOW_MS);
    if (result.recorded > 0) this.o.log?.('store_charges_pushed', `${result.recorded} new, ${result.flagged} flagged`);
    return result;
  }
}
