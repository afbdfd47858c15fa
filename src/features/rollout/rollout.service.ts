import { ensure } from '../../auth/policy.js';
import type { Core } from '../../core.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { email as emailField } from '../../web/schema-helpers.js';
import { type AdminService, sameName, type Who } from '../admin/admin.service.js';
import type { MembersService } from '../members/members.service.js';
import { type ImportRow, readImportFile } from './rollout.csv.js';
import { rolloutPolicy } from './rollout.policy.js';
import type { RolloutRepository } from './rollout.repository.js';
import type { ImportOptions, NewCouncilInput } from './rollout.schemas.js';

/** A message for the page: an i18n key and its parameters. */
export type Message = { messageKey: string; params?: Record<string, string | number> };

export type PreviewRow = ImportRow & {
  /** The municipality as stored ("Næstved"), when it was found. */
  municipalityId: number | null;
  municipalityName: string | null;
  errors: Message[];
  /** Worth knowing, but no reason to stop: the person already has an account. */
  notes: Message[];
};

export type ImportPreview = {
  rows: PreviewRow[];
  errorRows: number;
  officerName: string | null;
  isPilot: boolean;
};

/** The file as a whole could not be read (empty, too large, a missing column): one form error. */
export class ImportFileError extends ConflictError {
  constructor(
    messageKey: string,
    readonly params: Record<string, string | number> = {},
    field = 'csv_file',
  ) {
    super(messageKey, field);
  }
}

/** The rows were read but some have errors: nothing is saved and the preview shows why. */
export class ImportRejectedError extends Error {
  constructor(readonly preview: ImportPreview) {
    super('import rejected');
  }
}

const nameKey = (s: string) => s.toLocaleLowerCase('da');

const emailSchema = emailField('rollout.csv.email_required', 'rollout.csv.email_invalid');

/**
 * The services' field names mapped to the "Opret lokalråd" form's, so a clash (a taken name, an
 * unknown municipality) points at the field the admin typed it in.
 */
const MUNICIPALITY_FIELDS: Record<string, string> = { name: 'new_municipality' };
const COUNCIL_FIELDS: Record<string, string> = {
  name: 'name',
  slug: 'name',
  municipality_id: 'municipality_id',
};
const INVITE_FIELDS: Record<string, string> = {
  name: 'admin_name',
  email: 'admin_email',
  title: 'admin_title',
  role: 'admin_email',
};

function onField<T>(fields: Record<string, string>, fallback: string, work: () => T): T {
  try {
    return work();
  } catch (err) {
    if (err instanceof ConflictError) {
      throw new ConflictError(err.messageKey, fields[err.field ?? ''] ?? fallback);
    }
    throw err;
  }
}

/**
 * Roll-out (docs/domain.md#evaluation-and-roll-out): a council with its municipality, officer and first council admin
 * in one go, and many councils at once from a CSV file. The writing is done by AdminService and
 * MembersService (their rules, audit records and invitation mails), composed here into one
 * transaction each: better-sqlite3 turns their own transactions into savepoints of ours.
 */
export class RolloutService {
  constructor(
    private readonly deps: Pick<Core, 'db' | 'users' | 'audit'> & {
      admin: AdminService;
      members: MembersService;
      repo: RolloutRepository;
    },
  ) {}

  private allow(who: Who): void {
    ensure(rolloutPolicy.canRollOut(who.actor));
  }

  /** The selects of both forms. */
  formOptions(who: Who) {
    this.allow(who);
    const { admin } = this.deps;
    return {
      municipalityOptions: admin.municipalityOptions(who),
      officerOptions: admin
        .listOfficers(who)
        .filter((o) => o.status !== 'deactivated')
        .map((o) => ({ value: o.id, label: o.name })),
    };
  }

  /** An officer who is not deactivated, with the councils they cover; else the form's error. */
  private officer(who: Who, officerId: number) {
    try {
      const found = this.deps.admin.getOfficer(who, officerId);
      if (found.officer.status !== 'deactivated') return found;
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
    }
    throw new ConflictError('rollout.errors.officer_invalid', 'officer_id');
  }

  /** Adds the councils to the officer's, keeping every council they already cover. */
  private assignOfficer(who: Who, officerId: number, councilIds: number[]) {
    const { assignedIds } = this.officer(who, officerId);
    this.deps.admin.setOfficerCouncils(who, officerId, [...new Set([...assignedIds, ...councilIds])]);
  }

  /**
   * "Opret lokalråd": the municipality (when new), the council, the officer's assignment and the
   * first council admin's invitation — all or nothing. A clash comes back as a ConflictError on the
   * form's own field.
   */
  createCouncil(who: Who, input: NewCouncilInput): { councilId: number; municipalityCreated: boolean } {
    this.allow(who);
    const { db, admin, members, audit } = this.deps;
    return db.transaction(() => {
      let municipalityId = input.municipality_id;
      const municipalityCreated = municipalityId === null;
      if (municipalityId === null) {
        municipalityId = onField(MUNICIPALITY_FIELDS, 'new_municipality', () =>
          admin.createMunicipality(who, { name: input.new_municipality }),
        );
      }
      const councilId = onField(COUNCIL_FIELDS, 'name', () =>
        admin.createCouncil(who, {
          municipality_id: municipalityId,
          name: input.name,
          slug: '',
          area_description: input.area_description,
          agreement_signed_on: input.agreement_signed_on,
          active: true,
          is_pilot: input.is_pilot,
        }),
      );
      if (input.officer_id !== null) this.assignOfficer(who, input.officer_id, [councilId]);
      onField(INVITE_FIELDS, 'admin_email', () =>
        members.invite(who.actor, councilId, {
          name: input.admin_name,
          email: input.admin_email,
          title: input.admin_title,
          role: 'council_admin',
        }),
      );
      audit.record(who.actor, 'rollout.council_created', councilId, who, {
        municipalityId,
        municipalityCreated,
        officerId: input.officer_id,
        adminEmail: input.admin_email,
      });
      return { councilId, municipalityCreated };
    })();
  }

  /** The page after "Opret lokalråd": what now exists, with links onwards. */
  councilSummary(who: Who, councilId: number) {
    this.allow(who);
    const { admin, members } = this.deps;
    const council = admin.getCouncil(who, councilId);
    const officers = admin.listOfficers(who).filter((o) => o.councils.some((c) => c.id === councilId));
    const admins = members.memberList(who.actor, councilId).members.filter((m) => m.role === 'council_admin');
    return { council, officers, admins };
  }

  /**
   * Every row of the file checked against the database and against the other rows. Nothing is
   * written. Throws ImportFileError when the file as a whole cannot be read.
   */
  preview(who: Who, text: string, options: ImportOptions): ImportPreview {
    this.allow(who);
    const officerName =
      options.officer_id === null ? null : this.officer(who, options.officer_id).officer.name;
    const file = readImportFile(text);
    if (!file.ok) throw new ImportFileError(file.messageKey, file.params);

    const { admin, users, repo } = this.deps;
    const municipalities = admin.listMunicipalities(who);
    const findMunicipality = (typed: string) =>
      municipalities.find((m) => sameName(m.name, typed)) ??
      municipalities.find((m) => sameName(m.name, typed.replace(/\s+kommune$/i, '')));
    const existing = new Set(
      admin
        .listCouncils(who)
        .groups.flatMap((g) => g.councils.map((c) => `${c.municipality_id}|${nameKey(c.name)}`)),
    );
    const councilLines = new Map<string, number>();
    const emailLines = new Map<string, number>();

    const rows = file.rows.map((row): PreviewRow => {
      const errors: Message[] = [];
      const notes: Message[] = [];
      const municipality = row.municipality ? findMunicipality(row.municipality) : undefined;
      const result = {
        ...row,
        municipalityId: municipality?.id ?? null,
        municipalityName: municipality?.name ?? null,
        errors,
        notes,
      };
      if (!row.columnsOk) {
        errors.push({ messageKey: 'rollout.csv.columns', params: { count: row.columns } });
        return result;
      }
      if (row.name === '') errors.push({ messageKey: 'rollout.csv.name_required' });
      else if (row.name.length > 120) errors.push({ messageKey: 'rollout.csv.name_too_long' });
      if (row.municipality === '') errors.push({ messageKey: 'rollout.csv.municipality_required' });
      else if (!municipality) {
        errors.push({
          messageKey: 'rollout.csv.municipality_unknown',
          params: { municipality: row.municipality },
        });
      }
      if (row.adminName === '') errors.push({ messageKey: 'rollout.csv.admin_name_required' });
      else if (row.adminName.length > 100) errors.push({ messageKey: 'rollout.csv.admin_name_too_long' });
      const email = emailSchema.safeParse(row.adminEmail);
      if (!email.success) {
        const key = email.error.issues[0]?.message ?? 'rollout.csv.email_invalid';
        errors.push({ messageKey: key, params: { email: row.adminEmail } });
      }

      if (municipality && row.name !== '') {
        const key = `${municipality.id}|${nameKey(row.name)}`;
        const earlier = councilLines.get(key);
        if (existing.has(key)) {
          errors.push({
            messageKey: 'rollout.csv.council_exists',
            params: { name: row.name, municipality: municipality.name },
          });
        } else if (earlier !== undefined) {
          errors.push({
            messageKey: 'rollout.csv.council_twice',
            params: { name: row.name, municipality: municipality.name, other: earlier },
          });
        } else councilLines.set(key, row.line);
      }
      if (email.success) {
        // One invitation link per person at a time: a second row would make the first link stale.
        const earlier = emailLines.get(email.data);
        if (earlier !== undefined) {
          errors.push({
            messageKey: 'rollout.csv.email_twice',
            params: { email: email.data, other: earlier },
          });
        } else emailLines.set(email.data, row.line);
        const user = users.findByEmail(email.data);
        if (user) {
          const councils = repo.councilsAdministeredBy(user.id);
          notes.push(
            councils.length > 0
              ? {
                  messageKey: 'rollout.csv.note_admin_elsewhere',
                  params: { email: email.data, councils: councils.join(', ') },
                }
              : { messageKey: 'rollout.csv.note_existing_account', params: { email: email.data } },
          );
        }
      }
      return result;
    });
    return {
      rows,
      errorRows: rows.filter((r) => r.errors.length > 0).length,
      officerName,
      isPilot: options.is_pilot,
    };
  }

  /**
   * Checks the file again (it came back from the browser, and the database may have changed) and
   * creates every council with its invited admin in one transaction: all rows or none. Throws
   * ImportRejectedError with the fresh preview when any row has an error.
   */
  importCouncils(who: Who, text: string, options: ImportOptions): number {
    this.allow(who);
    const { db, admin, members, audit } = this.deps;
    return db.transaction(() => {
      const checked = this.preview(who, text, options);
      if (checked.errorRows > 0) throw new ImportRejectedError(checked);
      const councilIds: number[] = [];
      for (const row of checked.rows) {
        const { municipalityId } = row;
        if (municipalityId === null) throw new Error('a checked row has its municipality');
        const councilId = admin.createCouncil(who, {
          municipality_id: municipalityId,
          name: row.name,
          slug: '',
          area_description: '',
          agreement_signed_on: null,
          active: true,
          is_pilot: options.is_pilot,
        });
        members.invite(who.actor, councilId, {
          name: row.adminName,
          email: row.adminEmail,
          title: '',
          role: 'council_admin',
        });
        councilIds.push(councilId);
      }
      if (options.officer_id !== null) this.assignOfficer(who, options.officer_id, councilIds);
      audit.record(who.actor, 'rollout.imported', null, who, {
        count: councilIds.length,
        councilIds,
        officerId: options.officer_id,
        isPilot: options.is_pilot,
      });
      return councilIds.length;
    })();
  }
}
