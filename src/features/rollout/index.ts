import type { Core } from '../../composition.js';
import type { AdminService } from '../admin/admin.service.js';
import type { MembersService } from '../members/members.service.js';
import { RolloutRepository } from './rollout.repository.js';
import { createRolloutRouter } from './rollout.routes.js';
import { RolloutService } from './rollout.service.js';

/** Roll-out of councils (issue 6, item 5): "Opret lokalråd" on one page, and CSV import (see README.md). */
export function createRolloutFeature(core: Core, extras: { admin: AdminService; members: MembersService }) {
  const service = new RolloutService({
    db: core.db,
    users: core.users,
    audit: core.audit,
    admin: extras.admin,
    members: extras.members,
    repo: new RolloutRepository(core.db),
  });
  return { router: createRolloutRouter(service), service };
}
