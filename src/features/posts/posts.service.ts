import type { RequestContext } from '../../audit/audit-log.js';
import type { Actor } from '../../auth/policy.js';
import { ensure } from '../../auth/policy.js';
import type { Core } from '../../core.js';
import { NotFoundError } from '../../errors.js';
import { renderMarkdown } from '../../web/markdown.js';
import { postsPolicy } from './posts.policy.js';
import type {
  CategoryRow,
  CommentRow,
  FigureRow,
  PostListRow,
  PostRow,
  PostsRepository,
  ReadScope,
} from './posts.repository.js';
import type { CommentInput, FigureInput, PostInput } from './posts.schemas.js';

type Deps = Pick<Core, 'db' | 'users' | 'audit' | 'mailer' | 'now' | 'baseUrl'> & { posts: PostsRepository };
export const PAGE_SIZE = 20;

/** How much of a hidden comment its author's mail quotes, so they know which one it was. */
export const HIDDEN_COMMENT_QUOTE = 300;

/** A comment as one viewer may see it: the text of a hidden comment only for its author and moderators. */
export type CommentView = {
  id: number;
  authorName: string;
  createdAt: string;
  body: string | null;
  hidden: boolean;
  hiddenReason: string | null;
  isOwn: boolean;
  replies: CommentView[];
};

export type PostPage = {
  post: PostRow;
  figures: FigureRow[];
  comments: CommentView[];
  canComment: boolean;
  canModerate: boolean;
};

/**
 * Kriminalitetsbillede: the officer's account of the local crime picture for a period, with figures
 * per category, which the council's network reads and discusses. Whoever may not read a post gets
 * a 404 for it and every action on it.
 */
export class PostsService {
  constructor(private readonly deps: Deps) {}

  /** Throws 404 unless the actor may publish posts at all; routes call it before reading a form. */
  assertCanPublish(actor: Actor): void {
    ensure(postsPolicy.canPublishAny(actor));
  }

  /** What the publish form offers: only the councils the actor may publish for, and the categories. */
  publishOptions(actor: Actor): { councils: { id: number; name: string }[]; categories: CategoryRow[] } {
    this.assertCanPublish(actor);
    const { posts } = this.deps;
    return {
      councils: posts.activeCouncils().filter((c) => postsPolicy.canPublishFor(actor, c.id)),
      categories: posts.activeCategories(),
    };
  }

  /** The i18n key of what is wrong with the chosen council, or null when the actor may publish for it. */
  councilProblem(actor: Actor, councilId: number | null): string | null {
    if (councilId === null)
      return postsPolicy.canPublishFor(actor, null) ? null : 'posts.errors.council_invalid';
    const council = this.deps.posts.findCouncil(councilId);
    if (council?.active !== 1) return 'posts.errors.council_invalid';
    return postsPolicy.canPublishFor(actor, councilId) ? null : 'posts.errors.council_not_allowed';
  }

  /**
   * Publishes the post with its figures and, in the same transaction, queues the announcement to
   * the members of its council (of every council for a district post) who want it.
   */
  create(actor: Actor, input: PostInput, figures: FigureInput[], ctx: RequestContext = {}): number {
    this.assertCanPublish(actor);
    if (this.councilProblem(actor, input.council_id) !== null) throw new NotFoundError();
    const { db, posts, audit, mailer } = this.deps;
    return db.transaction(() => {
      const now = this.deps.now().toISOString();
      const id = posts.insert({
        councilId: input.council_id,
        title: input.title,
        period: input.period,
        bodyMarkdown: input.body,
        bodyHtml: renderMarkdown(input.body),
        authorId: actor.id,
        now,
      });
      for (const f of figures) posts.insertFigure(id, f.categoryId, f.current, f.previous);
      const councilName =
        input.council_id === null ? null : (posts.findCouncil(input.council_id)?.name ?? null);
      const recipients = posts.announcementRecipients(input.council_id).filter((r) => r.id !== actor.id);
      mailer.queueEach(recipients, (r) => ({
        kind: 'post_published',
        subjectKey: 'mail.posts.published.subject',
        params: { name: r.name, title: input.title, period: input.period, council: councilName ?? '' },
        paragraphKeys: [
          councilName === null ? 'mail.posts.published.body_district' : 'mail.posts.published.body_council',
          'mail.posts.published.invite',
          'mail.posts.published.preferences',
        ],
        action: { labelKey: 'mail.posts.published.action', url: `${this.deps.baseUrl()}/posts/${id}` },
      }));
      audit.record(actor, 'post.created', id, ctx, {
        council_id: input.council_id,
        period: input.period,
        announced_to: recipients.length,
      });
      return id;
    })();
  }

  /** What the actor may read: every post for district admins, else their councils' and the district's. */
  private readScope(actor: Actor): ReadScope {
    return actor.isDistrictAdmin
      ? { all: true }
      : {
          all: false,
          councilIds: [
            ...new Set([
              ...actor.memberships.map((m) => m.councilId),
              ...(actor.isOfficer ? actor.officerCouncilIds : []),
            ]),
          ],
          districtPosts: actor.memberships.length > 0 || actor.isOfficer,
        };
  }

  list(
    actor: Actor,
    page: number,
  ): { posts: PostListRow[]; page: number; hasPrevious: boolean; hasNext: boolean } {
    const rows = this.deps.posts.list(this.readScope(actor), PAGE_SIZE + 1, (page - 1) * PAGE_SIZE);
    return { posts: rows.slice(0, PAGE_SIZE), page, hasPrevious: page > 1, hasNext: rows.length > PAGE_SIZE };
  }

  /** The newest posts the actor may read (the start page). */
  latest(actor: Actor, limit: number): PostListRow[] {
    return this.deps.posts.list(this.readScope(actor), limit, 0);
  }

  /** The post for a reader: 404 for whoever may not read it. */
  private readable(actor: Actor, id: number): PostRow {
    const post = this.deps.posts.findById(id);
    if (!post || !postsPolicy.canRead(actor, { councilId: post.council_id })) throw new NotFoundError();
    return post;
  }

  get(actor: Actor, id: number): PostPage {
    const post = this.readable(actor, id);
    const scope = { councilId: post.council_id };
    const canModerate = postsPolicy.canModerate(actor, scope);
    return {
      post,
      figures: this.deps.posts.figures(id),
      comments: this.commentTree(actor, this.deps.posts.comments(id), canModerate),
      canComment: postsPolicy.canComment(actor, scope),
      canModerate,
    };
  }

  private commentTree(actor: Actor, rows: CommentRow[], canModerate: boolean): CommentView[] {
    const view = (c: CommentRow): CommentView => {
      const isOwn = c.author_id === actor.id;
      const hidden = c.hidden_at !== null;
      const seesText = !hidden || isOwn || canModerate;
      return {
        id: c.id,
        authorName: c.author_name ?? '',
        createdAt: c.created_at,
        body: seesText ? c.body : null,
        hidden,
        hiddenReason: hidden && (isOwn || canModerate) ? c.hidden_reason : null,
        isOwn,
        replies: [],
      };
    };
    const top = rows.filter((c) => c.parent_id === null).map(view);
    const byId = new Map(top.map((c) => [c.id, c]));
    for (const reply of rows.filter((c) => c.parent_id !== null)) {
      byId.get(reply.parent_id as number)?.replies.push(view(reply));
    }
    return top;
  }

  /** A comment, or a reply to a top-level comment of the same post (one level deep). */
  comment(actor: Actor, postId: number, input: CommentInput): number {
    const post = this.readable(actor, postId);
    ensure(postsPolicy.canComment(actor, { councilId: post.council_id }));
    const { db, posts } = this.deps;
    return db.transaction(() => {
      if (input.parent_id !== null) {
        const parent = posts.findComment(postId, input.parent_id);
        if (!parent || parent.parent_id !== null) throw new NotFoundError();
      }
      return posts.insertComment({
        postId,
        parentId: input.parent_id,
        authorId: actor.id,
        body: input.body,
        now: this.deps.now().toISOString(),
      });
    })();
  }

  /** Throws 404 unless the actor may read the post and moderate its comments; returns the comment. */
  moderatable(actor: Actor, postId: number, commentId: number): CommentRow {
    const post = this.readable(actor, postId);
    ensure(postsPolicy.canModerate(actor, { councilId: post.council_id }));
    const comment = this.deps.posts.findComment(postId, commentId);
    if (!comment) throw new NotFoundError();
    return comment;
  }

  /**
   * Hides the comment with the reason others will not see; its author is told why by mail when it
   * was shown until now (a moderator hiding their own comment needs no mail).
   */
  hide(actor: Actor, postId: number, commentId: number, reason: string, ctx: RequestContext = {}): void {
    const { db, posts, audit } = this.deps;
    db.transaction(() => {
      const comment = this.moderatable(actor, postId, commentId);
      posts.setHidden(commentId, { by: actor.id, reason, at: this.deps.now().toISOString() });
      audit.record(actor, 'comment.hidden', commentId, ctx, { post_id: postId, reason });
      if (comment.hidden_at === null && comment.author_id !== null && comment.author_id !== actor.id) {
        this.tellAuthorOfHiding(comment, reason);
      }
    })();
  }

  private tellAuthorOfHiding(comment: CommentRow, reason: string): void {
    const { users, posts, mailer, baseUrl } = this.deps;
    const author = users.findById(comment.author_id as number);
    const post = posts.findById(comment.post_id);
    // A closed account cannot open the post to read the reason; an erased one has no address.
    if (author?.status !== 'active' || !post) return;
    const quote =
      comment.body.length > HIDDEN_COMMENT_QUOTE
        ? `${comment.body.slice(0, HIDDEN_COMMENT_QUOTE).trimEnd()} …`
        : comment.body;
    mailer.queue({
      kind: 'comment_hidden',
      to: author.email,
      locale: author.locale,
      subjectKey: 'mail.posts.comment_hidden.subject',
      params: { name: author.name, title: post.title, period: post.period, reason, comment: quote },
      paragraphKeys: [
        'mail.greeting',
        'mail.posts.comment_hidden.body',
        'mail.posts.comment_hidden.reason',
        'mail.posts.comment_hidden.comment',
        'mail.posts.comment_hidden.what',
      ],
      action: {
        labelKey: 'mail.posts.comment_hidden.action',
        url: `${baseUrl()}/posts/${post.id}#comment-${comment.id}`,
      },
    });
  }

  unhide(actor: Actor, postId: number, commentId: number, ctx: RequestContext = {}): void {
    const { db, posts, audit } = this.deps;
    db.transaction(() => {
      const comment = this.moderatable(actor, postId, commentId);
      if (comment.hidden_at === null) return;
      posts.setHidden(commentId, null);
      audit.record(actor, 'comment.unhidden', commentId, ctx, { post_id: postId });
    })();
  }
}
