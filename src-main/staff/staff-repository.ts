// The staff table (migration 0080): people, roles, PIN hashes and staff cards.
// Every change writes a `staff` event in the same transaction (DESIGN §4); the
// events say what changed and who changed it (`actor`), never the PIN, its hash
// or the card number. Rows are never deleted: deactivation clears `active`.

import { AppError } from '../../src-shared/errors.ts';
import type { StaffRole, StaffSnapshot } from '../../src-shared/staff.ts';
import type { Journal } from '../journal/journal.ts';

interface StaffRow {
  id: string;
  name: string;
  role: StaffRole;
  pin_hash: string | null;
  card_number: string | null;
  active: number;
}

/** A staff row with its PIN record, for the sign-in code only (never sent to the UI). */
export interface StaffCredentials {
  id: string;
  name: string;
  role: StaffRole;
  active: boolean;
  pinHash: string | null;
}

/** Who made a change: a staff id, or a named tool such as the staff CLI. */
export type ChangeActor = string;

/** A staff card number: the 4-10 digit employee id on track 2 of a staff card. */
export const CARD_NUMBER_PATTERN = /^\d{4,10}$/;

function toSnapshot(r: StaffRow): StaffSnapshot {
  return { id: r.id, name: r.name, role: r.role, active: r.active === 1, hasPin: r.pin_hash !== null, hasCard: r.card_number !== null };
}

/** Reads and changes staff, journaling each change. */
export class StaffRepository {
  private readonly journal: Journal;

  constructor(journal: Journal) {
    this.journal = journal;
  }

  /** Everyone, managers first, then by name. */
  list(): StaffSnapshot[] {
    const rows = this.journal.db.prepare("SELECT * FROM staff ORDER BY active DESC, role = 'manager' DESC, name, id").all() as StaffRow[];
    return rows.map(toSnapshot);
  }

  /** One person; AppError not_found. */
  get(id: string): StaffSnapshot {
    return toSnapshot(this.row(id));
  }

  /** Active people with a PIN, with their PIN records (for sign-in). */
  activeWithPin(): StaffCredentials[] {
    const rows = this.journal.db.prepare('SELECT * FROM staff WHERE active = 1 AND pin_hash IS NOT NULL ORDER BY id').all() as StaffRow[];
    return rows.map((r) => ({ id: r.id, name: r.name, role: r.role, active: true, pinHash: r.pin_hash }));
  }

  /** The active person a staff card belongs to, if any. */
  byCard(cardNumber: string): StaffSnapshot | undefined {
    const row = this.journal.db.prepare('SELECT * FROM staff WHERE card_number = ? AND active = 1').get(cardNumber) as StaffRow | undefined;
    return row && toSnapshot(row);
  }

  /** Number of active managers. */
  activeManagers(): number {
    return (this.journal.db.prepare("SELECT count(*) AS n FROM staff WHERE active = 1 AND role = 'manager'").get() as { n: number }).n;
  }

  /** Adds a person; the PIN arrives already hashed. */
  add(input: { name: string; role: StaffRole; pinHash?: string; cardNumber?: string }, actor: ChangeActor): StaffSnapshot {
    const name = input.name.trim();
    if (name.length < 1 || name.length > 60) throw new AppError('invalid_request', 'A name is 1 to 60 characters.');
    return this.journal.transact(() => {
      if (input.cardNumber !== undefined) this.assertCardFree(input.cardNumber);
      const id = this.journal.newId();
      const now = this.journal.nowIso();
      this.journal.db
        .prepare('INSERT INTO staff (id, name, role, pin_hash, card_number, active, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)')
        .run(id, name, input.role, input.pinHash ?? null, input.cardNumber ?? null, now, now);
      this.event(id, 'added', { name, role: input.role, hasPin: input.pinHash !== undefined, hasCard: input.cardNumber !== undefined }, actor);
      return this.get(id);
    });
  }

  /** Replaces a person's PIN record. */
  setPinHash(id: string, pinHash: string, actor: ChangeActor): StaffSnapshot {
    return this.journal.transact(() => {
      this.activeRow(id);
      this.journal.db.prepare('UPDATE staff SET pin_hash = ?, updated_at = ? WHERE id = ?').run(pinHash, this.journal.nowIso(), id);
      this.event(id, 'pin_set', {}, actor);
      return this.get(id);
    });
  }

  /** Registers (or with null, removes) a person's staff card. */
  setCard(id: string, cardNumber: string | null, actor: ChangeActor): StaffSnapshot {
    return this.journal.transact(() => {
      this.activeRow(id);
      if (cardNumber !== null) this.assertCardFree(cardNumber, id);
      this.journal.db.prepare('UPDATE staff SET card_number = ?, updated_at = ? WHERE id = ?').run(cardNumber, this.journal.nowIso(), id);
      this.event(id, cardNumber === null ? 'card_removed' : 'card_set', {}, actor);
      return this.get(id);
    });
  }

  /** Deactivates a person; the last active manager cannot be, or nobody could manage the register. */
  deactivate(id: string, actor: ChangeActor): StaffSnapshot {
    return this.journal.transact(() => {
      const row = this.activeRow(id);
      if (row.role === 'manager' && this.activeManagers() <= 1) {
        throw new AppError('conflict', `${row.name} is the only active manager. Add another manager first.`);
      }
      this.journal.db.prepare('UPDATE staff SET active = 0, updated_at = ? WHERE id = ?').run(this.journal.nowIso(), id);
      this.event(id, 'deactivated', {}, actor);
      return this.get(id);
    });
  }

  /**
   * Journals a sign-in fact (signed in, signed out, wrong PIN, locked out). A journal
   * that refuses writes (damaged, disk full) does not stop sign-in: a manager must
   * still be able to sign in to look at it. Answers whether the fact was journaled.
   */
  recordSignIn(entityId: string, type: string, payload: object): boolean {
    try {
      this.journal.transact(() => this.journal.appendEvent({ entity: 'staff_sign_in', entityId, type, payload }));
      return true;
    } catch (err) {
      if (err instanceof AppError && err.code.startsWith('journal_')) return false;
      throw err;
    }
  }

  private row(id: string): StaffRow {
    const row = this.journal.db.prepare('SELECT * FROM staff WHERE id = ?').get(id) as StaffRow | undefined;
    if (!row) throw new AppError('not_found', 'That person is not on the staff list. Refresh the list.', { staffId: id });
    return row;
  }

  private activeRow(id: string): StaffRow {
    const row = this.row(id);
    if (row.active !== 1) throw new AppError('conflict', `${row.name} was deactivated. Add them again to change them.`);
    return row;
  }

  private assertCardFree(cardNumber: string, exceptId?: string): void {
    if (!CARD_NUMBER_PATTERN.test(cardNumber)) throw new AppError('invalid_request', 'A staff card number is 4 to 10 digits.');
    const other = this.journal.db.prepare('SELECT id FROM staff WHERE card_number = ? AND active = 1').get(cardNumber) as { id: string } | undefined;
    if (other && other.id !== exceptId) throw new AppError('conflict', 'That staff card is already registered to someone else.');
  }

  private event(entityId: string, type: string, payload: object, actor: ChangeActor): void {
    this.journal.appendEvent({ entity: 'staff', entityId, type, payload: { ...payload, actor } });
  }
}
