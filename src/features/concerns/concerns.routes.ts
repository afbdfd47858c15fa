import { type NextFunction, type Request, type Response, Router } from 'express';
import multer from 'multer';
import { z } from 'zod';
import type { Actor } from '../../auth/policy.js';
import { NotFoundError } from '../../errors.js';
import { FORM_BODY_LIMITS } from '../../web/form-body.js';
import { handleForm, showView } from '../../web/form-post.js';
import { actorOf, contextOf, idParam, requireLogin, requireRole } from '../../web/guards.js';
import { localeOf, renderPage, tOf } from '../../web/render.js';
import { type CasePageDeps, categoryLabel, concernUrl, renderConcernPage } from './concerns.presenter.js';
import {
  closeSchema,
  duplicateSchema,
  infoSchema,
  LIMITS,
  newConcernSchema,
  noteSchema,
  shareSchema,
  triageSchema,
} from './concerns.schemas.js';
import { cleanPhotos, MAX_PHOTO_BYTES, MAX_PHOTOS } from './photos.js';

/** The router needs no more than the case page it renders. */
export type ConcernsRouterDeps = CasePageDeps;

/** Logging is for the members of a council's network (network persons and council admins). */
const requireMember = requireRole((actor) => actor.memberships.length > 0);

/**
 * Photos arrive as multipart/form-data, parsed here (after the CSRF check, which reads the token
 * from the query string for that reason). The limits are one above the rules in photos.ts, so
 * the service reports an exact "too many" or "too large" and multer only stops what is far over.
 */
const upload = multer({
  storage: multer.memoryStorage(),
  limits: {
    fileSize: MAX_PHOTO_BYTES + 1,
    files: MAX_PHOTOS + 1,
    fields: 20,
    // A text field may hold what a whole urlencoded form may (src/web/form-body.ts), not multer's 1 MB.
    fieldSize: FORM_BODY_LIMITS.kilobytes * 1024,
  },
}).array('photos');

type UploadRequest = Request & { uploadError?: { key: string; status: number } };

/** multer's refusals of a form that is too large in other ways than its photos. */
const FORM_TOO_LARGE = new Set([
  'LIMIT_FIELD_VALUE',
  'LIMIT_FIELD_COUNT',
  'LIMIT_PART_COUNT',
  'LIMIT_FIELD_KEY',
]);

/** multer's refusals become a field error on the form instead of an error page. */
function receivePhotos(req: Request, res: Response, next: NextFunction) {
  upload(req, res, (err: unknown) => {
    if (err) {
      const code = err instanceof multer.MulterError ? err.code : undefined;
      (req as UploadRequest).uploadError =
        code === 'LIMIT_FILE_SIZE'
          ? { key: 'concerns.errors.photo_too_large', status: 422 }
          : code === 'LIMIT_FILE_COUNT'
            ? { key: 'concerns.errors.photos_too_many', status: 422 }
            : code && FORM_TOO_LARGE.has(code)
              ? { key: 'concerns.errors.upload_too_large', status: 413 }
              : { key: 'concerns.errors.upload_failed', status: 400 };
    }
    next();
  });
}

function uploadedPhotos(req: Request): { buffer: Buffer; size: number }[] {
  const files = (req.files as Express.Multer.File[] | undefined) ?? [];
  return files.map((f) => ({ buffer: f.buffer, size: f.size }));
}

// ------------------------------------------------------------------ the router

export function createConcernsRouter(deps: ConcernsRouterDeps): Router {
  const { service } = deps;
  const router = Router();

  // ---------------------------------------------------------------- logging a concern

  const newPage = (res: Response, photosDropped = false) => {
    const locale = localeOf(res);
    const { councils, categories } = service.formOptions(actorOf(res.req));
    return {
      title: tOf(res)('concerns.new.title'),
      councilOptions: councils.map((c) => ({ value: c.id, label: c.name })),
      categoryOptions: categories.map((c) => ({ value: c.slug, label: categoryLabel(c, locale) })),
      limits: LIMITS,
      maxPhotos: MAX_PHOTOS,
      photosDropped,
    };
  };

  router.get('/concerns/new', requireLogin, requireMember, (req, res) => {
    const councils = service.formOptions(actorOf(req)).councils;
    const only = councils.length === 1 ? councils[0] : undefined;
    renderPage(res, 'concerns/new', { ...newPage(res), values: only ? { council_id: String(only.id) } : {} });
  });

  router.post('/concerns', requireLogin, requireMember, receivePhotos, (req, res) => {
    const actor = actorOf(req);
    const uploadError = (req as UploadRequest).uploadError;
    const photos = uploadError ? [] : uploadedPhotos(req);
    // The browser cannot keep chosen files across a reload: say so when the form comes back.
    const photosDropped = Boolean(uploadError) || photos.length > 0;
    return handleForm(req, res, {
      schema: newConcernSchema(service.now()),
      earlier: uploadError && { field: 'photos', messageKey: uploadError.key, status: uploadError.status },
      show: showView(res, 'concerns/new', () => newPage(res, photosDropped)),
      submit: async (data) => {
        // Only the valid form's photos are decoded and cleaned (GPS and all metadata go).
        const cleaned = await cleanPhotos(photos);
        const id = service.create(
          actor,
          {
            councilId: data.council_id,
            category: data.category,
            title: data.title,
            description: data.description,
            location: data.location,
            occurredAt: data.occurred_at,
          },
          cleaned,
          contextOf(req),
        );
        return { redirect: concernUrl(id), flash: 'concerns.flash.created', params: { id: String(id) } };
      },
    });
  });

  // ---------------------------------------------------------------- reading

  router.get('/concerns/:id', requireLogin, (req, res) => {
    renderConcernPage(res, deps, idParam(req.params.id), { templateId: req.query.template });
  });

  router.get('/concerns/:id/photos/:photoId', requireLogin, (req, res, next) => {
    const file = service.photoFile(actorOf(req), idParam(req.params.id), idParam(req.params.photoId), {
      ip: req.ip,
    });
    res.set({
      'Content-Type': file.contentType,
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
      'Content-Disposition': 'inline',
    });
    res.sendFile(file.path, { cacheControl: false, lastModified: false, etag: false }, (err) => {
      // A row whose file is gone (or any read error) looks like a missing photo, never a 500 page.
      if (err && !res.headersSent) next(new NotFoundError());
    });
  });

  // ---------------------------------------------------------------- actions on one concern

  /**
   * A POST on the case page: access first (404 for whoever may not do it, before any validation
   * message), then the schema, then the service; errors show on the case page with the input kept.
   */
  function caseAction<S extends z.ZodType>(
    path: string,
    who: 'staff' | 'reporter',
    schema: S,
    run: (actor: Actor, concernId: number, data: z.output<S>, ip: string | undefined) => string,
  ) {
    router.post(`/concerns/:id/${path}`, requireLogin, (req, res) => {
      const actor = actorOf(req);
      const concernId = idParam(req.params.id);
      const relation = service.relationTo(actor, concernId);
      if (!(who === 'staff' ? relation.handles : relation.reports)) throw new NotFoundError();
      return handleForm(req, res, {
        schema,
        show: (errors, values, status) => renderConcernPage(res, deps, concernId, { errors, values, status }),
        submit: (data) => ({
          redirect: concernUrl(concernId),
          flash: run(actor, concernId, data, req.ip),
          params: { id: String(concernId) },
        }),
      });
    });
  }

  caseAction('notes', 'staff', noteSchema, (actor, id, data, ip) => {
    service.addNote(actor, id, data, { ip });
    return data.visibility === 'public' ? 'concerns.flash.replied' : 'concerns.flash.noted';
  });

  caseAction('triage', 'staff', triageSchema, (actor, id, data, ip) => {
    service.updateTriage(actor, id, data, { ip });
    return 'concerns.flash.triaged';
  });

  caseAction('close', 'staff', closeSchema, (actor, id, data, ip) => {
    service.close(actor, id, data, { ip });
    return 'concerns.flash.closed';
  });

  caseAction('reopen', 'staff', z.object({}), (actor, id, _data, ip) => {
    service.reopen(actor, id, { ip });
    return 'concerns.flash.reopened';
  });

  caseAction('duplicate', 'staff', duplicateSchema, (actor, id, data, ip) => {
    service.markDuplicate(actor, id, data.duplicate_of, { ip });
    return 'concerns.flash.duplicate';
  });

  caseAction('share', 'staff', shareSchema, (actor, id, data, ip) => {
    service.share(actor, id, data.summary, { ip });
    return data.summary === '' ? 'concerns.flash.unshared' : 'concerns.flash.shared';
  });

  // The reporter's addition may carry photos, so it arrives as multipart like the logging form.
  router.post('/concerns/:id/info', requireLogin, receivePhotos, (req, res) => {
    const actor = actorOf(req);
    const concernId = idParam(req.params.id);
    if (!service.relationTo(actor, concernId).reports) throw new NotFoundError();
    const uploadError = (req as UploadRequest).uploadError;
    const photos = uploadError ? [] : uploadedPhotos(req);
    return handleForm(req, res, {
      schema: infoSchema,
      earlier: uploadError && { field: 'photos', messageKey: uploadError.key, status: uploadError.status },
      show: (errors, values, status) =>
        renderConcernPage(res, deps, concernId, {
          errors,
          values,
          status,
          photosDropped: Boolean(uploadError) || photos.length > 0,
        }),
      submit: async (data) => {
        const cleaned = await cleanPhotos(photos);
        service.addReporterInfo(actor, concernId, { body: data.body, photos: cleaned }, contextOf(req));
        return {
          redirect: concernUrl(concernId),
          flash: 'concerns.flash.info_added',
          params: { id: String(concernId) },
        };
      },
    });
  });

  return router;
}
