import type { Core } from '../../core.js';
import type { MailExtras } from '../../mail/outbox.repository.js';
import { formatDateTime, formatTime, type Locale, localDate } from '../../web/dates.js';
import { buildCalendar } from './ical.js';
import type { MeetingCalendar } from './meeting-calendar.js';
import type { Invitee, MeetingRow, MeetingsRepository, Recipient } from './meetings.repository.js';

export type MeetingMailDeps = Pick<Core, 'db' | 'mailer' | 'settings' | 'now'> & {
  meetings: MeetingsRepository;
  calendar: MeetingCalendar;
};

/**
 * Who is mailed what about a meeting (README "Who is mailed"): invitations, updates,
 * cancellations and removals with the .ics, minutes, and the reminder job. Every mail is queued in
 * the outbox; apart from the reminders, call these inside the change's transaction.
 */
export class MeetingMail {
  constructor(private readonly deps: MeetingMailDeps) {}

  private when(row: MeetingRow, locale: Locale): string {
    const sameDay = localDate(row.starts_at) === localDate(row.ends_at);
    return sameDay
      ? `${formatDateTime(row.starts_at, locale)}–${formatTime(row.ends_at, locale).replace(/^kl\. /, '')}`
      : `${formatDateTime(row.starts_at, locale)} – ${formatDateTime(row.ends_at, locale)}`;
  }

  /** `councils` is the meeting's council names (councilNames), worked out once per meeting. */
  private mailParams(row: MeetingRow, locale: Locale, councils: string): Record<string, string> {
    return {
      title: row.title,
      when: this.when(row, locale),
      location: row.location,
      councils,
      agenda: row.agenda_markdown || '–',
      reason: row.cancel_reason ?? '',
    };
  }

  councilNames(id: number): string {
    return this.deps.meetings
      .councilsOf(id)
      .map((c) => c.name)
      .join(', ');
  }

  /** The meeting as it is in `row`, as the .ics part of the mail to one person. */
  private calendarPart(row: MeetingRow, r: Recipient, method: 'REQUEST' | 'CANCEL'): MailExtras {
    const content = buildCalendar({ method, events: [this.deps.calendar.event(row, r)] });
    return { icalEvent: { method, filename: `moede-${row.id}.ics`, content } };
  }

  /** One mail per person with the .ics (REQUEST or CANCEL) as the meeting is in `row`. */
  private mailCalendar(
    row: MeetingRow,
    people: Recipient[],
    method: 'REQUEST' | 'CANCEL',
    purpose: 'invitation' | 'update' | 'cancellation',
  ): void {
    if (people.length === 0) return;
    const councils = this.councilNames(row.id);
    // A cancellation says why, right after saying that it is cancelled.
    const why = purpose === 'cancellation' && row.cancel_reason ? ['meetings.mail.cancellation.reason'] : [];
    this.deps.mailer.queueEach(people, (r) => ({
      kind: `meeting_${purpose}`,
      subjectKey: `meetings.mail.${purpose}.subject`,
      params: this.mailParams(row, r.locale, councils),
      paragraphKeys: [
        `meetings.mail.${purpose}.intro`,
        ...why,
        'meetings.mail.details',
        'meetings.mail.agenda',
      ],
      action: {
        // Nothing to answer on a cancelled meeting: the link only shows it.
        labelKey: purpose === 'cancellation' ? 'meetings.mail.see' : 'meetings.mail.open',
        url: this.deps.calendar.meetingUrl(row.id),
      },
      extras: this.calendarPart(row, r, method),
    }));
  }

  /** The invitation to the councils' members who want meeting mail, recorded as invitees. */
  invite(id: number, now: string): void {
    const row = this.deps.meetings.findById(id);
    if (!row) return;
    const people = this.deps.meetings.recipients(id);
    this.mailCalendar(row, people, 'REQUEST', 'invitation');
    this.deps.meetings.addInvitees(id, people, now);
  }

  /** The CANCEL to everyone who has the event, whatever became of their membership or account since. */
  cancellation(id: number): void {
    const row = this.deps.meetings.findById(id);
    if (!row) return;
    const invitees = this.deps.meetings.invitees(id).filter((i) => i.notify_meetings === 1);
    this.mailCalendar(row, invitees, 'CANCEL', 'cancellation');
  }

  /**
   * After an edit (`before` is the meeting as it was):
   * - invitees who are still part of the meeting get the update, if the change was significant;
   * - members who were never invited (joined since, turned meeting mail on, or their council was
   *   added) get the invitation with the current SEQUENCE and become invitees;
   * - invitees who are no longer part of it (membership ended, account deactivated, council taken
   *   off the meeting) get a METHOD:CANCEL for the event as they knew it — never the new details —
   *   and are forgotten. One who does not want meeting mail stays an invitee: we could not tell them.
   * Newcomers and leavers are only dealt with while the meeting has not ended.
   */
  reconcileInvitees(
    id: number,
    before: MeetingRow,
    councilsBefore: string,
    significant: boolean,
    now: string,
  ): void {
    const row = this.deps.meetings.findById(id);
    if (!row) return;
    const invitees = this.deps.meetings.invitees(id);
    const invited = new Set(invitees.map((i) => i.id));
    const wantsMail = (i: Invitee) => i.notify_meetings === 1;
    if (significant) {
      this.mailCalendar(
        row,
        invitees.filter((i) => i.member === 1 && wantsMail(i)),
        'REQUEST',
        'update',
      );
    }
    // Once the meeting is over nobody new is invited to it, and nobody needs it taken away.
    if (Date.parse(row.ends_at) <= this.deps.now().getTime()) return;
    const newcomers = this.deps.meetings.recipients(id).filter((r) => !invited.has(r.id));
    this.mailCalendar(row, newcomers, 'REQUEST', 'invitation');
    this.deps.meetings.addInvitees(id, newcomers, now);

    const leavers = invitees.filter((i) => i.member === 0 && wantsMail(i));
    // The event as they have it, at the current SEQUENCE so calendar apps accept the CANCEL.
    const known: MeetingRow = { ...before, sequence: row.sequence, status: 'cancelled' };
    this.deps.mailer.queueEach(leavers, (r) => ({
      kind: 'meeting_removed',
      subjectKey: 'meetings.mail.removed.subject',
      params: this.mailParams(known, r.locale, councilsBefore),
      paragraphKeys: ['meetings.mail.removed.intro', 'meetings.mail.details'],
      extras: this.calendarPart(known, r, 'CANCEL'),
    }));
    this.deps.meetings.removeInvitees(
      id,
      leavers.map((i) => i.id),
    );
  }

  /** Tells the councils' current members the minutes are out (they link to a members-only page). */
  minutes(id: number): void {
    const row = this.deps.meetings.findById(id);
    if (!row) return;
    const councils = this.councilNames(id);
    this.deps.mailer.queueEach(this.deps.meetings.recipients(id), (r) => ({
      kind: 'meeting_minutes',
      subjectKey: 'meetings.mail.minutes.subject',
      params: this.mailParams(row, r.locale, councils),
      paragraphKeys: ['meetings.mail.minutes.intro'],
      action: { labelKey: 'meetings.mail.open', url: this.deps.calendar.meetingUrl(id) },
    }));
  }

  /** Hours before the start that the reminder goes out (setting `meeting_reminder_hours`, default 24). */
  private reminderHours(): number {
    const hours = this.deps.settings.getNumber('meeting_reminder_hours');
    return Number.isFinite(hours) && hours > 0 ? hours : 24;
  }

  /**
   * The reminder job: meetings starting within the reminder window get one reminder each. The
   * marker and the mails commit together, so a crash or restart neither loses nor repeats it.
   */
  sendDueReminders(limit = 20): number {
    const now = this.deps.now();
    const until = new Date(now.getTime() + this.reminderHours() * 3_600_000);
    let sent = 0;
    for (const row of this.deps.meetings.dueForReminder(now.toISOString(), until.toISOString(), limit)) {
      this.deps.db
        .transaction(() => {
          if (!this.deps.meetings.markReminderSent(row.id, now.toISOString())) return;
          // Those invited who are still part of the meeting, want meeting mail and did not say no.
          const due = this.deps.meetings
            .invitees(row.id)
            .filter((i) => i.member === 1 && i.notify_meetings === 1 && i.declined === 0);
          const councils = due.length > 0 ? this.councilNames(row.id) : '';
          this.deps.mailer.queueEach(due, (r) => ({
            kind: 'meeting_reminder',
            subjectKey: 'meetings.mail.reminder.subject',
            params: this.mailParams(row, r.locale, councils),
            paragraphKeys: ['meetings.mail.reminder.intro', 'meetings.mail.details'],
            action: { labelKey: 'meetings.mail.open', url: this.deps.calendar.meetingUrl(row.id) },
          }));
          sent++;
        })
        .immediate();
    }
    return sent;
  }
}
