import { Router } from 'express';
import type { Core } from '../../composition.js';

export function createTemplatesFeature(_core: Core) {
  return { router: Router(), service: undefined };
}
