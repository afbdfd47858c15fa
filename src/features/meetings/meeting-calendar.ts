import type { RequestContext } from '../../audit/audit-log.js';
import type { Actor } from '../../auth/policy.js';
import { hashToken, newToken } from '../../auth/tokens.repository.js';
import type { Core } from '../../core.js';
import { NotFoundError } from '../../errors.js';
import { buildCalendar, type IcsEvent } from './ical.js';
import type { MeetingRow, MeetingsRepository, Recipient } from './meetings.repository.js';

export type MeetingCalendarDeps = Pick<Core, 'db' | 'users' | 'audit' | 'now' | 'baseUrl'> & {
  meetings: MeetingsRepository;
  mailFrom: string;
};

/** "Nærnet <noreply@x>" → noreply@x */
function addressOf(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
}

/**
 * Meetings as calendar events: the VEVENT every .ics is made of (download, mails, feed) and the
 * personal calendar feed's secret. Who may see which meeting is decided by MeetingsService before
 * a row gets here.
 */
export class MeetingCalendar {
  constructor(private readonly deps: MeetingCalendarDeps) {}

  private host(): string {
    return new URL(this.deps.baseUrl()).hostname || 'localhost';
  }

  meetingUrl(id: number): string {
    return `${this.deps.baseUrl()}/meetings/${id}`;
  }

  /** The meeting as one VEVENT; `attendee` for the copy mailed to one person. */
  event(row: MeetingRow, attendee?: Recipient): IcsEvent {
    return {
      uid: `meeting-${row.id}@${this.host()}`,
      sequence: row.sequence,
      start: new Date(row.starts_at),
      end: new Date(row.ends_at),
      stamp: this.deps.now(),
      summary: row.title,
      location: row.location,
      description: [row.agenda_markdown, this.meetingUrl(row.id)].filter(Boolean).join('\n\n'),
      status: row.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED',
      url: this.meetingUrl(row.id),
      organizer: { name: 'Nærnet', email: addressOf(this.deps.mailFrom) },
      attendee: attendee ? { name: attendee.name, email: attendee.email } : undefined,
    };
  }

  /** GET /meetings/:id.ics: a download (METHOD:PUBLISH). */
  download(row: MeetingRow): string {
    return buildCalendar({ method: 'PUBLISH', events: [this.event(row)] });
  }

  // ---------------------------------------------------------------- personal calendar feed

  feedStatus(actor: Actor): { createdAt: string | null } {
    return { createdAt: this.deps.meetings.feedCreatedAt(actor.id) };
  }

  /** A new secret address (the old one stops working). Returns the token, shown once. */
  createFeed(actor: Actor, ctx: RequestContext = {}): string {
    const token = newToken();
    this.deps.db.transaction(() => {
      this.deps.meetings.replaceFeed(actor.id, hashToken(token), this.deps.now().toISOString());
      this.deps.audit.record(actor, 'meeting.feed_created', actor.id, ctx);
    })();
    return token;
  }

  revokeFeed(actor: Actor, ctx: RequestContext = {}): void {
    this.deps.db.transaction(() => {
      this.deps.meetings.revokeFeed(actor.id);
      this.deps.audit.record(actor, 'meeting.feed_revoked', actor.id, ctx);
    })();
  }

  feedUrl(token: string): string {
    return `${this.deps.baseUrl()}/calendar/${token}.ics`;
  }

  /** The person a feed token belongs to, loaded fresh; 404 for a malformed, unknown or revoked one. */
  feedOwner(token: string): Actor {
    const userId = /^[A-Za-z0-9_-]{20,64}$/.test(token)
      ? this.deps.meetings.feedOwner(hashToken(token))
      : undefined;
    const actor = userId === undefined ? undefined : this.deps.users.loadActor(userId);
    if (!actor) throw new NotFoundError();
    return actor;
  }

  /** The feed's body: the given meetings as they are now, under the owner's name. */
  feed(owner: Actor, rows: MeetingRow[]): string {
    return buildCalendar({ name: `Nærnet – ${owner.name}`, events: rows.map((m) => this.event(m)) });
  }
}
