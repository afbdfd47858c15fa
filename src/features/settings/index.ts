import type { Core } from '../../core.js';
import { SettingsService } from './settings.service.js';

export { createSettingsRouter } from './settings.routes.js';

/** The operator settings at /admin/settings (see README.md). */
export function createSettingsFeature(core: Core) {
  return { service: new SettingsService(core) };
}
