import { type Request, type Response, Router } from 'express';
import type { Actor } from '../../auth/policy.js';
import { NotFoundError } from '../../errors.js';
import { sendCsv } from '../../web/csv.js';
import { parseForm } from '../../web/forms.js';
import { actorOf, contextOf, requireLogin } from '../../web/guards.js';
import { localeOf, renderPage, tOf } from '../../web/render.js';
import { figuresCsv, lifecycleHeader, lifecycleLine } from './stats.csv.js';
import { presentStats } from './stats.presenter.js';
import { type StatsQuery, statsQuerySchema } from './stats.schemas.js';
import type { StatsService } from './stats.service.js';

/** The query string as the forms and links repeat it (period and councils). */
function queryString(report: {
  period: { from: string; to: string };
  selected: { id: number }[];
  allSelected: boolean;
}) {
  const params = new URLSearchParams({ from: report.period.from, to: report.period.to });
  if (!report.allSelected) for (const c of report.selected) params.append('council_ids', String(c.id));
  return params.toString();
}

/**
 * /stats: the evaluation. GET only — choosing a period or councils changes nothing, so the filter
 * is a GET form and every view of the figures has a URL that can be bookmarked and shared.
 */
export function createStatsRouter(service: StatsService): Router {
  const router = Router();
  router.use('/stats', requireLogin);

  /** Parses the filter; on bad input renders the filter page with the error summary (400). */
  function withQuery(
    req: Request,
    res: Response,
    view: string,
    handle: (actor: Actor, q: StatsQuery) => void,
  ) {
    const actor = actorOf(req);
    // Network persons have no statistics: 404 before anything else is looked at.
    if (!service.canView(actor)) throw new NotFoundError();
    const parsed = parseForm(statsQuerySchema, req.query, tOf(res));
    if (parsed.ok) return handle(actor, parsed.data);
    renderPage(
      res,
      'stats/index',
      {
        title: tOf(res)('stats.title'),
        report: null,
        councils: service.councils(actor),
        errors: parsed.errors,
        values: parsed.values,
        view,
      },
      400,
    );
  }

  /** The figures of the period as the page and the printable report both show them. */
  const reportLocals = (res: Response, actor: Actor, q: StatsQuery, titleKey: string) => {
    const report = service.report(actor, q);
    return {
      title: tOf(res)(titleKey),
      report,
      stats: presentStats(report, tOf(res), localeOf(res)),
      query: queryString(report),
    };
  };

  router.get('/stats', (req, res) => {
    withQuery(req, res, 'page', (actor, q) => {
      const locals = reportLocals(res, actor, q, 'stats.title');
      const { report } = locals;
      renderPage(res, 'stats/index', {
        ...locals,
        councils: report.available,
        values: {
          from: report.period.from,
          to: report.period.to,
          council_ids: report.allSelected ? [] : report.selected.map((c) => String(c.id)),
        },
      });
    });
  });

  router.get('/stats/report', (req, res) => {
    withQuery(req, res, 'report', (actor, q) => {
      renderPage(res, 'stats/report', {
        ...reportLocals(res, actor, q, 'stats.report.title'),
        districtName: service.districtName(),
      });
    });
  });

  router.get('/stats/figures.csv', (req, res) => {
    withQuery(req, res, 'csv', (actor, q) => {
      const figures = service.exportFigures(actor, q, contextOf(req));
      sendCsv(
        res,
        `naernet-tal-${figures.period.from}-${figures.period.to}.csv`,
        figuresCsv(figures, tOf(res), localeOf(res)),
      );
    });
  });

  router.get('/stats/concerns.csv', (req, res) => {
    withQuery(req, res, 'csv', (actor, q) => {
      const t = tOf(res);
      const locale = localeOf(res);
      const { period, rows } = service.lifecycle(actor, q, locale, contextOf(req));
      function* lines() {
        yield lifecycleHeader(t, locale);
        for (const row of rows) yield lifecycleLine(row, t, locale);
      }
      sendCsv(res, `naernet-bekymringer-${period.from}-${period.to}.csv`, lines());
    });
  });

  return router;
}
