/**
 * /stats over HTTP on known data (test/helpers/stats-seed.ts): who sees what, invalid periods,
 * and both CSV exports (format, figures, no personal data, audit).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, textOf } from '../helpers/client.js';
import { SCENARIO_NOW, type Scenario, SECRETS, seedScenario } from '../helpers/stats-seed.js';
import { loggedIn } from '../helpers/world.js';

const PERIOD = 'from=2026-03-01&to=2026-04-30';
const FOREIGN = ['Rønnede Lokalråd', 'Stubbekøbing Lokalråd'];

type Messages = Record<string, { da: string; en: string }>;
const locales = path.resolve(import.meta.dirname, '../../locales');
const messages: Messages = Object.assign(
  {},
  ...['stats', 'concerns', 'meetings', 'common'].map(
    (f) => JSON.parse(readFileSync(path.join(locales, `${f}.json`), 'utf8')) as Messages,
  ),
);
const da = (key: string) => messages[key]?.da ?? assert.fail(`no message ${key}`);
const en = (key: string) => messages[key]?.en ?? assert.fail(`no message ${key}`);

/** A CSV body (after the BOM) as rows of fields; no field in these tests is quoted. */
function rows(body: string, separator: string): string[][] {
  assert.ok(body.endsWith('\r\n'), 'ends with CRLF');
  const lines = body.slice(0, -2).split('\r\n');
  for (const line of lines) assert.ok(!line.includes('\n'), 'no bare LF');
  return lines.map((l) => l.split(separator));
}

async function csv(client: Client, url: string) {
  const res = await fetch(new URL(url, client.baseUrl), {
    headers: { cookie: (client as unknown as { cookieHeader(): string }).cookieHeader() },
    redirect: 'manual',
  });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { res, bytes, text: bytes.toString('utf8') };
}

describe('/stats over HTTP', () => {
  let app: TestApp;
  let sc: Scenario;
  const login = (email: string) => loggedIn(app, email);

  before(async () => {
    app = await startTestApp({ now: () => SCENARIO_NOW });
    sc = seedScenario(app.deps.db);
  });
  after(() => app.close());

  describe('who sees what', () => {
    it('sends an anonymous visitor to log in', async () => {
      const page = await new Client(app.url).get(`/stats?${PERIOD}`);
      assert.equal(page.status, 303);
      assert.equal(page.location, `/login?next=${encodeURIComponent(`/stats?${PERIOD}`)}`);
      for (const url of ['/stats/report', '/stats/figures.csv', '/stats/concerns.csv']) {
        const res = await new Client(app.url).get(url);
        assert.equal(res.status, 303, url);
        assert.match(res.location ?? '', /^\/login/);
      }
    });

    it('shows the district admin every council, the pilot comparison and both exports', async () => {
      const client = await login('admin@politi.example');
      const page = await client.get(`/stats?${PERIOD}`);
      assert.equal(page.status, 200);
      const text = textOf(page.text);
      for (const name of [...FOREIGN, 'Glumsø Lokalråd', 'Fladså Lokalråd', 'Lokalrådet for Næstved Vestegn'])
        assert.ok(text.includes(name), name);
      assert.ok(text.includes(da('stats.compare.others')), 'pilot against the others');
      assert.ok(
        page.text.includes(`/stats/concerns.csv?${PERIOD.replace('&', '&amp;')}`),
        'link to the concerns export',
      );
      assert.ok(page.text.includes(`/stats/figures.csv?${PERIOD.replace('&', '&amp;')}`));
      const report = await client.get(`/stats/report?${PERIOD}`);
      assert.equal(report.status, 200);
      assert.ok(textOf(report.text).includes('Rønnede Lokalråd'));
    });

    it('shows an officer only the councils they cover; another council is a 404', async () => {
      const client = await login('betjent@politi.example');
      const page = await client.get(`/stats?${PERIOD}`);
      assert.equal(page.status, 200);
      const text = textOf(page.text);
      assert.ok(text.includes('Glumsø Lokalråd'));
      for (const name of FOREIGN) assert.ok(!text.includes(name), `${name} is not shown`);
      assert.ok(!text.includes(da('stats.compare.others')), 'no pilot/others comparison with pilots only');
      for (const url of ['/stats', '/stats/report', '/stats/figures.csv', '/stats/concerns.csv']) {
        const res = await client.get(`${url}?${PERIOD}&council_ids=${sc.X}`);
        assert.equal(res.status, 404, url);
      }
      const mixed = await client.get(`/stats?${PERIOD}&council_ids=${sc.G}&council_ids=${sc.Y}`);
      assert.equal(mixed.status, 404, 'one foreign council among own ones');
      const figures = await csv(client, `/stats/figures.csv?${PERIOD}`);
      assert.equal(figures.res.status, 200);
      for (const name of FOREIGN) assert.ok(!figures.text.includes(name));
      const concerns = await csv(client, `/stats/concerns.csv?${PERIOD}`);
      assert.equal(concerns.res.status, 200);
      assert.equal(rows(concerns.text.slice(1), ';').length, 1 + 9, 'header and the 9 concerns of the pilot');
      for (const name of FOREIGN) assert.ok(!concerns.text.includes(name));
    });

    it('shows a council admin only their own council, aggregated: no comparison, no concerns export', async () => {
      const client = await login('formand@glumsoe.example');
      const page = await client.get(`/stats?${PERIOD}`);
      assert.equal(page.status, 200);
      const text = textOf(page.text);
      assert.ok(text.includes('Glumsø Lokalråd'));
      for (const name of [...FOREIGN, 'Fladså Lokalråd', 'Lokalrådet for Næstved Vestegn'])
        assert.ok(!text.includes(name), `${name} is not shown`);
      assert.ok(!text.includes(da('stats.compare.others')), 'no pilot/others comparison');
      assert.ok(!page.text.includes('/stats/concerns.csv'), 'no link to the concerns export');
      assert.equal((await client.get(`/stats/concerns.csv?${PERIOD}`)).status, 404);
      assert.equal((await client.get(`/stats?${PERIOD}&council_ids=${sc.F}`)).status, 404);
      const figures = await csv(client, `/stats/figures.csv?${PERIOD}`);
      assert.equal(figures.res.status, 200);
      const r = rows(figures.text.slice(1), ';');
      assert.deepEqual(
        r.find((x) => x[0] === da('stats.csv.concerns')),
        [da('stats.csv.concerns'), da('stats.csv.total'), '5'],
      );
      assert.ok(!figures.text.includes('Fladså Lokalråd'));
      assert.equal((await client.get(`/stats/report?${PERIOD}`)).status, 200);
    });

    it('gives a network person a 404 on every stats page and export', async () => {
      const client = await login('hal@glumsoe.example');
      for (const url of ['/stats', '/stats/report', '/stats/figures.csv', '/stats/concerns.csv']) {
        assert.equal((await client.get(url)).status, 404, url);
        assert.equal((await client.get(`${url}?${PERIOD}`)).status, 404, url);
        assert.equal((await client.get(`${url}?from=nonsense`)).status, 404, `${url} with a bad query`);
      }
    });
  });

  describe('invalid periods', () => {
    it('answers an impossible date with 400, the Danish error summary and the input kept', async () => {
      const client = await login('admin@politi.example');
      const page = await client.get('/stats?from=2026-13-01&to=2026-04-30');
      assert.equal(page.status, 400);
      const text = textOf(page.text);
      assert.ok(text.includes(da('forms.error_summary_heading')));
      assert.ok(text.includes(da('stats.errors.from_invalid')));
      assert.match(page.text, /value="2026-13-01"/);
      assert.match(page.text, /value="2026-04-30"/);
      assert.match(page.text, /href="#field-from"/);
    });

    it('answers an end before the start with 400 and says so', async () => {
      const client = await login('admin@politi.example');
      const page = await client.get('/stats?from=2026-05-01&to=2026-04-01');
      assert.equal(page.status, 400);
      assert.ok(textOf(page.text).includes(da('stats.errors.range_order')));
      assert.match(page.text, /value="2026-05-01"/);
    });

    it('never answers bad input with a 500, on any of the four addresses', async () => {
      const client = await login('betjent@politi.example');
      const bad = [
        'from=2026-02-30&to=2026-03-01',
        'from=2026-03-01',
        'to=2026-03-01',
        'from=1.3.2026&to=31.2.2026',
        'from=2010-01-01&to=2026-01-01',
        'council_ids=abc',
        'council_ids=99999999999999999999',
        'from[]=x&to=2026-01-01',
        `from=${'9'.repeat(5000)}&to=2026-01-01`,
      ];
      for (const url of ['/stats', '/stats/report', '/stats/figures.csv', '/stats/concerns.csv']) {
        for (const q of bad) {
          const res = await client.get(`${url}?${q}`);
          assert.ok([400, 404].includes(res.status), `${url}?${q.slice(0, 40)} → ${res.status}`);
        }
      }
    });

    it('accepts the Danish short date form', async () => {
      const client = await login('admin@politi.example');
      const figures = await csv(client, '/stats/figures.csv?from=1.3.2026&to=30.4.2026');
      assert.equal(figures.res.status, 200);
      assert.match(figures.text, /\r\nBekymringer;I alt;12\r\n/);
    });
  });

  describe('CSV exports', () => {
    it('figures CSV: BOM, CRLF, semicolons and decimal commas, and every seeded figure', async () => {
      const client = await login('admin@politi.example');
      const { res, bytes, text } = await csv(client, `/stats/figures.csv?${PERIOD}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
      assert.match(
        res.headers.get('content-disposition') ?? '',
        /attachment; filename="naernet-tal-2026-03-01-2026-04-30\.csv"/,
      );
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 byte-order mark');
      const r = rows(text.slice(1), ';');
      assert.deepEqual(r[0], [da('stats.csv.section'), da('stats.csv.item'), da('stats.csv.value')]);
      const value = (section: string, item: string) => {
        const found = r.filter((x) => x[0] === section && x[1] === item);
        assert.equal(found.length, 1, `one row ${section} / ${item}`);
        return found[0]?.[2];
      };
      const s = da;
      assert.equal(value(s('stats.csv.period'), s('stats.from')), '2026-03-01');
      assert.equal(value(s('stats.csv.period'), s('stats.to')), '2026-04-30');
      assert.equal(value(s('stats.csv.councils'), 'Faxe'), 'Rønnede Lokalråd');
      assert.equal(value(s('stats.csv.concerns'), s('stats.csv.total')), '12');
      assert.equal(value(s('stats.by_month'), '2026-03'), '7');
      assert.equal(value(s('stats.by_month'), '2026-04'), '5');
      const categories: [string, string][] = [
        ['Tryghed og uro', '2'],
        ['Indbrud og tyveri', '1'],
        ['Hærværk og graffiti', '1'],
        ['Unge og grupperinger', '1'],
        ['Trafik og fart', '2'],
        ['Narkotika', '1'],
        ['Brand og sikkerhed', '1'],
        ['Svindel', '2'],
        ['Andet', '1'],
      ];
      for (const [label, n] of categories) assert.equal(value(s('stats.by_category'), label), n, label);
      const councils: [string, string][] = [
        ['Rønnede Lokalråd', '2'],
        ['Stubbekøbing Lokalråd', '1'],
        ['Fladså Lokalråd', '2'],
        ['Glumsø Lokalråd', '5'],
        ['Lokalrådet for Næstved Vestegn', '2'],
      ];
      for (const [name, n] of councils) assert.equal(value(s('stats.by_council'), name), n, name);
      const status: [string, string][] = [
        ['new', '5'],
        ['in_progress', '1'],
        ['awaiting_department', '1'],
        ['closed', '5'],
      ];
      for (const [key, n] of status)
        assert.equal(value(s('stats.status_now'), s(`concerns.status.${key}`)), n);
      const resolutions: [string, string][] = [
        ['resolved', '2'],
        ['referred_closed', '1'],
        ['not_police', '1'],
        ['duplicate', '1'],
      ];
      for (const [key, n] of resolutions)
        assert.equal(value(s('stats.resolutions'), s(`concerns.resolution.${key}`)), n);
      assert.equal(value(s('stats.csv.overdue_now'), s('stats.csv.total')), '2');
      assert.equal(value(s('stats.csv.first_response_hours'), s('stats.csv.count')), '7');
      assert.equal(value(s('stats.csv.first_response_hours'), s('stats.median')), '6');
      assert.equal(value(s('stats.csv.first_response_hours'), s('stats.p90')), '20');
      assert.equal(value(s('stats.csv.closing_hours'), s('stats.csv.count')), '5');
      assert.equal(value(s('stats.csv.closing_hours'), s('stats.median')), '30');
      assert.equal(value(s('stats.csv.closing_hours'), s('stats.p90')), '100');
      assert.equal(value(s('stats.csv.referred'), s('stats.csv.count')), '4');
      assert.equal(value(s('stats.csv.referred'), s('stats.csv.percent')), '33,3');
      const dept = (name: string, key: string) => value(s('stats.csv.department'), `${name}: ${s(key)}`);
      const departments: [string, string, string, string, string, string][] = [
        // name, referrals, concerns, per cent, median ack h, median answer h
        ['Beredskab', '2', '1', '8,3', '2', '2'],
        ['Færdsel', '1', '1', '8,3', '50', '50'],
        ['Lokalpolitiet', '2', '2', '16,7', '4', '13,5'],
        ['SSP', '1', '1', '8,3', '1', ''],
      ];
      for (const [name, referrals, concerns, percent, ack, answer] of departments) {
        assert.equal(dept(name, 'stats.csv.referrals'), referrals, name);
        assert.equal(dept(name, 'stats.csv.concerns_referred'), concerns, name);
        assert.equal(dept(name, 'stats.csv.percent'), percent, name);
        assert.equal(dept(name, 'stats.csv.acknowledge_median_hours'), ack, name);
        assert.equal(dept(name, 'stats.csv.answer_median_hours'), answer, name);
      }
      assert.ok(!text.includes('Forebyggelse'), 'a department without referrals in the period is left out');
      assert.equal(value(s('stats.csv.feedback'), s('stats.csv.closed')), '5');
      assert.equal(value(s('stats.csv.feedback'), s('stats.csv.count')), '2');
      // 2 of the 4 closed concerns that are not duplicates.
      assert.equal(value(s('stats.csv.feedback'), s('stats.csv.percent')), '50');
      assert.equal(value(s('stats.meetings'), s('stats.csv.held')), '4');
      assert.equal(value(s('stats.meetings'), s('meetings.kind.borgermoede')), '1');
      assert.equal(value(s('stats.meetings'), s('meetings.kind.netvaerksmoede')), '2');
      assert.equal(value(s('stats.meetings'), s('meetings.kind.faellesmoede')), '1');
      assert.equal(value(s('stats.meetings'), s('stats.csv.attendees')), '47');
      assert.equal(value(s('stats.meetings'), s('stats.answer.yes')), '3');
      assert.equal(value(s('stats.meetings'), s('stats.answer.no')), '2');
      assert.equal(value(s('stats.meetings'), s('stats.answer.maybe')), '1');
      assert.equal(value(s('stats.newsletters'), s('stats.csv.sent')), '3');
      assert.equal(value(s('stats.newsletters'), s('stats.csv.reached')), '7');
      assert.equal(value(s('stats.newsletters'), s('stats.csv.failed')), '2');
      assert.equal(value(s('stats.people'), s('stats.csv.members')), '9');
      assert.equal(value(s('stats.people'), s('stats.csv.active')), '4');
      const people: [string, string, string][] = [
        ['Rønnede Lokalråd', '2', '2'],
        ['Stubbekøbing Lokalråd', '1', '0'],
        ['Fladså Lokalråd', '2', '1'],
        ['Glumsø Lokalråd', '4', '2'],
        ['Lokalrådet for Næstved Vestegn', '1', '0'],
      ];
      for (const [name, members, active] of people) {
        assert.equal(value(s('stats.people'), `${name}: ${s('stats.csv.members')}`), members, name);
        assert.equal(value(s('stats.people'), `${name}: ${s('stats.csv.active')}`), active, name);
      }
    });

    it('figures CSV in English: commas and decimal points, after switching language', async () => {
      const client = await login('admin@politi.example');
      const switched = await client.post('/language', { locale: 'en', next: '/stats' });
      assert.equal(switched.status, 303);
      const { res, text } = await csv(client, `/stats/figures.csv?${PERIOD}`);
      assert.equal(res.status, 200);
      assert.equal(text.charCodeAt(0), 0xfeff);
      const r = rows(text.slice(1), ',');
      assert.deepEqual(r[0], [en('stats.csv.section'), en('stats.csv.item'), en('stats.csv.value')]);
      assert.ok(r.some((x) => x.join('|') === `${en('stats.csv.referred')}|${en('stats.csv.percent')}|33.3`));
      assert.ok(
        r.some(
          (x) =>
            x.join('|') ===
            `${en('stats.csv.department')}|Lokalpolitiet: ${en('stats.csv.answer_median_hours')}|13.5`,
        ),
      );
      assert.ok(r.some((x) => x.join('|') === `${en('stats.by_category')}|Safety and disturbance|2`));
      const concerns = await csv(client, `/stats/concerns.csv?${PERIOD}`);
      const header = rows(concerns.text.slice(1), ',')[0];
      assert.equal(header?.[0], en('stats.csv.column.number'));
      assert.ok(concerns.text.includes(',Færdsel, SSP,') === false, 'a field with a comma is quoted');
      assert.ok(concerns.text.includes('"Færdsel, SSP"'));
      await client.post('/language', { locale: 'da', next: '/stats' });
    });

    it('concerns CSV: one row per concern, Copenhagen times, no personal data, and an audit row', async () => {
      const client = await login('admin@politi.example');
      const before = app.deps.db
        .prepare("SELECT count(*) FROM audit_log WHERE action = 'stats.concerns_exported'")
        .pluck()
        .get() as number;
      const { res, bytes, text } = await csv(client, `/stats/concerns.csv?${PERIOD}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/csv; charset=utf-8');
      assert.match(
        res.headers.get('content-disposition') ?? '',
        /filename="naernet-bekymringer-2026-03-01-2026-04-30\.csv"/,
      );
      assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
      const r = rows(text.slice(1), ';');
      const columns = [
        'number',
        'municipality',
        'council',
        'category',
        'status',
        'resolution',
        'feedback_given',
        'created',
        'first_response',
        'referred',
        'acknowledged',
        'answered',
        'closed',
        'departments',
        'hours_to_first_response',
        'hours_to_closing',
      ];
      assert.deepEqual(
        r[0],
        columns.map((c) => da(`stats.csv.column.${c}`)),
      );
      assert.equal(r.length, 1 + 12, 'one row per concern created in the period');
      const ids = r.slice(1).map((x) => Number(x[0]));
      assert.equal(new Set(ids).size, 12);
      const byCreated = (local: string) => {
        const found = r.filter((x) => x[7] === local);
        assert.equal(found.length, 1, local);
        return (found[0] as string[]).slice(1);
      };
      // 31 March 23:30 local (summer time): March, 8 h to the first reply, 48 h to closing.
      assert.deepEqual(byCreated('2026-03-31 23:30'), [
        'Næstved',
        'Fladså Lokalråd',
        'Hærværk og graffiti',
        da('concerns.status.closed'),
        da('concerns.resolution.not_police'),
        da('stats.csv.no'),
        '2026-03-31 23:30',
        '2026-04-01 07:30',
        '',
        '',
        '',
        '2026-04-02 23:30',
        '',
        '8',
        '48',
      ]);
      // Across the spring-forward night: 01:30 → 03:30 local is one hour.
      assert.deepEqual(byCreated('2026-03-29 01:30').slice(6), [
        '2026-03-29 01:30',
        '2026-03-29 03:30',
        '',
        '',
        '',
        '',
        '',
        '1',
        '',
      ]);
      // Referred twice; the answer without an acknowledgement does not hide the other's acknowledgement.
      assert.deepEqual(byCreated('2026-04-15 12:00'), [
        'Næstved',
        'Lokalrådet for Næstved Vestegn',
        'Trafik og fart',
        da('concerns.status.awaiting_department'),
        '',
        '',
        '2026-04-15 12:00',
        '2026-04-15 18:00',
        '2026-04-15 14:00',
        '2026-04-15 16:00',
        '2026-04-17 16:00',
        '',
        'Færdsel, SSP',
        '6',
        '',
      ]);
      // Winter time on 10 March: 09:00 UTC is 10:00 local.
      assert.deepEqual(byCreated('2026-03-10 10:00').slice(6, 15), [
        '2026-03-10 10:00',
        '2026-03-10 14:00',
        '2026-03-10 11:00',
        '2026-03-10 14:00',
        '2026-03-11 07:00',
        '2026-03-11 16:00',
        'Lokalpolitiet',
        '4',
        '30',
      ]);
      assert.equal(byCreated('2026-03-01 00:00')[5], da('stats.csv.yes'), 'feedback given');
      assert.ok(byCreated('2026-04-30 23:59'), 'the last second of the period is in');
      for (const secret of Object.values(SECRETS))
        assert.ok(!text.includes(secret), `${secret} is not exported`);
      assert.ok(!text.includes('Æbeltoft') && !text.includes('hal@glumsoe'), 'no reporter');
      const audit = app.deps.db
        .prepare(
          "SELECT actor_user_id, details FROM audit_log WHERE action = 'stats.concerns_exported' ORDER BY id DESC LIMIT 1",
        )
        .get() as { actor_user_id: number; details: string };
      const count = app.deps.db
        .prepare("SELECT count(*) FROM audit_log WHERE action = 'stats.concerns_exported'")
        .pluck()
        .get() as number;
      assert.equal(count, before + 1);
      assert.equal(audit.actor_user_id, app.deps.users.findByEmail('admin@politi.example')?.id);
      const details = JSON.parse(audit.details) as { from: string; to: string; councilIds: number[] };
      assert.equal(details.from, '2026-03-01');
      assert.equal(details.to, '2026-04-30');
      assert.deepEqual([...details.councilIds].sort(), [sc.G, sc.F, sc.V, sc.X, sc.Y].sort());
    });
  });
});
