import type { Core } from '../../core.js';
import { AdminRepository } from './admin.repository.js';
import { AdminService } from './admin.service.js';

export { createAdminRouter } from './admin.routes.js';

/** The district administration under /admin (see README.md). */
export function createAdminFeature(core: Core) {
  return { service: new AdminService({ ...core, repo: new AdminRepository(core.db) }) };
}
