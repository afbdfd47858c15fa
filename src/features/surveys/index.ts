import type { Core } from '../../core.js';
import { SurveysRepository } from './surveys.repository.js';
import { SurveysService } from './surveys.service.js';

export type { PendingSurvey } from './surveys.repository.js';
export { createSurveysRouter } from './surveys.routes.js';
export type { SurveyReportQuery, SurveyResult } from './surveys.service.js';

/** Surveys of network persons: how the cooperation is rated. See README.md in this folder. */
export function createSurveysFeature(core: Core) {
  return { service: new SurveysService({ ...core, surveys: new SurveysRepository(core.db) }) };
}
