import { Router } from 'express';
import type { Core } from '../../composition.js';

export function createAccountFeature(_core: Core) {
  const router = Router();
  return { router, service: undefined };
}
