// Status bar data: journal health, terminal state, training mode, who this register is.

import type { AppInfo, StatusSnapshot } from '../../src-shared/domain.ts';
import type { NoticeSlice } from './notice-slice.ts';
import type { SliceCreator } from './slice-types.ts';

/** Status snapshot and app info. */
export interface StatusSlice {
  status: StatusSnapshot | null;
  appInfo: AppInfo | null;
  loadStatus(): Promise<void>;
  statusChanged(snapshot: StatusSnapshot): void;
}

/** Creates the status slice. */
export const createStatusSlice: SliceCreator<StatusSlice, NoticeSlice> = (set, get, api) => ({
  status: null,
  appInfo: null,
  async loadStatus() {
    try {
      const [appInfo, status] = await Promise.all([api.call('app.info', {}), api.call('status.get', {})]);
      set({ appInfo, status });
    } catch (err) {
      get().showError(err);
    }
  },
  statusChanged: (status) => set({ status }),
});
