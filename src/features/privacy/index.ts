import type { Core } from '../../core.js';
import type { ConcernAnonymiser } from '../concerns/anonymise.js';
import { PrivacyRepository } from './privacy.repository.js';
import { PrivacyService } from './privacy.service.js';

export { createPrivacyRouter } from './privacy.routes.js';

/** A person's own data: the export (/account/export, /admin/people/:id/export) and erasure. */
export function createPrivacyFeature(
  core: Core,
  concerns: { anonymiseConcern: ConcernAnonymiser; removePhoto: (fileName: string) => void },
) {
  return { service: new PrivacyService({ ...core, privacy: new PrivacyRepository(core.db), ...concerns }) };
}
