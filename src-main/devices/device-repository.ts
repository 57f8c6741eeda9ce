// SQL access to the devices table. Every change is written with its event in
// the same transaction (DESIGN §4); rows are never deleted, only marked removed.

import type BetterSqlite3 from 'better-sqlite3';
import type { DeviceDraft, DeviceKind } from '../../src-shared/device-settings.ts';
import type { DeviceSnapshot } from '../../src-shared/domain.ts';
import { AppError } from '../../src-shared/errors.ts';
import type { Journal } from '../journal/journal.ts';

interface DeviceRow {
  id: string;
  register_id: string;
  kind: DeviceKind;
  name: string;
  model: string;
  settings: string;
  assigned: 0 | 1;
  removed: 0 | 1;
  created_at: string;
  updated_at: string;
}

const KIND_ORDER: Record<DeviceKind, number> = { pin_pad: 0, printer: 1, card_reader: 2 };

/** Devices of one register, journaled. */
export class DeviceRepository {
  private readonly q: Record<'byId' | 'list' | 'insert' | 'update' | 'setAssigned' | 'remove' | 'assignedOfKind', BetterSqlite3.Statement>;

  constructor(
    private readonly journal: Journal,
    private readonly registerId: string,
  ) {
    const db = journal.db;
    this.q = {
      byId: db.prepare('SELECT * FROM devices WHERE id = ? AND register_id = ?'),
      list: db.prepare('SELECT * FROM devices WHERE register_id = ? AND removed = 0 ORDER BY created_at, id'),
      insert: db.prepare(
        `INSERT INTO devices (id, register_id, kind, name, model, settings, assigned, removed, created_at, updated_at)
         VALUES (@id, @register_id, @kind, @name, @model, @settings, 0, 0, @now, @now)`,
      ),
      update: db.prepare('UPDATE devices SET name = @name, model = @model, settings = @settings, updated_at = @now WHERE id = @id'),
      setAssigned: db.prepare('UPDATE devices SET assigned = ?, updated_at = ? WHERE id = ?'),
      remove: db.prepare('UPDATE devices SET removed = 1, assigned = 0, updated_at = ? WHERE id = ?'),
      assignedOfKind: db.prepare('SELECT * FROM devices WHERE register_id = ? AND kind = ? AND assigned = 1'),
    };
  }

  /** Devices not removed: PIN pads, then printers, then card readers, oldest first. */
  list(): DeviceSnapshot[] {
    const rows = (this.q.list.all(this.registerId) as DeviceRow[]).map(toSnapshot);
    return rows.sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
  }

  /** Devices in use on this register. */
  assigned(): DeviceSnapshot[] {
    return this.list().filter((d) => d.assigned);
  }

  /** One device (removed ones too); AppError not_found. */
  get(id: string): DeviceSnapshot {
    const row = this.q.byId.get(id, this.registerId) as DeviceRow | undefined;
    if (!row) throw new AppError('not_found', `There is no device "${id}" on this register. Refresh the device list.`, { deviceId: id });
    return toSnapshot(row);
  }

  /** Adds a device (unassigned). */
  add(draft: DeviceDraft, actor?: string): DeviceSnapshot {
    return this.journal.transact(() => {
      const id = this.journal.newId();
      this.q.insert.run({ id, register_id: this.registerId, kind: draft.kind, name: draft.name, model: draft.model, settings: JSON.stringify(draft.settings), now: this.journal.nowIso() });
      this.event(id, 'added', describe(draft), actor);
      return this.get(id);
    });
  }

  /** Changes a device's name, model and settings; its kind cannot change. */
  update(id: string, draft: DeviceDraft, actor?: string): DeviceSnapshot {
    return this.journal.transact(() => {
      const before = this.live(id);
      if (before.kind !== draft.kind) {
        throw new AppError('conflict', `Device "${before.name}" is a ${label(before.kind)}; it cannot become a ${label(draft.kind)}. Add a new device instead.`);
      }
      this.q.update.run({ id, name: draft.name, model: draft.model, settings: JSON.stringify(draft.settings), now: this.journal.nowIso() });
      this.event(id, 'changed', describe(draft), actor);
      return this.get(id);
    });
  }

  /**
   * Puts a device in use (taking the previous one of its kind out of use, with
   * its own event) or takes it out of use. Answers the device and the one it replaced.
   */
  assign(id: string, assigned: boolean, actor?: string): { device: DeviceSnapshot; replaced?: DeviceSnapshot } {
    return this.journal.transact(() => {
      const device = this.live(id);
      if (device.assigned === assigned) return { device };
      const now = this.journal.nowIso();
      let replaced: DeviceSnapshot | undefined;
      if (assigned) {
        const current = this.q.assignedOfKind.get(this.registerId, device.kind) as DeviceRow | undefined;
        if (current) {
          this.q.setAssigned.run(0, now, current.id);
          this.event(current.id, 'unassigned', { replacedBy: id }, actor);
          replaced = this.get(current.id);
        }
      }
      this.q.setAssigned.run(assigned ? 1 : 0, now, id);
      this.event(id, assigned ? 'assigned' : 'unassigned', {}, actor);
      return { device: this.get(id), replaced };
    });
  }

  /** Marks a device removed (and out of use). */
  remove(id: string, actor?: string): DeviceSnapshot {
    return this.journal.transact(() => {
      const device = this.live(id);
      this.q.remove.run(this.journal.nowIso(), id);
      this.event(id, 'removed', { wasAssigned: device.assigned }, actor);
      return this.get(id);
    });
  }

  /** Journals the outcome of a connection test of a saved device. */
  recordTest(id: string, ok: boolean, message: string, actor?: string): void {
    this.journal.transact(() => this.event(id, 'tested', { ok, message }, actor));
  }

  private live(id: string): DeviceSnapshot {
    const d = this.get(id);
    if (d.removed) throw new AppError('conflict', `Device "${d.name}" was removed. Add it again to use it.`, { deviceId: id });
    return d;
  }

  /** actor: the staff id of the manager who made the change (issue 11 §1), when a person did. */
  private event(entityId: string, type: string, payload: object, actor?: string): void {
    const who = actor === undefined ? {} : { actor };
    this.journal.appendEvent({ entity: 'device', entityId, type, payload: { registerId: this.registerId, ...payload, ...who } });
  }
}

/** A person's name for a kind. */
export function label(kind: DeviceKind): string {
  return kind === 'pin_pad' ? 'PIN pad' : kind === 'printer' ? 'receipt printer' : 'card reader';
}

function describe(draft: DeviceDraft): object {
  return { kind: draft.kind, name: draft.name, model: draft.model, settings: draft.settings };
}

function toSnapshot(row: DeviceRow): DeviceSnapshot {
  return {
    id: row.id,
    registerId: row.register_id,
    kind: row.kind,
    name: row.name,
    model: row.model,
    settings: JSON.parse(row.settings),
    assigned: row.assigned === 1,
    removed: row.removed === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  } as DeviceSnapshot;
}
