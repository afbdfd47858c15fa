import type { AuditRefEntity } from '../../audit/audit-details.js';
import type { Db } from '../../db/connection.js';

export type MunicipalityRow = { id: number; name: string; council_count: number };

export type CouncilRow = {
  id: number;
  municipality_id: number;
  municipality_name: string;
  name: string;
  slug: string;
  area_description: string;
  agreement_signed_on: string | null;
  active: 0 | 1;
  is_pilot: 0 | 1;
  member_count: number;
  officer_count: number;
};

export type DepartmentRow = { id: number; name: string; email: string; active: 0 | 1 };

export type CategoryRow = {
  id: number;
  slug: string;
  label_da: string;
  label_en: string;
  suggested_department_id: number | null;
  department_name: string | null;
  active: 0 | 1;
  sort_order: number;
};

type NameRow = { id: number; name: string };
type NamedEntity = 'council' | 'user' | 'municipality' | 'department';

/** What an audit page's details point at, by name: see AuditRefEntity. */
export type AuditNames = Record<NamedEntity, Map<number, string>> & {
  category: Map<string, { da: string; en: string }>;
};

export type OfficerRow = { id: number; name: string; email: string; status: string };
export type AssignmentRow = { officer_id: number; council_id: number; council_name: string; active: 0 | 1 };

export type CouncilValues = {
  municipalityId: number;
  name: string;
  slug: string;
  areaDescription: string;
  agreementSignedOn: string | null;
  active: boolean;
  isPilot: boolean;
};
export type DepartmentValues = { name: string; email: string; active: boolean };
export type CategoryValues = {
  labelDa: string;
  labelEn: string;
  suggestedDepartmentId: number | null;
  active: boolean;
  sortOrder: number;
};

/**
 * All SQL of the district administration. The tables are small (a district has ~7 municipalities,
 * ~100 councils, a handful of departments and categories), so lists are not paginated; the audit
 * log, which grows without bound, is read through AuditLog.list with a keyset.
 */
export class AdminRepository {
  private readonly s;

  constructor(db: Db) {
    const councilSelect = `
      SELECT c.id, c.municipality_id, m.name AS municipality_name, c.name, c.slug, c.area_description,
             c.agreement_signed_on, c.active, c.is_pilot,
             (SELECT count(*) FROM memberships ms JOIN users u ON u.id = ms.user_id
               WHERE ms.council_id = c.id AND ms.active = 1 AND u.status <> 'deactivated') AS member_count,
             (SELECT count(*) FROM officer_assignments a JOIN users u ON u.id = a.officer_id
               WHERE a.council_id = c.id AND u.is_officer = 1 AND u.status <> 'deactivated') AS officer_count
        FROM councils c JOIN municipalities m ON m.id = c.municipality_id`;
    this.s = {
      counts: db.prepare<
        [],
        {
          municipalities: number;
          councils: number;
          active_councils: number;
          officers: number;
          departments: number;
          categories: number;
        }
      >(
        `SELECT (SELECT count(*) FROM municipalities) AS municipalities,
                (SELECT count(*) FROM councils) AS councils,
                (SELECT count(*) FROM councils WHERE active = 1) AS active_councils,
                (SELECT count(*) FROM users WHERE is_officer = 1) AS officers,
                (SELECT count(*) FROM departments WHERE active = 1) AS departments,
                (SELECT count(*) FROM categories WHERE active = 1) AS categories`,
      ),
      municipalities: db.prepare<[], MunicipalityRow>(
        `SELECT m.id, m.name, (SELECT count(*) FROM councils c WHERE c.municipality_id = m.id) AS council_count
           FROM municipalities m`,
      ),
      municipality: db.prepare<[number], { id: number; name: string }>(
        'SELECT id, name FROM municipalities WHERE id = ?',
      ),
      insertMunicipality: db.prepare('INSERT INTO municipalities (name, created_at) VALUES (?, ?)'),
      updateMunicipality: db.prepare('UPDATE municipalities SET name = ? WHERE id = ?'),
      councils: db.prepare<[], CouncilRow>(councilSelect),
      councilsOf: db.prepare<[number], CouncilRow>(`${councilSelect} WHERE c.municipality_id = ?`),
      council: db.prepare<[number], CouncilRow>(`${councilSelect} WHERE c.id = ?`),
      councilNamesIn: db.prepare<[number], { id: number; name: string }>(
        'SELECT id, name FROM councils WHERE municipality_id = ?',
      ),
      councilBySlug: db.prepare<[string], { id: number }>('SELECT id FROM councils WHERE slug = ?'),
      insertCouncil: db.prepare(
        `INSERT INTO councils (municipality_id, name, slug, area_description, agreement_signed_on, active, is_pilot,
                               created_at)
         VALUES (@municipalityId, @name, @slug, @areaDescription, @agreementSignedOn, @active, @isPilot, @now)`,
      ),
      updateCouncil: db.prepare(
        `UPDATE councils SET municipality_id = @municipalityId, name = @name, slug = @slug,
                area_description = @areaDescription, agreement_signed_on = @agreementSignedOn, active = @active,
                is_pilot = @isPilot
          WHERE id = @id`,
      ),
      departments: db.prepare<[], DepartmentRow>('SELECT id, name, email, active FROM departments'),
      department: db.prepare<[number], DepartmentRow>(
        'SELECT id, name, email, active FROM departments WHERE id = ?',
      ),
      insertDepartment: db.prepare(
        'INSERT INTO departments (name, email, active, created_at) VALUES (@name, @email, @active, @now)',
      ),
      updateDepartment: db.prepare(
        'UPDATE departments SET name = @name, email = @email, active = @active WHERE id = @id',
      ),
      categories: db.prepare<[], CategoryRow>(
        `SELECT k.id, k.slug, k.label_da, k.label_en, k.suggested_department_id, d.name AS department_name,
                k.active, k.sort_order
           FROM categories k LEFT JOIN departments d ON d.id = k.suggested_department_id
          ORDER BY k.sort_order, k.slug`,
      ),
      category: db.prepare<[number], CategoryRow>(
        `SELECT k.id, k.slug, k.label_da, k.label_en, k.suggested_department_id, d.name AS department_name,
                k.active, k.sort_order
           FROM categories k LEFT JOIN departments d ON d.id = k.suggested_department_id WHERE k.id = ?`,
      ),
      categoryBySlug: db.prepare<[string], { id: number }>('SELECT id FROM categories WHERE slug = ?'),
      nextSortOrder: db
        .prepare<[], number>('SELECT coalesce(max(sort_order), -1) + 1 FROM categories')
        .pluck(),
      insertCategory: db.prepare(
        `INSERT INTO categories (slug, label_da, label_en, suggested_department_id, active, sort_order, created_at)
         VALUES (@slug, @labelDa, @labelEn, @suggestedDepartmentId, @active, @sortOrder, @now)`,
      ),
      updateCategory: db.prepare(
        `UPDATE categories SET label_da = @labelDa, label_en = @labelEn, suggested_department_id = @suggestedDepartmentId,
                active = @active, sort_order = @sortOrder
          WHERE id = @id`,
      ),
      officers: db.prepare<[], OfficerRow>('SELECT id, name, email, status FROM users WHERE is_officer = 1'),
      officer: db.prepare<[number], OfficerRow>(
        'SELECT id, name, email, status FROM users WHERE id = ? AND is_officer = 1',
      ),
      assignments: db.prepare<[], AssignmentRow>(
        `SELECT a.officer_id, a.council_id, c.name AS council_name, c.active
           FROM officer_assignments a JOIN councils c ON c.id = a.council_id
           JOIN users u ON u.id = a.officer_id
          WHERE u.is_officer = 1`,
      ),
      assignmentsOf: db.prepare<[number], AssignmentRow>(
        `SELECT a.officer_id, a.council_id, c.name AS council_name, c.active
           FROM officer_assignments a JOIN councils c ON c.id = a.council_id
          WHERE a.officer_id = ?`,
      ),
      assign: db.prepare(
        'INSERT OR IGNORE INTO officer_assignments (officer_id, council_id, created_at) VALUES (?, ?, ?)',
      ),
      unassign: db.prepare('DELETE FROM officer_assignments WHERE officer_id = ? AND council_id = ?'),
      entityTypes: db.prepare<[], string>('SELECT DISTINCT entity_type FROM audit_log ORDER BY 1').pluck(),
      // The names behind the ids an audit page mentions, all of a kind at once (a JSON array of ids).
      auditNames: {
        council: db.prepare<[string], NameRow>(
          'SELECT id, name FROM councils WHERE id IN (SELECT value FROM json_each(?))',
        ),
        user: db.prepare<[string], NameRow>(
          'SELECT id, name FROM users WHERE id IN (SELECT value FROM json_each(?))',
        ),
        municipality: db.prepare<[string], NameRow>(
          'SELECT id, name FROM municipalities WHERE id IN (SELECT value FROM json_each(?))',
        ),
        department: db.prepare<[string], NameRow>(
          'SELECT id, name FROM departments WHERE id IN (SELECT value FROM json_each(?))',
        ),
      },
      categoryLabels: db.prepare<[string], { slug: string; label_da: string; label_en: string }>(
        'SELECT slug, label_da, label_en FROM categories WHERE slug IN (SELECT value FROM json_each(?))',
      ),
    };
  }

  counts() {
    // biome-ignore lint/style/noNonNullAssertion: an aggregate query always returns one row
    return this.s.counts.get()!;
  }

  // Municipalities
  listMunicipalities(): MunicipalityRow[] {
    return this.s.municipalities.all();
  }
  findMunicipality(id: number) {
    return this.s.municipality.get(id);
  }
  createMunicipality(name: string, now: string): number {
    return Number(this.s.insertMunicipality.run(name, now).lastInsertRowid);
  }
  updateMunicipality(id: number, name: string): void {
    this.s.updateMunicipality.run(name, id);
  }

  // Councils
  listCouncils(municipalityId?: number): CouncilRow[] {
    return municipalityId === undefined ? this.s.councils.all() : this.s.councilsOf.all(municipalityId);
  }
  findCouncil(id: number): CouncilRow | undefined {
    return this.s.council.get(id);
  }
  councilNamesIn(municipalityId: number) {
    return this.s.councilNamesIn.all(municipalityId);
  }
  councilIdBySlug(slug: string): number | undefined {
    return this.s.councilBySlug.get(slug)?.id;
  }
  createCouncil(v: CouncilValues, now: string): number {
    return Number(
      this.s.insertCouncil.run({ ...v, active: v.active ? 1 : 0, isPilot: v.isPilot ? 1 : 0, now })
        .lastInsertRowid,
    );
  }
  updateCouncil(id: number, v: CouncilValues): void {
    this.s.updateCouncil.run({ ...v, active: v.active ? 1 : 0, isPilot: v.isPilot ? 1 : 0, id });
  }

  // Departments
  listDepartments(): DepartmentRow[] {
    return this.s.departments.all();
  }
  findDepartment(id: number): DepartmentRow | undefined {
    return this.s.department.get(id);
  }
  createDepartment(v: DepartmentValues, now: string): number {
    return Number(this.s.insertDepartment.run({ ...v, active: v.active ? 1 : 0, now }).lastInsertRowid);
  }
  updateDepartment(id: number, v: DepartmentValues): void {
    this.s.updateDepartment.run({ ...v, active: v.active ? 1 : 0, id });
  }

  // Categories
  listCategories(): CategoryRow[] {
    return this.s.categories.all();
  }
  findCategory(id: number): CategoryRow | undefined {
    return this.s.category.get(id);
  }
  categoryIdBySlug(slug: string): number | undefined {
    return this.s.categoryBySlug.get(slug)?.id;
  }
  nextCategorySortOrder(): number {
    return this.s.nextSortOrder.get() as number;
  }
  createCategory(slug: string, v: CategoryValues, now: string): number {
    return Number(this.s.insertCategory.run({ ...v, slug, active: v.active ? 1 : 0, now }).lastInsertRowid);
  }
  updateCategory(id: number, v: CategoryValues): void {
    this.s.updateCategory.run({ ...v, active: v.active ? 1 : 0, id });
  }

  // Officers
  listOfficers(): OfficerRow[] {
    return this.s.officers.all();
  }
  findOfficer(id: number): OfficerRow | undefined {
    return this.s.officer.get(id);
  }
  listAssignments(): AssignmentRow[] {
    return this.s.assignments.all();
  }
  assignmentsOf(officerId: number): AssignmentRow[] {
    return this.s.assignmentsOf.all(officerId);
  }
  assign(officerId: number, councilId: number, now: string): void {
    this.s.assign.run(officerId, councilId, now);
  }
  unassign(officerId: number, councilId: number): void {
    this.s.unassign.run(officerId, councilId);
  }

  // Audit log
  auditEntityTypes(): string[] {
    return this.s.entityTypes.all() as string[];
  }

  /** Names of the councils, people, municipalities and departments, and labels of the categories, an audit page points at. */
  auditNames(refs: Map<AuditRefEntity, Set<number | string>>): AuditNames {
    const ids = (entity: AuditRefEntity) => JSON.stringify([...(refs.get(entity) ?? [])]);
    const names = (entity: NamedEntity) =>
      new Map(this.s.auditNames[entity].all(ids(entity)).map((r) => [r.id, r.name]));
    return {
      council: names('council'),
      user: names('user'),
      municipality: names('municipality'),
      department: names('department'),
      category: new Map(
        this.s.categoryLabels.all(ids('category')).map((r) => [r.slug, { da: r.label_da, en: r.label_en }]),
      ),
    };
  }
}
