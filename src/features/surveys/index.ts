import type { Core } from '../../composition.js';
import type { Job } from '../../jobs/scheduler.js';
import { SurveysRepository } from './surveys.repository.js';
import { createSurveysRouter } from './surveys.routes.js';
import { SurveysService } from './surveys.service.js';

export type { PendingSurvey } from './surveys.repository.js';
export type { SurveyReportQuery, SurveyResult } from './surveys.service.js';

/** Surveys of network persons (issue 6, item 4). See README.md in this folder. */
export function createSurveysFeature(core: Core) {
  const surveys = new SurveysRepository(core.db);
  const service = new SurveysService({
    db: core.db,
    surveys,
    mailer: core.mailer,
    audit: core.audit,
    now: core.now,
    baseUrl: core.baseUrl,
  });
  return { router: createSurveysRouter(service), service, jobs: [] as Job[] };
}
