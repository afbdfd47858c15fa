import type { Request, Response, Router } from 'express';
import type { z } from 'zod';
import { handleForm, showView } from '../../web/form-post.js';
import { actorOf, contextOf, idParam } from '../../web/guards.js';
import { renderPage, tOf } from '../../web/render.js';
import type { Who } from './admin.service.js';

export const whoOf = (req: Request): Who => ({ actor: actorOf(req), ...contextOf(req) });

type Locals = Record<string, unknown>;

/**
 * List, new and edit pages of one kind of thing, mounted under /admin/<kind>:
 * GET base, GET base/new, POST base, GET base/:id/edit, POST base/:id. The views are
 * admin/<kind>/{list,form}.ejs and the texts admin.<kind>.{title,new_title,edit_title,created,updated}.
 */
export type ResourceSpec<C extends z.ZodType, U extends z.ZodType> = {
  kind: string;
  list: (who: Who, req: Request) => Locals;
  createSchema: C;
  updateSchema: U;
  /** Options for selects etc., shown on both new and edit. */
  formLocals?: (who: Who) => Locals;
  /** Pre-filled values of an empty new form. */
  newValues?: (who: Who) => Locals;
  /** The stored thing as form values (strings), plus anything else the edit page shows. */
  load: (who: Who, id: number) => { values: Locals; locals?: Locals };
  create: (who: Who, data: z.output<C>) => unknown;
  update: (who: Who, id: number, data: z.output<U>) => unknown;
};

export function mountResource<C extends z.ZodType, U extends z.ZodType>(
  router: Router,
  resource: ResourceSpec<C, U>,
): void {
  const { kind } = resource;
  const spec = {
    ...resource,
    base: `/admin/${kind}`,
    listView: `admin/${kind}/list`,
    formView: `admin/${kind}/form`,
    listTitleKey: `admin.${kind}.title`,
    newTitleKey: `admin.${kind}.new_title`,
    editTitleKey: `admin.${kind}.edit_title`,
    createdFlashKey: `admin.${kind}.created`,
    updatedFlashKey: `admin.${kind}.updated`,
  };
  const newLocals = (req: Request, res: Response): Locals => ({
    title: tOf(res)(spec.newTitleKey),
    mode: 'new',
    action: spec.base,
    cancelUrl: spec.base,
    ...spec.formLocals?.(whoOf(req)),
  });
  const editLocals = (req: Request, res: Response, id: number): Locals => {
    const who = whoOf(req);
    const loaded = spec.load(who, id); // 404 before anything else when it does not exist
    return {
      title: tOf(res)(spec.editTitleKey),
      mode: 'edit',
      id,
      action: `${spec.base}/${id}`,
      cancelUrl: spec.base,
      ...spec.formLocals?.(who),
      ...loaded.locals,
      storedValues: loaded.values,
    };
  };

  router.get(spec.base, (req, res) => {
    renderPage(res, spec.listView, { title: tOf(res)(spec.listTitleKey), ...spec.list(whoOf(req), req) });
  });

  router.get(`${spec.base}/new`, (req, res) => {
    const locals = newLocals(req, res);
    renderPage(res, spec.formView, { ...locals, values: spec.newValues?.(whoOf(req)) ?? {} });
  });

  router.post(spec.base, (req, res) =>
    handleForm(req, res, {
      schema: spec.createSchema,
      show: showView(res, spec.formView, () => newLocals(req, res)),
      submit: (data) => {
        spec.create(whoOf(req), data);
        return { redirect: spec.base, flash: spec.createdFlashKey };
      },
    }),
  );

  router.get(`${spec.base}/:id/edit`, (req, res) => {
    const { storedValues, ...locals } = editLocals(req, res, idParam(req.params.id));
    renderPage(res, spec.formView, { ...locals, values: storedValues });
  });

  router.post(`${spec.base}/:id`, (req, res) => {
    const id = idParam(req.params.id);
    const { storedValues: _stored, ...locals } = editLocals(req, res, id);
    return handleForm(req, res, {
      schema: spec.updateSchema,
      show: showView(res, spec.formView, locals),
      submit: (data) => {
        spec.update(whoOf(req), id, data);
        return { redirect: spec.base, flash: spec.updatedFlashKey };
      },
    });
  });
}

/** Form values are strings: a checkbox is '1' or absent, a missing value is ''. */
export const asFormValue = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
export const asCheckbox = (v: boolean | 0 | 1): string | undefined => (v ? '1' : undefined);
