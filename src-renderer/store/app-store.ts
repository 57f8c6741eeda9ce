// The renderer's one zustand store, assembled from slices. Main is the source of
// truth: slices hold snapshots main pushed or answered, never optimistic guesses.

import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ConnectionState } from '../api/client-transport.ts';
import type { HostApi } from './host-api.ts';
import { createCatalogSlice, type CatalogSlice } from './catalog-slice.ts';
import { createStatusSlice, type StatusSlice } from './status-slice.ts';
import { createTicketSlice, type TicketSlice } from './ticket-slice.ts';
import { createPaymentSlice, type PaymentSlice } from './payment-slice.ts';
import { createNoticeSlice, type NoticeSlice } from './notice-slice.ts';
import { createManagerSlice, type ManagerSlice } from './manager-slice.ts';
import { createHistorySlice, type HistorySlice } from './history-slice.ts';
import { createSettlementSlice, type SettlementSlice } from './settlement-slice.ts';
import { createBatchSlice, type BatchSlice } from './batch-slice.ts';
import { createReversalSlice, type ReversalSlice } from './reversal-slice.ts';
import { createStoreQueueSlice, type StoreQueueSlice } from './store-queue-slice.ts';
import { createTicketMoveSlice, type TicketMoveSlice } from './ticket-move-slice.ts';
import { createStaffSlice, withManagerSignIn, type StaffSlice } from './staff-slice.ts';
import { createPurserSlice, type PurserSlice } from './purser-slice.ts';

/** Everything the UI reads. */
export type AppState = CatalogSlice & StatusSlice & TicketSlice & PaymentSlice & NoticeSlice & ManagerSlice & HistorySlice & StaffSlice & SettlementSlice & BatchSlice & ReversalSlice & PurserSlice & StoreQueueSlice & TicketMoveSlice & {
  /** Loads everything from main (start-up and after a reconnect). */
  refreshAll(): Promise<void>;
};

/** Builds the store and subscribes it to main's events; `dispose` unsubscribes. */
export function createAppStore(api: HostApi): { store: StoreApi<AppState>; dispose: () => void } {
  const store = createStore<AppState>()((set, get) => {
    // Manager-only commands from any slice open the manager sign-in first (issue 11 §1).
    const guarded = withManagerSignIn(api, get);
    return {
    ...createCatalogSlice(set, get, guarded),
    ...createStatusSlice(set, get, guarded),
    ...createTicketSlice(set, get, guarded),
    ...createPaymentSlice(set, get, guarded),
    ...createNoticeSlice(set, get, guarded),
    ...createManagerSlice(set, get, guarded),
    ...createHistorySlice(set, get, guarded),
    ...createStaffSlice(set, get, api),
    ...createSettlementSlice(set, get, guarded),
    ...createBatchSlice(set, get, guarded),
    ...createReversalSlice(set, get, guarded),
    ...createPurserSlice(set, get, guarded),
    ...createStoreQueueSlice(set, get, guarded),
    ...createTicketMoveSlice(set, get, guarded),
    async refreshAll() {
      const s = get();
      const screenData =
        s.screen === 'orphans'
          ? [s.loadOrphans()]
          : s.screen === 'settings'
            ? [s.loadDevices()]
            : s.screen === 'history'
              ? [s.loadHistory()]
              : s.screen === 'purser'
                ? [s.loadQueue(), s.reloadGuest(), s.loadDevices()]
                : s.screen === 'purserParameters'
                  ? [s.loadParameters()]
                  : [];
      await Promise.all([s.loadStatus(), s.loadCatalog(), s.reloadTickets(), s.loadRecovery(), s.loadSignInState(), s.loadMoveTargets(), s.loadMovedHere(), ...screenData]);
      // A reload (or a reopened window) mid-payment comes back to the payment screen main still has open.
      await get().restorePayment();
    },
    };
  });
  const lastState = new Map<string, string>();
  const offs = [
    api.on('status.changed', (snap) => store.getState().statusChanged(snap)),
    api.on('ticket.changed', (snap) => store.getState().ticketChanged(snap)),
    api.on('payment.changed', (snap) => {
      store.getState().paymentChanged(snap);
      // The open list marks tickets with a card in doubt: a change of state (not of progress words) moves that mark.
      if (lastState.get(snap.id) !== snap.state) {
        lastState.set(snap.id, snap.state);
        void store.getState().reloadTickets();
      }
    }),
    api.on('recovery.reported', (notices) => store.getState().recoveryReported(notices)),
    api.on('purser.changed', ({ guestId }) => store.getState().purserChanged(guestId)),
  ];
  return { store, dispose: () => offs.forEach((off) => off()) };
}

/** Feeds transport state into the store and refreshes after every (re)connect. */
export function followConnection(
  store: StoreApi<AppState>,
  transport: { state: ConnectionState; onState(cb: (s: ConnectionState) => void): () => void },
): () => void {
  const apply = (state: ConnectionState) => {
    store.getState().setConnection(state);
    if (state === 'open') void store.getState().refreshAll();
  };
  apply(transport.state);
  return transport.onState(apply);
}
