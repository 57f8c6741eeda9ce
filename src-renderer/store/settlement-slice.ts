// The manager's settlement review and end-of-day report (issue 11 §2, §5).
// Pages are not kept in the store: the virtualised list holds the pages it
// fetched for the filter it shows and asks for more as it scrolls; the store
// only carries the commands and the register's "show voided" setting.

import type { EndOfDayReport, SettlementListRequest, SettlementPage, SettlementSettings } from '../../src-shared/settlement-types.ts';
import type { SliceCreator } from './slice-types.ts';
import { outcomeOf } from './host-api.ts';
import type { ManagerSlice, Outcome } from './manager-slice.ts';

/** Settlement review and report state and commands. */
export interface SettlementSlice {
  settlementSettings: SettlementSettings | null;
  /** The batch whose settlements the review opens on (from the batch screen), or null for all. */
  settlementBatch: { batchId: string; label: string } | null;
  /** Opens the settlement review on one batch's settlements; null forgets the batch (the review shows all). */
  reviewBatchSettlements(batch: { batchId: string; label: string } | null): void;
  /** One page of settlements (the list's own cache keeps them). */
  fetchSettlements(req: SettlementListRequest): Promise<Outcome<SettlementPage>>;
  loadSettlementSettings(): Promise<void>;
  /** Manager action: shows or hides voided settlements on this register (journaled). */
  setShowVoided(showVoided: boolean): Promise<Outcome<SettlementSettings>>;
  endOfDay(date?: string): Promise<Outcome<EndOfDayReport>>;
}

/** The report reads a whole day of payments in a worker: allow it time on a big day. */
const REPORT_TIMEOUT_MS = 60_000;

/** Creates the settlement slice. */
export const createSettlementSlice: SliceCreator<SettlementSlice, Pick<ManagerSlice, 'showScreen'>> = (set, get, api) => {
  const outcome = outcomeOf;
  return {
    settlementSettings: null,
    settlementBatch: null,
    reviewBatchSettlements(batch) {
      set({ settlementBatch: batch });
      if (batch) get().showScreen('settlement');
    },
    fetchSettlements: (req) => outcome(() => api.call('settlement.list', req)),
    async loadSettlementSettings() {
      const r = await outcome(() => api.call('settlement.settings', {}));
      if (r.ok) set({ settlementSettings: r.value });
    },
    async setShowVoided(showVoided) {
      const r = await outcome(() => api.call('settlement.setShowVoided', { showVoided }));
      if (r.ok) set({ settlementSettings: r.value });
      return r;
    },
    endOfDay: (date) => outcome(() => api.call('report.endOfDay', date ? { date } : {}, { timeoutMs: REPORT_TIMEOUT_MS })),
  };
};
