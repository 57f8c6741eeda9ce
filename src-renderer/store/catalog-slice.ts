// The catalogue of items that can be rung up, as main lists it.

import type { CatalogItem } from '../../src-shared/domain.ts';
import type { NoticeSlice } from './notice-slice.ts';
import type { SliceCreator } from './slice-types.ts';

/** Catalogue snapshot. */
export interface CatalogSlice {
  catalog: CatalogItem[];
  loadCatalog(): Promise<void>;
}

/** Creates the catalogue slice. */
export const createCatalogSlice: SliceCreator<CatalogSlice, NoticeSlice> = (set, get, api) => ({
  catalog: [],
  async loadCatalog() {
    try {
      set({ catalog: await api.call('catalog.list', {}) });
    } catch (err) {
      get().showError(err);
    }
  },
});
