import type { Core } from '../../core.js';
import type { SurveysService } from '../surveys/surveys.service.js';
import { StatsRepository } from './stats.repository.js';
import { StatsService } from './stats.service.js';

export { createStatsRouter } from './stats.routes.js';

/** The evaluation under /stats: figures, comparisons, CSV exports and the printable report. */
export function createStatsFeature(core: Core, deps: { surveys: Pick<SurveysService, 'resultsForReport'> }) {
  const service = new StatsService({
    now: core.now,
    audit: core.audit,
    settings: core.settings,
    repo: new StatsRepository(core.db),
    surveyResults: (actor, query) => deps.surveys.resultsForReport(actor, query),
  });
  return { service };
}
