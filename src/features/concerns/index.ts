import path from 'node:path';
import type { Core } from '../../composition.js';
import { TemplatesRepository } from '../templates/templates.repository.js';
import { TemplatesService } from '../templates/templates.service.js';
import { ConcernsRepository } from './concerns.repository.js';
import { createConcernsRouter, type MeetingLinks, type ReferralPanel } from './concerns.routes.js';
import { ConcernsService } from './concerns.service.js';
import { PhotoStore } from './photos.js';
import { retentionJob } from './retention.job.js';

/**
 * `referralPanel` lets the referrals feature (built after this one, since it needs the concerns
 * service) show its form and list on the staff case page; it is called at request time.
 * `meetingLinks` likewise lets the meetings feature list the meetings the concern was on.
 */
export function createConcernsFeature(
  core: Core,
  extras: { referralPanel?: ReferralPanel; meetingLinks?: MeetingLinks } = {},
) {
  const concerns = new ConcernsRepository(core.db);
  const photos = new PhotoStore(path.join(core.config.dataDir, 'uploads'));
  const service = new ConcernsService({ ...core, concerns, photos });
  // The reply templates on the staff case page come through TemplatesService and its policy, never
  // the raw repository (composition.ts builds the templates feature after this one).
  const templates = new TemplatesService({ ...core, templates: new TemplatesRepository(core.db) });
  return {
    router: createConcernsRouter({
      service,
      templates,
      referralPanel: extras.referralPanel,
      meetingLinks: extras.meetingLinks,
    }),
    service,
    repository: concerns,
    jobs: [
      retentionJob({
        db: core.db,
        concerns,
        settings: core.settings,
        photos,
        now: core.now,
        logger: core.logger,
      }),
    ],
  };
}
