import { Router } from 'express';
import type { TemplatesRepository } from '../templates/templates.repository.js';
import type { ConcernsService } from './concerns.service.js';

export function createConcernsRouter(_deps: {
  service: ConcernsService;
  templates: TemplatesRepository;
}): Router {
  return Router();
}
