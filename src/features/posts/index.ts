import type { Core } from '../../composition.js';
import type { Job } from '../../jobs/scheduler.js';
import { PostsRepository } from './posts.repository.js';
import { createPostsRouter } from './posts.routes.js';
import { PostsService } from './posts.service.js';

/** Kriminalitetsbillede: crime-picture posts per council or district, with figures and comments. */
export function createPostsFeature(core: Core) {
  const posts = new PostsRepository(core.db);
  const service = new PostsService({ ...core, posts });
  return { router: createPostsRouter(service), service, jobs: [] as Job[] };
}
