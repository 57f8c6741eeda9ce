// Staff, roles and manager sessions as both processes see them (issue 11 §1).
// Nothing here is secret: no PIN and no PIN hash ever crosses the IPC boundary;
// a staff card number is reduced to "has a card".

/** What a person may do: cashiers sell; managers also change settings, void, refund, close batches. */
export type StaffRole = 'cashier' | 'manager';

/** One person on the staff list. */
export interface StaffSnapshot {
  id: string;
  name: string;
  role: StaffRole;
  active: boolean;
  /** A PIN is set (the PIN itself is never shown). */
  hasPin: boolean;
  /** A staff card is registered. */
  hasCard: boolean;
}

/** Who did a manager action; journaled on its events as `actor`. */
export interface StaffActor {
  staffId: string;
  name: string;
  role: StaffRole;
}

/** A manager session just opened: the token proves it on every manager-only command until idle or sign-out. */
export interface ManagerSession {
  /** Opaque, random; sent in the request envelope's `session` field, kept only in memory by the renderer. */
  token: string;
  staff: StaffActor;
  /** The session ends after this many seconds without a manager command. */
  idleTimeoutSeconds: number;
}

/** What the sign-in dialog and the header show. */
export interface SignInState {
  /** The manager the sent session belongs to, or null when it is missing, ended or expired. */
  signedIn: StaffActor | null;
  idleTimeoutSeconds: number;
  /** Training mode only: the demo manager's PIN, shown on screen so a trainee can sign in. */
  trainingPin: string | null;
  /** Seconds left of a lockout after too many wrong PINs (0: not locked). */
  lockedForSeconds: number;
}

/** Idle minutes of a manager session. */
export const MANAGER_IDLE_SECONDS = 5 * 60;
