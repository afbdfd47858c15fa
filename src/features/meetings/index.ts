import type { Core } from '../../composition.js';
import type { Job } from '../../jobs/scheduler.js';
import { MeetingsRepository } from './meetings.repository.js';
import { createMeetingsRouter } from './meetings.routes.js';
import { MeetingsService } from './meetings.service.js';

export function createMeetingsFeature(core: Core) {
  const meetings = new MeetingsRepository(core.db);
  const service = new MeetingsService({
    db: core.db,
    meetings,
    users: core.users,
    mailer: core.mailer,
    audit: core.audit,
    now: core.now,
    baseUrl: core.baseUrl,
    mailFrom: core.config.mailFrom,
    settings: core.settings,
  });
  // The reminder's state is meetings.reminder_sent_at, set with the queued mails: safe to rerun.
  const reminders: Job = { name: 'meeting-reminders', run: async () => void service.sendDueReminders() };
  return { router: createMeetingsRouter(service), service, jobs: [reminders] as Job[] };
}
