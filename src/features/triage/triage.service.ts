import type { AuditDetails } from '../../audit/audit-details.js';
import type { RequestContext } from '../../audit/audit-log.js';
import { type Actor, ensure, policy } from '../../auth/policy.js';
import type { Core } from '../../core.js';
import { type ConcernStatus, isOpen, isOverdue, STATUSES } from '../concerns/concern-state.js';
import { ackCutoff } from '../referrals/ack-cutoff.js';
import { ftsMatchExpression } from './fts-query.js';
import type {
  CategoryCount,
  ListFilter,
  ListOrder,
  OwnRow,
  QueueRow,
  SharedRow,
  TriageRepository,
} from './triage.repository.js';
import type { ListQuery, StatusFilter } from './triage.schemas.js';

type Deps = Pick<Core, 'audit' | 'settings' | 'now'> & { triage: TriageRepository };

export const PAGE_SIZE = 25;

const OPEN_STATUSES = STATUSES.filter(isOpen);

export type QueueItem = QueueRow & {
  overdue: boolean;
  /** Open and not yet answered: the page shows "Svar senest …". */
  awaitingFirstResponse: boolean;
};

export type Paged<T> = { items: T[]; page: number; hasPrevious: boolean; hasNext: boolean };

export type StaffList = Paged<QueueItem> & {
  counts: Record<ConcernStatus | 'overdue', number>;
  /** The status filter in force (the query's, or the list's default). */
  status: StatusFilter;
  /** A search was asked for but held no word to search for. */
  searchWithoutWords: boolean;
  options: {
    councils: { id: number; name: string }[];
    categories: { slug: string; label_da: string; label_en: string }[];
    departments: { id: number; name: string }[];
  };
};

export type CouncilCounts = {
  councilId: number;
  councilName: string;
  statuses: Record<ConcernStatus | 'overdue', number>;
  categories: CategoryCount[];
};

export type SharedItem = SharedRow & { firstLine: string };

export type MyConcerns = {
  /** Officers and district admins: the concerns they handle, with the queue's filters. */
  staff: StaffList | null;
  /** Concerns the actor logged; null for someone who neither reports nor has reported. */
  own: (Paged<OwnRow> & { status: StatusFilter }) | null;
  /** Summaries shared with the actor's councils; hidden while searching (search covers own text only). */
  shared: Paged<SharedItem> | null;
  /** Per council the actor administers: aggregates only, never other people's concerns. */
  councilCounts: CouncilCounts[];
  canReport: boolean;
  searchWithoutWords: boolean;
};

function paged<T>(rows: T[], page: number): Paged<T> {
  return {
    items: rows.slice(0, PAGE_SIZE),
    page,
    hasPrevious: page > 1,
    hasNext: rows.length > PAGE_SIZE,
  };
}

const window = (page: number) => ({ limit: PAGE_SIZE + 1, offset: (page - 1) * PAGE_SIZE });

function statusesOf(filter: StatusFilter): ConcernStatus[] | null {
  if (filter === 'all') return null;
  if (filter === 'open') return [...OPEN_STATUSES];
  return [filter];
}

/**
 * The filters a staff list was asked for, for the audit log — only those set (not the list's
 * default status), under the audit log's names (audit-details.ts). The page number is left out: a
 * reader paging through one search within minutes adds to its line (AuditLog.record) instead of
 * adding lines.
 */
export function listFilterDetails(query: ListQuery): AuditDetails {
  const details: AuditDetails = {};
  if (query.q !== '') details.q = query.q;
  if (query.council !== null) details.councilId = query.council;
  if (query.status !== null) details.status = query.status;
  if (query.category !== null) details.category = query.category;
  if (query.priority !== null) details.priority = query.priority;
  if (query.department !== null) details.departmentId = query.department;
  if (query.awaiting) details.awaiting = true;
  if (query.overdue) details.overdue = true;
  return details;
}

/** First line of a shared summary, as the list's link text. */
function firstLineOf(summary: string): string {
  const line = summary.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  return line.length > 140 ? `${line.slice(0, 139).trimEnd()}…` : line.trim();
}

/**
 * The lists of concerns: the officer's queue (/triage), the staff list and a member's own concerns
 * (/concerns), shared summaries and counts. Every list is limited to what policy lets the actor see.
 */
export class TriageService {
  constructor(private readonly deps: Deps) {}

  /**
   * The councils a staff list covers: the actor's own, or the one filtered on. A council the actor
   * does not handle is a 404 — the same answer as for a council that does not exist.
   */
  private councilScope(actor: Actor, council: number | null): number[] | null {
    ensure(policy.canUseTriage(actor));
    if (council !== null) {
      ensure(policy.canHandleConcern(actor, { councilId: council, reporterId: null }));
      return [council];
    }
    return actor.isDistrictAdmin ? null : actor.officerCouncilIds;
  }

  private staffList(
    actor: Actor,
    query: ListQuery,
    list: 'triage' | 'concerns',
    order: ListOrder,
    defaultStatus: StatusFilter,
    ctx: RequestContext,
  ): StaffList {
    const { triage, settings, audit } = this.deps;
    const councilIds = this.councilScope(actor, query.council);
    const now = this.deps.now();
    const nowIso = now.toISOString();
    const ackBefore = ackCutoff(now, settings);
    const status = query.status ?? defaultStatus;
    const match = query.q ? ftsMatchExpression(query.q) : null;
    const searchWithoutWords = query.q !== '' && match === null;
    const filter: ListFilter = {
      councilIds,
      statuses: statusesOf(status),
      categorySlug: query.category,
      priority: query.priority,
      departmentId: query.department,
      awaitingDepartment: query.awaiting,
      overdueOnly: query.overdue,
      match,
    };
    const rows = searchWithoutWords ? [] : triage.list(filter, order, window(query.page), nowIso, ackBefore);
    // A list shows concerns' titles, and a search reads their text: staff reads of lists are
    // audited like case-page reads, with the filters in force. A search with no word read nothing.
    if (!searchWithoutWords) {
      audit.record(actor, match ? 'concern.searched' : 'concern.listed', null, ctx, {
        list,
        ...listFilterDetails(query),
      });
    }
    const page = paged(rows, query.page);
    return {
      ...page,
      items: page.items.map((r) => ({
        ...r,
        overdue: isOverdue(r, nowIso),
        awaitingFirstResponse: isOpen(r.status) && r.first_response_at === null,
      })),
      counts: triage.statusCounts(councilIds, nowIso),
      status,
      searchWithoutWords,
      options: {
        councils: triage.councilsByIds(actor.isDistrictAdmin ? null : actor.officerCouncilIds),
        categories: triage.categories(),
        departments: triage.departments(),
      },
    };
  }

  /** The officer's queue: open concerns by default, overdue first, then new, then by due date. */
  queue(actor: Actor, query: ListQuery, ctx: RequestContext = {}): StaffList {
    return this.staffList(actor, query, 'triage', 'queue', 'open', ctx);
  }

  /** GET /concerns: what this person may see — their own, shared summaries, and for staff the ones they handle. */
  myConcerns(actor: Actor, query: ListQuery, ctx: RequestContext = {}): MyConcerns {
    const { triage } = this.deps;
    const staff = policy.canUseTriage(actor)
      ? this.staffList(actor, query, 'concerns', 'newest', 'all', ctx)
      : null;
    const match = query.q ? ftsMatchExpression(query.q) : null;
    const searchWithoutWords = query.q !== '' && match === null;
    const memberCouncilIds = actor.memberships.map((m) => m.councilId);

    // Staff see their own concerns through the staff list's filters; the own list uses its own page.
    const ownPage = staff ? query.mine_page : query.page;
    const ownStatus = staff ? 'all' : (query.status ?? 'all');
    const ownRows = searchWithoutWords
      ? []
      : triage.ownConcerns(actor.id, { statuses: statusesOf(ownStatus), match }, window(ownPage));
    const own =
      memberCouncilIds.length > 0 || ownRows.length > 0 || ownPage > 1
        ? { ...paged(ownRows, ownPage), status: ownStatus }
        : null;

    let shared: Paged<SharedItem> | null = null;
    if (memberCouncilIds.length > 0 && query.q === '') {
      const rows = triage.sharedSummaries(memberCouncilIds, window(query.shared_page));
      const page = paged(rows, query.shared_page);
      shared = {
        ...page,
        items: page.items.map((r) => ({ ...r, firstLine: firstLineOf(r.shared_summary) })),
      };
    }

    const nowIso = this.deps.now().toISOString();
    const councilCounts = actor.memberships
      .filter((m) => m.role === 'council_admin' && policy.canViewConcernCounts(actor, m.councilId))
      .map((m) => ({
        councilId: m.councilId,
        councilName: m.councilName,
        statuses: triage.statusCounts([m.councilId], nowIso),
        categories: triage.categoryCounts(m.councilId),
      }));

    return {
      staff,
      own,
      shared,
      councilCounts,
      canReport: memberCouncilIds.some((id) => policy.canReportConcern(actor, id)),
      searchWithoutWords,
    };
  }

  /** The newest summaries shared with the actor's networks: "Nyt fra netværksbetjenten" on the start page. */
  latestShared(actor: Actor, count: number): SharedItem[] {
    const councilIds = actor.memberships.map((m) => m.councilId);
    return this.deps.triage
      .sharedSummaries(councilIds, { limit: count, offset: 0 })
      .map((r) => ({ ...r, firstLine: firstLineOf(r.shared_summary) }));
  }
}
