import { type Logger, pino } from 'pino';
import { AuditLog } from './audit/audit-log.js';
import { InvitationService } from './auth/invitations.js';
import { SqliteSessionStore } from './auth/session-store.js';
import { TokensRepository } from './auth/tokens.repository.js';
import { UsersRepository } from './auth/users.repository.js';
import type { Config } from './config.js';
import { type Db, openDatabase } from './db/connection.js';
import { migrate } from './db/migrate.js';
import { SettingsRepository } from './db/settings.repository.js';
import { JobLeases } from './jobs/lease.js';
import { MailComposer } from './mail/composer.js';
import { Mailer } from './mail/mailer.js';
import { OutboxRepository } from './mail/outbox.repository.js';
import { VIEWS_DIR } from './paths.js';
import { loadMessages, type Messages } from './web/i18n.js';

/**
 * The plumbing every feature may use, built once by src/composition.ts and handed to each
 * feature's factory. It knows no feature, so a feature can import this type without importing
 * the composition (which imports every feature).
 */
export type Core = {
  config: Config & { enforceTwoFactor: boolean };
  db: Db;
  logger: Logger;
  /** The app's clock; tests pass one they control. */
  now: () => Date;
  /** The absolute address links in mails start with (known only after listen() when PORT=0). */
  baseUrl: () => string;
  users: UsersRepository;
  tokens: TokensRepository;
  sessionStore: SqliteSessionStore;
  settings: SettingsRepository;
  audit: AuditLog;
  mailer: Mailer;
  outbox: OutboxRepository;
  invitations: InvitationService;
  messages: Messages;
  leases: JobLeases;
};

export type CoreOptions = {
  now?: () => Date;
  logger?: Logger;
  /** Production requires 2FA for officers and admins; tests can switch it on outside production. */
  enforceTwoFactor?: boolean;
};

/** Opens the database (running pending migrations) and builds the plumbing around it. */
export function createCore(
  config: Config,
  options: CoreOptions = {},
): { core: Core; setBaseUrl(url: string): void } {
  const now = options.now ?? (() => new Date());
  const logger = options.logger ?? pino({ level: config.logLevel });
  const db = openDatabase(config.databaseFile);
  migrate(db);

  // The listening port is known only after listen(); server.ts sets it.
  let baseUrl = config.baseUrl ?? `http://localhost:${config.port}`;
  const messages = loadMessages();
  const settings = new SettingsRepository(db);
  const users = new UsersRepository(db);
  const tokens = new TokensRepository(db);
  const audit = new AuditLog(db, now);
  const idleMs = () => settings.getNumber('session_idle_minutes') * 60_000;
  const sessionStore = new SqliteSessionStore(db, idleMs, () => now().getTime());
  const outbox = new OutboxRepository(db, new URL(baseUrl).hostname || 'localhost');
  const composer = new MailComposer(
    messages,
    VIEWS_DIR,
    () => ({
      name: settings.get('authority_name'),
      email: settings.get('authority_email'),
      phone: settings.get('authority_phone'),
    }),
    () => baseUrl,
  );
  const mailer = new Mailer(composer, outbox, now);
  const invitations = new InvitationService({
    db,
    users,
    tokens,
    mailer,
    audit,
    now,
    baseUrl: () => baseUrl,
  });

  const core: Core = {
    config: { ...config, enforceTwoFactor: options.enforceTwoFactor ?? config.isProduction },
    db,
    logger,
    now,
    baseUrl: () => baseUrl,
    users,
    tokens,
    sessionStore,
    settings,
    audit,
    mailer,
    outbox,
    invitations,
    messages,
    leases: new JobLeases(db, () => now().getTime()),
  };
  return {
    core,
    setBaseUrl(url: string) {
      baseUrl = url;
    },
  };
}
