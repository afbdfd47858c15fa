import type { Router } from 'express';
import { type Logger, pino } from 'pino';
import { AuditLog } from './audit/audit-log.js';
import { createAuthRouter } from './auth/auth.routes.js';
import { AuthService } from './auth/auth.service.js';
import { InvitationService } from './auth/invitations.js';
import { createInvitationsRouter } from './auth/invitations.routes.js';
import { LoginThrottle, type ThrottleLimits } from './auth/login-throttle.js';
import { createPassport } from './auth/passport.js';
import { SqliteSessionStore } from './auth/session-store.js';
import { TokensRepository } from './auth/tokens.repository.js';
import { UsersRepository } from './auth/users.repository.js';
import type { Config } from './config.js';
import { type Db, openDatabase } from './db/connection.js';
import { migrate } from './db/migrate.js';
import { SettingsRepository } from './db/settings.repository.js';
import { createAccountFeature } from './features/account/index.js';
import { createAdminFeature } from './features/admin/index.js';
import { createConcernsFeature } from './features/concerns/index.js';
import { createHomeFeature } from './features/home/index.js';
import { createMeetingsFeature } from './features/meetings/index.js';
import { createMembersFeature } from './features/members/index.js';
import { createNewslettersFeature } from './features/newsletters/index.js';
import { createPostsFeature } from './features/posts/index.js';
import { createReferralsFeature } from './features/referrals/index.js';
import { createRolloutFeature } from './features/rollout/index.js';
import { createStatsFeature } from './features/stats/index.js';
import { createSurveysFeature } from './features/surveys/index.js';
import { createTemplatesFeature } from './features/templates/index.js';
import { createTriageFeature } from './features/triage/index.js';
import { parseListQuery } from './features/triage/triage.schemas.js';
import { JobLeases } from './jobs/lease.js';
import { outboxJob } from './jobs/outbox.job.js';
import { type Job, Scheduler } from './jobs/scheduler.js';
import { MailComposer } from './mail/composer.js';
import { Mailer } from './mail/mailer.js';
import { OutboxRepository } from './mail/outbox.repository.js';
import { fileTransport, type MailTransport, smtpTransport } from './mail/transport.js';
import { VIEWS_DIR } from './paths.js';
import { loadMessages } from './web/i18n.js';

export type ComposeOptions = {
  /** Tests pass a clock they control; everything that asks for "now" uses it. */
  now?: () => Date;
  logger?: Logger;
  throttleLimits?: ThrottleLimits;
  /** Production requires 2FA for officers and admins; tests can switch it on outside production. */
  enforceTwoFactor?: boolean;
};

/**
 * Everything a feature may use. Built once here and handed to each feature's factory, which
 * builds its own repository → service → router.
 */
export type Core = {
  config: Config & { enforceTwoFactor: boolean };
  db: Db;
  logger: Logger;
  now: () => Date;
  baseUrl: () => string;
  users: UsersRepository;
  tokens: TokensRepository;
  sessionStore: SqliteSessionStore;
  settings: SettingsRepository;
  audit: AuditLog;
  mailer: Mailer;
  outbox: OutboxRepository;
  invitations: InvitationService;
  messages: ReturnType<typeof loadMessages>;
  leases: JobLeases;
};

/** The one wiring place (DESIGN §6): database → repositories → services → mailer → jobs → routers. */
export function compose(config: Config, options: ComposeOptions = {}) {
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
  const idleMs = settings.getNumber('session_idle_minutes') * 60_000;
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
  const transport: MailTransport = config.smtpUrl
    ? smtpTransport(config.smtpUrl)
    : fileTransport(config.mailDir);
  const passport = createPassport(users);
  const throttle = new LoginThrottle(options.throttleLimits, () => now().getTime());

  const leases = new JobLeases(db, () => now().getTime());
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
    leases,
  };

  const auth = new AuthService({ db, users, tokens, throttle, mailer, audit, now, baseUrl: () => baseUrl });
  const home = createHomeFeature(core, {
    openConcerns: (actor) =>
      actor.memberships.length > 0
        ? (triage.service.myConcerns(actor, parseListQuery({ status: 'open' })).own?.items.slice(0, 5) ?? [])
        : [],
    latestPosts: (actor) => posts.service.latest(actor, 3),
    latestNewsletters: (actor) => newsletters.service.archive(actor, 3),
    nextMeetings: (actor) =>
      meetings.service.upcoming(actor, 3).map((m) => ({
        id: m.id,
        title: m.title,
        starts_at: m.starts_at,
        location: m.location,
        response: m.my_response,
      })),
    openSurveys: (actor) => surveys.service.pendingFor(actor),
  });
  const account = createAccountFeature(core);
  const members = createMembersFeature(core);
  const admin = createAdminFeature(core);
  const concerns = createConcernsFeature(core, {
    referralPanel: (actor, concernId) => referrals.service.referralsFor(actor, concernId),
    // "Behandlet på møder" on the staff case page; called at request time (meetings is built below).
    meetingLinks: (actor, concernId) => meetings.service.meetingLinksForConcern(actor, concernId),
  });
  const referrals = createReferralsFeature(core, { concerns: concerns.service });
  const triage = createTriageFeature(core);
  const templates = createTemplatesFeature(core);
  const newsletterTransport: MailTransport = config.smtpUrl
    ? smtpTransport(config.smtpUrl)
    : fileTransport(config.mailDir);
  const newsletters = createNewslettersFeature(core, { transport: newsletterTransport });
  const meetings = createMeetingsFeature(core);
  const posts = createPostsFeature(core);
  const surveys = createSurveysFeature(core);
  const stats = createStatsFeature(core, {
    surveyResults: (actor, query) => surveys.service.resultsForReport(actor, query),
  });
  const rollout = createRolloutFeature(core, { admin: admin.service, members: members.service });

  const routers: Router[] = [
    home.router,
    createAuthRouter({ auth, sessions: sessionStore }),
    createInvitationsRouter(invitations),
    account.router,
    members.router,
    admin.router,
    // /triage and /concerns (the list) come before /concerns/:id.
    triage.router,
    concerns.router,
    referrals.router,
    templates.router,
    newsletters.router,
    meetings.router,
    posts.router,
    surveys.router,
    stats.router,
    rollout.router,
  ];

  const jobs: Job[] = [
    outboxJob({ outbox, transport, leases, from: config.mailFrom, now, logger }),
    ...referrals.jobs,
    ...concerns.jobs,
    ...newsletters.jobs,
    ...meetings.jobs,
    ...posts.jobs,
    ...surveys.jobs,
    { name: 'session-prune', run: async () => void sessionStore.prune() },
  ];
  const scheduler = new Scheduler(jobs, config.schedulerIntervalMs, logger);

  return {
    ...core,
    config: core.config,
    messages,
    passport,
    outbox,
    transport,
    scheduler,
    routers,
    services: {
      auth,
      members: members.service,
      admin: admin.service,
      account: account.service,
      concerns: concerns.service,
      referrals: referrals.service,
      triage: triage.service,
      templates: templates.service,
      newsletters: newsletters.service,
      meetings: meetings.service,
      posts: posts.service,
      surveys: surveys.service,
      stats: stats.service,
      rollout: rollout.service,
    },
    setBaseUrl(url: string) {
      baseUrl = url;
    },
    close() {
      transport.close();
      newsletterTransport.close();
      db.close();
    },
  };
}

export type Composition = ReturnType<typeof compose>;
