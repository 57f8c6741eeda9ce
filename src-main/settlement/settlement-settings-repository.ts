// Register settings of the settlement review, kept in the journal as events
// (entity 'register', type 'setting_changed'): the hash chain then records
// every change and when it was made, and the latest event is the value. No
// state table is needed for a handful of flags; migration 0090's partial
// index finds the latest one without walking the log.
//
// Changing a setting is a manager action (issue 11 §1); the guard comes with
// the sign-in work, which will also add who changed it to the event.

import type { SettlementSettings } from '../../src-shared/settlement-types.ts';
import type { Journal } from '../journal/journal.ts';

/** Setting keys as journaled. */
const SHOW_VOIDED = 'settlement.showVoided';

/** The defaults: voided settlements shown (highlighted), so nothing is hidden until a manager asks. */
export const DEFAULT_SETTLEMENT_SETTINGS: SettlementSettings = { showVoided: true };

/** Reads and changes the settlement review's settings of one register. */
export class SettlementSettingsRepository {
  private cached: SettlementSettings | undefined;

  constructor(
    private readonly journal: Journal,
    private readonly registerId: string,
  ) {}

  /** The current settings (the latest journaled values, else the defaults). */
  get(): SettlementSettings {
    if (this.cached) return this.cached;
    const latest = this.journal.db
      .prepare(
        "SELECT json_extract(payload, '$.value') FROM events WHERE entity = 'register' AND type = 'setting_changed' AND entity_id = ? AND json_extract(payload, '$.key') = ? ORDER BY seq DESC LIMIT 1",
      )
      .pluck()
      .get(this.registerId, SHOW_VOIDED) as number | undefined;
    this.cached = { showVoided: latest === undefined ? DEFAULT_SETTLEMENT_SETTINGS.showVoided : latest === 1 };
    return this.cached;
  }

  /** Journals a new "show voided" value (no event when it is already that). */
  setShowVoided(showVoided: boolean): SettlementSettings {
    if (this.get().showVoided === showVoided) return this.get();
    this.journal.transact(() => {
      this.journal.appendEvent({ entity: 'register', entityId: this.registerId, type: 'setting_changed', payload: { key: SHOW_VOIDED, value: showVoided } });
    });
    this.cached = { ...this.get(), showVoided };
    return this.cached;
  }
}
