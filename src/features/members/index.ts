import type { Core } from '../../composition.js';
import { MembersRepository } from './members.repository.js';
import { createMembersRouter } from './members.routes.js';
import { MembersService } from './members.service.js';

/** Council membership: the member lists, invitations by email, role changes, deactivation. */
export function createMembersFeature(core: Core) {
  const members = new MembersRepository(core.db);
  const service = new MembersService({ ...core, members });
  return { router: createMembersRouter(service), service };
}
