import type { Core } from '../../core.js';
import type { AdminService } from '../admin/admin.service.js';
import type { MembersService } from '../members/members.service.js';
import { RolloutRepository } from './rollout.repository.js';
import { RolloutService } from './rollout.service.js';

export { createRolloutRouter } from './rollout.routes.js';

/** Roll-out of councils: "Opret lokalråd" on one page, and CSV import (see README.md). */
export function createRolloutFeature(core: Core, deps: { admin: AdminService; members: MembersService }) {
  const service = new RolloutService({
    ...core,
    admin: deps.admin,
    members: deps.members,
    repo: new RolloutRepository(core.db),
  });
  return { service };
}
