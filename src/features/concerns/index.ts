import path from 'node:path';
import type { Core } from '../../core.js';
import { concernAnonymiser } from './anonymise.js';
import { ConcernsRepository } from './concerns.repository.js';
import { ConcernsService } from './concerns.service.js';
import { PhotoStore } from './photos.js';
import { retentionJob } from './retention.job.js';

export { createConcernsRouter } from './concerns.routes.js';

/** Concerns: logging with photos, the case page's rules and state machine, and retention. */
export function createConcernsFeature(core: Core) {
  const concerns = new ConcernsRepository(core.db);
  const photos = new PhotoStore(path.join(core.config.dataDir, 'uploads'));
  const service = new ConcernsService({ ...core, concerns, photos });
  // One concern's anonymisation, shared by the retention job and erasing a person (privacy).
  const anonymiseConcern = concernAnonymiser({ concerns, outbox: core.outbox, audit: core.audit });
  return {
    service,
    repository: concerns,
    photos,
    anonymiseConcern,
    jobs: [retentionJob({ ...core, concerns, photos, anonymiseConcern })],
  };
}
