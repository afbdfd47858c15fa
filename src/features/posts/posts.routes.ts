import { type Request, type Response, Router } from 'express';
import type { Actor } from '../../auth/policy.js';
import { handleForm } from '../../web/form-post.js';
import { type FormErrors, fieldId, noErrors, parseForm, submittedValues } from '../../web/forms.js';
import { actorOf, contextOf, idParam, requireLogin } from '../../web/guards.js';
import { localeOf, redirectWithFlash, renderFormErrors, renderPage, tOf } from '../../web/render.js';
import { barChart, categoryLabel, figureTable } from './posts.presenter.js';
import {
  BODY_MAX,
  COMMENT_MAX,
  commentSchema,
  figureField,
  hideSchema,
  PERIOD_MAX,
  pageSchema,
  parseFigures,
  postSchema,
  REASON_MAX,
  TITLE_MAX,
} from './posts.schemas.js';
import type { PostsService } from './posts.service.js';

/** Which form on the post page an error belongs to: the new comment, a reply, or a hide form. */
type PostFormState =
  | { form: 'comment' }
  | { form: 'reply'; commentId: number }
  | { form: 'hide'; commentId: number };

export const replyFieldId = (commentId: number) => `reply-${commentId}`;
export const hideFieldId = (commentId: number) => `hide-reason-${commentId}`;

export function createPostsRouter(service: PostsService): Router {
  const router = Router();

  router.get('/posts', requireLogin, (req, res) => {
    const actor = actorOf(req);
    const list = service.list(actor, pageSchema.parse(req.query.page));
    renderPage(res, 'posts/list', {
      title: tOf(res)('posts.title'),
      list,
      canPublish: actor.isDistrictAdmin || actor.isOfficer,
    });
  });

  const formPage = (res: Response, actor: Actor) => {
    const options = service.publishOptions(actor);
    const locale = localeOf(res);
    return {
      title: tOf(res)('posts.new.title'),
      councils: options.councils.map((c) => ({ value: String(c.id), label: c.name })),
      categories: options.categories.map((c) => ({
        slug: c.slug,
        label: categoryLabel(c, locale),
        currentField: figureField('current', c.slug),
        previousField: figureField('previous', c.slug),
      })),
      titleMax: TITLE_MAX,
      periodMax: PERIOD_MAX,
      bodyMax: BODY_MAX,
    };
  };

  router.get('/posts/new', requireLogin, (req, res) => {
    const actor = actorOf(req);
    service.assertCanPublish(actor);
    renderPage(res, 'posts/new', formPage(res, actor));
  });

  router.post('/posts', requireLogin, (req, res) => {
    const actor = actorOf(req);
    // Access first: someone who may not publish sees a 404, never a validation message.
    service.assertCanPublish(actor);
    const t = tOf(res);
    const locale = localeOf(res);
    const form = parseForm(postSchema, req.body, t);
    const categories = service.publishOptions(actor).categories;
    const figures = parseFigures(req.body, categories);
    const issues: { field: string; text: string }[] = [];
    if (!form.ok) {
      for (const [field, text] of Object.entries(form.errors.fields)) issues.push({ field, text });
    }
    // The council is checked against the actor's rights even when other fields failed, so one
    // submit shows every problem.
    const council = postSchema.shape.council_id.safeParse((req.body as Record<string, unknown>)?.council_id);
    if (council.success) {
      const problem = service.councilProblem(actor, council.data);
      if (problem) issues.push({ field: 'council_id', text: t(problem) });
    }
    for (const issue of figures.issues) {
      const category = categories.find((c) => c.id === issue.categoryId);
      issues.push({
        field: issue.field,
        text: t('posts.errors.figure', {
          category: category ? categoryLabel(category, locale) : '',
          which: t(
            issue.which === 'current' ? 'posts.figures.current_lower' : 'posts.figures.previous_lower',
          ),
        }),
      });
    }
    if (issues.length > 0 || !form.ok) {
      // Keep the form's order: the post fields first, then the figures as they appear.
      const order = ['council_id', 'title', 'period', 'body'];
      issues.sort((a, b) => rank(a.field, order) - rank(b.field, order));
      return renderFormErrors(
        res,
        'posts/new',
        errorsFrom(issues),
        submittedValues(req.body),
        formPage(res, actor),
      );
    }
    const id = service.create(actor, form.data, figures.figures, contextOf(req));
    redirectWithFlash(res, `/posts/${id}`, 'posts.flash.created', { title: form.data.title });
  });

  const renderPost = (
    req: Request,
    res: Response,
    state: PostFormState = { form: 'comment' },
    errors: FormErrors = noErrors(),
    values: Record<string, unknown> = {},
    status = 422,
  ) => {
    const actor = actorOf(req);
    const t = tOf(res);
    const locale = localeOf(res);
    const page = service.get(actor, idParam(req.params.id));
    renderPage(
      res,
      'posts/show',
      {
        title: page.post.title,
        ...page,
        table: figureTable(page.figures, locale),
        chart: barChart(page.figures, t, locale, page.post.period),
        state,
        commentMax: COMMENT_MAX,
        reasonMax: REASON_MAX,
        replyFieldId,
        hideFieldId,
        errors,
        values,
      },
      errors.summary.length > 0 ? status : 200,
    );
  };

  router.get('/posts/:id', requireLogin, (req, res) => renderPost(req, res));

  router.post('/posts/:id/comments', requireLogin, (req, res) => {
    const actor = actorOf(req);
    const postId = idParam(req.params.id);
    // Access first (404), then validation.
    service.get(actor, postId);
    return handleForm(req, res, {
      schema: commentSchema,
      show: (errors, values, status) => {
        const parent = /^[1-9]\d{0,11}$/.test(String(values.parent_id ?? ''))
          ? Number(values.parent_id)
          : null;
        if (parent === null) return renderPost(req, res, { form: 'comment' }, errors, values, status);
        // A reply's error belongs to the reply box under its comment.
        const text = errors.fields.body ?? errors.summary[0]?.text ?? '';
        const replyErrors = { summary: [{ href: `#${replyFieldId(parent)}`, text }], fields: { body: text } };
        renderPost(req, res, { form: 'reply', commentId: parent }, replyErrors, values, status);
      },
      submit: (data) => {
        service.comment(actor, postId, data);
        return {
          redirect: `/posts/${postId}#comments`,
          flash: data.parent_id === null ? 'posts.flash.commented' : 'posts.flash.replied',
        };
      },
    });
  });

  router.post('/posts/:id/comments/:commentId/hide', requireLogin, (req, res) => {
    const actor = actorOf(req);
    const postId = idParam(req.params.id);
    const commentId = idParam(req.params.commentId);
    service.moderatable(actor, postId, commentId);
    return handleForm(req, res, {
      schema: hideSchema,
      show: (errors, values, status) => {
        const text = errors.fields.reason ?? '';
        const hideErrors = {
          summary: [{ href: `#${hideFieldId(commentId)}`, text }],
          fields: { reason: text },
        };
        renderPost(req, res, { form: 'hide', commentId }, hideErrors, values, status);
      },
      submit: (data) => {
        service.hide(actor, postId, commentId, data.reason, contextOf(req));
        return { redirect: `/posts/${postId}#comment-${commentId}`, flash: 'posts.flash.hidden' };
      },
    });
  });

  router.post('/posts/:id/comments/:commentId/unhide', requireLogin, (req, res) => {
    const actor = actorOf(req);
    const postId = idParam(req.params.id);
    const commentId = idParam(req.params.commentId);
    service.unhide(actor, postId, commentId, contextOf(req));
    redirectWithFlash(res, `/posts/${postId}#comment-${commentId}`, 'posts.flash.unhidden');
  });

  return router;
}

function rank(field: string, order: string[]): number {
  const i = order.indexOf(field);
  return i >= 0 ? i : order.length;
}

/** FormErrors from already translated texts (figure messages name their category). */
function errorsFrom(issues: { field: string; text: string }[]): FormErrors {
  const errors = noErrors();
  for (const { field, text } of issues) {
    if (field in errors.fields) continue;
    errors.fields[field] = text;
    errors.summary.push({ href: `#${fieldId(field)}`, text });
  }
  return errors;
}
