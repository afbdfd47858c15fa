/**
 * The evaluation (docs/domain.md#evaluation-and-roll-out): /stats for the whole district over a year with 100,000 concerns must answer
 * well under a second. Seeds 7 municipalities, 100 councils, 100,000 concerns over the last year
 * with realistic first responses, closings and referrals (plus meetings, newsletters with
 * deliveries and 2,000 network persons), then measures in the production server:
 *   - single requests one after another (the latency a person sees),
 *   - autocannon throughput beside the bare layout page and /healthz measured in the same run,
 *   - each CSV export once (time and size),
 *   - and, in process, how the time of one report splits between SQL and the rest.
 */
import { rmSync } from 'node:fs';
import { generateSecret } from 'otplib';
import { pino } from 'pino';
import type { Composition } from '../src/composition.js';
import { compose } from '../src/composition.js';
import { loadConfig } from '../src/config.js';
import { seededRandom } from '../src/demo/demo-support.js';
import { defaultPeriod } from '../src/features/stats/period.js';
import { StatsRepository } from '../src/features/stats/stats.repository.js';
import {
  measure,
  PROXIED,
  type Result,
  report,
  seededDataDir,
  sessionCookie,
  startServer,
  timeRequests,
} from './lib.js';

const COUNCILS = 100;
const CONCERNS = Number(process.env.BENCH_STATS_CONCERNS ?? 100_000);
const MEMBERS_PER_COUNCIL = 20;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * A district's year straight into SQLite in one transaction (the FTS, count and stats triggers
 * run as they would for the portal). Staff get a TOTP secret: production requires it.
 */
export function seedDistrictYear(deps: Composition, count: number, totpSecret: string): void {
  const { db } = deps;
  const rnd = seededRandom(6);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)] as T;
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  /** Skewed towards small values: most answers come fast, a few take long. */
  const skewed = (minH: number, maxH: number) => (minH + rnd() ** 3 * (maxH - minH)) * HOUR;

  db.transaction(() => {
    const municipalities = db.prepare('SELECT id FROM municipalities ORDER BY id').pluck().all() as number[];
    const insertCouncil = db.prepare(
      'INSERT INTO councils (municipality_id, name, slug, created_at) VALUES (?, ?, ?, ?)',
    );
    const existing = db.prepare('SELECT count(*) FROM councils').pluck().get() as number;
    for (let i = existing; i < COUNCILS; i++) {
      insertCouncil.run(
        municipalities[i % municipalities.length],
        `Bench Lokalråd ${i}`,
        `bench-${i}`,
        iso(now),
      );
    }
    const councils = db.prepare('SELECT id FROM councils ORDER BY id').pluck().all() as number[];
    const categories = db.prepare('SELECT id FROM categories').pluck().all() as number[];
    const departments = db.prepare('SELECT id FROM departments').pluck().all() as number[];
    const hash = db
      .prepare("SELECT password_hash FROM users WHERE email = 'hal@glumsoe.example'")
      .pluck()
      .get();
    db.prepare(
      "UPDATE users SET totp_secret = ?, totp_enabled = 1 WHERE email IN ('betjent@politi.example', 'admin@politi.example')",
    ).run(totpSecret);

    const insertUser = db.prepare(
      "INSERT INTO users (email, name, password_hash, status, last_login_at, created_at, updated_at) VALUES (?, ?, ?, 'active', ?, ?, ?)",
    );
    const insertMembership = db.prepare(
      "INSERT INTO memberships (user_id, council_id, role, created_at, updated_at) VALUES (?, ?, 'network_person', ?, ?)",
    );
    const members: number[] = [];
    const reporters = new Map<number, number[]>();
    for (const council of councils) {
      const ids: number[] = [];
      for (let j = 0; j < MEMBERS_PER_COUNCIL; j++) {
        const lastLogin = rnd() < 0.8 ? iso(now - rnd() * 200 * DAY) : null;
        const id = Number(
          insertUser.run(
            `st${council}-${j}@bench.example`,
            `Netværksperson ${council}-${j}`,
            hash,
            lastLogin,
            iso(now),
            iso(now),
          ).lastInsertRowid,
        );
        insertMembership.run(id, council, iso(now), iso(now));
        ids.push(id);
        members.push(id);
      }
      reporters.set(council, ids);
    }

    const insertConcern = db.prepare(
      `INSERT INTO concerns (council_id, reporter_id, category_id, title, description, location, status, priority,
                             due_at, paused_at, first_response_at, resolution, feedback, created_at, updated_at, closed_at)
       VALUES (@council, @reporter, @category, @title, 'Beskrivelse af bekymringen.', 'Vej 1', @status, 'normal',
               @due, @paused, @responded, @resolution, @feedback, @created, @created, @closed)`,
    );
    const insertReferral = db.prepare(
      `INSERT INTO referrals (concern_id, department_id, note, status, token_hash, token_expires_at, created_at, acknowledged_at, answered_at)
       VALUES (?, ?, 'Notat', ?, ?, ?, ?, ?, ?)`,
    );
    const resolutions = [
      'resolved',
      'resolved',
      'resolved',
      'referred_closed',
      'not_police',
      'duplicate',
    ] as const;
    let token = 0;
    for (let i = 0; i < count; i++) {
      const council = councils[i % councils.length] as number;
      const created = now - Math.floor(rnd() * 364 * DAY) - HOUR;
      const responded = rnd() < 0.85 ? created + skewed(0.2, 120) : null;
      const closed = responded !== null && rnd() < 0.75 ? responded + skewed(1, 30 * 24) : null;
      const referred = responded !== null && rnd() < 0.25;
      const isClosed = closed !== null && closed < now;
      const status = isClosed
        ? 'closed'
        : referred
          ? 'awaiting_department'
          : responded
            ? 'in_progress'
            : 'new';
      const id = Number(
        insertConcern.run({
          council,
          reporter: pick(reporters.get(council) ?? []),
          category: pick(categories),
          title: `Bekymring ${i}`,
          status,
          due: iso(created + 3 * DAY),
          paused: status === 'awaiting_department' ? iso((responded as number) + HOUR) : null,
          responded: responded === null || responded > now ? null : iso(responded),
          resolution: isClosed ? pick(resolutions) : null,
          feedback: isClosed && rnd() < 0.6 ? 'Tak, sagen er løst.' : null,
          created: iso(created),
          closed: isClosed ? iso(closed as number) : null,
        }).lastInsertRowid,
      );
      if (referred) {
        const n = rnd() < 0.8 ? 1 : 2;
        for (let k = 0; k < n; k++) {
          const sent = (responded as number) + skewed(0, 24);
          const ack = rnd() < 0.7 ? sent + skewed(0.5, 72) : null;
          const answered = rnd() < 0.6 ? (ack ?? sent) + skewed(1, 240) : null;
          const ok = (t: number | null) => (t !== null && t < now ? iso(t) : null);
          insertReferral.run(
            id,
            pick(departments),
            ok(answered) ? 'answered' : ok(ack) ? 'acknowledged' : 'sent',
            `bench-${token++}`,
            iso(sent + 30 * DAY),
            iso(Math.min(sent, now - 1)),
            ok(ack),
            ok(answered),
          );
        }
      }
    }

    // Meetings: two a council in the year, most with an attendance, some cancelled; 5 answers each.
    const insertMeeting = db.prepare(
      `INSERT INTO meetings (kind, title, starts_at, ends_at, location, status, attendance, created_at, updated_at)
       VALUES (?, 'Møde', ?, ?, 'Hallen', ?, ?, ?, ?)`,
    );
    const linkMeeting = db.prepare('INSERT INTO meeting_councils (meeting_id, council_id) VALUES (?, ?)');
    const respond = db.prepare(
      'INSERT OR IGNORE INTO meeting_responses (meeting_id, user_id, response, updated_at) VALUES (?, ?, ?, ?)',
    );
    for (const council of councils) {
      for (let k = 0; k < 2; k++) {
        const starts = now - Math.floor(rnd() * 360 * DAY);
        const id = Number(
          insertMeeting.run(
            pick(['borgermoede', 'netvaerksmoede', 'netvaerksmoede', 'faellesmoede'] as const),
            iso(starts),
            iso(starts + 2 * HOUR),
            rnd() < 0.1 ? 'cancelled' : 'planned',
            rnd() < 0.8 ? Math.floor(rnd() * 60) : null,
            iso(now),
            iso(now),
          ).lastInsertRowid,
        );
        linkMeeting.run(id, council);
        for (const user of (reporters.get(council) ?? []).slice(0, 5)) {
          respond.run(id, user, pick(['yes', 'no', 'maybe'] as const), iso(now));
        }
      }
    }

    // Newsletters: one to the whole district each month (2,000 deliveries, 2 % failed) and one per
    // council in the year.
    const insertNewsletter = db.prepare(
      `INSERT INTO newsletters (title, body_markdown, body_html, whole_district, status, started_at, finished_at, created_at, updated_at)
       VALUES ('Nyhedsbrev', 'Tekst', '<p>Tekst</p>', ?, 'sent', ?, ?, ?, ?)`,
    );
    const linkNewsletter = db.prepare(
      'INSERT INTO newsletter_councils (newsletter_id, council_id) VALUES (?, ?)',
    );
    const deliver = db.prepare(
      `INSERT INTO newsletter_deliveries (newsletter_id, user_id, email, status, next_attempt_at, message_id, sent_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    );
    let message = 0;
    const send = (recipients: number[], wholeDistrict: boolean, started: number, council?: number) => {
      const id = Number(
        insertNewsletter.run(wholeDistrict ? 1 : 0, iso(started), iso(started), iso(now), iso(now))
          .lastInsertRowid,
      );
      if (council !== undefined) linkNewsletter.run(id, council);
      for (const user of recipients) {
        const failed = rnd() < 0.02;
        deliver.run(
          id,
          user,
          `u${user}@bench.example`,
          failed ? 'failed' : 'sent',
          iso(started),
          `<b${message++}@bench>`,
          failed ? null : iso(started),
        );
      }
    };
    for (let m = 0; m < 12; m++) send(members, true, now - (m * 30 + 5) * DAY);
    for (const council of councils)
      send(reporters.get(council) ?? [], false, now - Math.floor(rnd() * 360 * DAY), council);
  })();
}

/** In process: one report's time, and the repository's SQL for the same period on its own. */
async function profile(dataDir: string): Promise<void> {
  const deps = compose(loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'silent' }), {
    logger: pino({ level: 'silent' }),
  });
  try {
    const admin = deps.users.loadActor(deps.users.findByEmail('admin@politi.example')?.id ?? 0);
    if (!admin) throw new Error('no admin');
    const repo = new StatsRepository(deps.db);
    const ids = deps.db.prepare('SELECT id FROM councils').pluck().all() as number[];
    const p = defaultPeriod(new Date());
    const nowIso = new Date().toISOString();
    const median = (f: () => unknown, runs = 7) => {
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        f();
        times.push(performance.now() - t);
      }
      return times.sort((a, b) => a - b)[runs >> 1] as number;
    };
    const rows: [string, number][] = [
      [
        'service.report (whole district, year)',
        median(() => deps.services.stats.report(admin, { from: undefined, to: undefined, councilIds: [] })),
      ],
      ['  SQL counts (grouped)', median(() => repo.counts(ids, p.startIso, p.endIso))],
      ['  SQL overdue now', median(() => repo.overdue(ids, p.startIso, p.endIso, nowIso))],
      [
        '  SQL durations (one row per answered concern)',
        median(() => repo.durations(ids, p.startIso, p.endIso)),
      ],
      ['  SQL referrals', median(() => repo.referrals(ids, p.startIso, p.endIso))],
      ['  SQL meetings', median(() => repo.meetings(ids, p.startIso, p.endIso, nowIso))],
      ['  SQL newsletters', median(() => repo.newsletters(ids, p.startIso, p.endIso))],
      ['  SQL people', median(() => repo.people(ids, new Date(Date.now() - 90 * DAY).toISOString()))],
    ];
    console.log(`\nIn process, median of 7 (period ${p.from} – ${p.to}, ${ids.length} councils):`);
    for (const [name, ms] of rows) console.log(`  ${name.padEnd(52)} ${ms.toFixed(1).padStart(8)} ms`);
    const durations = repo.durations(ids, p.startIso, p.endIso).length;
    const referrals = repo.referrals(ids, p.startIso, p.endIso).length;
    console.log(
      `  (${durations} duration rows, ${referrals} referral rows; the report also reads the previous period)`,
    );
  } finally {
    deps.close();
  }
}

export async function benchStats(): Promise<void> {
  const secret = generateSecret();
  const started = Date.now();
  const dataDir = await seededDataDir((deps) => seedDistrictYear(deps, CONCERNS, secret));
  console.log(
    `seeded ${CONCERNS} concerns over ${COUNCILS} councils in 7 municipalities in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  await profile(dataDir);
  const { child, base } = await startServer(dataDir);
  try {
    const admin = { ...PROXIED, cookie: await sessionCookie(base, 'admin@politi.example', secret) };
    const officer = { ...PROXIED, cookie: await sessionCookie(base, 'betjent@politi.example', secret) };

    console.log('\nSingle requests, one after another (20 each, after one warm-up):');
    const single = [
      await timeRequests('GET /tilgaengelighed (bare layout; baseline)', `${base}/tilgaengelighed`, PROXIED),
      await timeRequests('GET /stats (district admin, 100 councils, one year)', `${base}/stats`, admin),
      await timeRequests('GET /stats/report (district admin, printable)', `${base}/stats/report`, admin),
      await timeRequests('GET /stats (officer, 3 councils)', `${base}/stats`, officer),
    ];
    console.log('page'.padEnd(58), 'median ms'.padStart(10), 'max ms'.padStart(8), 'KB'.padStart(8));
    for (const s of single) {
      console.log(
        s.name.padEnd(58),
        s.medianMs.toFixed(1).padStart(10),
        s.maxMs.toFixed(1).padStart(8),
        (s.bytes / 1024).toFixed(0).padStart(8),
      );
    }

    console.log('\nExports, once each:');
    for (const [name, url] of [
      ['GET /stats/figures.csv (district admin, one year)', `${base}/stats/figures.csv`],
      ['GET /stats/concerns.csv (district admin, one year)', `${base}/stats/concerns.csv`],
    ] as const) {
      const t = performance.now();
      const res = await fetch(url, { headers: admin });
      const body = Buffer.from(await res.arrayBuffer());
      const ms = performance.now() - t;
      const lines = body.toString('utf8').split('\r\n').length - 2;
      console.log(
        `  ${name.padEnd(56)} ${res.status} ${ms.toFixed(0).padStart(6)} ms ${(body.length / 1024).toFixed(0).padStart(7)} KB ${String(lines).padStart(7)} rows`,
      );
    }

    const layout = await measure(
      'GET /tilgaengelighed (bare layout; baseline)',
      `${base}/tilgaengelighed`,
      PROXIED,
    );
    const results: Result[] = [
      await measure('GET /healthz (no view)', `${base}/healthz`),
      layout,
      await measure('GET /stats (officer, 3 councils)', `${base}/stats`, officer),
      // Last: autocannon stops sending after its time, but the server still works off the queue.
      await measure('GET /stats (district admin, 100 councils, one year)', `${base}/stats`, admin),
    ];
    report(`/stats at ${CONCERNS} concerns`, results, layout);
  } finally {
    child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}
