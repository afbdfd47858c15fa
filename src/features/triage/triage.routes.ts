import { type Response, Router } from 'express';
import { actorOf, contextOf, requireLogin } from '../../web/guards.js';
import { renderPage, tOf } from '../../web/render.js';
import { PRIORITIES, STATUSES } from '../concerns/concern-state.js';
import { type ListQuery, parseListQuery } from './triage.schemas.js';
import type { TriageService } from './triage.service.js';

/** The filters as they stand, to keep them in pagination and count links (only what is set). */
export function filterParams(query: ListQuery): Record<string, string> {
  const params: Record<string, string> = {};
  if (query.council !== null) params.council = String(query.council);
  if (query.status !== null) params.status = query.status;
  if (query.category !== null) params.category = query.category;
  if (query.priority !== null) params.priority = query.priority;
  if (query.department !== null) params.department = String(query.department);
  if (query.awaiting) params.awaiting = '1';
  if (query.overdue) params.overdue = '1';
  if (query.q !== '') params.q = query.q;
  return params;
}

/** A link to the same list with some parameters changed (a page number, another status). */
function linkTo(base: string, query: ListQuery) {
  const pages: Record<string, string> = {};
  if (query.page > 1) pages.page = String(query.page);
  if (query.mine_page > 1) pages.mine_page = String(query.mine_page);
  if (query.shared_page > 1) pages.shared_page = String(query.shared_page);
  return (changes: Record<string, string | number | null>) => {
    const params: Record<string, string> = { ...filterParams(query), ...pages };
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || (key.endsWith('page') && value === 1)) delete params[key];
      else params[key] = String(value);
    }
    const search = new URLSearchParams(params).toString();
    return search ? `${base}?${search}` : base;
  };
}

/** The values the filter form shows again. */
function formValues(query: ListQuery, status: string): Record<string, string> {
  return {
    council: query.council === null ? '' : String(query.council),
    status,
    category: query.category ?? '',
    priority: query.priority ?? '',
    department: query.department === null ? '' : String(query.department),
    q: query.q,
  };
}

/** The choices the filter forms, tables and counts list (views/triage/*), in their fixed order. */
const choices = { statuses: STATUSES, priorities: PRIORITIES };

export function createTriageRouter(service: TriageService): Router {
  const router = Router();

  /** A list page at `path`: its filter form shown again, its links keeping the query. */
  const renderList = (
    res: Response,
    path: string,
    page: { view: string; titleKey: string; status: string; query: ListQuery; data: Record<string, unknown> },
  ) =>
    renderPage(res, page.view, {
      title: tOf(res)(page.titleKey),
      query: page.query,
      values: formValues(page.query, page.status),
      link: linkTo(path, page.query),
      ...choices,
      ...page.data,
    });

  router.get('/triage', requireLogin, (req, res) => {
    const query = parseListQuery(req.query);
    const list = service.queue(actorOf(req), query, contextOf(req));
    renderList(res, '/triage', {
      view: 'triage/queue',
      titleKey: 'triage.title',
      status: list.status,
      query,
      data: { list },
    });
  });

  router.get('/concerns', requireLogin, (req, res) => {
    const query = parseListQuery(req.query);
    const mine = service.myConcerns(actorOf(req), query, contextOf(req));
    const status = mine.staff?.status ?? mine.own?.status ?? 'all';
    renderList(res, '/concerns', {
      view: 'triage/concerns',
      titleKey: 'triage.mine.title',
      status,
      query,
      data: { mine },
    });
  });

  return router;
}
