import type { RequestContext } from '../../audit/audit-log.js';
import { type Actor, ensure, policy } from '../../auth/policy.js';
import type { Core } from '../../core.js';
import { SETTING_DEFAULTS, type SettingKey } from '../../db/settings.repository.js';
import { SETTING_FIELDS, type SettingValues } from './settings.schemas.js';

type Deps = Pick<Core, 'db' | 'settings' | 'audit'>;

/**
 * The operator settings at /admin/settings: district admins read and change them (404 for
 * everyone else). A save writes only what changed, with one audit line listing each change; the
 * settings repository's cache is updated at once, so every later read — a job's next tick, the
 * next page — uses the new value without a restart.
 */
export class SettingsService {
  constructor(private readonly deps: Deps) {}

  /** Throws 404 unless the actor is a district admin; routes call it before reading a form. */
  assertCanManage(actor: Actor): void {
    ensure(policy.isDistrictAdmin(actor));
  }

  /** Every setting's current value (the default when never set). */
  current(actor: Actor): SettingValues {
    this.assertCanManage(actor);
    const { settings } = this.deps;
    return Object.fromEntries(SETTING_FIELDS.map((f) => [f.key, settings.get(f.key)])) as SettingValues;
  }

  /** The defaults, shown beside each field. */
  defaults(): Readonly<Record<SettingKey, string>> {
    return SETTING_DEFAULTS;
  }

  /** Saves the changed values in one transaction and returns the keys that changed. */
  update(actor: Actor, values: SettingValues, ctx: RequestContext = {}): SettingKey[] {
    const { db, settings, audit } = this.deps;
    return db.transaction(() => {
      const before = this.current(actor);
      const changed = SETTING_FIELDS.map((f) => f.key).filter((key) => values[key] !== before[key]);
      if (changed.length === 0) return [];
      // Operator values, none of them personal: the line keeps both sides of each change.
      const details = Object.fromEntries(
        changed.map((key) => [key, { from: before[key], to: values[key] }]),
      ) as { [K in SettingKey]?: { from: string; to: string } };
      audit.record(actor, 'settings.updated', null, ctx, details);
      // Last in the transaction: set() also updates the cache, which a rollback would not undo.
      for (const key of changed) settings.set(key, values[key]);
      return changed;
    })();
  }
}
