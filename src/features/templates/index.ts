import type { Core } from '../../composition.js';
import { TemplatesRepository } from './templates.repository.js';
import { createTemplatesRouter } from './templates.routes.js';
import { TemplatesService } from './templates.service.js';

/** Tekstskabeloner: reply texts officers and district admins manage at /templates. */
export function createTemplatesFeature(core: Core) {
  const templates = new TemplatesRepository(core.db);
  const service = new TemplatesService({ ...core, templates });
  return { router: createTemplatesRouter(service), service };
}
