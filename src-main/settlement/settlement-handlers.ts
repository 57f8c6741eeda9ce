// The settlement domain's IPC commands (issue 11 §2 review, §5 reports), as
// one factory host.ts composes. Every command here is a MANAGER ACTION
// (issue 11 §1): the manager guard comes with the sign-in work and is left to
// the integrator to wrap around these handlers.

import type { Handlers } from '../../src-shared/ipc-contract.ts';
import type { Journal } from '../journal/journal.ts';
import { NO_VARIANCES, type VarianceSource } from './end-of-day-report.ts';
import { endOfDayReportOffThread } from './end-of-day-report-off-thread.ts';
import { SettlementQuery } from './settlement-query.ts';
import { SettlementSettingsRepository } from './settlement-settings-repository.ts';

/** The commands this domain answers. */
export type SettlementHandlers = Pick<Handlers, 'settlement.list' | 'settlement.settings' | 'settlement.setShowVoided' | 'report.endOfDay'>;

/** What the settlement handlers need from the host. */
export interface SettlementHandlerDeps {
  /** The open journal; throws the journal's refusal (as every other domain's handlers do) when there is none. */
  journal: () => Journal;
  registerId: string;
  currency: string;
  clock?: () => Date;
  /** Batch close's recorded variances, once that module exists. */
  variances?: VarianceSource;
}

/** Builds the settlement handlers; the query, settings and reporter are made per journal connection, lazily. */
export function createSettlementHandlers(deps: SettlementHandlerDeps): SettlementHandlers {
  let built: { journal: Journal; query: SettlementQuery; settings: SettlementSettingsRepository } | undefined;
  const parts = () => {
    const journal = deps.journal();
    if (built?.journal !== journal) {
      built = {
        journal,
        query: new SettlementQuery(journal.db, deps.currency),
        settings: new SettlementSettingsRepository(journal, deps.registerId),
      };
    }
    return built;
  };
  return {
    // Manager action: settlement review.
    'settlement.list': (req) => {
      const p = parts();
      return p.query.list(req, p.settings.get().showVoided);
    },
    // Manager action: settlement review settings.
    'settlement.settings': () => parts().settings.get(),
    // Manager action: change a register setting (journaled).
    'settlement.setShowVoided': ({ showVoided }) => parts().settings.setShowVoided(showVoided),
    // Manager action: end-of-day report. Off the host's thread (a big day's SQL takes longer than a PIN-pad
    // frame may wait); the variances are added here, from batch close's source.
    'report.endOfDay': async ({ date }) => {
      const journal = parts().journal;
      const now = (deps.clock ?? (() => journal.now()))();
      const report = await endOfDayReportOffThread({ path: journal.path, currency: deps.currency, now: now.toISOString(), date });
      return { ...report, variances: deps.variances?.({ from: report.from, to: report.to }) ?? NO_VARIANCES };
    },
  };
}
