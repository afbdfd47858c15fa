import type { Router } from 'express';
import { createAuthRouter } from './auth/auth.routes.js';
import { AuthService } from './auth/auth.service.js';
import { DeviceCookies } from './auth/device-cookie.js';
import { createInvitationsRouter } from './auth/invitations.routes.js';
import { LoginFailuresRepository } from './auth/login-failures.repository.js';
import { DEFAULT_LIMITS, LoginThrottle, type ThrottleLimits } from './auth/login-throttle.js';
import { createPassport } from './auth/passport.js';
import type { Config } from './config.js';
import { type Core, type CoreOptions, createCore } from './core.js';
import { createAccountFeature, createAccountRouter } from './features/account/index.js';
import { createAdminFeature, createAdminRouter } from './features/admin/index.js';
import { createConcernsFeature, createConcernsRouter } from './features/concerns/index.js';
import { createHomeRouter } from './features/home/index.js';
import { createMeetingsFeature, createMeetingsRouter } from './features/meetings/index.js';
import { createMembersFeature, createMembersRouter } from './features/members/index.js';
import { createNewslettersFeature, createNewslettersRouter } from './features/newsletters/index.js';
import { createOutboxFeature, createOutboxRouter } from './features/outbox/index.js';
import { createPostsFeature, createPostsRouter } from './features/posts/index.js';
import { createPrivacyFeature, createPrivacyRouter } from './features/privacy/index.js';
import { createReferralsFeature, createReferralsRouter } from './features/referrals/index.js';
import { createRolloutFeature, createRolloutRouter } from './features/rollout/index.js';
import { createSettingsFeature, createSettingsRouter } from './features/settings/index.js';
import { createStatsFeature, createStatsRouter } from './features/stats/index.js';
import { createSurveysFeature, createSurveysRouter } from './features/surveys/index.js';
import { createTemplatesFeature, createTemplatesRouter } from './features/templates/index.js';
import { createTriageFeature, createTriageRouter } from './features/triage/index.js';
import { parseListQuery } from './features/triage/triage.schemas.js';
import { auditRetentionJob } from './jobs/audit-retention.job.js';
import { mailRetentionJob } from './jobs/mail-retention.job.js';
import { outboxJob } from './jobs/outbox.job.js';
import { type Job, Scheduler } from './jobs/scheduler.js';
import { fileTransport, type MailTransport, smtpTransport } from './mail/transport.js';

export type ComposeOptions = CoreOptions & {
  /** Sign-in limits a test wants lower or higher than the defaults (login-throttle.ts). */
  throttleLimits?: Partial<ThrottleLimits>;
};

/**
 * The one wiring place: the plumbing (src/core.ts), then every feature's services, then the
 * routers and jobs that use them. Services are all built before the first router, so a router
 * receives the services themselves, never a function that reads one declared further down.
 */
export function compose(config: Config, options: ComposeOptions = {}) {
  const { core, setBaseUrl } = createCore(config, options);
  const transport = mailTransport(config);
  // Newsletters have their own transport (an SMTP pool, or .eml files), so a long send never holds
  // up invitations and password resets in the outbox.
  const newsletterTransport = mailTransport(config);
  const features = createFeatures(core, options, newsletterTransport);
  const passport = createPassport(core.users);

  const jobs: Job[] = [
    outboxJob({
      outbox: core.outbox,
      transport,
      leases: core.leases,
      from: config.mailFrom,
      now: core.now,
      logger: core.logger,
    }),
    ...features.referrals.jobs,
    ...features.concerns.jobs,
    ...features.newsletters.jobs,
    ...features.meetings.jobs,
    { name: 'session-prune', run: async () => void core.sessionStore.prune() },
    mailRetentionJob(core),
    auditRetentionJob(core),
  ];
  const scheduler = new Scheduler(jobs, config.schedulerIntervalMs, core.logger);

  return {
    ...core,
    passport,
    transport,
    scheduler,
    routers: createRouters(core, features),
    services: {
      auth: features.auth,
      members: features.members.service,
      admin: features.admin.service,
      account: features.account.service,
      concerns: features.concerns.service,
      referrals: features.referrals.service,
      triage: features.triage.service,
      templates: features.templates.service,
      newsletters: features.newsletters.service,
      meetings: features.meetings.service,
      posts: features.posts.service,
      surveys: features.surveys.service,
      stats: features.stats.service,
      rollout: features.rollout.service,
      privacy: features.privacy.service,
      outbox: features.outbox.service,
    },
    setBaseUrl,
    close() {
      transport.close();
      newsletterTransport.close();
      core.db.close();
    },
  };
}

export type Composition = ReturnType<typeof compose>;

function mailTransport(config: Config): MailTransport {
  return config.smtpUrl ? smtpTransport(config.smtpUrl) : fileTransport(config.mailDir);
}

/** Every feature's services and jobs; a feature that uses another's service receives it here. */
function createFeatures(core: Core, options: ComposeOptions, newsletterTransport: MailTransport) {
  const auth = new AuthService({
    ...core,
    throttle: new LoginThrottle(
      new LoginFailuresRepository(core.db),
      core.config.sessionSecret,
      { ...DEFAULT_LIMITS, ...options.throttleLimits },
      () => core.now().getTime(),
    ),
    devices: new DeviceCookies(core.config.sessionSecret),
  });
  const account = createAccountFeature(core);
  const members = createMembersFeature(core);
  const admin = createAdminFeature(core);
  const concerns = createConcernsFeature(core);
  const referrals = createReferralsFeature(core, { concerns: concerns.service });
  const triage = createTriageFeature(core);
  const templates = createTemplatesFeature(core);
  const newsletters = createNewslettersFeature(core, { transport: newsletterTransport });
  const meetings = createMeetingsFeature(core);
  const posts = createPostsFeature(core);
  const surveys = createSurveysFeature(core);
  const stats = createStatsFeature(core, { surveys: surveys.service });
  const rollout = createRolloutFeature(core, { admin: admin.service, members: members.service });
  const settings = createSettingsFeature(core);
  const outbox = createOutboxFeature(core);
  const privacy = createPrivacyFeature(core, {
    anonymiseConcern: concerns.anonymiseConcern,
    removePhoto: (file) => concerns.photos.remove(file),
  });
  return {
    auth,
    account,
    members,
    admin,
    concerns,
    referrals,
    triage,
    templates,
    newsletters,
    meetings,
    posts,
    surveys,
    stats,
    rollout,
    privacy,
    settings,
    outbox,
  };
}

type Features = ReturnType<typeof createFeatures>;

/** The routers in the order they are mounted. */
function createRouters(core: Core, f: Features): Router[] {
  return [
    createHomeRouter(core, {
      openConcerns: (actor) =>
        actor.memberships.length > 0
          ? (f.triage.service.myConcerns(actor, parseListQuery({ status: 'open' })).own?.items.slice(0, 5) ??
            [])
          : [],
      latestPosts: (actor) => f.posts.service.latest(actor, 3),
      latestShared: (actor) => f.triage.service.latestShared(actor, 3),
      latestNewsletters: (actor) => f.newsletters.service.archive(actor, 3),
      nextMeetings: (actor) =>
        f.meetings.service.upcoming(actor, 3).map((m) => ({
          id: m.id,
          title: m.title,
          starts_at: m.starts_at,
          location: m.location,
          response: m.my_response,
          cancelled: m.status === 'cancelled',
          cancel_reason: m.cancel_reason,
        })),
      openSurveys: (actor) => f.surveys.service.pendingFor(actor),
      openInvitations: (actor) => f.members.service.openInvitations(actor),
      myOfficers: (actor) => f.members.service.officersFor(actor),
    }),
    createAuthRouter({ auth: f.auth, sessions: core.sessionStore, secureCookies: core.config.isProduction }),
    createInvitationsRouter(core.invitations),
    createAccountRouter(f.account.service),
    createMembersRouter(f.members.service),
    createAdminRouter(f.admin.service),
    // /triage and /concerns (the list) come before /concerns/:id.
    createTriageRouter(f.triage.service),
    createConcernsRouter({
      service: f.concerns.service,
      templates: f.templates.service,
      referralPanel: (actor, concernId) => f.referrals.service.referralsFor(actor, concernId),
      meetingLinks: (actor, concernId) => f.meetings.service.meetingLinksForConcern(actor, concernId),
    }),
    createReferralsRouter(f.referrals.service),
    createTemplatesRouter(f.templates.service),
    createNewslettersRouter({ service: f.newsletters.service }),
    createMeetingsRouter(f.meetings.service),
    createPostsRouter(f.posts.service),
    createSurveysRouter(f.surveys.service),
    createStatsRouter(f.stats.service),
    createRolloutRouter(f.rollout.service),
    createSettingsRouter(f.settings.service),
    createPrivacyRouter(f.privacy.service),
    createOutboxRouter(f.outbox.service),
  ];
}
