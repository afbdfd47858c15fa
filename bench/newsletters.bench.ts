/**
 * Newsletter delivery (docs/domain.md#delivery-and-unsubscribing): sending 10,000 newsletter mails through the real delivery job (lease, claims, one
 * rendered message per recipient, status per delivery) to a loopback SMTP server, beside a plain
 * nodemailer pool loop sending the same messages to the same server with the same concurrency,
 * in the same run. Prints messages/s, peak RSS and the ratio.
 *
 *   npm run bench -- newsletters
 *   BENCH_NEWSLETTER_MAILS=2000 npm run bench -- newsletters
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { pino } from 'pino';
import { compose } from '../src/composition.js';
import { loadConfig } from '../src/config.js';
import { SinkSmtpServer } from '../test/helpers/slow-smtp.js';

const MAILS = Number(process.env.BENCH_NEWSLETTER_MAILS ?? 10_000);
const BATCH = 50;

const BODY = [
  '# Det har vi arbejdet med i maj',
  '',
  'Kære alle i netværket — tak for jeres henvendelser. Her er et kort overblik over månedens arbejde',
  'i Glumsø, Fladså og på Vestegnen: færre indbrud i sommerhusene, mere ro ved stationen og en ny',
  'aftale med hallen om lys på parkeringspladsen.',
  '',
  '## Det skete',
  '',
  '- **Indbrud**: tre anmeldelser mod otte i april; husk at låse skure og carporte.',
  '- **Knallerter**: fartkontrol på Ringstedvej to aftener; god dialog med de unge.',
  '- **Hærværk**: graffiti ved busskuret er fjernet, og kommunen har sat kamera op.',
  '',
  '## Det kommer',
  '',
  'Netværksmøde i Glumsø Hallen torsdag den 12. juni kl. 19. Læs mere på [politi.dk](https://politi.dk).',
  '',
  'Med venlig hilsen',
  'Nærpolitiet i Næstved',
].join('\n');

type Phase = {
  name: string;
  mails: number;
  seconds: number;
  rate: number;
  startRss: number;
  peakRss: number;
};

/** Samples RSS every 100 ms while `fn` runs; returns the peak. */
async function withPeakRss(fn: () => Promise<void>): Promise<{ startRss: number; peakRss: number }> {
  const startRss = process.memoryUsage().rss;
  let peakRss = startRss;
  const timer = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  try {
    await fn();
  } finally {
    clearInterval(timer);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  return { startRss, peakRss };
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

export async function benchNewsletters(): Promise<void> {
  const sink = new SinkSmtpServer();
  const smtpUrl = await sink.start();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'naernet-bench-nl-'));
  const deps = compose(
    loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, SMTP_URL: smtpUrl, LOG_LEVEL: 'silent', DEMO: '0' }),
    { logger: pino({ level: 'silent' }) },
  );
  deps.setBaseUrl('https://naernet.bench.example');
  try {
    // ---------------------------------------------------------------- seed MAILS members
    const { db } = deps;
    const at = new Date().toISOString();
    let adminId = 0;
    let councilId = 0;
    db.transaction(() => {
      const municipality = db
        .prepare('INSERT INTO municipalities (name, created_at) VALUES (?, ?)')
        .run('Næstved', at).lastInsertRowid;
      councilId = Number(
        db
          .prepare('INSERT INTO councils (municipality_id, name, slug, created_at) VALUES (?, ?, ?, ?)')
          .run(municipality, 'Glumsø Lokalråd', 'glumsoe', at).lastInsertRowid,
      );
      const user = db.prepare(
        `INSERT INTO users (email, name, status, is_district_admin, created_at, updated_at)
         VALUES (?, ?, 'active', ?, ?, ?)`,
      );
      adminId = Number(user.run('admin@politi.example', 'Admin', 1, at, at).lastInsertRowid);
      const member = db.prepare(
        `INSERT INTO memberships (user_id, council_id, role, created_at, updated_at)
         VALUES (?, ?, 'network_person', ?, ?)`,
      );
      for (let i = 0; i < MAILS; i++) {
        const id = user.run(`person${i}@glumsoe.example`, `Person ${i}`, 0, at, at).lastInsertRowid;
        member.run(id, councilId, at, at);
      }
    })();
    deps.settings.set('newsletter_rate_per_second', '0');
    deps.settings.set('newsletter_batch_size', String(BATCH));
    const admin = deps.users.loadActor(adminId);
    if (!admin) throw new Error('admin missing');
    const service = deps.services.newsletters;
    const id = service.create(
      admin,
      { title: 'Nyhedsbrev: æøå ÆØÅ', body: BODY, councilIds: [councilId], wholeDistrict: false },
      [councilId],
    );

    // ---------------------------------------------------------------- baseline: a plain pool loop
    // The same rendered message (as the admin's preview) with the same headers, through a nodemailer
    // pool with the delivery job's defaults (`?pool=true`: 5 connections), BATCH at a time.
    const preview = service.preview(admin, id);
    const pool = nodemailer.createTransport(`${smtpUrl}?pool=true`);
    const plainLoop = async (count: number, offset: number) => {
      for (let i = 0; i < count; i += BATCH) {
        const batch = [];
        for (let j = i; j < Math.min(i + BATCH, count); j++) {
          batch.push(
            pool.sendMail({
              from: deps.config.mailFrom,
              to: `person${j}@glumsoe.example`,
              subject: preview.subject,
              text: preview.text,
              html: preview.html,
              messageId: `<baseline-${offset + j}@naernet.bench.example>`,
              headers: {
                'List-Unsubscribe': `<https://naernet.bench.example/unsubscribe/${j}.${'x'.repeat(32)}>, <mailto:sydsjaelland@politi.example?subject=Afmeld%20${j}>`,
                'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
                'List-Id': 'Nærnet nyhedsbreve <newsletters.naernet.bench.example>',
              },
            }),
          );
        }
        await Promise.all(batch);
      }
    };
    await plainLoop(Math.min(500, MAILS), 1_000_000); // warm-up, not measured

    const phases: Phase[] = [];
    sink.received.length = 0;
    let started = performance.now();
    const base = await withPeakRss(() => plainLoop(MAILS, 0));
    let seconds = (performance.now() - started) / 1000;
    phases.push({ name: 'nodemailer pool loop', mails: MAILS, seconds, rate: MAILS / seconds, ...base });
    const baselineBytes = sink.received.reduce((s, m) => s + m.bytes, 0) / sink.received.length;
    pool.close();

    // ---------------------------------------------------------------- the delivery job
    sink.received.length = 0;
    const freezeStarted = performance.now();
    service.schedule(admin, id, null); // freezes MAILS recipients in one transaction
    const freezeMs = performance.now() - freezeStarted;
    const status = db.prepare('SELECT status FROM newsletters WHERE id = ?').pluck();
    started = performance.now();
    const job = await withPeakRss(async () => {
      while (status.get(id) !== 'sent') await deps.scheduler.tick();
    });
    seconds = (performance.now() - started) / 1000;
    const sent = db
      .prepare("SELECT count(*) FROM newsletter_deliveries WHERE newsletter_id = ? AND status = 'sent'")
      .pluck()
      .get(id) as number;
    phases.push({ name: 'Nærnet delivery job', mails: sent, seconds, rate: sent / seconds, ...job });
    const jobBytes = sink.received.reduce((s, m) => s + m.bytes, 0) / sink.received.length;
    if (sink.received.length !== MAILS || sent !== MAILS) {
      throw new Error(
        `expected ${MAILS} mails, the server got ${sink.received.length} and ${sent} rows are sent`,
      );
    }

    // ---------------------------------------------------------------- report
    const [baseline, ours] = phases as [Phase, Phase];
    console.log(
      `\nNewsletters — ${MAILS.toLocaleString('en')} mails to a loopback SMTP server, pool of 5 connections, ${BATCH} per batch, rate limit off\n`,
    );
    console.log(
      'sender'.padEnd(26),
      'msg/s'.padStart(8),
      'seconds'.padStart(8),
      'RSS start'.padStart(10),
      'RSS peak'.padStart(10),
      'growth'.padStart(8),
    );
    for (const p of phases) {
      console.log(
        p.name.padEnd(26),
        p.rate.toFixed(0).padStart(8),
        p.seconds.toFixed(1).padStart(8),
        mb(p.startRss).padStart(10),
        mb(p.peakRss).padStart(10),
        mb(p.peakRss - p.startRss).padStart(8),
      );
    }
    console.log(
      `\ndelivery job / plain pool: ${(ours.rate / baseline.rate).toFixed(2)}× the messages/s; ` +
        `message size ${(jobBytes / 1024).toFixed(1)} KB vs ${(baselineBytes / 1024).toFixed(1)} KB; ` +
        `freezing ${MAILS.toLocaleString('en')} recipients took ${freezeMs.toFixed(0)} ms`,
    );
    console.log(
      'RSS is the whole bench process (SMTP server included), sampled every 100 ms; the job runs second, on the heap the loop left.',
    );
  } finally {
    await deps.scheduler.stop();
    deps.close();
    await sink.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
