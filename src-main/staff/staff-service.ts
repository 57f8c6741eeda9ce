// Who may do what (issue 11 §1): staff administration, manager sign-in by PIN or
// staff card, short-lived manager sessions, and the lockout after wrong PINs.
//
// Sessions live only in this process's memory: a restart signs every manager
// out. A session token is 32 random bytes from crypto.randomBytes (not the
// injected id generator: it must be unguessable); only its SHA-256 is kept, so
// a heap dump holds nothing replayable. Time comes from the injected clock.

import crypto from 'node:crypto';
import { AppError } from '../../src-shared/errors.ts';
import { MANAGER_IDLE_SECONDS, type ManagerSession, type SignInState, type StaffActor, type StaffRole, type StaffSnapshot } from '../../src-shared/staff.ts';
import type { Journal } from '../journal/journal.ts';
import { assertPinShape, DEFAULT_SCRYPT_PARAMS, hashPin, verifyPin, type ScryptParams } from './pin-hash.ts';
import { CARD_NUMBER_PATTERN, StaffRepository, type ChangeActor } from './staff-repository.ts';

/** The demo manager of training mode: not in the staff table, so it cannot outlive training. */
export const TRAINING_MANAGER: Readonly<StaffActor> = Object.freeze({ staffId: 'training-manager', name: 'Training Manager', role: 'manager' });
/** The demo manager's PIN, shown on screen in training mode. */
export const TRAINING_MANAGER_PIN = '2468';

/** Wrong PINs in a row before sign-in by PIN is locked. */
export const MAX_PIN_FAILURES = 5;
/** How long the lock lasts. */
export const LOCKOUT_SECONDS = 60;

export interface StaffServiceOptions {
  /** Register whose sign-in log (lockouts, sign-ins) this is. */
  registerId: string;
  clock?: () => Date;
  /** scrypt cost for new PIN records (tests use a cheaper one). */
  hashParams?: ScryptParams;
  idleSeconds?: number;
  /**
   * True while the training demo manager may sign in (the host decides: training
   * mode on, and no real manager yet unless training was asked for explicitly).
   */
  trainingManager?: () => boolean;
}

interface Session {
  actor: StaffActor;
  lastUsedMs: number;
  method: 'pin' | 'card';
}

const MANAGER_REQUIRED = 'A manager must sign in for this. Swipe a manager card or type a manager PIN.';

function digest(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

function actorOf(s: StaffSnapshot): StaffActor {
  return { staffId: s.id, name: s.name, role: s.role };
}

/** Staff, sign-in and manager sessions of one register. */
export class StaffService {
  readonly repo: StaffRepository;
  private readonly o: StaffServiceOptions;
  private readonly now: () => number;
  private readonly idleMs: number;
  private readonly sessions = new Map<string, Session>();
  private failures = 0;
  private lockedUntilMs = 0;
  /** PIN checks run one at a time, so parallel guesses cannot slip past the lockout. */
  private pinQueue: Promise<unknown> = Promise.resolve();
  private cardWaiters = new Set<{ resolve: (s: ManagerSession) => void; reject: (e: unknown) => void }>();

  constructor(journal: Journal, opts: StaffServiceOptions) {
    this.repo = new StaffRepository(journal);
    this.o = opts;
    const clock = opts.clock ?? (() => new Date());
    this.now = () => clock().getTime();
    this.idleMs = (opts.idleSeconds ?? MANAGER_IDLE_SECONDS) * 1000;
  }

  // ---- administration -------------------------------------------------------

  list(): StaffSnapshot[] {
    return this.repo.list();
  }

  /** Adds a person; a PIN is hashed first and must differ from every other active person's. */
  async add(input: { name: string; role: StaffRole; pin?: string; cardNumber?: string }, actor: ChangeActor): Promise<StaffSnapshot> {
    const pinHash = input.pin === undefined ? undefined : await this.newPinRecord(input.pin);
    return this.repo.add({ name: input.name, role: input.role, pinHash, cardNumber: input.cardNumber }, actor);
  }

  async setPin(staffId: string, pin: string, actor: ChangeActor): Promise<StaffSnapshot> {
    this.repo.get(staffId);
    const record = await this.newPinRecord(pin, staffId);
    return this.repo.setPinHash(staffId, record, actor);
  }

  setCard(staffId: string, cardNumber: string | null, actor: ChangeActor): StaffSnapshot {
    return this.repo.setCard(staffId, cardNumber, actor);
  }

  /** Deactivates a person and ends their sessions at once. */
  deactivate(staffId: string, actor: ChangeActor): StaffSnapshot {
    const s = this.repo.deactivate(staffId, actor);
    for (const [key, session] of this.sessions) if (session.actor.staffId === staffId) this.sessions.delete(key);
    return s;
  }

  // ---- sign-in ---------------------------------------------------------------

  /** Signs a manager in by PIN. Five wrong PINs in a row lock PIN sign-in for a minute (journaled). */
  signInWithPin(pin: string): Promise<ManagerSession> {
    const run = this.pinQueue.then(() => this.checkPin(pin));
    this.pinQueue = run.catch(() => undefined);
    return run;
  }

  /** Signs in the manager whose staff card was swiped (the reader's employee id). */
  signInWithCard(cardNumber: string): ManagerSession {
    const staff = CARD_NUMBER_PATTERN.test(cardNumber) ? this.repo.byCard(cardNumber) : undefined;
    if (!staff || staff.role !== 'manager') {
      this.repo.recordSignIn(this.o.registerId, 'card_rejected', { registered: staff !== undefined });
      throw new AppError(
        'unauthorised',
        staff ? `${staff.name} is not a manager. A manager must sign in for this.` : 'This staff card is not registered to a manager. Swipe a manager card or type a manager PIN.',
      );
    }
    return this.open(actorOf(staff), 'card');
  }

  /**
   * Waits for the next staff card swiped on the HID reader and signs its owner in
   * (the sign-in dialog asks while it is open). Rejects after timeoutMs.
   */
  awaitCard(timeoutMs: number): Promise<ManagerSession> {
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: (s: ManagerSession) => {
          clearTimeout(timer);
          resolve(s);
        },
        reject: (e: unknown) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        this.cardWaiters.delete(waiter);
        reject(new AppError('not_found', 'No staff card was swiped. Swipe the card again or type the PIN.'));
      }, timeoutMs);
      this.cardWaiters.add(waiter);
    });
  }

  /** A staff card swiped on the reader: signs its owner in for whoever is waiting (nobody waiting: ignored). */
  staffCardSwiped(cardNumber: string): void {
    if (this.cardWaiters.size === 0) return;
    const waiters = [...this.cardWaiters];
    this.cardWaiters.clear();
    try {
      const session = this.signInWithCard(cardNumber);
      waiters[0].resolve(session);
      // Only one dialog gets the session; any other waiting one asks again.
      for (const w of waiters.slice(1)) w.reject(new AppError('conflict', 'The card signed in on another screen. Swipe it again here.'));
    } catch (err) {
      for (const w of waiters) w.reject(err);
    }
  }

  /** Ends a session (explicit sign-out). Unknown tokens are ignored. */
  signOut(token: string | undefined): void {
    const key = token && digest(token);
    const session = key ? this.sessions.get(key) : undefined;
    if (!key || !session) return;
    this.sessions.delete(key);
    this.repo.recordSignIn(session.actor.staffId, 'signed_out', { registerId: this.o.registerId, reason: 'sign_out' });
  }

  /**
   * The one guard of every manager action: answers who the live manager session
   * belongs to and restarts its idle timer, or throws manager_required.
   */
  requireManager(token: string | undefined): StaffActor {
    const actor = this.liveSession(token, true);
    if (!actor) throw new AppError('manager_required', MANAGER_REQUIRED);
    return actor;
  }

  /** What the sign-in dialog and header show for a (possibly absent) session token; does not extend it. */
  state(token: string | undefined): SignInState {
    return {
      signedIn: this.liveSession(token, false) ?? null,
      idleTimeoutSeconds: this.idleMs / 1000,
      trainingPin: this.o.trainingManager?.() ? TRAINING_MANAGER_PIN : null,
      lockedForSeconds: this.lockedForSeconds(),
    };
  }

  /** Ends every session and refuses card waiters (host closing). */
  close(): void {
    this.sessions.clear();
    for (const w of this.cardWaiters) w.reject(new AppError('internal', 'The register host has shut down. Restart the app.'));
    this.cardWaiters.clear();
  }

  // ---- internals ---------------------------------------------------------------

  private lockedForSeconds(): number {
    const left = this.lockedUntilMs - this.now();
    return left > 0 ? Math.ceil(left / 1000) : 0;
  }

  private async checkPin(pin: string): Promise<ManagerSession> {
    const locked = this.lockedForSeconds();
    if (locked > 0) {
      throw new AppError('unauthorised', `Too many wrong PINs. Wait ${locked} seconds and try again, or swipe a manager card.`, { lockedForSeconds: locked });
    }
    if (this.lockedUntilMs !== 0) {
      // A lock that ran out starts a fresh count.
      this.lockedUntilMs = 0;
      this.failures = 0;
    }
    assertPinShape(pin);
    const matched = await this.findByPin(pin);
    if (matched && matched.role === 'manager') {
      this.failures = 0;
      return this.open(matched, 'pin');
    }
    this.failures += 1;
    this.repo.recordSignIn(this.o.registerId, 'pin_rejected', { failures: this.failures, cashier: matched !== undefined });
    if (this.failures >= MAX_PIN_FAILURES) {
      this.lockedUntilMs = this.now() + LOCKOUT_SECONDS * 1000;
      this.repo.recordSignIn(this.o.registerId, 'locked_out', { failures: this.failures, seconds: LOCKOUT_SECONDS });
      throw new AppError('unauthorised', `Too many wrong PINs. PIN sign-in is locked for ${LOCKOUT_SECONDS} seconds; a manager card still works.`, {
        lockedForSeconds: LOCKOUT_SECONDS,
      });
    }
    const left = MAX_PIN_FAILURES - this.failures;
    throw new AppError(
      'unauthorised',
      matched ? `That is not a manager's PIN. ${left} more ${left === 1 ? 'try' : 'tries'} before PIN sign-in locks.` : `That PIN is not right. ${left} more ${left === 1 ? 'try' : 'tries'} before PIN sign-in locks.`,
    );
  }

  /** The active person (or the training manager) whose PIN this is. */
  private async findByPin(pin: string, exceptId?: string): Promise<StaffActor | undefined> {
    if (this.o.trainingManager?.() && exceptId === undefined && crypto.timingSafeEqual(Buffer.from(pin.padEnd(8)), Buffer.from(TRAINING_MANAGER_PIN.padEnd(8)))) {
      return TRAINING_MANAGER;
    }
    const people = this.repo.activeWithPin().filter((p) => p.id !== exceptId);
    // Every record is checked (in parallel on the libuv pool), so the answer's timing does not say whose PIN it was.
    const hits = await Promise.all(people.map((p) => verifyPin(pin, p.pinHash!)));
    const i = hits.indexOf(true);
    return i < 0 ? undefined : { staffId: people[i].id, name: people[i].name, role: people[i].role };
  }

  /** A new PIN record; refuses a PIN another active person has (PIN alone says who signs in). */
  private async newPinRecord(pin: string, staffId?: string): Promise<string> {
    assertPinShape(pin);
    if (pin === TRAINING_MANAGER_PIN || (await this.findByPin(pin, staffId ?? ''))) {
      throw new AppError('conflict', 'That PIN cannot be used. Choose a different PIN.');
    }
    return hashPin(pin, this.o.hashParams ?? DEFAULT_SCRYPT_PARAMS);
  }

  private open(actor: StaffActor, method: Session['method']): ManagerSession {
    const token = crypto.randomBytes(32).toString('base64url');
    this.sessions.set(digest(token), { actor, lastUsedMs: this.now(), method });
    this.repo.recordSignIn(actor.staffId, 'signed_in', { registerId: this.o.registerId, method, training: actor.staffId === TRAINING_MANAGER.staffId });
    return { token, staff: actor, idleTimeoutSeconds: this.idleMs / 1000 };
  }

  private liveSession(token: string | undefined, touch: boolean): StaffActor | undefined {
    if (!token) return undefined;
    const key = digest(token);
    const session = this.sessions.get(key);
    if (!session) return undefined;
    const now = this.now();
    if (now - session.lastUsedMs > this.idleMs) {
      this.sessions.delete(key);
      this.repo.recordSignIn(session.actor.staffId, 'signed_out', { registerId: this.o.registerId, reason: 'idle' });
      return undefined;
    }
    if (!this.stillManager(session.actor)) {
      this.sessions.delete(key);
      return undefined;
    }
    if (touch) session.lastUsedMs = now;
    return session.actor;
  }

  private stillManager(actor: StaffActor): boolean {
    if (actor.staffId === TRAINING_MANAGER.staffId) return this.o.trainingManager?.() === true;
    try {
      const s = this.repo.get(actor.staffId);
      return s.active && s.role === 'manager';
    } catch {
      return false;
    }
  }
}
