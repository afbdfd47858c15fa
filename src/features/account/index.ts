import type { Core } from '../../composition.js';
import { createAccountRouter } from './account.routes.js';
import { AccountService } from './account.service.js';

/** The signed-in person's own account: profile, notifications, password and two-factor (/account). */
export function createAccountFeature(core: Core) {
  const service = new AccountService(core);
  const router = createAccountRouter(service);
  return { router, service };
}
