import type { Core } from '../../core.js';
import type { Job } from '../../jobs/scheduler.js';
import { MeetingCalendar } from './meeting-calendar.js';
import { MeetingMail } from './meeting-mail.js';
import { MeetingsRepository } from './meetings.repository.js';
import { MeetingsService } from './meetings.service.js';

export { createMeetingsRouter } from './meetings.routes.js';

/** Meetings (borgermøder, netværksmøder, fællesmøder): planning, invitations, answers, minutes. */
export function createMeetingsFeature(core: Core) {
  const meetings = new MeetingsRepository(core.db);
  const calendar = new MeetingCalendar({ ...core, meetings, mailFrom: core.config.mailFrom });
  const mail = new MeetingMail({ ...core, meetings, calendar });
  const service = new MeetingsService({ ...core, meetings, calendar, mail });
  // The reminder's state is meetings.reminder_sent_at, set with the queued mails: safe to rerun.
  const reminders: Job = { name: 'meeting-reminders', run: async () => void service.sendDueReminders() };
  return { service, jobs: [reminders] };
}
