import type { Core } from '../../core.js';
import { PostsRepository } from './posts.repository.js';
import { PostsService } from './posts.service.js';

export { createPostsRouter } from './posts.routes.js';

/** Kriminalitetsbillede: crime-picture posts per council or district, with figures and comments. */
export function createPostsFeature(core: Core) {
  return { service: new PostsService({ ...core, posts: new PostsRepository(core.db) }) };
}
