import type { Core } from '../../core.js';
import { MembersRepository } from './members.repository.js';
import { MembersService } from './members.service.js';

export { createMembersRouter } from './members.routes.js';

/** Council membership: the member lists, invitations by email, role changes, deactivation. */
export function createMembersFeature(core: Core) {
  return { service: new MembersService({ ...core, members: new MembersRepository(core.db) }) };
}
