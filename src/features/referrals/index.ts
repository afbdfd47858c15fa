import { Router } from 'express';
import type { Core } from '../../composition.js';
import type { ConcernsService } from '../concerns/concerns.service.js';

export function createReferralsFeature(_core: Core, _deps: { concerns: ConcernsService }) {
  return { router: Router(), service: undefined, jobs: [] as import('../../jobs/scheduler.js').Job[] };
}
