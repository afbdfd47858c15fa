import type { Core } from '../../composition.js';
import { AdminRepository } from './admin.repository.js';
import { createAdminRouter } from './admin.routes.js';
import { AdminService } from './admin.service.js';

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
  return { router: createAdminRouter(service), service };
}
