import type { Db } from '../../db/connection.js';

export type PostRow = {
  id: number;
  council_id: number | null;
  council_name: string | null;
  title: string;
  period: string;
  body_markdown: string;
  body_html: string;
  author_id: number | null;
  author_name: string | null;
  created_at: string;
  updated_at: string;
};

export type PostListRow = PostRow & { comment_count: number };

export type CategoryRow = { id: number; slug: string; label_da: string; label_en: string };

export type FigureRow = {
  category_id: number;
  slug: string;
  label_da: string;
  label_en: string;
  current_count: number | null;
  previous_count: number | null;
};

export type CommentRow = {
  id: number;
  post_id: number;
  parent_id: number | null;
  author_id: number | null;
  author_name: string | null;
  body: string;
  hidden_at: string | null;
  hidden_by: number | null;
  hidden_reason: string | null;
  created_at: string;
};

export type Recipient = { id: number; email: string; name: string; locale: 'da' | 'en' };

/** Who reads what, for the list: district admins everything, others by council and role. */
export type ReadScope = { all: true } | { all: false; councilIds: number[]; districtPosts: boolean };

const POST_COLUMNS = `p.*, c.name AS council_name, u.name AS author_name`;
const POST_JOINS = `LEFT JOIN councils c ON c.id = p.council_id LEFT JOIN users u ON u.id = p.author_id`;

/** All SQL of the crime picture: posts, their figures and comments. */
export class PostsRepository {
  constructor(private readonly db: Db) {}

  activeCategories(): CategoryRow[] {
    return this.db
      .prepare<[], CategoryRow>(
        'SELECT id, slug, label_da, label_en FROM categories WHERE active = 1 ORDER BY sort_order, label_da',
      )
      .all();
  }

  /** Active councils by id (for the publish form: the caller narrows them to what the actor may choose). */
  activeCouncils(): { id: number; name: string }[] {
    return this.db
      .prepare<[], { id: number; name: string }>(
        'SELECT id, name FROM councils WHERE active = 1 ORDER BY name COLLATE NOCASE',
      )
      .all();
  }

  findCouncil(id: number): { id: number; name: string; active: number } | undefined {
    return this.db
      .prepare<[number], { id: number; name: string; active: number }>(
        'SELECT id, name, active FROM councils WHERE id = ?',
      )
      .get(id);
  }

  insert(p: {
    councilId: number | null;
    title: string;
    period: string;
    bodyMarkdown: string;
    bodyHtml: string;
    authorId: number;
    now: string;
  }): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO posts (council_id, title, period, body_markdown, body_html, author_id, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(p.councilId, p.title, p.period, p.bodyMarkdown, p.bodyHtml, p.authorId, p.now, p.now)
        .lastInsertRowid,
    );
  }

  insertFigure(postId: number, categoryId: number, current: number | null, previous: number | null): void {
    this.db
      .prepare(
        'INSERT INTO post_figures (post_id, category_id, current_count, previous_count) VALUES (?, ?, ?, ?)',
      )
      .run(postId, categoryId, current, previous);
  }

  findById(id: number): PostRow | undefined {
    return this.db
      .prepare<[number], PostRow>(`SELECT ${POST_COLUMNS} FROM posts p ${POST_JOINS} WHERE p.id = ?`)
      .get(id);
  }

  figures(postId: number): FigureRow[] {
    return this.db
      .prepare<[number], FigureRow>(
        `SELECT f.category_id, k.slug, k.label_da, k.label_en, f.current_count, f.previous_count
           FROM post_figures f JOIN categories k ON k.id = f.category_id
          WHERE f.post_id = ? ORDER BY k.sort_order, k.label_da`,
      )
      .all(postId);
  }

  /** Newest first; one row more than asked for tells the caller that there is a next page. */
  list(scope: ReadScope, limit: number, offset: number): PostListRow[] {
    const where = scope.all
      ? '1 = 1'
      : `(p.council_id IN (SELECT value FROM json_each(@councils))${scope.districtPosts ? ' OR p.council_id IS NULL' : ''})`;
    return this.db
      .prepare<Record<string, unknown>, PostListRow>(
        `SELECT ${POST_COLUMNS},
                (SELECT count(*) FROM post_comments pc WHERE pc.post_id = p.id AND pc.hidden_at IS NULL) AS comment_count
           FROM posts p ${POST_JOINS}
          WHERE ${where}
          ORDER BY p.created_at DESC, p.id DESC
          LIMIT @limit OFFSET @offset`,
      )
      .all({ councils: JSON.stringify(scope.all ? [] : scope.councilIds), limit, offset });
  }

  /**
   * The people a new post is announced to: active members of the council (of every active council
   * for a district post) who want post notifications; one row per person.
   */
  announcementRecipients(councilId: number | null): Recipient[] {
    const councilFilter = councilId === null ? 'c.active = 1' : 'c.active = 1 AND c.id = @council';
    return this.db
      .prepare<Record<string, unknown>, Recipient>(
        `SELECT DISTINCT u.id, u.email, u.name, u.locale
           FROM memberships m JOIN users u ON u.id = m.user_id JOIN councils c ON c.id = m.council_id
          WHERE ${councilFilter} AND m.active = 1 AND u.status = 'active' AND u.notify_posts = 1
          ORDER BY u.id`,
      )
      .all({ council: councilId });
  }

  comments(postId: number): CommentRow[] {
    return this.db
      .prepare<[number], CommentRow>(
        `SELECT pc.*, u.name AS author_name FROM post_comments pc LEFT JOIN users u ON u.id = pc.author_id
          WHERE pc.post_id = ? ORDER BY pc.id`,
      )
      .all(postId);
  }

  findComment(postId: number, commentId: number): CommentRow | undefined {
    return this.db
      .prepare<[number, number], CommentRow>(
        `SELECT pc.*, u.name AS author_name FROM post_comments pc LEFT JOIN users u ON u.id = pc.author_id
          WHERE pc.post_id = ? AND pc.id = ?`,
      )
      .get(postId, commentId);
  }

  insertComment(c: {
    postId: number;
    parentId: number | null;
    authorId: number;
    body: string;
    now: string;
  }): number {
    return Number(
      this.db
        .prepare(
          'INSERT INTO post_comments (post_id, parent_id, author_id, body, created_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(c.postId, c.parentId, c.authorId, c.body, c.now).lastInsertRowid,
    );
  }

  setHidden(commentId: number, hidden: { by: number; reason: string; at: string } | null): void {
    this.db
      .prepare('UPDATE post_comments SET hidden_at = ?, hidden_by = ?, hidden_reason = ? WHERE id = ?')
      .run(hidden?.at ?? null, hidden?.by ?? null, hidden?.reason ?? null, commentId);
  }
}
