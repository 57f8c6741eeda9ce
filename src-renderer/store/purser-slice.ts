// What the purser screens read (issue 12): the guest search, the open guest
// with folio, cards and queue records, the store-and-forward queue summary and
// the parameters. Main is the source of truth: every action answers the guest
// as main journaled it, and purser.changed makes the open guest and the queue
// load again. Actions answer their outcome to the form that asked (its words
// shown beside its buttons), like the manager screens.

import type { GuestDetail, GuestSummary, PurserActionResult, PurserParameter, PurserParameterName, PurserParameterValue, PurserPaymentMethod, QueueSummary } from '../../src-shared/purser-types.ts';
import type { ManagerSlice } from './manager-slice.ts';
import type { SliceCreator } from './slice-types.ts';
import type { StaffSlice } from './staff-slice.ts';
import { outcomeOf, type Outcome } from './host-api.ts';

/** Reading a card on the PIN pad waits for the guest (insert, PIN, signature) and the initial authorisation: allow it all. */
const PIN_PAD_TIMEOUT_MS = 180_000;
/** Sending the queue now waits for the gateway's answers (120 s online timeout by default) and a lookup. */
const QUEUE_SEND_TIMEOUT_MS = 150_000;
/** Longest wait of one cabin-card request; the desk asks again while it stays open. */
const CABIN_CARD_WAIT_SECONDS = 20;
/** An action that may send a record at once (a settlement, an increment) waits for the gateway. */
const GATEWAY_TIMEOUT_MS = 150_000;

/** Purser state and commands. */
export interface PurserSlice {
  purserQuery: string;
  purserGuests: GuestSummary[] | null;
  purserGuestsError: string | null;
  /** The guest open on the purser screen. */
  purserGuest: GuestDetail | null;
  purserGuestError: string | null;
  purserQueue: QueueSummary | null;
  purserQueueError: string | null;
  purserParameters: PurserParameter[] | null;
  purserParametersError: string | null;
  searchGuests(query: string): Promise<void>;
  openGuest(guestId: string): Promise<Outcome<GuestDetail>>;
  /** A cabin card read: opens its guest. */
  openGuestByCabinCard(cardNumber: string): Promise<Outcome<GuestDetail>>;
  /** Waits for a cabin card swiped on the HID card reader and opens its guest (the desk asks while it is open). */
  awaitCabinCard(): Promise<Outcome<GuestDetail>>;
  closeGuest(): void;
  reloadGuest(): Promise<void>;
  addPosting(amount: number, description: string): Promise<Outcome<PurserActionResult>>;
  registerCard(terminalId: string): Promise<Outcome<PurserActionResult>>;
  activateCard(cardId: string): Promise<Outcome<PurserActionResult>>;
  deactivateCard(cardId: string): Promise<Outcome<PurserActionResult>>;
  addAuthorisation(cardId: string, amount: number): Promise<Outcome<PurserActionResult>>;
  setRouting(cardIds: string[]): Promise<Outcome<PurserActionResult>>;
  payInvoice(amount: number, method: PurserPaymentMethod, terminalId?: string): Promise<Outcome<PurserActionResult>>;
  voidPayment(paymentId: string): Promise<Outcome<PurserActionResult>>;
  loadQueue(): Promise<void>;
  sendQueueNow(): Promise<Outcome<QueueSummary>>;
  /** Automatic settlement 0: a manager releases the settlements waiting for the batch send. */
  sendSettlementBatch(): Promise<Outcome<QueueSummary>>;
  loadParameters(): Promise<void>;
  setParameter(name: PurserParameterName, value: PurserParameterValue): Promise<Outcome<PurserParameter[]>>;
  /** Opens the parameters screen once a manager is signed in (it is theirs to change). */
  openParameters(): Promise<void>;
  /** main said a guest's folio, cards or records changed. */
  purserChanged(guestId: string): void;
}

/** Creates the purser slice. */
export const createPurserSlice: SliceCreator<PurserSlice, Pick<ManagerSlice, 'showScreen' | 'screen'> & Pick<StaffSlice, 'manager' | 'requestManager'>> = (
  set,
  get,
  api,
) => {
  /** An action on the open guest: its answer replaces the guest, the queue is read again. */
  const act = async (task: () => Promise<PurserActionResult>): Promise<Outcome<PurserActionResult>> => {
    const r = await outcomeOf(task);
    if (r.ok) set({ purserGuest: r.value.guest, purserGuestError: null });
    void get().loadQueue();
    return r;
  };
  const guestId = (): string => {
    const g = get().purserGuest;
    if (!g) throw new Error('Open a guest first: search by name or cabin, or swipe the cabin card.');
    return g.guest.guestId;
  };
  /** purser.changed can come in bursts (the sender answers several records): one reload at a time, one more after. */
  let reloading: Promise<void> | null = null;
  let again = false;

  return {
    purserQuery: '',
    purserGuests: null,
    purserGuestsError: null,
    purserGuest: null,
    purserGuestError: null,
    purserQueue: null,
    purserQueueError: null,
    purserParameters: null,
    purserParametersError: null,

    async searchGuests(query) {
      set({ purserQuery: query });
      const r = await outcomeOf(() => api.call('purser.guest.search', { query }));
      // A slower answer to an older query must not replace the newer one's.
      if (get().purserQuery !== query) return;
      set(r.ok ? { purserGuests: r.value, purserGuestsError: null } : { purserGuestsError: r.message });
    },

    async openGuest(id) {
      const r = await outcomeOf(() => api.call('purser.guest.get', { guestId: id }));
      set(r.ok ? { purserGuest: r.value, purserGuestError: null } : { purserGuestError: r.message });
      return r;
    },

    async openGuestByCabinCard(cardNumber) {
      const r = await outcomeOf(() => api.call('purser.guest.byCabinCard', { cardNumber }));
      set(r.ok ? { purserGuest: r.value, purserGuestError: null } : { purserGuestError: r.message });
      return r;
    },

    async awaitCabinCard() {
      const r = await outcomeOf(() => api.call('purser.guest.awaitCabinCard', { waitSeconds: CABIN_CARD_WAIT_SECONDS }, { timeoutMs: (CABIN_CARD_WAIT_SECONDS + 5) * 1000 }));
      // A swipe answered after the purser left the desk opens nothing.
      if (r.ok && get().screen === 'purser') set({ purserGuest: r.value, purserGuestError: null });
      return r;
    },

    closeGuest: () => set({ purserGuest: null, purserGuestError: null }),

    async reloadGuest() {
      if (reloading) {
        again = true;
        return reloading;
      }
      reloading = (async () => {
        do {
          again = false;
          const g = get().purserGuest;
          if (!g) break;
          const r = await outcomeOf(() => api.call('purser.guest.get', { guestId: g.guest.guestId }));
          // The purser may have opened another guest meanwhile: keep theirs.
          if (r.ok && get().purserGuest?.guest.guestId === g.guest.guestId) set({ purserGuest: r.value, purserGuestError: null });
        } while (again);
      })();
      try {
        await reloading;
      } finally {
        reloading = null;
      }
    },

    addPosting: (amount, description) => act(() => api.call('purser.posting.add', { guestId: guestId(), amount, description }, { timeoutMs: GATEWAY_TIMEOUT_MS })),
    registerCard: (terminalId) => act(() => api.call('purser.card.register', { guestId: guestId(), terminalId }, { timeoutMs: PIN_PAD_TIMEOUT_MS })),
    activateCard: (cardId) => act(() => api.call('purser.card.activate', { cardId }, { timeoutMs: GATEWAY_TIMEOUT_MS })),
    deactivateCard: (cardId) => act(() => api.call('purser.card.deactivate', { cardId })),
    addAuthorisation: (cardId, amount) => act(() => api.call('purser.card.addAuthorisation', { cardId, amount }, { timeoutMs: GATEWAY_TIMEOUT_MS })),
    setRouting: (cardIds) => act(() => api.call('purser.card.setRouting', { guestId: guestId(), cardIds })),
    payInvoice: (amount, method, terminalId) =>
      act(() =>
        api.call('purser.invoice.pay', { guestId: guestId(), amount, method, ...(terminalId !== undefined ? { terminalId } : {}) }, { timeoutMs: method === 'direct_sale' ? PIN_PAD_TIMEOUT_MS : GATEWAY_TIMEOUT_MS }),
      ),
    voidPayment: (paymentId) => act(() => api.call('purser.payment.void', { paymentId }, { timeoutMs: GATEWAY_TIMEOUT_MS })),

    async loadQueue() {
      const r = await outcomeOf(() => api.call('purser.queue.status', {}));
      set(r.ok ? { purserQueue: r.value, purserQueueError: null } : { purserQueueError: r.message });
    },

    async sendQueueNow() {
      const r = await outcomeOf(() => api.call('purser.queue.sendNow', {}, { timeoutMs: QUEUE_SEND_TIMEOUT_MS }));
      if (r.ok) set({ purserQueue: r.value, purserQueueError: null });
      void get().reloadGuest();
      return r;
    },

    async sendSettlementBatch() {
      const r = await outcomeOf(() => api.call('purser.settlement.sendBatch', {}, { timeoutMs: QUEUE_SEND_TIMEOUT_MS }));
      if (r.ok) set({ purserQueue: r.value, purserQueueError: null });
      void get().reloadGuest();
      return r;
    },

    async loadParameters() {
      const r = await outcomeOf(() => api.call('purser.parameters.get', {}));
      set(r.ok ? { purserParameters: r.value, purserParametersError: null } : { purserParametersError: r.message });
    },

    async setParameter(name, value) {
      const r = await outcomeOf(() => api.call('purser.parameters.set', { name, value }));
      if (r.ok) set({ purserParameters: r.value, purserParametersError: null });
      return r;
    },

    async openParameters() {
      if (!get().manager && !(await get().requestManager())) return;
      get().showScreen('purserParameters');
    },

    purserChanged(changed) {
      if (get().screen !== 'purser') return;
      void get().loadQueue();
      if (get().purserGuest?.guest.guestId === changed) void get().reloadGuest();
      // The search list shows balances: read it again when it lists the guest.
      if (get().purserGuests?.some((g) => g.guestId === changed)) void get().searchGuests(get().purserQuery);
    },
  };
};
