import type { Core } from '../../composition.js';
import { TriageRepository } from './triage.repository.js';
import { createTriageRouter } from './triage.routes.js';
import { TriageService } from './triage.service.js';

/** The lists of concerns: the officer's queue /triage and "Mine bekymringer" /concerns, with search and counts. */
export function createTriageFeature(core: Core) {
  const triage = new TriageRepository(core.db);
  const service = new TriageService({ ...core, triage });
  return { router: createTriageRouter(service), service };
}
