import { type NextFunction, type Request, type Response, Router } from 'express';
import multer from 'multer';
import { ConflictError } from '../../errors.js';
import { handleForm, showView } from '../../web/form-post.js';
import { type FormErrors, fieldId, formErrors, parseForm, submittedValues } from '../../web/forms.js';
import { idParam, requireRole } from '../../web/guards.js';
import type { Translate } from '../../web/i18n.js';
import { redirectWithFlash, renderFormErrors, renderPage, tOf } from '../../web/render.js';
import { whoOf } from '../admin/admin-forms.js';
import { decodeCsvBytes, MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from './rollout.csv.js';
import { rolloutPolicy } from './rollout.policy.js';
import { importOptionsSchema, newCouncilSchema } from './rollout.schemas.js';
import { ImportFileError, ImportRejectedError, type RolloutService } from './rollout.service.js';

/**
 * The CSV arrives as multipart/form-data (a file, or the pasted text), parsed after the CSRF check,
 * which reads the token from the query string for that reason. The confirm form is multipart too:
 * the file goes back in a hidden field, and percent-encoding Danish letters could take a 200 kB file
 * past the urlencoded body limit. multer's limits are a little above ours, so the exact message
 * comes from readImportFile.
 */
const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: MAX_IMPORT_BYTES + 1, files: 1, fields: 10, fieldSize: MAX_IMPORT_BYTES * 2 },
}).single('csv_file');

type UploadRequest = Request & { uploadError?: string };

function receiveCsv(req: Request, res: Response, next: NextFunction) {
  upload(req, res, (err: unknown) => {
    if (err) {
      const code = err instanceof multer.MulterError ? err.code : undefined;
      (req as UploadRequest).uploadError =
        code === 'LIMIT_FILE_SIZE' || code === 'LIMIT_FIELD_VALUE'
          ? 'rollout.csv.too_large'
          : 'rollout.csv.upload_failed';
    }
    next();
  });
}

/** The chosen file wins over the text box; an empty file input counts as no file. */
function submittedCsv(req: Request): string {
  const file = req.file;
  if (file && file.size > 0) return decodeCsvBytes(file.buffer);
  const text = (req.body as Record<string, unknown> | undefined)?.csv_text;
  return typeof text === 'string' ? text : '';
}

const IMPORT_FIELDS = new Set(['csv_file', 'officer_id']);

/**
 * A ConflictError as the import form's error: a file's own problem names a line or a limit in its
 * parameters; a clash on a field the import form does not have (a council's slug taken in the
 * moment between preview and confirm) is shown on the file.
 */
function importConflict(t: Translate, err: ConflictError): FormErrors {
  const field = err.field && IMPORT_FIELDS.has(err.field) ? err.field : 'csv_file';
  const text = t(err.messageKey, err instanceof ImportFileError ? err.params : undefined);
  return { summary: [{ href: `#${fieldId(field)}`, text }], fields: { [field]: text } };
}

export function createRolloutRouter(service: RolloutService): Router {
  const router = Router();

  // District admins only; everyone else gets the 404 that hides the pages exist — before any upload is read.
  router.use('/admin/rollout', requireRole(rolloutPolicy.canRollOut));

  // ---- Opret lokalråd ----

  const newLocals = (req: Request, res: Response) => ({
    title: tOf(res)('rollout.new.title'),
    ...service.formOptions(whoOf(req)),
  });

  router.get('/admin/rollout/new', (req, res) => {
    renderPage(res, 'rollout/new', newLocals(req, res));
  });

  router.post('/admin/rollout', (req, res) =>
    handleForm(req, res, {
      schema: newCouncilSchema,
      show: showView(res, 'rollout/new', () => newLocals(req, res)),
      submit: (data) => {
        const { councilId } = service.createCouncil(whoOf(req), data);
        return {
          redirect: `/admin/rollout/councils/${councilId}`,
          flash: 'rollout.new.created',
          params: { name: data.name, email: data.admin_email },
        };
      },
    }),
  );

  router.get('/admin/rollout/councils/:id', (req, res) => {
    const summary = service.councilSummary(whoOf(req), idParam(req.params.id));
    renderPage(res, 'rollout/created', { title: summary.council.name, ...summary });
  });

  // ---- Import from CSV: upload → preview → confirm ----

  const importLocals = (req: Request, res: Response) => ({
    title: tOf(res)('rollout.import.title'),
    ...service.formOptions(whoOf(req)),
    maxKb: MAX_IMPORT_BYTES / 1024,
    maxRows: MAX_IMPORT_ROWS,
  });

  /** The upload form again with one error (a file that cannot be read, an unknown officer). */
  const importFormError = (req: Request, res: Response, errors: FormErrors, csvText: string): void => {
    const values = { ...submittedValues(req.body), csv_text: csvText };
    renderFormErrors(res, 'rollout/import', errors, values, importLocals(req, res));
  };

  router.get('/admin/rollout/import', (req, res) => {
    renderPage(res, 'rollout/import', importLocals(req, res));
  });

  router.post('/admin/rollout/import', receiveCsv, (req, res) => {
    const t = tOf(res);
    const uploadError = (req as UploadRequest).uploadError;
    if (uploadError)
      return importFormError(req, res, formErrors(t, [{ field: 'csv_file', messageKey: uploadError }]), '');
    const csv = submittedCsv(req);
    const options = parseForm(importOptionsSchema, req.body, t);
    if (!options.ok) return importFormError(req, res, options.errors, csv);
    try {
      const preview = service.preview(whoOf(req), csv, options.data);
      renderPage(res, 'rollout/preview', {
        ...importLocals(req, res),
        title: t('rollout.preview.title'),
        preview,
        values: { ...submittedValues(req.body), csv_text: csv },
      });
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      importFormError(req, res, importConflict(t, err), csv);
    }
  });

  router.post('/admin/rollout/import/confirm', receiveCsv, (req, res) => {
    const t = tOf(res);
    const csv = submittedCsv(req);
    const options = parseForm(importOptionsSchema, req.body, t);
    if ((req as UploadRequest).uploadError || !options.ok) {
      const errors = options.ok
        ? formErrors(t, [{ field: 'csv_file', messageKey: 'rollout.csv.upload_failed' }])
        : options.errors;
      return importFormError(req, res, errors, csv);
    }
    try {
      const count = service.importCouncils(whoOf(req), csv, options.data);
      redirectWithFlash(res, '/admin/councils', 'rollout.import.done', { count: String(count) });
    } catch (err) {
      if (err instanceof ImportRejectedError) {
        return renderPage(
          res,
          'rollout/preview',
          {
            ...importLocals(req, res),
            title: t('rollout.preview.title'),
            preview: err.preview,
            values: { ...submittedValues(req.body), csv_text: csv },
          },
          422,
        );
      }
      if (!(err instanceof ConflictError)) throw err;
      importFormError(req, res, importConflict(t, err), csv);
    }
  });

  return router;
}
