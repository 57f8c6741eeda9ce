// The store's shared manager queue (issue 13 §3): every register's orphans,
// payments in doubt, variances and possible double charges in one list. Each
// command answers the whole list again, so the screen always shows who holds
// what after a take, a give-back or a done.

import type { StoreQueueView } from '../../src-shared/store-contract.ts';
import type { SliceCreator } from './slice-types.ts';
import { outcomeOf } from './host-api.ts';
import type { Outcome } from './manager-slice.ts';

/** Store queue state and commands. */
export interface StoreQueueSlice {
  storeQueue: StoreQueueView | null;
  storeQueueError: string | null;
  loadStoreQueue(): Promise<void>;
  takeStoreItem(id: number): Promise<Outcome<StoreQueueView>>;
  giveBackStoreItem(id: number): Promise<Outcome<StoreQueueView>>;
  finishStoreItem(id: number, note: string): Promise<Outcome<StoreQueueView>>;
}

/** Creates the store queue slice. */
export const createStoreQueueSlice: SliceCreator<StoreQueueSlice> = (set, _get, api) => {
  const act = async (task: () => Promise<StoreQueueView>): Promise<Outcome<StoreQueueView>> => {
    const r = await outcomeOf(task);
    if (r.ok) set({ storeQueue: r.value, storeQueueError: null });
    else if (!r.ok) {
      // A refusal (another manager took it) leaves the list stale: fetch it again so the screen shows who holds it.
      const again = await outcomeOf(() => api.call('store.queue.list', {}));
      if (again.ok) set({ storeQueue: again.value });
    }
    return r;
  };
  return {
    storeQueue: null,
    storeQueueError: null,
    async loadStoreQueue() {
      const r = await outcomeOf(() => api.call('store.queue.list', {}));
      set(r.ok ? { storeQueue: r.value, storeQueueError: null } : { storeQueueError: r.message });
    },
    takeStoreItem: (id) => act(() => api.call('store.queue.claim', { id })),
    giveBackStoreItem: (id) => act(() => api.call('store.queue.release', { id })),
    finishStoreItem: (id, note) => act(() => api.call('store.queue.complete', { id, note })),
  };
};
