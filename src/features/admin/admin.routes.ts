import { type Request, type Response, Router } from 'express';
import { AUDIT_ACTIONS, type AuditAction } from '../../audit/audit-actions.js';
import { policy } from '../../auth/policy.js';
import { ConflictError } from '../../errors.js';
import { sendCsv } from '../../web/csv.js';
import { handleForm, showView } from '../../web/form-post.js';
import { type FormErrors, formErrors, parseForm, submittedValues } from '../../web/forms.js';
import { idParam, requireRole } from '../../web/guards.js';
import { localeOf, redirectWithFlash, renderFormErrors, renderPage, tOf } from '../../web/render.js';
import {
  type AuditFilterInput,
  assignCouncilsSchema,
  auditFilterSchema,
  categoryCreateSchema,
  categoryUpdateSchema,
  councilSchema,
  departmentSchema,
  inviteOfficerSchema,
  municipalitySchema,
  promoteOfficerSchema,
} from './admin.schemas.js';
import type { AdminService } from './admin.service.js';
import { asCheckbox, asFormValue, mountResource, whoOf } from './admin-forms.js';
import { auditCsv } from './audit.csv.js';
import { presentAuditRows } from './audit.presenter.js';

/** A filter from the query string: a positive id, or nothing (a bad value is simply ignored). */
const queryId = (value: unknown): number | undefined =>
  typeof value === 'string' && /^\d{1,12}$/.test(value) ? Number(value) : undefined;

export function createAdminRouter(service: AdminService): Router {
  const router = Router();

  // Everything under /admin is for district admins; others get the 404 that hides it exists.
  router.use('/admin', requireRole(policy.isDistrictAdmin));

  router.get('/admin', (req, res) => {
    renderPage(res, 'admin/overview', {
      title: tOf(res)('admin.title'),
      counts: service.overview(whoOf(req)),
    });
  });

  mountResource(router, {
    kind: 'municipalities',
    list: (who) => ({ municipalities: service.listMunicipalities(who) }),
    createSchema: municipalitySchema,
    updateSchema: municipalitySchema,
    load: (who, id) => ({ values: { name: service.getMunicipality(who, id).name } }),
    create: (who, data) => service.createMunicipality(who, data),
    update: (who, id, data) => service.updateMunicipality(who, id, data),
  });

  mountResource(router, {
    kind: 'councils',
    list: (who, req) => {
      const municipalityId = queryId(req.query.municipality_id);
      return { ...service.listCouncils(who, municipalityId), municipalityId };
    },
    createSchema: councilSchema,
    updateSchema: councilSchema,
    formLocals: (who) => ({ municipalityOptions: service.municipalityOptions(who) }),
    newValues: () => ({ active: '1' }),
    load: (who, id) => {
      const c = service.getCouncil(who, id);
      return {
        values: {
          name: c.name,
          slug: c.slug,
          municipality_id: String(c.municipality_id),
          area_description: c.area_description,
          agreement_signed_on: asFormValue(c.agreement_signed_on),
          active: asCheckbox(c.active),
          is_pilot: asCheckbox(c.is_pilot),
        },
      };
    },
    create: (who, data) => service.createCouncil(who, data),
    update: (who, id, data) => service.updateCouncil(who, id, data),
  });

  mountResource(router, {
    kind: 'departments',
    list: (who) => ({ departments: service.listDepartments(who) }),
    createSchema: departmentSchema,
    updateSchema: departmentSchema,
    newValues: () => ({ active: '1' }),
    load: (who, id) => {
      const d = service.getDepartment(who, id);
      return { values: { name: d.name, email: d.email, active: asCheckbox(d.active) } };
    },
    create: (who, data) => service.createDepartment(who, data),
    update: (who, id, data) => service.updateDepartment(who, id, data),
  });

  mountResource(router, {
    kind: 'categories',
    list: (who) => ({ categories: service.listCategories(who) }),
    createSchema: categoryCreateSchema,
    updateSchema: categoryUpdateSchema,
    formLocals: (who) => ({ departmentOptions: service.departmentOptions(who) }),
    newValues: (who) => ({ active: '1', sort_order: String(service.nextCategorySortOrder(who)) }),
    load: (who, id) => {
      const k = service.getCategory(who, id);
      return {
        values: {
          label_da: k.label_da,
          label_en: k.label_en,
          suggested_department_id: asFormValue(k.suggested_department_id),
          active: asCheckbox(k.active),
          sort_order: String(k.sort_order),
        },
        locals: { slug: k.slug },
      };
    },
    create: (who, data) => service.createCategory(who, data),
    update: (who, id, data) => service.updateCategory(who, id, data),
  });

  // ---- Officers: invite or promote, then councils; not a plain list/new/edit, but the same forms ----

  router.get('/admin/officers', (req, res) => {
    renderPage(res, 'admin/officers/list', {
      title: tOf(res)('admin.officers.title'),
      officers: service.listOfficers(whoOf(req)),
    });
  });

  const newOfficerLocals = (req: Request, res: Response) => ({
    title: tOf(res)('admin.officers.new_title'),
    councils: service.councilOptions(whoOf(req)),
  });

  router.get('/admin/officers/new', (req, res) => {
    renderPage(res, 'admin/officers/new', newOfficerLocals(req, res));
  });

  router.post('/admin/officers', (req, res) => {
    return handleForm(req, res, {
      schema: inviteOfficerSchema,
      show: showView(res, 'admin/officers/new', () => newOfficerLocals(req, res)),
      submit: (data) => {
        const id = service.inviteOfficer(whoOf(req), data);
        return {
          redirect: `/admin/officers/${id}`,
          flash: 'admin.officers.invited',
          params: { email: data.email },
        };
      },
    });
  });

  router.post('/admin/officers/promote', (req, res) => {
    return handleForm(req, res, {
      schema: promoteOfficerSchema,
      show: showView(res, 'admin/officers/new', () => newOfficerLocals(req, res)),
      submit: (data) => {
        const id = service.promoteOfficer(whoOf(req), data.existing_email);
        return { redirect: `/admin/officers/${id}`, flash: 'admin.officers.promoted' };
      },
    });
  });

  const officerLocals = (req: Request, id: number) => {
    const who = whoOf(req);
    const { officer, assignedIds } = service.getOfficer(who, id);
    return {
      title: officer.name,
      officer,
      assignedIds,
      councils: service.councilOptions(who),
    };
  };

  router.get('/admin/officers/:id', (req, res) => {
    const locals = officerLocals(req, idParam(req.params.id));
    renderPage(res, 'admin/officers/show', {
      ...locals,
      values: { council_ids: locals.assignedIds.map(String) },
    });
  });

  router.post('/admin/officers/:id/councils', (req, res) => {
    const id = idParam(req.params.id);
    return handleForm(req, res, {
      schema: assignCouncilsSchema,
      show: showView(res, 'admin/officers/show', officerLocals(req, id)),
      submit: (data) => {
        service.setOfficerCouncils(whoOf(req), id, data.council_ids);
        return { redirect: `/admin/officers/${id}`, flash: 'admin.officers.councils_saved' };
      },
    });
  });

  router.post('/admin/officers/:id/resend', (req, res) => {
    const id = idParam(req.params.id);
    service.resendInvitation(whoOf(req), id);
    redirectWithFlash(res, `/admin/officers/${id}`, 'admin.officers.resent');
  });

  router.post('/admin/officers/:id/remove', (req, res) => {
    const name = service.removeOfficer(whoOf(req), idParam(req.params.id));
    redirectWithFlash(res, '/admin/officers', 'admin.officers.removed', { name });
  });

  // ---- Audit log: a GET filter form, newest first, keyset pages; the same filter as CSV ----

  const auditLocals = (req: Request, res: Response) => {
    const t = tOf(res);
    const collator = new Intl.Collator(localeOf(res));
    return {
      title: t('admin.audit.title'),
      entityTypes: service.auditEntityTypes(whoOf(req)),
      actionOptions: (Object.keys(AUDIT_ACTIONS) as AuditAction[])
        .map((a) => ({ value: a, label: t(`admin.action.${a}`) }))
        .sort((a, b) => collator.compare(a.label, b.label)),
    };
  };

  /**
   * The filter from the query string; on bad input (or an unknown person) the page again with the
   * error summary and the input as typed (422), and null.
   */
  const auditFilter = <T>(req: Request, res: Response, use: (filter: AuditFilterInput) => T): T | null => {
    const t = tOf(res);
    const values = submittedValues(req.query);
    const refuse = (errors: FormErrors) => {
      renderFormErrors(res, 'admin/audit', errors, values, { ...auditLocals(req, res), rows: [] });
      return null;
    };
    const filter = parseForm(auditFilterSchema, req.query, t);
    if (!filter.ok) return refuse(filter.errors);
    try {
      return use(filter.data);
    } catch (err) {
      if (!(err instanceof ConflictError) || !err.field) throw err;
      return refuse(formErrors(t, [{ field: err.field, messageKey: err.messageKey }]));
    }
  };

  /** The filter as typed, without the page: what every link of the page keeps. */
  const auditQuery = (req: Request) =>
    new URLSearchParams(
      Object.entries(submittedValues(req.query)).filter(
        (e): e is [string, string] =>
          e[0] !== 'before' && e[0] !== 'after' && typeof e[1] === 'string' && e[1] !== '',
      ),
    );
  const withQuery = (path: string, query: URLSearchParams, page: Record<string, number> = {}) => {
    const params = new URLSearchParams(query);
    for (const [key, id] of Object.entries(page)) params.set(key, String(id));
    const search = params.toString();
    return search ? `${path}?${search}` : path;
  };

  router.get('/admin/audit', (req, res) => {
    auditFilter(req, res, (filter) => {
      const page = service.auditLog(whoOf(req), filter);
      const query = auditQuery(req);
      renderPage(res, 'admin/audit', {
        ...auditLocals(req, res),
        values: submittedValues(req.query),
        rows: presentAuditRows(page, tOf(res), localeOf(res)),
        firstUrl: page.laterPage ? withQuery('/admin/audit', query) : undefined,
        newerUrl: page.newerThan ? withQuery('/admin/audit', query, { after: page.newerThan }) : undefined,
        olderUrl: page.olderThan ? withQuery('/admin/audit', query, { before: page.olderThan }) : undefined,
        csvUrl: withQuery('/admin/audit.csv', query),
      });
    });
  });

  router.get('/admin/audit.csv', (req, res) => {
    auditFilter(req, res, (filter) => {
      const batches = service.auditExport(whoOf(req), filter);
      const period = [filter.from, filter.to].filter(Boolean).join('-');
      sendCsv(
        res,
        `naernet-revisionsspor${period ? `-${period}` : ''}.csv`,
        auditCsv(batches, tOf(res), localeOf(res)),
      );
    });
  });

  return router;
}
