import type { Actor } from '../auth/policy.js';
import type { Composition } from '../composition.js';
import { localDate, parseLocalDateTime } from '../web/dates.js';
import { demoLookup, seededRandom } from './demo-support.js';

/**
 * A year of the pilot for the demo's evaluation (/stats): concerns in every month with replies,
 * referrals and closings at realistic delays, a held network meeting with minutes and a sent
 * newsletter. Created through the services like demo-activity.ts, then moved back in time. The
 * numbers come from a fixed seed, so every demo shows the same evaluation.
 */

const HOUR = 3_600_000;

const TOPICS: [category: string, title: string][] = [
  ['trafik', 'Biler kører for stærkt forbi skolen'],
  ['tryghed', 'Uro på p-pladsen ved stationen om aftenen'],
  ['indbrud', 'Indbrud i skure i villakvarteret'],
  ['haervaerk', 'Knuste ruder i cykelskuret'],
  ['unge', 'Unge med knallerter samles ved hallen'],
  ['trafik', 'Lastbiler bruger boligvejen som genvej'],
  ['svindel', 'Falske håndværkere banker på hos ældre'],
  ['brand', 'Afbrænding af affald i haver'],
  ['tryghed', 'Manglende lys ved busstoppestedet'],
  ['andet', 'Efterladte indkøbsvogne i grøften'],
];

export async function loadDemoHistory(deps: Composition): Promise<void> {
  const { db, services } = deps;
  const { actor, council } = demoLookup(deps);
  const department = (name: string) =>
    db.prepare('SELECT id FROM departments WHERE name = ?').pluck().get(name) as number;
  const officer = actor('betjent@politi.example');
  const reporters: [Actor, string][] = [
    [actor('hal@glumsoe.example'), 'glumsoe'],
    [actor('formand@glumsoe.example'), 'glumsoe'],
    [actor('brugs@fladsaa.example'), 'fladsaa'],
    [actor('vest@vestegn.example'), 'vestegn'],
  ];
  const next = seededRandom(2015);
  const now = deps.now().getTime();

  // Two to five concerns in each of the eleven months before this one.
  const moves: {
    id: number;
    created: number;
    reply: number | null;
    refer: number | null;
    close: number | null;
  }[] = [];
  for (let monthsAgo = 11; monthsAgo >= 1; monthsAgo--) {
    const count = 2 + Math.floor(next() * 4);
    for (let i = 0; i < count; i++) {
      const [reporter, slug] = reporters[Math.floor(next() * reporters.length)] as [Actor, string];
      const [category, title] = TOPICS[Math.floor(next() * TOPICS.length)] as [string, string];
      const id = services.concerns.create(
        reporter,
        {
          councilId: council(slug),
          category,
          title,
          description: `${title}. Det er set flere gange, og naboerne er bekymrede.`,
          location: '',
          occurredAt: null,
        },
        [],
      );
      const created = now - monthsAgo * 30 * 24 * HOUR - Math.floor(next() * 25 * 24) * HOUR;
      const reply = created + (2 + Math.floor(next() * 70)) * HOUR;
      services.concerns.addNote(officer, id, {
        body: 'Tak for din henvendelse. Jeg har set på det og vender tilbage.',
        visibility: 'public',
      });
      let refer: number | null = null;
      if (next() < 0.35) {
        const name = ['SSP', 'Færdsel', 'Lokalpolitiet', 'Forebyggelse'][Math.floor(next() * 4)] as string;
        services.referrals.refer(officer, id, {
          department_id: department(name),
          note: 'Kan I se på denne henvendelse fra lokalrådet?',
        });
        refer = reply + HOUR;
      }
      let close: number | null = null;
      if (next() < 0.85) {
        close = reply + (12 + Math.floor(next() * 24 * 20)) * HOUR;
        const withFeedback = next() < 0.8;
        services.concerns.close(officer, id, {
          resolution: refer ? 'referred_closed' : next() < 0.7 ? 'resolved' : 'not_police',
          feedback: withFeedback ? 'Sagen er afsluttet. Tak for at gøre os opmærksomme på det.' : '',
        });
      }
      moves.push({ id, created, reply, refer, close });
    }
  }

  // Move each concern, its timeline and referral to the chosen times.
  const iso = (ms: number) => new Date(ms).toISOString();
  const updateConcern = db.prepare(
    `UPDATE concerns SET created_at = @created, updated_at = @updated, due_at = @due,
            first_response_at = @reply, closed_at = @close, paused_at = NULL WHERE id = @id`,
  );
  const updateEvents = db.prepare(
    `UPDATE concern_events SET at = CASE
        WHEN type = 'created' THEN @created
        WHEN type IN ('referral_sent', 'status_changed') AND @refer IS NOT NULL THEN @refer
        WHEN type = 'closed' THEN coalesce(@close, @reply)
        ELSE @reply END
      WHERE concern_id = @id`,
  );
  const updateReferral = db.prepare(
    `UPDATE referrals SET created_at = @refer, status = 'answered', acknowledged_at = @ack, answered_at = @answer,
            answer = 'Vi har talt med de involverede og følger op.' WHERE concern_id = @id`,
  );
  db.transaction(() => {
    for (const m of moves) {
      const params = {
        id: m.id,
        created: iso(m.created),
        updated: iso(m.close ?? m.reply ?? m.created),
        due: iso(m.created + 72 * HOUR),
        reply: m.reply === null ? null : iso(m.reply),
        refer: m.refer === null ? null : iso(m.refer),
        close: m.close === null ? null : iso(m.close),
      };
      updateConcern.run(params);
      updateEvents.run(params);
      if (m.refer !== null) {
        updateReferral.run({
          id: m.id,
          refer: params.refer,
          ack: iso(m.refer + 5 * HOUR),
          answer: iso(m.refer + 50 * HOUR),
        });
      }
    }
  })();

  // A network meeting two months ago, with minutes and attendance.
  const day = (daysAgo: number, time: string) =>
    parseLocalDateTime(`${localDate(new Date(now - daysAgo * 24 * HOUR))}T${time}`) as string;
  const meeting = services.meetings.create(officer, {
    kind: 'netvaerksmoede',
    title: 'Netværksmøde for pilotlokalrådene',
    council_ids: [council('glumsoe'), council('fladsaa'), council('vestegn')],
    starts_at: day(-1, '19:00'),
    ends_at: day(-1, '21:00'),
    location: 'Næstved Politistation, kantinen',
    agenda: '1. Erfaringer med Nærnet\n2. Kriminalitetsbilledet\n3. Eventuelt',
    capacity: null,
  });
  for (const [person] of reporters) services.meetings.respond(person, meeting, 'yes');
  db.prepare('UPDATE meetings SET starts_at = ?, ends_at = ? WHERE id = ?').run(
    day(60, '19:00'),
    day(60, '21:00'),
    meeting,
  );
  services.meetings.saveMinutes(
    officer,
    meeting,
    'Lokalrådene fortalte om deres første erfaringer. Knallertkørsel og indbrud fylder mest.',
    14,
  );

  // A newsletter to the three councils, sent now by the delivery job.
  const newsletter = services.newsletters.create(
    officer,
    {
      title: 'Nyt fra netværksbetjenten',
      body: 'Kære netværk\n\nTak for jeres mange henvendelser i år. Husk at **låse skure og garager** i mørketiden.',
      wholeDistrict: false,
      councilIds: [council('glumsoe'), council('fladsaa'), council('vestegn')],
    },
    officer.officerCouncilIds,
  );
  services.newsletters.schedule(officer, newsletter, null);
}
