// The shape every store slice is written against, apart from app-store.ts so a
// slice never imports the store that assembles it (no import cycle: app-store
// imports the slices, the slices import this file and the sibling slices they
// name).

import type { HostApi } from './host-api.ts';

/** Sets part of the state a slice may see (its own and the siblings it names). */
export type SetState<S> = (partial: Partial<S> | ((state: S) => Partial<S>)) => void;

/**
 * A slice creator. `Own` is the slice; `Uses` lists the sibling slices it reads
 * or calls through get(), e.g. `SliceCreator<TicketSlice, NoticeSlice>`: get()
 * exposes only those, so a new dependency between slices shows in the type.
 */
export type SliceCreator<Own, Uses = unknown> = (set: SetState<Own & Uses>, get: () => Own & Uses, api: HostApi) => Own;
