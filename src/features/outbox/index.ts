import type { Core } from '../../core.js';
import { OutboxService } from './outbox.service.js';

export { createOutboxRouter } from './outbox.routes.js';

/** Undelivered mail at /admin/outbox (see README.md). */
export function createOutboxFeature(core: Core) {
  return { service: new OutboxService(core) };
}
