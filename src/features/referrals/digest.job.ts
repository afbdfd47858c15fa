import type { Core } from '../../core.js';
import type { Job } from '../../jobs/scheduler.js';
import { localDate, toLocalInputValue } from '../../web/dates.js';
import { translator } from '../../web/i18n.js';
import {
  DIGEST_LIST_LIMIT,
  type DigestConcern,
  type DigestOfficer,
  type DigestPostComments,
  DigestRepository,
} from './digest.repository.js';

type Deps = Pick<Core, 'db' | 'settings' | 'now' | 'mailer' | 'baseUrl' | 'logger' | 'messages'>;

/**
 * The officers' daily digest (docs/domain.md#due-dates-and-the-overdue-rule): once per Copenhagen day, at or after settings
 * digest_hour, every active officer with councils gets one mail — only when there is something —
 * listing open concerns whose referral mail to a department could not be delivered, overdue
 * concerns, new concerns, concerns a department answered since their last digest (or in the
 * last 24 hours) and concerns with a reporter's addition no officer has opened yet, and the crime-picture posts of their councils and the whole district with new
 * comments since then (titles and counts, never the comments themselves).
 *
 * Exactly once: the digest_log row (officer, day) is written in the same transaction as the
 * outbox row, so a restart or a second process never sends the same day's digest twice. Cheap:
 * before the hour, and once the day's round is done, a tick does no SQL at all.
 */
export function createDigestJob(deps: Deps): Job {
  const digests = new DigestRepository(deps.db);
  let doneDay: string | undefined;

  const list = (concerns: DigestConcern[]) =>
    concerns
      .slice(0, DIGEST_LIST_LIMIT)
      .map((c) => `#${c.id} ${c.title} (${c.council_name}): ${deps.baseUrl()}/concerns/${c.id}`)
      .join('\n');
  const count = (items: unknown[]) =>
    items.length > DIGEST_LIST_LIMIT ? `${DIGEST_LIST_LIMIT}+` : String(items.length);

  /** One line per post, in the officer's language: "Title (Glumsø Lokalråd): 2 nye kommentarer – link". */
  function commentList(posts: DigestPostComments[], officer: DigestOfficer): string {
    const t = translator(deps.messages, officer.locale);
    return posts
      .slice(0, DIGEST_LIST_LIMIT)
      .map((p) => {
        const where = p.council_name ?? t('posts.digest.whole_district');
        const how =
          p.count === 1
            ? t('posts.digest.comments_one')
            : t('posts.digest.comments_many', { count: p.count });
        return `${p.title} (${where}): ${how} – ${deps.baseUrl()}/posts/${p.id}#comments`;
      })
      .join('\n');
  }

  function sendDigest(officer: DigestOfficer, day: string, now: Date): boolean {
    return deps.db.transaction(() => {
      const nowIso = now.toISOString();
      const overdue = digests.overdueFor(officer.id, nowIso);
      // A new concern that is already overdue is listed once, under overdue.
      const overdueIds = new Set(overdue.map((c) => c.id));
      const fresh = digests.newFor(officer.id).filter((c) => !overdueIds.has(c.id));
      const since = digests.lastDigestAt(officer.id) ?? new Date(now.getTime() - 86_400_000).toISOString();
      const answered = digests.answeredFor(officer.id, since);
      const mailFailed = digests.referralMailFailedFor(officer.id);
      const comments = digests.commentsFor(officer.id, since);
      const added = digests.reporterAdditionsFor(officer.id);
      const things =
        overdue.length + fresh.length + answered.length + mailFailed.length + added.length + comments.length;
      if (things === 0) return false;
      if (!digests.claim(officer.id, day, nowIso)) return false;
      const paragraphKeys = ['mail.greeting', 'referrals.digest.intro'];
      // First: a department that never got its referral is waiting for nothing.
      if (mailFailed.length > 0) paragraphKeys.push('referrals.digest.mail_failed');
      if (overdue.length > 0) paragraphKeys.push('referrals.digest.overdue');
      if (fresh.length > 0) paragraphKeys.push('referrals.digest.new');
      if (answered.length > 0) paragraphKeys.push('referrals.digest.answered');
      if (added.length > 0) paragraphKeys.push('referrals.digest.added');
      if (comments.length > 0) paragraphKeys.push('posts.digest.comments');
      deps.mailer.queue({
        kind: 'officer_digest',
        to: officer.email,
        locale: officer.locale,
        subjectKey: 'referrals.digest.subject',
        params: {
          name: officer.name,
          overdue_count: count(overdue),
          overdue_list: list(overdue),
          new_count: count(fresh),
          new_list: list(fresh),
          answered_count: count(answered),
          answered_list: list(answered),
          mail_failed_count: count(mailFailed),
          mail_failed_list: list(mailFailed),
          added_count: count(added),
          added_list: list(added),
          comments_count: count(comments),
          comments_list: commentList(comments, officer),
        },
        paragraphKeys,
        action: { labelKey: 'referrals.digest.action', url: `${deps.baseUrl()}/triage` },
        // The lines quote titles: anonymising any listed concern empties this digest too.
        concernIds: [overdue, fresh, answered, mailFailed, added].flatMap((l) =>
          l.slice(0, DIGEST_LIST_LIMIT).map((c) => c.id),
        ),
      });
      return true;
    })();
  }

  return {
    name: 'officer-digest',
    async run() {
      const now = deps.now();
      const day = localDate(now);
      if (doneDay === day) return;
      const hour = Number(toLocalInputValue(now).slice(11, 13));
      if (hour < deps.settings.getNumber('digest_hour')) return;
      let failed = false;
      for (const officer of digests.officersWithoutDigest(day)) {
        try {
          sendDigest(officer, day, now);
        } catch (err) {
          // Try again on the next tick; the others' digests are already safely logged.
          failed = true;
          deps.logger.error({ err, officerId: officer.id }, 'digest: could not queue');
        }
      }
      if (!failed) doneDay = day;
    },
  };
}
