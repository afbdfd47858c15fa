import type { Actor } from '../../auth/policy.js';
import type { Core } from '../../composition.js';
import type { SurveyReportQuery, SurveyResult } from '../surveys/index.js';
import { StatsRepository } from './stats.repository.js';
import { createStatsRouter } from './stats.routes.js';
import { StatsService } from './stats.service.js';

/** The evaluation under /stats: figures, comparisons, CSV exports and the printable report. */
export function createStatsFeature(
  core: Core,
  extras: { surveyResults: (actor: Actor, query: SurveyReportQuery) => SurveyResult[] },
) {
  const service = new StatsService({
    now: core.now,
    audit: core.audit,
    settings: core.settings,
    repo: new StatsRepository(core.db),
    surveyResults: extras.surveyResults,
  });
  return { router: createStatsRouter(service), service };
}
