import type { Core } from '../../core.js';
import { AccountService } from './account.service.js';

export { createAccountRouter } from './account.routes.js';

/** The signed-in person's own account: profile, notifications, password and two-factor (/account). */
export function createAccountFeature(core: Core) {
  return { service: new AccountService(core) };
}
