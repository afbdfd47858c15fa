import type { Core } from '../../core.js';
import { TriageRepository } from './triage.repository.js';
import { TriageService } from './triage.service.js';

export { createTriageRouter } from './triage.routes.js';

/** The lists of concerns: the officer's queue /triage and "Mine bekymringer" /concerns, with search and counts. */
export function createTriageFeature(core: Core) {
  return { service: new TriageService({ ...core, triage: new TriageRepository(core.db) }) };
}
