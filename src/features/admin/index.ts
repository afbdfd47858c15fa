import type { Core } from '../../core.js';
import { AdminRepository } from './admin.repository.js';
import { AdminService } from './admin.service.js';

export { createAdminRouter } from './admin.routes.js';

/** The district administration under /admin (see README.md). */
export function createAdminFeature(core: Core) {
  const service = new AdminService({
    db: core.db,
    repo: new AdminRepository(core.db),
    users: core.users,
    audit: core.audit,
    invitations: core.invitations,
    settings: core.settings,
    now: core.now,
  });
  return { service };
}
