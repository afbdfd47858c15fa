import type { Db } from '../../db/connection.js';
import { overdueSql } from '../concerns/concern-state.js';

export type DigestOfficer = { id: number; name: string; email: string; locale: 'da' | 'en' };

export type DigestConcern = { id: number; title: string; council_name: string };

/** A crime-picture post with comments written since the last digest; no council = the whole district. */
export type DigestPostComments = { id: number; title: string; council_name: string | null; count: number };

/** How many concerns of each kind a digest lists by name; the rest are counted. */
export const DIGEST_LIST_LIMIT = 25;

/** The SQL of the officers' daily digest. */
export class DigestRepository {
  private readonly pendingOfficers;
  private readonly newConcerns;
  private readonly overdueConcerns;
  private readonly answeredConcerns;
  private readonly mailFailedConcerns;
  private readonly addedToConcerns;
  private readonly postComments;
  private readonly lastSent;
  private readonly logStmt;

  constructor(db: Db) {
    this.pendingOfficers = db.prepare<[string], DigestOfficer>(
      `SELECT u.id, u.name, u.email, u.locale FROM users u
        WHERE u.is_officer = 1 AND u.status = 'active'
          AND EXISTS (SELECT 1 FROM officer_assignments a JOIN councils co ON co.id = a.council_id
                       WHERE a.officer_id = u.id AND co.active = 1)
          AND NOT EXISTS (SELECT 1 FROM digest_log l WHERE l.officer_id = u.id AND l.day = ?)
        ORDER BY u.id`,
    );
    // The officer's councils drive each query, so the concerns_queue index does the work.
    const scoped = `FROM officer_assignments a
        JOIN councils co ON co.id = a.council_id AND co.active = 1
        JOIN concerns c ON c.council_id = a.council_id`;
    this.newConcerns = db.prepare<{ officerId: number; limit: number }, DigestConcern>(
      `SELECT c.id, c.title, co.name AS council_name ${scoped}
        WHERE a.officer_id = @officerId AND c.status = 'new'
        ORDER BY c.created_at, c.id LIMIT @limit`,
    );
    // isOverdue of concerns/concern-state.ts, in SQL.
    this.overdueConcerns = db.prepare<{ officerId: number; now: string; limit: number }, DigestConcern>(
      `SELECT c.id, c.title, co.name AS council_name ${scoped}
        WHERE a.officer_id = @officerId AND ${overdueSql('c', '@now')}
        ORDER BY c.due_at, c.id LIMIT @limit`,
    );
    this.answeredConcerns = db.prepare<{ officerId: number; since: string; limit: number }, DigestConcern>(
      `SELECT c.id, c.title, co.name AS council_name ${scoped}
        WHERE a.officer_id = @officerId
          AND EXISTS (SELECT 1 FROM referrals r WHERE r.concern_id = c.id AND r.status = 'answered'
                         AND r.answered_at > @since)
        ORDER BY c.id LIMIT @limit`,
    );
    // Open concerns with a referral still waiting whose mail to the department failed for good
    // (migrations/0026): listed every day until it is sent again or the referral is renewed.
    this.mailFailedConcerns = db.prepare<{ officerId: number; limit: number }, DigestConcern>(
      `SELECT c.id, c.title, co.name AS council_name ${scoped}
        WHERE a.officer_id = @officerId AND c.status <> 'closed'
          AND EXISTS (SELECT 1 FROM referrals r JOIN outbox o ON o.id = r.outbox_id
                       WHERE r.concern_id = c.id AND r.status IN ('sent', 'acknowledged')
                         AND o.status = 'failed')
        ORDER BY c.id LIMIT @limit`,
    );
    // What a reporter added that no officer has opened yet (migrations/0030): listed every day
    // until an officer of the council opens the case, like the flag in /triage.
    this.addedToConcerns = db.prepare<{ officerId: number; limit: number }, DigestConcern>(
      `SELECT c.id, c.title, co.name AS council_name ${scoped}
        WHERE a.officer_id = @officerId AND c.reporter_activity_at IS NOT NULL AND c.status <> 'closed'
        ORDER BY c.reporter_activity_at, c.id LIMIT @limit`,
    );
    // Driven by the comments' time (post_comments_created, migrations/0029): a day's comments are few.
    // The officer's own comments and those already hidden are no news to them.
    this.postComments = db.prepare<{ officerId: number; since: string; limit: number }, DigestPostComments>(
      `SELECT p.id, p.title, co.name AS council_name, count(*) AS count
         FROM post_comments pc JOIN posts p ON p.id = pc.post_id
         LEFT JOIN councils co ON co.id = p.council_id
        WHERE pc.created_at > @since AND pc.hidden_at IS NULL
          AND (pc.author_id IS NULL OR pc.author_id <> @officerId)
          AND (p.council_id IS NULL
               OR (co.active = 1 AND EXISTS (SELECT 1 FROM officer_assignments a
                                              WHERE a.officer_id = @officerId AND a.council_id = p.council_id)))
        GROUP BY p.id
        ORDER BY p.created_at DESC, p.id DESC LIMIT @limit`,
    );
    this.lastSent = db
      .prepare<[number], string | null>('SELECT max(sent_at) FROM digest_log WHERE officer_id = ?')
      .pluck();
    this.logStmt = db.prepare('INSERT OR IGNORE INTO digest_log (officer_id, day, sent_at) VALUES (?, ?, ?)');
  }

  /** Active officers with at least one active council who have had no digest for `day`. */
  officersWithoutDigest(day: string): DigestOfficer[] {
    return this.pendingOfficers.all(day);
  }

  newFor(officerId: number, limit = DIGEST_LIST_LIMIT + 1): DigestConcern[] {
    return this.newConcerns.all({ officerId, limit });
  }

  overdueFor(officerId: number, now: string, limit = DIGEST_LIST_LIMIT + 1): DigestConcern[] {
    return this.overdueConcerns.all({ officerId, now, limit });
  }

  answeredFor(officerId: number, since: string, limit = DIGEST_LIST_LIMIT + 1): DigestConcern[] {
    return this.answeredConcerns.all({ officerId, since, limit });
  }

  referralMailFailedFor(officerId: number, limit = DIGEST_LIST_LIMIT + 1): DigestConcern[] {
    return this.mailFailedConcerns.all({ officerId, limit });
  }

  reporterAdditionsFor(officerId: number, limit = DIGEST_LIST_LIMIT + 1): DigestConcern[] {
    return this.addedToConcerns.all({ officerId, limit });
  }

  /** Posts of the officer's councils and the whole district with comments since `since`, newest post first. */
  commentsFor(officerId: number, since: string, limit = DIGEST_LIST_LIMIT + 1): DigestPostComments[] {
    return this.postComments.all({ officerId, since, limit });
  }

  lastDigestAt(officerId: number): string | null {
    return (this.lastSent.get(officerId) as string | null | undefined) ?? null;
  }

  /** Claims the officer's digest for the day; false when it was already sent (another process, a restart). */
  claim(officerId: number, day: string, now: string): boolean {
    return this.logStmt.run(officerId, day, now).changes === 1;
  }
}
