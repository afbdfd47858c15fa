import type { Core } from '../../core.js';
import { TemplatesRepository } from './templates.repository.js';
import { TemplatesService } from './templates.service.js';

export { createTemplatesRouter } from './templates.routes.js';

/** Tekstskabeloner: reply texts officers and district admins manage at /templates. */
export function createTemplatesFeature(core: Core) {
  return { service: new TemplatesService({ ...core, templates: new TemplatesRepository(core.db) }) };
}
