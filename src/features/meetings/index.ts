import { Router } from 'express';
import type { Core } from '../../composition.js';
import type { Job } from '../../jobs/scheduler.js';

export function createMeetingsFeature(_core: Core) {
  return { router: Router(), service: undefined, jobs: [] as Job[] };
}
