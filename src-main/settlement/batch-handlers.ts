// The batch.* IPC commands (issue 11 §2), one factory host.ts composes. All
// are manager actions: the dispatcher guards them; managerActor() names the
// manager each resolution, sign-off and close is journaled with.

import type { Handlers } from '../../src-shared/ipc-contract.ts';
import type { VarianceDaySummary } from '../../src-shared/settlement-types.ts';
import { VARIANCE_LABELS, type VarianceType } from '../../src-shared/batch-types.ts';
import { managerActor } from '../staff/staff-handlers.ts';
import type { BatchService } from './batch-service.ts';
import type { BatchRepository } from './batch-repository.ts';

export type BatchHandlers = Pick<Handlers, 'batch.open' | 'batch.get' | 'batch.history' | 'batch.resolve' | 'batch.signOff' | 'batch.close'>;

/** Builds the batch handlers; `batches` throws the journal's refusal when it is not open. */
export function createBatchHandlers(batches: () => BatchService): BatchHandlers {
  return {
    'batch.open': ({ terminalId }) => batches().open(terminalId),
    'batch.get': ({ batchId }) => batches().snapshot(batchId),
    'batch.history': ({ terminalId, limit }) => batches().history(terminalId, limit),
    'batch.resolve': ({ lineId, resolution }, ctx) => batches().resolve(lineId, resolution, managerActor(ctx).staffId),
    'batch.signOff': ({ lineId, reason }, ctx) => batches().signOff(lineId, reason, managerActor(ctx).staffId),
    'batch.close': ({ terminalId }, ctx) => batches().close(terminalId, managerActor(ctx).staffId),
  };
}

/** The end-of-day report's variance source: the batch lines found in the day's window. */
export function batchVarianceSource(repo: () => BatchRepository | undefined): (w: { from: string; to: string }) => VarianceDaySummary | undefined {
  return ({ from, to }) => {
    const r = repo();
    if (!r) return undefined;
    const rows = r.linesCreatedIn(from, to);
    if (rows.length === 0) return undefined;
    const byType = new Map<VarianceType, { count: number; amount: number }>();
    const lines = { count: 0, amount: 0 };
    const open = { count: 0, amount: 0 };
    for (const l of rows) {
      lines.count++;
      lines.amount += l.amount;
      if (l.status === 'open') {
        open.count++;
        open.amount += l.amount;
      }
      const t = byType.get(l.type) ?? { count: 0, amount: 0 };
      t.count++;
      t.amount += l.amount;
      byType.set(l.type, t);
    }
    return { recorded: true, lines, open, byType: [...byType].map(([type, t]) => ({ type, label: VARIANCE_LABELS[type], ...t })) };
  };
}
