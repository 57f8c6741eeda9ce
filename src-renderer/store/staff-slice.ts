// Manager sign-in on the renderer side (issue 11 §1). The session token lives
// only in the IPC client's memory (sent in the envelope of every request; the
// host checks it on manager-only commands). A manager-only command tried with no
// session opens the sign-in dialog and runs once the manager signs in; a session
// that ended on the host (idle, deactivated) does the same. The header shows who
// is signed in; after the idle time without manager commands the renderer signs
// out on its own, matching the host.

import { isManagerOnly, type CommandName } from '../../src-shared/ipc-contract.ts';
import type { ManagerSession, SignInState, StaffActor, StaffRole, StaffSnapshot } from '../../src-shared/staff.ts';
import type { ManagerSlice } from './manager-slice.ts';
import type { SliceCreator } from './slice-types.ts';
import { outcomeOf, type HostApi, type Outcome } from './host-api.ts';

/** A command's outcome for a form: the value, or the host's words. */

/** Longest wait of one staff-card request; the dialog asks again while it stays open. */
const CARD_WAIT_SECONDS = 20;

/** Sign-in state and staff administration. */
export interface StaffSlice {
  /** The signed-in manager, or null. */
  manager: StaffActor | null;
  signInOpen: boolean;
  /** Why the dialog opened (the action that needs a manager), in plain words. */
  signInReason: string | null;
  signInState: SignInState | null;
  staff: StaffSnapshot[] | null;
  staffError: string | null;
  /** Opens the sign-in dialog; resolves true once a manager signs in, false when the dialog is closed. */
  requestManager(reason?: string): Promise<boolean>;
  closeSignIn(): void;
  loadSignInState(): Promise<void>;
  signInWithPin(pin: string): Promise<Outcome<ManagerSession>>;
  /** Waits for a staff card swipe while the dialog is open. */
  awaitCard(): Promise<Outcome<ManagerSession>>;
  signOut(): Promise<void>;
  loadStaff(): Promise<void>;
  addStaff(input: { name: string; role: StaffRole; pin?: string; cardNumber?: string }): Promise<Outcome<StaffSnapshot>>;
  setStaffPin(staffId: string, pin: string): Promise<Outcome<StaffSnapshot>>;
  deactivateStaff(staffId: string): Promise<Outcome<StaffSnapshot>>;
  /** A manager command went through: the idle timer starts again. */
  noteManagerActivity(): void;
  /** The session is over (signed out, idle, refused by the host): forget it. */
  managerSessionEnded(): void;
}

function isManagerRequired(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'manager_required';
}

/**
 * The host API every slice uses: a manager-only command asks for a manager first
 * (the sign-in dialog) and, if the host says the session ended, asks again and
 * retries once.
 */
export function withManagerSignIn(api: HostApi, get: () => StaffSlice): HostApi {
  const call: HostApi['call'] = async (method, params, opts) => {
    if (!isManagerOnly(method as CommandName)) return api.call(method, params, opts);
    if (!get().manager && !(await get().requestManager())) throw new Error('A manager must sign in for this. Swipe a manager card or type a manager PIN.');
    try {
      const result = await api.call(method, params, opts);
      get().noteManagerActivity();
      return result;
    } catch (err) {
      if (!isManagerRequired(err) || !(await get().requestManager('The manager sign-in ended. Sign in again to go on.'))) throw err;
      const result = await api.call(method, params, opts);
      get().noteManagerActivity();
      return result;
    }
  };
  return { call, on: api.on.bind(api), setSession: api.setSession.bind(api) };
}

/** Creates the staff slice. It talks to the raw API: sign-in itself needs no manager. */
export const createStaffSlice: SliceCreator<StaffSlice, Pick<ManagerSlice, 'screen' | 'showScreen'>> = (set, get, api) => {
  let waiters: ((ok: boolean) => void)[] = [];
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  const settle = (ok: boolean) => {
    const w = waiters;
    waiters = [];
    for (const r of w) r(ok);
  };
  const outcome = outcomeOf;
  const armIdle = () => {
    if (idleTimer) clearTimeout(idleTimer);
    const seconds = get().signInState?.idleTimeoutSeconds ?? 300;
    idleTimer = setTimeout(() => void get().signOut(), seconds * 1000);
  };
  const signedIn = (s: ManagerSession) => {
    api.setSession(s.token);
    set({ manager: s.staff, signInOpen: false, signInReason: null, signInState: { ...(get().signInState ?? { trainingPin: null, lockedForSeconds: 0 }), signedIn: s.staff, idleTimeoutSeconds: s.idleTimeoutSeconds } });
    armIdle();
    settle(true);
  };

  return {
    manager: null,
    signInOpen: false,
    signInReason: null,
    signInState: null,
    staff: null,
    staffError: null,

    requestManager(reason) {
      if (get().manager && !reason) return Promise.resolve(true);
      if (reason) get().managerSessionEnded();
      set({ signInOpen: true, signInReason: reason ?? 'This needs a manager.' });
      void get().loadSignInState();
      return new Promise<boolean>((resolve) => waiters.push(resolve));
    },

    closeSignIn() {
      set({ signInOpen: false, signInReason: null });
      settle(false);
    },

    async loadSignInState() {
      const r = await outcome(() => api.call('staff.signInState', {}));
      if (!r.ok) return;
      set({ signInState: r.value });
      if (!r.value.signedIn && get().manager) get().managerSessionEnded();
    },

    async signInWithPin(pin) {
      const r = await outcome(() => api.call('staff.signIn', { pin }));
      if (r.ok) signedIn(r.value);
      else void get().loadSignInState();
      return r;
    },

    async awaitCard() {
      const r = await outcome(() => api.call('staff.awaitCard', { waitSeconds: CARD_WAIT_SECONDS }, { timeoutMs: (CARD_WAIT_SECONDS + 5) * 1000 }));
      if (r.ok && get().signInOpen) signedIn(r.value);
      return r;
    },

    async signOut() {
      if (idleTimer) clearTimeout(idleTimer);
      idleTimer = undefined;
      await outcome(() => api.call('staff.signOut', {}));
      get().managerSessionEnded();
    },

    noteManagerActivity() {
      if (get().manager) armIdle();
    },

    managerSessionEnded() {
      api.setSession(undefined);
      set({ manager: null, staff: null });
      // A manager screen is left for the register: what it showed needs a manager.
      if (get().screen === 'staff') get().showScreen('register');
      if (get().screen === 'purserParameters') get().showScreen('purser');
    },

    async loadStaff() {
      const r = await outcome(() => guarded().call('staff.list', {}));
      set(r.ok ? { staff: r.value, staffError: null } : { staffError: r.message });
    },
    addStaff: (input) => change(() => guarded().call('staff.add', input)),
    setStaffPin: (staffId, pin) => change(() => guarded().call('staff.setPin', { staffId, pin })),
    deactivateStaff: (staffId) => change(() => guarded().call('staff.deactivate', { staffId })),
  };

  function guarded(): HostApi {
    return withManagerSignIn(api, get);
  }
  async function change<T>(task: () => Promise<T>): Promise<Outcome<T>> {
    const r = await outcome(task);
    await get().loadStaff();
    return r;
  }
};
