import type { Core } from '../../core.js';
import type { Job } from '../../jobs/scheduler.js';
import { translator } from '../../web/i18n.js';
import { renderMarkdown } from '../../web/markdown.js';
import { buildMonthlyDraft, monthName, previousCopenhagenMonth } from './monthly-draft.js';
import type { NewslettersRepository } from './newsletters.repository.js';
import { BODY_MAX } from './newsletters.schemas.js';

/** Thrown inside the transaction when another process prepared the same council/month first. */
class AlreadyPrepared extends Error {}

/**
 * "Det har vi arbejdet med": once the Copenhagen month has ended, each active council that had
 * concerns closed in it with a summary shared with the network gets one draft newsletter (audience:
 * that council) for its officers to edit, schedule or cancel. Runs on every tick and is cheap when
 * there is nothing to do; only the previous month is looked at, so a long outage leaves no backlog.
 * The draft, its monthly_newsletter_drafts row, the audit entry and the officers' mail are one
 * transaction: a council/month is prepared once, whatever the officer does with the draft after.
 */
export function monthlyDraftJob(
  deps: Pick<Core, 'mailer' | 'audit' | 'messages' | 'now' | 'baseUrl' | 'logger'> & {
    repo: NewslettersRepository;
  },
): Job & { prepare(): number[] } {
  const { repo, logger } = deps;
  // The newsletter goes to the network, whose language is Danish (the portal's default).
  const t = translator(deps.messages, 'da');

  /** Prepares what is due for the previous Copenhagen month; the ids of the drafts made. */
  function prepare(): number[] {
    const now = deps.now();
    const month = previousCopenhagenMonth(now);
    const made: number[] = [];
    for (const council of repo.monthlyDraftCandidates(month.key, month.start, month.end)) {
      try {
        const id = repo.transaction(() => {
          const items = repo.sharedClosedConcerns(council.id, month.start, month.end);
          // Reopened since the candidates were read: nothing to say, and no row, so a later tick may still.
          if (items.length === 0) return null;
          const draft = buildMonthlyDraft({
            t,
            month: month.key,
            councilName: council.name,
            items,
            maxLength: BODY_MAX,
          });
          const at = now.toISOString();
          const newsletterId = repo.insert({
            title: draft.title,
            markdown: draft.markdown,
            html: renderMarkdown(draft.markdown),
            authorId: null,
            wholeDistrict: false,
            councilIds: [council.id],
            now: at,
          });
          if (!repo.recordMonthlyDraft(council.id, month.key, newsletterId, at)) throw new AlreadyPrepared();
          deps.audit.record(
            null,
            'newsletter.monthly_draft_created',
            newsletterId,
            {},
            {
              councilId: council.id,
              month: month.key,
              concerns: items.slice(0, draft.included).map((i) => i.id),
            },
          );
          const url = `${deps.baseUrl()}/newsletters/${newsletterId}`;
          deps.mailer.queueEach(repo.officersOf(council.id), (officer) => ({
            kind: 'newsletter_monthly_draft',
            subjectKey: 'newsletters.monthly.mail.subject',
            params: {
              month: monthName(month.key, officer.locale),
              council: council.name,
              count: draft.included,
            },
            paragraphKeys: ['newsletters.monthly.mail.prepared', 'newsletters.monthly.mail.review'],
            action: { labelKey: 'newsletters.monthly.mail.action', url },
          }));
          return newsletterId;
        });
        if (id === null) continue;
        made.push(id);
        logger.info(
          { newsletterId: id, councilId: council.id, month: month.key },
          'newsletter: monthly draft prepared',
        );
      } catch (err) {
        if (!(err instanceof AlreadyPrepared)) throw err;
      }
    }
    return made;
  }

  return {
    name: 'newsletter-monthly-draft',
    prepare,
    async run() {
      prepare();
      return false;
    },
  };
}
