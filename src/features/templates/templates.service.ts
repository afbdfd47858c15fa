import type { AuditDetails } from '../../audit/audit-details.js';
import type { RequestContext } from '../../audit/audit-log.js';
import { type Actor, ensure, policy } from '../../auth/policy.js';
import type { Core } from '../../core.js';
import { NotFoundError } from '../../errors.js';
import type { TemplateRow, TemplatesRepository } from './templates.repository.js';
import type { TemplateInput } from './templates.schemas.js';

type Deps = Pick<Core, 'db' | 'audit' | 'now'> & { templates: TemplatesRepository };
/**
 * Tekstskabeloner: the reply texts officers share and insert on the case page. Those who handle
 * concerns (officers, district admins) manage them — policy.canManageTemplates; for everyone
 * else they do not exist (404). The concerns feature reads the active ones through `active`.
 */
export class TemplatesService {
  constructor(private readonly deps: Deps) {}

  /** Throws 404 unless the actor may manage templates; routes call it before reading a form. */
  assertCanManage(actor: Actor): void {
    ensure(policy.canManageTemplates(actor));
  }

  list(actor: Actor): TemplateRow[] {
    this.assertCanManage(actor);
    return this.deps.templates.listAll();
  }

  /** The active templates to insert into a reply, for those who may reply. */
  active(actor: Actor): TemplateRow[] {
    this.assertCanManage(actor);
    return this.deps.templates.listActive();
  }

  get(actor: Actor, id: number): TemplateRow {
    this.assertCanManage(actor);
    const template = this.deps.templates.findById(id);
    if (!template) throw new NotFoundError();
    return template;
  }

  create(actor: Actor, input: TemplateInput, ctx: RequestContext = {}): number {
    this.assertCanManage(actor);
    const { db, templates, audit } = this.deps;
    return db.transaction(() => {
      const id = templates.insert({
        title: input.title,
        body: input.body,
        createdBy: actor.id,
        now: this.deps.now().toISOString(),
      });
      audit.record(actor, 'template.created', id, ctx, { title: input.title });
      return id;
    })();
  }

  update(actor: Actor, id: number, input: TemplateInput, ctx: RequestContext = {}): void {
    const { db, templates, audit } = this.deps;
    db.transaction(() => {
      const before = this.get(actor, id);
      templates.update(id, {
        title: input.title,
        body: input.body,
        active: input.active,
        now: this.deps.now().toISOString(),
      });
      const changed: AuditDetails = {};
      if (before.title !== input.title) changed.title = input.title;
      if (before.body !== input.body) changed.body = 'changed';
      if ((before.active === 1) !== input.active) changed.active = input.active;
      audit.record(actor, 'template.updated', id, ctx, changed);
    })();
  }
}
