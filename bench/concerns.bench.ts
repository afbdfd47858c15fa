/**
 * The officer's queue (docs/domain.md#due-dates-and-the-overdue-rule): the officer's queue, a case page and search on 1,000 and on 100,000 concerns spread
 * over 100 councils, each beside the bare layout page measured in the same run.
 */
import { rmSync } from 'node:fs';
import { generateSecret } from 'otplib';
import type { Composition } from '../src/composition.js';
import { measure, PROXIED, type Result, report, seededDataDir, sessionCookie, startServer } from './lib.js';

const COUNCILS = 100;
const WORDS = [
  'knallerter',
  'graffiti',
  'indbrud',
  'unge',
  'fart',
  'busskur',
  'hallen',
  'skolen',
  'stien',
  'brugsen',
  'havnen',
  'stationen',
  'legepladsen',
  'parkeringspladsen',
  'sommerhuse',
  'cykler',
  'tyveri',
  'uro',
  'råben',
  'affald',
  'knust',
  'rude',
  'lys',
  'mørk',
  'bil',
  'varebil',
  'nummerplader',
  'narko',
  'brand',
  'svindel',
];

/** A deterministic pseudo-random generator, so every run seeds the same data. */
function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

/**
 * Inserts councils up to 100 (the pilot's three among them), network persons, and `count`
 * concerns with 2–4 timeline events each, straight into SQLite in one transaction (the FTS
 * triggers index them as the portal would). Officer and district admin get TOTP secrets,
 * because production requires the second factor for them.
 */
export function seedConcerns(
  deps: Composition,
  count: number,
  totpSecret: string,
): { sampleConcernId: number } {
  const { db } = deps;
  const rnd = random(42);
  const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)] as T;
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  return db.transaction(() => {
    const municipalities = db.prepare('SELECT id FROM municipalities').pluck().all() as number[];
    const insertCouncil = db.prepare(
      'INSERT INTO councils (municipality_id, name, slug, created_at) VALUES (?, ?, ?, ?)',
    );
    const existing = db.prepare('SELECT count(*) FROM councils').pluck().get() as number;
    for (let i = existing; i < COUNCILS; i++)
      insertCouncil.run(pick(municipalities), `Bench Lokalråd ${i}`, `bench-${i}`, iso(now));
    const councils = db.prepare('SELECT id FROM councils ORDER BY id').pluck().all() as number[];
    const categories = db.prepare('SELECT id FROM categories').pluck().all() as number[];
    const hash = db
      .prepare("SELECT password_hash FROM users WHERE email = 'hal@glumsoe.example'")
      .pluck()
      .get();
    const insertUser = db.prepare(
      "INSERT INTO users (email, name, password_hash, status, created_at, updated_at) VALUES (?, ?, ?, 'active', ?, ?)",
    );
    const insertMembership = db.prepare(
      "INSERT INTO memberships (user_id, council_id, role, created_at, updated_at) VALUES (?, ?, 'network_person', ?, ?)",
    );
    const reportersByCouncil = new Map<number, number[]>();
    for (const council of councils) {
      const ids: number[] = [];
      for (let j = 0; j < 20; j++) {
        const id = Number(
          insertUser.run(
            `np${council}-${j}@bench.example`,
            `Netværksperson ${council}-${j}`,
            hash,
            iso(now),
            iso(now),
          ).lastInsertRowid,
        );
        insertMembership.run(id, council, iso(now), iso(now));
        ids.push(id);
      }
      reportersByCouncil.set(council, ids);
    }
    db.prepare(
      "UPDATE users SET totp_secret = ?, totp_enabled = 1 WHERE email IN ('betjent@politi.example', 'admin@politi.example')",
    ).run(totpSecret);

    const insertConcern = db.prepare(
      `INSERT INTO concerns (council_id, reporter_id, category_id, title, description, location, status, priority,
                             due_at, paused_at, first_response_at, resolution, feedback, created_at, updated_at, closed_at)
       VALUES (@council, @reporter, @category, @title, @description, @location, @status, @priority,
               @due, @paused, @responded, @resolution, @feedback, @created, @updated, @closed)`,
    );
    const insertEvent = db.prepare(
      'INSERT INTO concern_events (concern_id, at, actor_user_id, type, visibility, body) VALUES (?, ?, ?, ?, ?, ?)',
    );
    const statuses = [
      'closed',
      'closed',
      'closed',
      'closed',
      'closed',
      'closed',
      'in_progress',
      'new',
      'awaiting_department',
    ] as const;
    let sample = 0;
    for (let i = 0; i < count; i++) {
      const council = councils[i % councils.length] as number;
      const created = now - Math.floor(rnd() * 730 * 86_400_000);
      const status = pick(statuses);
      const words = Array.from({ length: 5 }, () => pick(WORDS));
      const id = Number(
        insertConcern.run({
          council,
          reporter: pick(reportersByCouncil.get(council) ?? []),
          category: pick(categories),
          title: `${words[0]} ved ${words[1]}`,
          description: `Vi har set ${words.join(' ')} flere gange i denne måned, især om aftenen.`,
          location: `${pick(WORDS)}vej ${Math.floor(rnd() * 100)}`,
          status,
          priority: pick(['high', 'normal', 'normal', 'low'] as const),
          due: iso(created + 3 * 86_400_000),
          paused: status === 'awaiting_department' ? iso(created + 86_400_000) : null,
          responded: status === 'new' ? null : iso(created + 86_400_000),
          resolution: status === 'closed' ? 'resolved' : null,
          feedback: status === 'closed' ? 'Tak, sagen er løst.' : null,
          created: iso(created),
          updated: iso(created + 86_400_000),
          closed: status === 'closed' ? iso(created + 2 * 86_400_000) : null,
        }).lastInsertRowid,
      );
      insertEvent.run(id, iso(created), null, 'created', 'public', '');
      if (status !== 'new') {
        insertEvent.run(id, iso(created + 3_600_000), null, 'internal_note', 'internal', 'Intern vurdering.');
        insertEvent.run(
          id,
          iso(created + 86_400_000),
          null,
          'public_reply',
          'public',
          'Tak for henvendelsen.',
        );
      }
      if (status === 'closed')
        insertEvent.run(id, iso(created + 2 * 86_400_000), null, 'closed', 'public', 'Løst.');
      if (council === councils[0] && status !== 'closed') sample = id;
    }
    return { sampleConcernId: sample };
  })();
}

async function benchAt(count: number): Promise<Result[]> {
  const secret = generateSecret();
  let sample = 0;
  const started = Date.now();
  const dataDir = await seededDataDir((deps) => {
    sample = seedConcerns(deps, count, secret).sampleConcernId;
  });
  console.log(
    `seeded ${count} concerns over ${COUNCILS} councils in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  const { child, base } = await startServer(dataDir);
  try {
    const officer = { ...PROXIED, cookie: await sessionCookie(base, 'betjent@politi.example', secret) };
    const admin = { ...PROXIED, cookie: await sessionCookie(base, 'admin@politi.example', secret) };
    const layout = await measure(
      `[${count}] GET /tilgaengelighed (bare layout; baseline)`,
      `${base}/tilgaengelighed`,
      PROXIED,
    );
    const results = [
      layout,
      await measure(`[${count}] GET /triage (officer, 3 councils)`, `${base}/triage`, officer),
      await measure(`[${count}] GET /triage (district admin, 100 councils)`, `${base}/triage`, admin),
      await measure(`[${count}] GET /triage?page=3 (officer)`, `${base}/triage?page=3`, officer),
      await measure(
        `[${count}] GET /concerns/:id (case page, officer)`,
        `${base}/concerns/${sample}`,
        officer,
      ),
      await measure(
        `[${count}] GET /triage?q=knallerter hal (officer)`,
        `${base}/triage?q=knallerter%20hal`,
        officer,
      ),
      await measure(
        `[${count}] GET /concerns?q=graffiti (district admin)`,
        `${base}/concerns?q=graffiti`,
        admin,
      ),
    ];
    report(`Concerns at ${count}`, results, layout);
    return results;
  } finally {
    child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchConcerns(): Promise<void> {
  const small = await benchAt(1_000);
  const large = await benchAt(100_000);
  console.log(
    '\nGrowth from 1,000 to 100,000 concerns (req/s ratio, each relative to its own run’s layout baseline):',
  );
  for (let i = 1; i < small.length; i++) {
    const s = small[i] as Result;
    const l = large[i] as Result;
    const sRel = s.rps / (small[0] as Result).rps;
    const lRel = l.rps / (large[0] as Result).rps;
    console.log(`  ${s.name.replace(/^\[\d+\] /, '').padEnd(50)} ${sRel.toFixed(2)} → ${lRel.toFixed(2)}`);
  }
}
