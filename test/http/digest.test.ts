import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDigestJob } from '../../src/features/referrals/digest.job.js';
import { localDate, parseLocalDateTime } from '../../src/web/dates.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client } from '../helpers/client.js';
import type { ReceivedMail } from '../helpers/smtp.js';
import {
  actorOf,
  departmentId,
  lastMailTo,
  linkPathIn,
  logConcern as logConcernOf,
} from '../helpers/world.js';

const OFFICER = 'betjent@politi.example';
const DAY = 86_400_000;

const plusDays = (day: string, n: number) =>
  new Date(new Date(`${day}T12:00:00Z`).getTime() + n * DAY).toISOString().slice(0, 10);

describe("the officers' daily digest", () => {
  let app: TestApp;
  let firstDay: string;

  const actor = (email: string) => actorOf(app, email);

  /** Moves the app's clock forward to this Copenhagen wall time. */
  function jumpTo(day: string, time: string) {
    const target = parseLocalDateTime(`${day}T${time}`);
    assert.ok(target);
    const ms = new Date(target).getTime() - app.deps.now().getTime();
    assert.ok(ms > 0, `${day} ${time} lies ahead`);
    app.advanceClock(ms);
  }

  const logConcern = (reporter: string, title: string) =>
    logConcernOf(app, reporter, { category: 'unge', title, description: 'Beskrivelse', location: 'Sted' });

  async function runDay(): Promise<void> {
    await app.deps.scheduler.tick();
    await app.deliverMail();
  }

  const digests = (email = OFFICER): ReceivedMail[] =>
    app.smtp.to(email).filter((m) => /Dagens overblik/.test(m.subject));

  /** The lines of one section of a digest, up to the next blank line. */
  function section(mail: ReceivedMail, heading: string): string {
    const start = mail.text.indexOf(heading);
    if (start < 0) return '';
    const end = mail.text.indexOf('\n\n', start);
    return mail.text.slice(start, end < 0 ? undefined : end);
  }

  /** A public reply to every open concern still waiting for one: nothing new or overdue remains. */
  function answerEverything() {
    const officer = actor(OFFICER);
    const waiting = app.deps.db
      .prepare("SELECT id FROM concerns WHERE status <> 'closed' AND first_response_at IS NULL")
      .pluck()
      .all() as number[];
    for (const id of waiting) {
      app.deps.services.concerns.addNote(officer, id, {
        body: 'Tak, vi kigger på det.',
        visibility: 'public',
      });
    }
  }

  before(async () => {
    app = await startTestApp();
    firstDay = plusDays(localDate(app.deps.now()), 1);
  });
  after(() => app.close());

  it('sends each officer one mail at 07:00 Copenhagen time listing overdue, new and answered concerns — and nothing twice', async () => {
    jumpTo(firstDay, '03:00');
    const overdueNew = logConcern('hal@glumsoe.example', 'Gammel uro ved hallen');
    const overdueHandled = logConcern('vest@vestegn.example', 'Knallertkørsel i skoven');
    app.deps.services.concerns.updateTriage(actor(OFFICER), overdueHandled, { status: 'in_progress' });
    app.deps.services.concerns.addNote(actor(OFFICER), overdueNew, {
      body: 'INTERN-DIGEST-MARKØR',
      visibility: 'internal',
    });

    const day = plusDays(firstDay, 14);
    jumpTo(day, '05:00');
    const fresh = logConcern('brugs@fladsaa.example', 'Ny bekymring fra Fladså');
    const answered = logConcern('hal@glumsoe.example', 'Unge ved stationen');
    const ssp = departmentId(app, 'SSP');
    app.deps.services.referrals.refer(actor(OFFICER), answered, { department_id: ssp, note: 'Til SSP' });
    const link = linkPathIn(await lastMailTo(app, 'ssp@politi.example'), '/referrals/');
    const department = new Client(app.url);
    await department.get(link);
    assert.equal((await department.post(link, { status: 'answered', answer: 'SSP-SVAR' })).status, 303);
    await runDay();
    assert.equal(digests().length, 0, 'nothing before the digest hour');

    jumpTo(day, '07:00');
    await runDay();
    const sent = digests();
    assert.equal(sent.length, 1, 'one digest');
    const mail = sent[0] as ReceivedMail;
    assert.ok(section(mail, 'Over svarfristen').includes(`#${overdueNew} Gammel uro ved hallen`));
    assert.ok(section(mail, 'Over svarfristen').includes(`#${overdueHandled} Knallertkørsel i skoven`));
    assert.ok(
      section(mail, 'Nye bekymringer').includes(`#${fresh} Ny bekymring fra Fladså (Fladså Lokalråd)`),
    );
    assert.ok(
      !section(mail, 'Nye bekymringer').includes(`#${overdueNew} `),
      'an overdue concern is listed once',
    );
    assert.ok(section(mail, 'Svar fra afdelinger').includes(`#${answered} Unge ved stationen`));
    assert.ok(mail.text.includes(`${app.url}/concerns/${fresh}`));
    assert.ok(mail.text.includes(`${app.url}/triage`));
    assert.ok(!`${mail.text}${mail.html}`.includes('INTERN-DIGEST-MARKØR'));
    assert.ok(!`${mail.text}${mail.html}`.includes('SSP-SVAR'), 'the digest names concerns, not answers');
    assert.equal(digests('admin@politi.example').length, 0, 'district admins are not officers');

    jumpTo(day, '07:30');
    await runDay();
    assert.equal(digests().length, 1, 'a second run the same day sends nothing');
    // A restarted process has no memory of the morning: digest_log keeps it from sending again.
    await createDigestJob(app.deps).run();
    await app.deliverMail();
    assert.equal(digests().length, 1, 'nor does a restart');
    assert.equal(app.deps.db.prepare('SELECT count(*) FROM digest_log WHERE day = ?').pluck().get(day), 1);
  });

  it('sends nothing on a day with nothing to report, and lists only answers since the last digest', async () => {
    answerEverything();
    const quiet = plusDays(firstDay, 15);
    jumpTo(quiet, '07:05');
    await runDay();
    assert.equal(digests().length, 1, 'no mail on a quiet day');

    const next = plusDays(firstDay, 16);
    jumpTo(next, '06:00');
    const latest = logConcern('formand@glumsoe.example', 'Væltede skraldespande');
    await runDay();
    assert.equal(digests().length, 1, 'not before 07:00');
    jumpTo(next, '07:00');
    await runDay();
    const all = digests();
    assert.equal(all.length, 2);
    const mail = all[1] as ReceivedMail;
    assert.ok(section(mail, 'Nye bekymringer').includes(`#${latest} Væltede skraldespande`));
    assert.equal(section(mail, 'Svar fra afdelinger'), '', 'yesterday’s answer was in an earlier digest');
    assert.equal(section(mail, 'Over svarfristen'), '');
  });
});
