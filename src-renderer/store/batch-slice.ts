// The manager's batch close (issue 11 §2): the open batch of a PIN pad with its
// three-way comparison and variance lines, resolving or signing lines off,
// closing, and the history of closed batches. The screen keeps what it shows;
// the store carries the commands, each answering its outcome to the caller
// (the screen shows a refusal beside the button that was pressed).

import type { BatchLine, BatchSnapshot, BatchSummary } from '../../src-shared/batch-types.ts';
import type { SliceCreator } from './slice-types.ts';
import { outcomeOf } from './host-api.ts';
import type { Outcome } from './manager-slice.ts';

/** Batch commands. */
export interface BatchSlice {
  /** Checks the PIN pad's open batch against the journal and the gateway now. */
  openBatch(terminalId: string): Promise<Outcome<BatchSnapshot>>;
  getBatch(batchId: string): Promise<Outcome<BatchSnapshot>>;
  batchHistory(terminalId?: string): Promise<Outcome<BatchSummary[]>>;
  resolveBatchLine(lineId: string, resolution: string): Promise<Outcome<BatchLine>>;
  signOffBatchLine(lineId: string, reason: string): Promise<Outcome<BatchLine>>;
  closeBatch(terminalId: string): Promise<Outcome<BatchSnapshot>>;
}

/** A check reads the PIN pad's whole detail report and the gateway's: allow it time. */
const CHECK_TIMEOUT_MS = 60_000;

/** Creates the batch slice. */
export const createBatchSlice: SliceCreator<BatchSlice> = (_set, _get, api) => {
  const outcome = outcomeOf;
  return {
    openBatch: (terminalId) => outcome(() => api.call('batch.open', { terminalId }, { timeoutMs: CHECK_TIMEOUT_MS })),
    getBatch: (batchId) => outcome(() => api.call('batch.get', { batchId })),
    batchHistory: (terminalId) => outcome(() => api.call('batch.history', terminalId ? { terminalId, limit: 50 } : { limit: 50 })),
    resolveBatchLine: (lineId, resolution) => outcome(() => api.call('batch.resolve', { lineId, resolution })),
    signOffBatchLine: (lineId, reason) => outcome(() => api.call('batch.signOff', { lineId, reason })),
    closeBatch: (terminalId) => outcome(() => api.call('batch.close', { terminalId }, { timeoutMs: CHECK_TIMEOUT_MS })),
  };
};
