import type { Db } from '../../db/connection.js';

export type TemplateRow = {
  id: number;
  title: string;
  body: string;
  active: 0 | 1;
  created_by: number | null;
  created_at: string;
  updated_at: string;
};

/** Tekstskabeloner: reply texts officers reuse on the case page. */
export class TemplatesRepository {
  constructor(private readonly db: Db) {}

  listActive(): TemplateRow[] {
    return this.db
      .prepare<[], TemplateRow>(
        'SELECT * FROM response_templates WHERE active = 1 ORDER BY title COLLATE NOCASE',
      )
      .all();
  }

  listAll(): TemplateRow[] {
    return this.db
      .prepare<[], TemplateRow>('SELECT * FROM response_templates ORDER BY active DESC, title COLLATE NOCASE')
      .all();
  }

  findById(id: number): TemplateRow | undefined {
    return this.db.prepare<[number], TemplateRow>('SELECT * FROM response_templates WHERE id = ?').get(id);
  }

  insert(t: { title: string; body: string; createdBy: number; now: string }): number {
    return Number(
      this.db
        .prepare(
          'INSERT INTO response_templates (title, body, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
        )
        .run(t.title, t.body, t.createdBy, t.now, t.now).lastInsertRowid,
    );
  }

  update(id: number, t: { title: string; body: string; active: boolean; now: string }): void {
    this.db
      .prepare('UPDATE response_templates SET title = ?, body = ?, active = ?, updated_at = ? WHERE id = ?')
      .run(t.title, t.body, t.active ? 1 : 0, t.now, id);
  }
}
