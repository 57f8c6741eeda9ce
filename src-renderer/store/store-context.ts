// Hands the store to React components without a module-level singleton, so the
// store can be built with whichever host connection the page has.

import { createContext, useContext } from 'react';
import type { StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { AppState } from './app-store.ts';

/** The store for the component tree. */
export const StoreContext = createContext<StoreApi<AppState> | null>(null);

/** Reads a piece of the app state and re-renders when it changes. */
export function useAppState<T>(selector: (state: AppState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppState needs a StoreContext provider');
  return useStore(store, selector);
}

/** The store's commands; they are stable functions, so reading them never re-renders. */
export function useAppActions(): AppState {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppActions needs a StoreContext provider');
  return store.getState();
}
