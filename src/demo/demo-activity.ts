import type { Actor } from '../auth/policy.js';
import type { Composition } from '../composition.js';
import { localDate, parseLocalDateTime } from '../web/dates.js';
import { demoLookup } from './demo-support.js';

/**
 * Everyday activity for the demo (docs/domain.md#demo: "enough … that every page shows something real"):
 * concerns in every state, replies, notes, a shared summary and a referral. Created through the
 * services, so every row, event and mail is what the portal itself would write; then moved back
 * in time so the pages show a history. Only `npm start` loads it — tests build their own data.
 */
export async function loadDemoActivity(deps: Composition): Promise<void> {
  const { db, services } = deps;
  const { actor, council } = demoLookup(deps);
  const hal = actor('hal@glumsoe.example');
  const formand = actor('formand@glumsoe.example');
  const brugs = actor('brugs@fladsaa.example');
  const vest = actor('vest@vestegn.example');
  const officer = actor('betjent@politi.example');
  const concerns = services.concerns;

  const log = (
    who: Actor,
    slug: string,
    category: string,
    title: string,
    description: string,
    location: string,
  ) =>
    concerns.create(
      who,
      { councilId: council(slug), category, title, description, location, occurredAt: null },
      [],
    );

  const knallerter = log(
    hal,
    'glumsoe',
    'trafik',
    'Knallerter kører stærkt på stien ved hallen',
    'Flere aftener om ugen kører 3-4 knallerter med høj fart på gang- og cykelstien mellem hallen og skolen, mens børn går hjem fra træning.',
    'Stien mellem Glumsø Hallen og skolen',
  );
  concerns.updateTriage(officer, knallerter, { priority: 'high' });
  concerns.addNote(officer, knallerter, {
    body: 'Tjek med færdsel om der er flere henvendelser fra området.',
    visibility: 'internal',
  });
  concerns.addNote(officer, knallerter, {
    body: 'Tak for din henvendelse. Vi sender en patrulje forbi i de tidsrum, du nævner, de næste to uger.',
    visibility: 'public',
  });

  const graffiti = log(
    formand,
    'glumsoe',
    'haervaerk',
    'Graffiti på busskuret ved torvet',
    'Busskuret er blevet tagget igen i weekenden. Det er tredje gang i år.',
    'Torvet, Glumsø',
  );
  concerns.close(officer, graffiti, {
    resolution: 'not_police',
    feedback:
      'Hærværk på busskure håndteres af kommunen. Kontakt Næstved Kommune, Vej og Park, som fjerner graffiti.',
  });

  const unge = log(
    brugs,
    'fladsaa',
    'unge',
    'Unge samles sent ved Brugsen',
    'En gruppe unge samles ved indgangen til Brugsen efter lukketid. Der er råben og affald, og nogle kunder føler sig utrygge.',
    'Brugsen, Mogenstrup',
  );
  concerns.addNote(officer, unge, {
    body: 'Kendt gruppe; SSP er allerede i kontakt med skolen.',
    visibility: 'internal',
  });
  concerns.share(
    officer,
    unge,
    'Politiet og SSP er opmærksomme på unge, der samles ved Brugsen om aftenen, og er i dialog med skolen.',
  );

  // The officer asks SSP about the group; SSP has acknowledged but not answered yet.
  const ssp = db.prepare("SELECT id FROM departments WHERE name = 'SSP'").pluck().get() as number;
  services.referrals.refer(officer, unge, {
    department_id: ssp,
    note: 'Gruppe på 6-8 unge ved Brugsen i Mogenstrup efter kl. 21. Kender I dem fra skolen, og kan I tage kontakt?',
  });
  db.prepare("UPDATE referrals SET status = 'acknowledged', acknowledged_at = ? WHERE concern_id = ?").run(
    deps.now().toISOString(),
    unge,
  );

  const insertTemplate = db.prepare(
    'INSERT INTO response_templates (title, body, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
  );
  const at = deps.now().toISOString();
  insertTemplate.run(
    'Tak – vi kigger på det',
    'Tak for din henvendelse. Jeg har læst den og vender tilbage, når jeg ved mere.',
    officer.id,
    at,
    at,
  );
  insertTemplate.run(
    'Ikke en politisag – kommunen',
    'Det, du beskriver, hører under kommunen. Kontakt Næstved Kommune på 55 88 55 88 eller via naestved.dk.',
    officer.id,
    at,
    at,
  );

  log(
    vest,
    'vestegn',
    'indbrud',
    'Indbrud i sommerhuse ved Karrebæksminde',
    'Naboer fortæller om to indbrud i sommerhuse den seneste uge. Der er set en varebil uden nummerplader.',
    'Sommerhusområdet ved Enø',
  );
  log(
    hal,
    'glumsoe',
    'tryghed',
    'Mørk sti uden gadelys',
    'Gadelyset på stien ved søen har været slukket i flere uger. Mange føler sig utrygge, når de går hjem om aftenen.',
    'Stien ved Glumsø Sø',
  );

  // The crime picture: one post for Glumsø and one for the whole district, with figures and a comment.
  const category = (slug: string) =>
    db.prepare('SELECT id FROM categories WHERE slug = ?').pluck().get(slug) as number;
  const glumsoePost = services.posts.create(
    officer,
    {
      council_id: council('glumsoe'),
      title: 'Kriminalitetsbilledet i Glumsø, oktober',
      period: 'Oktober 2026',
      body: 'Færre indbrud end i september, men flere henvendelser om **knallertkørsel** på stierne.\n\n- Vi har haft ekstra patruljer ved hallen\n- Færdselspolitiet har målt fart på Hovedgaden',
    },
    [
      { categoryId: category('indbrud'), current: 3, previous: 6 },
      { categoryId: category('trafik'), current: 9, previous: 4 },
      { categoryId: category('haervaerk'), current: 2, previous: 2 },
    ],
  );
  services.posts.comment(hal, glumsoePost, {
    body: 'Tak for overblikket. Patruljerne ved hallen har hjulpet.',
    parent_id: null,
  });
  services.posts.create(
    officer,
    {
      council_id: null,
      title: 'Politikredsen: tryghed i mørketiden',
      period: 'Efterår 2026',
      body: 'I mørketiden stiger antallet af indbrud. Husk at låse døre og vinduer, og sig til naboen, når du er væk.',
    },
    [
      { categoryId: category('indbrud'), current: 41, previous: 33 },
      { categoryId: category('svindel'), current: 12, previous: 15 },
    ],
  );

  // Meetings: a network meeting for Glumsø and a public borgermøde, both ahead, with answers.
  const evening = (daysAhead: number, time: string) =>
    parseLocalDateTime(
      `${localDate(new Date(deps.now().getTime() + daysAhead * 86_400_000))}T${time}`,
    ) as string;
  const netvaerksmoede = services.meetings.create(officer, {
    kind: 'netvaerksmoede',
    title: 'Netværksmøde i Glumsø',
    council_ids: [council('glumsoe')],
    starts_at: evening(5, '19:00'),
    ends_at: evening(5, '21:00'),
    location: 'Glumsø Bibliotek, mødelokalet',
    agenda:
      '1. Siden sidst\n2. Knallertkørsel ved hallen\n3. Kriminalitetsbilledet for oktober\n4. Eventuelt',
    capacity: null,
  });
  services.meetings.respond(hal, netvaerksmoede, 'yes');
  services.meetings.create(officer, {
    kind: 'borgermoede',
    title: 'Borgermøde om tryghed i Fladså',
    council_ids: [council('fladsaa')],
    starts_at: evening(12, '19:30'),
    ends_at: evening(12, '21:00'),
    location: 'Mogenstrup Forsamlingshus',
    agenda: 'Politiet fortæller om tryghed og indbrud i området. Alle er velkomne.',
    capacity: 80,
  });

  // Spread the history over the last weeks: each concern and its timeline move back together.
  const shifts: [number, number][] = [
    [knallerter, 12],
    [graffiti, 30],
    [unge, 6],
  ];
  for (const [id, days] of shifts) {
    const ms = days * 86_400_000;
    const back = (column: string, table = 'concerns', key = 'id') =>
      db
        .prepare(
          `UPDATE ${table} SET ${column} = strftime('%Y-%m-%dT%H:%M:%fZ', julianday(${column}) - ? / 86400000.0) WHERE ${key} = ? AND ${column} IS NOT NULL`,
        )
        .run(ms, id);
    for (const column of [
      'created_at',
      'updated_at',
      'due_at',
      'paused_at',
      'first_response_at',
      'closed_at',
      'shared_at',
    ]) {
      back(column);
    }
    back('at', 'concern_events', 'concern_id');
    for (const column of ['created_at', 'acknowledged_at', 'token_expires_at'])
      back(column, 'referrals', 'concern_id');
  }
}
