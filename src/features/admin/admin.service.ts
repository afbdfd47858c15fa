import type { AuditAction } from '../../audit/audit-actions.js';
import {
  type AuditDetailEntry,
  type AuditDetails,
  detailEntries,
  type OnlyAuditDetails,
  referencesIn,
} from '../../audit/audit-details.js';
import type { AuditFilter, AuditRow, RequestContext } from '../../audit/audit-log.js';
import { type Actor, ensure, policy } from '../../auth/policy.js';
import type { Core } from '../../core.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { parseLocalDateTime } from '../../web/dates.js';
import type {
  AdminRepository,
  AuditNames,
  CategoryRow,
  CouncilRow,
  CouncilValues,
  DepartmentRow,
  MunicipalityRow,
} from './admin.repository.js';
import type {
  AuditFilterInput,
  CategoryCreateInput,
  CategoryUpdateInput,
  CouncilInput,
  DepartmentInput,
  InviteOfficerInput,
  MunicipalityInput,
} from './admin.schemas.js';
import { slugify } from './slug.js';

/** Who is acting, and from where (the address goes into the audit log). */
export type Who = { actor: Actor } & RequestContext;

export const AUDIT_PAGE_SIZE = 50;
/** Lines read at a time while a CSV export is written. */
const AUDIT_EXPORT_BATCH = 500;

/** Audit lines with their details as entries, and the names of what those point at. */
export type AuditPageRows = {
  rows: (AuditRow & { entries: AuditDetailEntry[] })[];
  names: AuditNames;
};

/** One page of /admin/audit: keyset links to the older and newer pages, when there are any. */
export type AuditPage = AuditPageRows & { olderThan?: number; newerThan?: number; laterPage: boolean };

const collator = new Intl.Collator('da', { sensitivity: 'base' });
const byName = <T extends { name: string }>(a: T, b: T) => collator.compare(a.name, b.name);

/** Names are compared the Danish way, case-insensitively ("GLUMSØ" = "Glumsø"); SQLite's NOCASE only folds ASCII. */
export const sameName = (a: string, b: string) => a.toLocaleLowerCase('da') === b.toLocaleLowerCase('da');

/** Only the fields that changed, for the audit log: { field: { from, to } }. */
function changes<T extends AuditDetails>(
  before: Record<string, unknown>,
  after: T,
): { [K in keyof T]?: { from: unknown; to: T[K] } } {
  const diff: { [K in keyof T]?: { from: unknown; to: T[K] } } = {};
  for (const key of Object.keys(after) as (keyof T & string)[]) {
    if (before[key] !== after[key]) diff[key] = { from: before[key] ?? null, to: after[key] };
  }
  return diff;
}

/** The database's own UNIQUE constraints back up the service's checks (two admins at once). */
function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * The district administration: municipalities, councils, officers and their councils, departments,
 * categories, and the audit log. Every method checks that the actor is a district admin — the
 * router's guard is the first line, this is the one that counts.
 */
export class AdminService {
  constructor(
    private readonly deps: Pick<Core, 'db' | 'users' | 'audit' | 'invitations' | 'settings' | 'now'> & {
      repo: AdminRepository;
    },
  ) {}

  private allow(who: Who): void {
    ensure(policy.isDistrictAdmin(who.actor));
  }

  private record<D extends AuditDetails>(
    who: Who,
    action: AuditAction,
    entityId: number | null,
    details: OnlyAuditDetails<D>,
  ) {
    this.deps.audit.record(who.actor, action, entityId, who, details);
  }

  /** The row asked for, or 404; the admin check comes first, so no one else learns whether it exists. */
  private found<T>(who: Who, find: () => T | undefined): T {
    this.allow(who);
    const row = find();
    if (!row) throw new NotFoundError();
    return row;
  }

  private nowIso(): string {
    return this.deps.now().toISOString();
  }

  /** Runs a write in one transaction and turns a lost race on a UNIQUE column into the form's message. */
  private write<T>(conflict: { messageKey: string; field: string }, work: () => T): T {
    try {
      return this.deps.db.transaction(work)();
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(conflict.messageKey, conflict.field);
      throw err;
    }
  }

  overview(who: Who) {
    this.allow(who);
    return this.deps.repo.counts();
  }

  // ---- Municipalities ----

  listMunicipalities(who: Who): MunicipalityRow[] {
    this.allow(who);
    return this.deps.repo.listMunicipalities().sort(byName);
  }

  getMunicipality(who: Who, id: number) {
    return this.found(who, () => this.deps.repo.findMunicipality(id));
  }

  private ensureMunicipalityNameFree(name: string, exceptId?: number) {
    const taken = this.deps.repo
      .listMunicipalities()
      .some((m) => m.id !== exceptId && sameName(m.name, name));
    if (taken) throw new ConflictError('admin.municipality.errors.name_taken', 'name');
  }

  createMunicipality(who: Who, input: MunicipalityInput): number {
    this.allow(who);
    const duplicate = { messageKey: 'admin.municipality.errors.name_taken', field: 'name' };
    return this.write(duplicate, () => {
      this.ensureMunicipalityNameFree(input.name);
      const id = this.deps.repo.createMunicipality(input.name, this.nowIso());
      this.record(who, 'municipality.created', id, { name: input.name });
      return id;
    });
  }

  updateMunicipality(who: Who, id: number, input: MunicipalityInput): void {
    const before = this.getMunicipality(who, id);
    const duplicate = { messageKey: 'admin.municipality.errors.name_taken', field: 'name' };
    this.write(duplicate, () => {
      this.ensureMunicipalityNameFree(input.name, id);
      this.deps.repo.updateMunicipality(id, input.name);
      const diff = changes({ name: before.name }, { name: input.name });
      if (Object.keys(diff).length) this.record(who, 'municipality.updated', id, diff);
    });
  }

  // ---- Councils ----

  /** Councils grouped by municipality (every municipality, also those without councils yet). */
  listCouncils(who: Who, municipalityId?: number) {
    this.allow(who);
    const municipalities = this.deps.repo.listMunicipalities().sort(byName);
    const councils = this.deps.repo.listCouncils(municipalityId).sort(byName);
    const groups = municipalities
      .filter((m) => municipalityId === undefined || m.id === municipalityId)
      .map((m) => ({ municipality: m, councils: councils.filter((c) => c.municipality_id === m.id) }));
    return { municipalities, groups };
  }

  getCouncil(who: Who, id: number): CouncilRow {
    return this.found(who, () => this.deps.repo.findCouncil(id));
  }

  municipalityOptions(who: Who) {
    return this.listMunicipalities(who).map((m) => ({ value: m.id, label: m.name }));
  }

  /**
   * An empty slug is made from the name; if that one is taken, -2, -3 … is added. A slug the admin
   * typed is used as it is, and a clash is their error to fix.
   */
  private councilValues(input: CouncilInput, exceptId?: number): CouncilValues {
    const { repo } = this.deps;
    if (!repo.findMunicipality(input.municipality_id)) {
      throw new ConflictError('admin.council.errors.municipality_required', 'municipality_id');
    }
    const nameTaken = repo
      .councilNamesIn(input.municipality_id)
      .some((c) => c.id !== exceptId && sameName(c.name, input.name));
    if (nameTaken) throw new ConflictError('admin.council.errors.name_taken', 'name');
    const isFree = (slug: string) => {
      const owner = repo.councilIdBySlug(slug);
      return owner === undefined || owner === exceptId;
    };
    let slug = input.slug;
    if (slug === '') {
      const base = slugify(input.name) || 'lokalraad';
      slug = base;
      for (let n = 2; !isFree(slug); n++) slug = `${base}-${n}`;
    } else if (!isFree(slug)) {
      throw new ConflictError('admin.council.errors.slug_taken', 'slug');
    }
    return {
      municipalityId: input.municipality_id,
      name: input.name,
      slug,
      areaDescription: input.area_description,
      agreementSignedOn: input.agreement_signed_on,
      active: input.active,
      isPilot: input.is_pilot,
    };
  }

  createCouncil(who: Who, input: CouncilInput): number {
    this.allow(who);
    return this.write({ messageKey: 'admin.council.errors.slug_taken', field: 'slug' }, () => {
      const values = this.councilValues(input);
      const id = this.deps.repo.createCouncil(values, this.nowIso());
      this.record(who, 'council.created', id, { ...values });
      return id;
    });
  }

  /** Deactivating hides the council from its members and officers (UsersRepository.loadActor skips it). */
  updateCouncil(who: Who, id: number, input: CouncilInput): void {
    const before = this.getCouncil(who, id);
    this.write({ messageKey: 'admin.council.errors.slug_taken', field: 'slug' }, () => {
      const values = this.councilValues(input, id);
      this.deps.repo.updateCouncil(id, values);
      const diff = changes(
        {
          municipalityId: before.municipality_id,
          name: before.name,
          slug: before.slug,
          areaDescription: before.area_description,
          agreementSignedOn: before.agreement_signed_on,
          active: before.active === 1,
          isPilot: before.is_pilot === 1,
        },
        values,
      );
      if (Object.keys(diff).length) this.record(who, 'council.updated', id, diff);
    });
  }

  // ---- Departments ----

  listDepartments(who: Who): DepartmentRow[] {
    this.allow(who);
    return this.deps.repo.listDepartments().sort(byName);
  }

  getDepartment(who: Who, id: number): DepartmentRow {
    return this.found(who, () => this.deps.repo.findDepartment(id));
  }

  private ensureDepartmentNameFree(name: string, exceptId?: number) {
    if (this.deps.repo.listDepartments().some((d) => d.id !== exceptId && sameName(d.name, name))) {
      throw new ConflictError('admin.department.errors.name_taken', 'name');
    }
  }

  createDepartment(who: Who, input: DepartmentInput): number {
    this.allow(who);
    return this.write({ messageKey: 'admin.department.errors.name_taken', field: 'name' }, () => {
      this.ensureDepartmentNameFree(input.name);
      const id = this.deps.repo.createDepartment(input, this.nowIso());
      this.record(who, 'department.created', id, { ...input });
      return id;
    });
  }

  updateDepartment(who: Who, id: number, input: DepartmentInput): void {
    const before = this.getDepartment(who, id);
    this.write({ messageKey: 'admin.department.errors.name_taken', field: 'name' }, () => {
      this.ensureDepartmentNameFree(input.name, id);
      this.deps.repo.updateDepartment(id, input);
      const diff = changes({ ...before, active: before.active === 1 }, { ...input });
      if (Object.keys(diff).length) this.record(who, 'department.updated', id, diff);
    });
  }

  departmentOptions(who: Who) {
    return this.listDepartments(who).map((d) => ({ value: d.id, label: d.name }));
  }

  // ---- Categories ----

  listCategories(who: Who): CategoryRow[] {
    this.allow(who);
    return this.deps.repo.listCategories();
  }

  getCategory(who: Who, id: number): CategoryRow {
    return this.found(who, () => this.deps.repo.findCategory(id));
  }

  nextCategorySortOrder(who: Who): number {
    this.allow(who);
    return this.deps.repo.nextCategorySortOrder();
  }

  private categoryValues(input: CategoryUpdateInput) {
    if (
      input.suggested_department_id !== null &&
      !this.deps.repo.findDepartment(input.suggested_department_id)
    ) {
      throw new ConflictError('admin.category.errors.department_invalid', 'suggested_department_id');
    }
    return {
      labelDa: input.label_da,
      labelEn: input.label_en,
      suggestedDepartmentId: input.suggested_department_id,
      active: input.active,
      sortOrder: input.sort_order,
    };
  }

  createCategory(who: Who, input: CategoryCreateInput): number {
    this.allow(who);
    return this.write({ messageKey: 'admin.category.errors.slug_taken', field: 'slug' }, () => {
      if (this.deps.repo.categoryIdBySlug(input.slug) !== undefined) {
        throw new ConflictError('admin.category.errors.slug_taken', 'slug');
      }
      const values = this.categoryValues(input);
      const id = this.deps.repo.createCategory(input.slug, values, this.nowIso());
      this.record(who, 'category.created', id, { slug: input.slug, ...values });
      return id;
    });
  }

  /** The slug is not part of the input: it never changes after creation. */
  updateCategory(who: Who, id: number, input: CategoryUpdateInput): void {
    const before = this.getCategory(who, id);
    this.deps.db.transaction(() => {
      const values = this.categoryValues(input);
      this.deps.repo.updateCategory(id, values);
      const diff = changes(
        {
          labelDa: before.label_da,
          labelEn: before.label_en,
          suggestedDepartmentId: before.suggested_department_id,
          active: before.active === 1,
          sortOrder: before.sort_order,
        },
        values,
      );
      if (Object.keys(diff).length) this.record(who, 'category.updated', id, diff);
    })();
  }

  // ---- Officers ----

  /** Officers with the councils they cover, and every council for the assignment checkboxes. */
  listOfficers(who: Who) {
    this.allow(who);
    const assignments = this.deps.repo.listAssignments();
    return this.deps.repo
      .listOfficers()
      .sort(byName)
      .map((o) => ({
        ...o,
        councils: assignments
          .filter((a) => a.officer_id === o.id)
          .map((a) => ({ id: a.council_id, name: a.council_name, active: a.active === 1 }))
          .sort(byName),
      }));
  }

  getOfficer(who: Who, id: number) {
    const officer = this.found(who, () => this.deps.repo.findOfficer(id));
    const assignedIds = this.deps.repo.assignmentsOf(id).map((a) => a.council_id);
    return { officer, assignedIds };
  }

  /** Every council, for checkboxes: "Glumsø Lokalråd (Næstved)". */
  councilOptions(who: Who) {
    this.allow(who);
    return this.deps.repo
      .listCouncils()
      .sort(byName)
      .map((c) => ({ id: c.id, name: c.name, municipality: c.municipality_name, active: c.active === 1 }));
  }

  private ensureCouncilsExist(councilIds: number[]) {
    for (const councilId of councilIds) {
      if (!this.deps.repo.findCouncil(councilId)) {
        throw new ConflictError('admin.officer.errors.councils_invalid', 'council_ids');
      }
    }
  }

  /** Replaces the officer's councils with `councilIds`; returns what was added and removed. */
  private applyAssignments(officerId: number, councilIds: number[]) {
    const { repo } = this.deps;
    const wanted = new Set(councilIds);
    const current = new Set(repo.assignmentsOf(officerId).map((a) => a.council_id));
    const added = [...wanted].filter((id) => !current.has(id));
    const removed = [...current].filter((id) => !wanted.has(id));
    const at = this.nowIso();
    for (const councilId of added) repo.assign(officerId, councilId, at);
    for (const councilId of removed) repo.unassign(officerId, councilId);
    return { added, removed };
  }

  /**
   * Creates the person as an invited officer and queues the invitation mail in the same
   * transaction, so there is never an officer without an invitation or a mail without an officer.
   */
  inviteOfficer(who: Who, input: InviteOfficerInput): number {
    this.allow(who);
    const { users, invitations, settings } = this.deps;
    const duplicate = { messageKey: 'admin.officer.errors.email_taken', field: 'email' };
    return this.write(duplicate, () => {
      if (users.findByEmail(input.email)) throw new ConflictError(duplicate.messageKey, duplicate.field);
      this.ensureCouncilsExist(input.council_ids);
      const id = users.create(
        { email: input.email, name: input.name, status: 'invited', isOfficer: true },
        this.nowIso(),
      );
      const { added } = this.applyAssignments(id, input.council_ids);
      invitations.issue(id, { id: who.actor.id, name: who.actor.name }, settings.get('district_name'));
      this.record(who, 'officer.invited', id, {
        name: input.name,
        email: input.email,
        councilIds: added,
      });
      return id;
    });
  }

  /** Makes someone who already has an account an officer (e.g. a network person who joined the police). */
  promoteOfficer(who: Who, email: string): number {
    this.allow(who);
    const { users } = this.deps;
    return this.deps.db.transaction(() => {
      const user = users.findByEmail(email);
      if (!user || user.status === 'deactivated') {
        throw new ConflictError('admin.officer.errors.no_such_user', 'existing_email');
      }
      if (user.is_officer === 1)
        throw new ConflictError('admin.officer.errors.already_officer', 'existing_email');
      users.setOfficer(user.id, true, this.nowIso());
      this.record(who, 'officer.added', user.id, { name: user.name, email: user.email });
      return user.id;
    })();
  }

  setOfficerCouncils(who: Who, officerId: number, councilIds: number[]): void {
    this.getOfficer(who, officerId);
    this.deps.db.transaction(() => {
      this.ensureCouncilsExist(councilIds);
      const { added, removed } = this.applyAssignments(officerId, councilIds);
      if (added.length || removed.length) {
        this.record(who, 'officer.councils_changed', officerId, { added, removed });
      }
    })();
  }

  /** Removes the officer flag and the council assignments with it, so a later return starts clean. */
  removeOfficer(who: Who, officerId: number): string {
    const { officer } = this.getOfficer(who, officerId);
    this.deps.db.transaction(() => {
      const { removed } = this.applyAssignments(officerId, []);
      this.deps.users.setOfficer(officerId, false, this.nowIso());
      this.record(who, 'officer.removed', officerId, { name: officer.name, councilIds: removed });
    })();
    return officer.name;
  }

  /** A new link for an officer who has not accepted yet; the old link stops working. */
  resendInvitation(who: Who, officerId: number): void {
    const { officer } = this.getOfficer(who, officerId);
    if (officer.status !== 'invited') throw new NotFoundError();
    this.deps.db.transaction(() => {
      this.deps.invitations.issue(
        officerId,
        { id: who.actor.id, name: who.actor.name },
        this.deps.settings.get('district_name'),
      );
    })();
  }

  // ---- Audit log ----

  /**
   * One page of the audit log, newest first, with the names of what its details point at.
   * `person` is a user id or an email; an unknown email is a form error rather than an empty page,
   * so a typo is not mistaken for "nothing happened". Reading the log is not itself recorded.
   */
  auditLog(who: Who, filter: AuditFilterInput): AuditPage {
    this.allow(who);
    const query = this.auditQuery(filter);
    const towardsNewer = filter.after !== null && filter.before === null;
    const rows = this.deps.audit.list({
      ...query,
      beforeId: filter.before ?? undefined,
      afterId: towardsNewer ? (filter.after ?? undefined) : undefined,
      limit: AUDIT_PAGE_SIZE + 1,
    });
    const more = rows.length > AUDIT_PAGE_SIZE;
    // Read towards newer lines, the extra row is the newest; otherwise the oldest.
    const page = towardsNewer && more ? rows.slice(1) : rows.slice(0, AUDIT_PAGE_SIZE);
    const laterPage = filter.before !== null || filter.after !== null;
    return {
      ...this.withNames(page),
      olderThan: (towardsNewer || more) && page.length ? page.at(-1)?.id : undefined,
      newerThan: (towardsNewer ? more : laterPage) && page.length ? page[0]?.id : undefined,
      laterPage,
    };
  }

  /**
   * Every line the filter finds, newest first, for the CSV export — read a page at a time, so a
   * long period costs memory for one page only. The export itself is recorded first.
   */
  auditExport(who: Who, filter: AuditFilterInput): Iterable<AuditPageRows> {
    this.allow(who);
    const query = this.auditQuery(filter);
    this.record(who, 'audit.exported', null, {
      userId: query.actorUserId,
      action: query.action,
      entityType: query.entityType,
      entityId: query.entityId,
      from: filter.from ?? undefined,
      to: filter.to ?? undefined,
    });
    const { audit } = this.deps;
    const withNames = (rows: AuditRow[]) => this.withNames(rows);
    return {
      *[Symbol.iterator]() {
        let beforeId: number | undefined;
        for (;;) {
          const rows = audit.list({ ...query, beforeId, limit: AUDIT_EXPORT_BATCH });
          if (rows.length === 0) return;
          yield withNames(rows);
          if (rows.length < AUDIT_EXPORT_BATCH) return;
          beforeId = rows.at(-1)?.id;
        }
      },
    };
  }

  /** The filter as AuditLog.list takes it: a person found by id or email, days as UTC bounds. */
  private auditQuery(filter: AuditFilterInput): Omit<AuditFilter, 'limit'> {
    let actorUserId: number | undefined;
    if (filter.person !== '') {
      if (/^\d{1,12}$/.test(filter.person)) actorUserId = Number(filter.person);
      else {
        const user = this.deps.users.findByEmail(filter.person);
        if (!user) throw new ConflictError('admin.audit.errors.person_unknown', 'person');
        actorUserId = user.id;
      }
    }
    return {
      actorUserId,
      action: filter.action || undefined,
      entityType: filter.entity_type || undefined,
      entityId: filter.entity_id ?? undefined,
      fromIso: filter.from ? startOfCopenhagenDay(filter.from) : undefined,
      toIso: filter.to ? startOfCopenhagenDay(nextCalendarDay(filter.to)) : undefined,
    };
  }

  private withNames(rows: AuditRow[]): AuditPageRows {
    const entries = rows.map((r) => ({ ...r, entries: detailEntries(r.details) }));
    return {
      rows: entries,
      names: this.deps.repo.auditNames(referencesIn(entries.flatMap((r) => r.entries))),
    };
  }

  auditEntityTypes(who: Who): string[] {
    this.allow(who);
    return this.deps.repo.auditEntityTypes();
  }
}

/** Midnight at the start of a Copenhagen calendar day, as UTC (midnight always exists there). */
const startOfCopenhagenDay = (date: string): string => parseLocalDateTime(`${date}T00:00`) as string;

const nextCalendarDay = (date: string): string =>
  new Date(Date.parse(`${date}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
