import { Router } from 'express';
import type { Core } from '../../composition.js';

export function createTriageFeature(_core: Core) {
  return { router: Router(), service: undefined };
}
