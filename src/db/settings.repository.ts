import type { Db } from './connection.js';

/**
 * Operator-tunable values kept in the `settings` table; a missing row means the default below.
 * Later features add their keys here (retention, due dates, reminders).
 */
export const SETTING_DEFAULTS = {
  authority_name: 'Sydsjællands og Lolland-Falsters Politi',
  authority_email: 'sydsjaelland@politi.example',
  authority_phone: '114',
  authority_address: 'Jernbanegade 6, 4700 Næstved',
  district_name: 'Sydsjællands og Lolland-Falsters Politikreds',
  // Privacy (docs/domain.md#retention): months after closing before a concern is anonymised;
  // days a sent mail's body is kept (recipient, kind, status and times stay); months the audit
  // log is kept.
  retention_months: '24',
  mail_body_retention_days: '30',
  audit_retention_months: '60',
  // The controller's data protection officer, named on the privacy page.
  dpo_email: 'dpo@politi.example',
  dpo_phone: '114',
  // The accessibility statement (Danish format): its address on was.digst.dk (empty = the page
  // here is the statement; /was leads to whichever applies) and the date it was last reviewed.
  was_statement_url: '',
  accessibility_statement_date: '2026-12-05',
  session_idle_minutes: '30',
  // Concerns: working days to the first public response, per priority.
  due_working_days_high: '1',
  due_working_days_normal: '3',
  due_working_days_low: '10',
  // A referral not acknowledged within this many hours is flagged.
  referral_ack_hours: '48',
  referral_link_days: '30',
  // The officers' daily digest goes out at this Copenhagen hour.
  digest_hour: '7',
  // Newsletters: messages per second at most (0 = as fast as the SMTP pool takes them), per batch.
  newsletter_rate_per_second: '20',
  newsletter_batch_size: '20',
  // Meetings: the reminder goes out this many hours before the start.
  meeting_reminder_hours: '24',
} as const;

export type SettingKey = keyof typeof SETTING_DEFAULTS;

export class SettingsRepository {
  private readonly getStmt;
  private cache = new Map<string, string>();

  constructor(private readonly db: Db) {
    this.getStmt = db.prepare<[string], string>('SELECT value FROM settings WHERE key = ?').pluck();
  }

  get(key: SettingKey): string {
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const value = (this.getStmt.get(key) as string | undefined) ?? SETTING_DEFAULTS[key];
    this.cache.set(key, value);
    return value;
  }

  getNumber(key: SettingKey): number {
    return Number(this.get(key));
  }

  set(key: SettingKey, value: string): void {
    this.db
      .prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value);
    this.cache.set(key, value);
  }
}
