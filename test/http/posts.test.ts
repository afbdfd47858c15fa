import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, textOf } from '../helpers/client.js';
import { addCouncil, addOfficer, clientOf, councilId, loginEach } from '../helpers/world.js';

const OFFICER = 'betjent@politi.example';
const F_OFFICER = 'fladsaa-betjent@politi.example';
const ADMIN = 'admin@politi.example';
const G_ADMIN = 'formand@glumsoe.example';
const G_MEMBER = 'hal@glumsoe.example';
const F_MEMBER = 'brugs@fladsaa.example';
const V_MEMBER = 'vest@vestegn.example';

describe('kriminalitetsbillede (/posts)', () => {
  let app: TestApp;
  const councils: Record<string, number> = {};
  let clients = new Map<string, Client>();
  let glumsoePost: number;
  let districtPost: number;

  const as = (email: string) => clientOf(clients, email);

  async function publish(client: Client, form: Record<string, string>) {
    await client.get('/posts/new');
    return client.post('/posts', form);
  }

  const postIdFrom = (location: string | null) => Number(/^\/posts\/(\d+)$/.exec(location ?? '')?.[1]);

  before(async () => {
    app = await startTestApp();
    const { db } = app.deps;
    councils.G = councilId(app, 'glumsoe');
    councils.F = councilId(app, 'fladsaa');
    // A second officer who covers only Fladså.
    await addOfficer(app, { email: F_OFFICER, name: 'Ole Fladså-betjent', councils: [councils.F] });
    // A council nobody covers (an active council of the district the demo officer does not cover).
    councils.X = addCouncil(app, { name: 'Testråd', slug: 'testraad' });
    // The council admin of Glumsø does not want mail about posts.
    db.prepare('UPDATE users SET notify_posts = 0 WHERE email = ?').run(G_ADMIN);

    clients = await loginEach(app, [OFFICER, F_OFFICER, ADMIN, G_ADMIN, G_MEMBER, F_MEMBER, V_MEMBER]);

    const g = await publish(as(OFFICER), {
      council_id: String(councils.G),
      title: 'Kriminalitetsbilledet i Glumsø',
      period: 'Oktober 2026',
      body: 'Færre **indbrud** end sidst.\n\n<script>alert(1)</script>',
      current_indbrud: '3',
      previous_indbrud: '6',
      current_haervaerk: '5',
      previous_haervaerk: '4',
      current_trafik: '',
      previous_trafik: '',
    });
    assert.equal(g.status, 303);
    glumsoePost = postIdFrom(g.location);
    assert.ok(glumsoePost > 0);

    const d = await publish(as(ADMIN), {
      council_id: '',
      title: 'Hele kredsen i oktober',
      period: 'Oktober 2026',
      body: 'Status for hele politikredsen.',
      current_svindel: '12',
      previous_svindel: '9',
    });
    assert.equal(d.status, 303);
    districtPost = postIdFrom(d.location);
  });
  after(() => app.close());

  describe('who reads', () => {
    it('a Glumsø post: Glumsø members, its officer and district admins read it (200)', async () => {
      for (const email of [G_MEMBER, G_ADMIN, OFFICER, ADMIN]) {
        const page = await as(email).get(`/posts/${glumsoePost}`);
        assert.equal(page.status, 200, email);
        assert.match(textOf(page.text), /Kriminalitetsbilledet i Glumsø/);
      }
    });

    it('a Glumsø post is 404 for Fladså and Vestegn members and an officer who does not cover Glumsø', async () => {
      for (const email of [F_MEMBER, V_MEMBER, F_OFFICER]) {
        assert.equal((await as(email).get(`/posts/${glumsoePost}`)).status, 404, email);
        assert.equal(
          (await as(email).post(`/posts/${glumsoePost}/comments`, { body: 'Hej' })).status,
          404,
          email,
        );
      }
    });

    it('an anonymous visitor is sent to log in', async () => {
      const page = await new Client(app.url).get(`/posts/${glumsoePost}`);
      assert.equal(page.status, 303);
      assert.equal(page.location, `/login?next=%2Fposts%2F${glumsoePost}`);
      assert.equal((await new Client(app.url).get('/posts')).location, '/login?next=%2Fposts');
    });

    it('a district post is read by every member and every officer', async () => {
      for (const email of [G_MEMBER, G_ADMIN, F_MEMBER, V_MEMBER, OFFICER, F_OFFICER, ADMIN]) {
        assert.equal((await as(email).get(`/posts/${districtPost}`)).status, 200, email);
      }
    });

    it('the list shows only what the actor may read, newest first', async () => {
      const fladsaa = textOf((await as(F_MEMBER).get('/posts')).text);
      assert.match(fladsaa, /Hele kredsen i oktober/);
      assert.doesNotMatch(fladsaa, /Kriminalitetsbilledet i Glumsø/);
      const glumsoe = textOf((await as(G_MEMBER).get('/posts')).text);
      assert.ok(
        glumsoe.indexOf('Hele kredsen i oktober') < glumsoe.indexOf('Kriminalitetsbilledet i Glumsø'),
      );
      assert.doesNotMatch(glumsoe, /Skriv nyt indlæg/);
      assert.match(textOf((await as(OFFICER).get('/posts')).text), /Skriv nyt indlæg/);
    });

    it('an unknown or malformed id is 404', async () => {
      assert.equal((await as(ADMIN).get('/posts/999999')).status, 404);
      assert.equal((await as(ADMIN).get('/posts/abc')).status, 404);
    });
  });

  describe('publishing', () => {
    it('members may not open the form or publish (404, even with invalid input)', async () => {
      for (const email of [G_MEMBER, G_ADMIN]) {
        assert.equal((await as(email).get('/posts/new')).status, 404, email);
        assert.equal(
          (await as(email).post('/posts', { council_id: '', title: '', period: '', body: '' })).status,
          404,
        );
      }
    });

    it('the form offers only the councils the officer covers plus the whole district', async () => {
      const page = await as(F_OFFICER).get('/posts/new');
      assert.equal(page.status, 200);
      assert.match(page.text, /<option value="">Hele politikredsen<\/option>/);
      assert.match(page.text, new RegExp(`<option value="${councils.F}">`));
      assert.doesNotMatch(page.text, new RegExp(`<option value="${councils.G}">`));
      assert.match(page.text, /name="current_indbrud"/);
      assert.match(page.text, /name="previous_indbrud"/);
    });

    it('shows every problem in Danish with 422 and keeps the input', async () => {
      const page = await publish(as(OFFICER), {
        council_id: String(councils.G),
        title: '',
        period: 'November 2026',
        body: 'Beretningen bevares',
        current_indbrud: '-2',
        previous_indbrud: '1,5',
        current_trafik: 'mange',
        previous_trafik: '7',
      });
      assert.equal(page.status, 422);
      const text = textOf(page.text);
      assert.match(text, /Der er problemer/);
      assert.match(page.text, /<a href="#field-title">Skriv en titel<\/a>/);
      assert.match(
        text,
        /Skriv antallet for Indbrud og tyveri \(denne periode\) som et helt tal, 0 eller derover/,
      );
      assert.match(text, /Skriv antallet for Indbrud og tyveri \(forrige periode\)/);
      assert.match(text, /Skriv antallet for Trafik og fart \(denne periode\)/);
      assert.match(page.text, /href="#field-current_indbrud"/);
      assert.match(page.text, /Beretningen bevares/);
      assert.match(page.text, /value="November 2026"/);
      assert.match(page.text, /value="-2"/);
      assert.match(page.text, /value="1,5"/);
      assert.match(page.text, /value="7"/);
      assert.match(page.text, new RegExp(`<option value="${councils.G}" selected>`));
    });

    it('refuses a title over 150 characters and a missing period', async () => {
      const page = await publish(as(OFFICER), {
        council_id: '',
        title: 't'.repeat(151),
        period: '',
        body: 'x',
      });
      assert.equal(page.status, 422);
      assert.match(textOf(page.text), /Skriv en titel på højst 150 tegn/);
      assert.match(textOf(page.text), /Skriv hvilken periode indlægget handler om/);
    });

    it('refuses an unknown council and another officer’s council with 422', async () => {
      const base = { title: 'T', period: 'P', body: 'B' };
      const unknown = await publish(as(OFFICER), { ...base, council_id: '999999' });
      assert.equal(unknown.status, 422);
      assert.match(textOf(unknown.text), /Vælg et lokalråd fra listen/);
      const garbage = await publish(as(OFFICER), { ...base, council_id: 'abc' });
      assert.equal(garbage.status, 422);
      const notCovered = await publish(as(F_OFFICER), { ...base, council_id: String(councils.G) });
      assert.equal(notCovered.status, 422);
      assert.match(textOf(notCovered.text), /Du kan kun skrive indlæg for de lokalråd, du dækker/);
      const uncovered = await publish(as(OFFICER), { ...base, council_id: String(councils.X) });
      assert.equal(uncovered.status, 422);
      // A district admin may publish for any council.
      assert.equal((await publish(as(ADMIN), { ...base, council_id: String(councils.X) })).status, 303);
    });

    it('a POST without _csrf is refused with 403 and nothing is stored', async () => {
      const before = app.deps.db.prepare('SELECT count(*) FROM posts').pluck().get();
      const page = await as(OFFICER).post('/posts', {
        _csrf: '',
        council_id: '',
        title: 'Uden token',
        period: 'P',
        body: 'B',
      });
      assert.equal(page.status, 403);
      assert.equal(app.deps.db.prepare('SELECT count(*) FROM posts').pluck().get(), before);
    });

    it('records the publication in the audit log', () => {
      const action = app.deps.db
        .prepare("SELECT action FROM audit_log WHERE entity_type = 'post' AND entity_id = ?")
        .pluck()
        .get(glumsoePost);
      assert.equal(action, 'post.created');
    });
  });

  describe('the post page', () => {
    it('shows the narrative as sanitised Markdown, the figures table with the change, and the SVG chart', async () => {
      const page = await as(G_MEMBER).get(`/posts/${glumsoePost}`);
      assert.match(page.text, /<strong>indbrud<\/strong>/);
      assert.doesNotMatch(page.text, /<script>alert\(1\)<\/script>/);
      const text = textOf(page.text);
      assert.match(text, /Indbrud og tyveri 3 6 −3 \(−50 %\)/);
      assert.match(text, /Hærværk og graffiti 5 4 \+1 \(\+25 %\)/);
      assert.doesNotMatch(text, /Trafik og fart/); // no figures given: no row
      const svg = /<svg[^>]*role="img"[\s\S]*?<\/svg>/.exec(page.text)?.[0] ?? '';
      assert.ok(svg, 'an svg with role="img"');
      assert.match(svg, /viewBox="0 0 400 \d+"/);
      assert.match(svg, /width="100%"/);
      assert.match(svg, /aria-labelledby="post-chart-title post-chart-desc"/);
      assert.match(
        svg,
        /<title id="post-chart-title">Søjlediagram: antal hændelser pr. kategori, Oktober 2026/,
      );
      assert.match(
        svg,
        /<desc id="post-chart-desc">Indbrud og tyveri: 3 i denne periode, 6 i forrige periode\. Hærværk og graffiti: 5 i denne periode, 4 i forrige periode\.<\/desc>/,
      );
      assert.equal((svg.match(/<rect /g) ?? []).length, 2 + 4); // legend + two pairs of bars
      assert.doesNotMatch(page.text, /style="/);
    });
  });

  describe('comments', () => {
    let commentId: number;

    it('a member comments; the text is escaped', async () => {
      const client = as(G_MEMBER);
      await client.get(`/posts/${glumsoePost}`);
      const done = await client.post(`/posts/${glumsoePost}/comments`, {
        body: '<script>alert("x")</script> og <img src=x onerror=alert(1)>',
      });
      assert.equal(done.status, 303);
      assert.equal(done.location, `/posts/${glumsoePost}#comments`);
      const page = await as(G_ADMIN).get(`/posts/${glumsoePost}`);
      assert.match(
        page.text,
        /&lt;script&gt;alert\(&#34;x&#34;\)&lt;\/script&gt; og &lt;img src=x onerror=alert\(1\)&gt;/,
      );
      assert.doesNotMatch(page.text, /<img src=x/);
      commentId = app.deps.db
        .prepare('SELECT id FROM post_comments WHERE post_id = ? ORDER BY id DESC')
        .pluck()
        .get(glumsoePost) as number;
    });

    it('an empty or too long comment is 422 with the text kept', async () => {
      const client = as(G_MEMBER);
      await client.get(`/posts/${glumsoePost}`);
      const empty = await client.post(`/posts/${glumsoePost}/comments`, { body: '  ' });
      assert.equal(empty.status, 422);
      assert.match(empty.text, /<a href="#field-body">Skriv en kommentar<\/a>/);
      const long = await client.post(`/posts/${glumsoePost}/comments`, { body: 'k'.repeat(2001) });
      assert.equal(long.status, 422);
      assert.match(textOf(long.text), /Skriv en kommentar på højst 2\.000 tegn/);
      assert.match(long.text, /k{2001}/);
    });

    it('a member replies to a comment, one level deep', async () => {
      const client = as(G_ADMIN);
      await client.get(`/posts/${glumsoePost}`);
      const done = await client.post(`/posts/${glumsoePost}/comments`, {
        body: 'Det har jeg også set',
        parent_id: String(commentId),
      });
      assert.equal(done.status, 303);
      const replyId = app.deps.db
        .prepare('SELECT id FROM post_comments WHERE parent_id = ?')
        .pluck()
        .get(commentId) as number;
      assert.ok(replyId);
      // A reply to a reply, or to a comment of another post, does not exist.
      assert.equal(
        (await client.post(`/posts/${glumsoePost}/comments`, { body: 'Nej', parent_id: String(replyId) }))
          .status,
        404,
      );
      assert.equal(
        (await client.post(`/posts/${districtPost}/comments`, { body: 'Nej', parent_id: String(commentId) }))
          .status,
        404,
      );
      const empty = await client.post(`/posts/${glumsoePost}/comments`, {
        body: '',
        parent_id: String(commentId),
      });
      assert.equal(empty.status, 422);
      assert.match(empty.text, new RegExp(`<a href="#reply-${commentId}">Skriv en kommentar</a>`));
      assert.match(empty.text, new RegExp(`id="reply-${commentId}"`));
    });

    it('only an officer covering the council or a district admin may hide; a reason is required', async () => {
      for (const email of [G_MEMBER, G_ADMIN, F_OFFICER, F_MEMBER]) {
        const client = as(email);
        await client.get('/posts');
        const page = await client.post(`/posts/${glumsoePost}/comments/${commentId}/hide`, { reason: 'Nej' });
        assert.equal(page.status, 404, email);
      }
      const officer = as(OFFICER);
      const form = await officer.get(`/posts/${glumsoePost}`);
      assert.match(textOf(form.text), /Skjul kommentaren/);
      assert.doesNotMatch(
        textOf((await as(G_MEMBER).get(`/posts/${glumsoePost}`)).text),
        /Skjul kommentaren/,
      );
      const missing = await officer.post(`/posts/${glumsoePost}/comments/${commentId}/hide`, { reason: ' ' });
      assert.equal(missing.status, 422);
      assert.match(missing.text, new RegExp(`<a href="#hide-reason-${commentId}">Skriv en begrundelse`));
      assert.equal(
        app.deps.db.prepare('SELECT hidden_at FROM post_comments WHERE id = ?').pluck().get(commentId),
        null,
      );
    });

    it('a hidden comment: others see the placeholder, its author sees the reason', async () => {
      const officer = as(OFFICER);
      await officer.get(`/posts/${glumsoePost}`);
      const done = await officer.post(`/posts/${glumsoePost}/comments/${commentId}/hide`, {
        reason: 'Kommentaren nævner en person ved navn',
      });
      assert.equal(done.status, 303);

      const other = textOf((await as(G_ADMIN).get(`/posts/${glumsoePost}`)).text);
      assert.match(other, /Kommentaren er skjult af politiet/);
      assert.doesNotMatch(other, /onerror/);
      assert.doesNotMatch(other, /nævner en person ved navn/);
      assert.match(other, /Det har jeg også set/); // the reply stays

      const author = textOf((await as(G_MEMBER).get(`/posts/${glumsoePost}`)).text);
      assert.match(author, /Kommentaren er skjult af politiet/);
      assert.match(author, /Begrundelse: Kommentaren nævner en person ved navn/);

      const hiddenAudit = app.deps.db
        .prepare("SELECT action FROM audit_log WHERE entity_type = 'post_comment' AND entity_id = ?")
        .pluck()
        .all(commentId);
      assert.deepEqual(hiddenAudit, ['comment.hidden']);
    });

    it('a district admin can show the comment again', async () => {
      const admin = as(ADMIN);
      await admin.get(`/posts/${glumsoePost}`);
      assert.equal((await admin.post(`/posts/${glumsoePost}/comments/${commentId}/unhide`)).status, 303);
      const page = textOf((await as(G_ADMIN).get(`/posts/${glumsoePost}`)).text);
      assert.doesNotMatch(page, /Kommentaren er skjult af politiet/);
      assert.match(page, /onerror/);
    });

    it('any officer may hide a comment on a district post', async () => {
      const member = as(V_MEMBER);
      await member.get(`/posts/${districtPost}`);
      assert.equal(
        (await member.post(`/posts/${districtPost}/comments`, { body: 'Fra Vestegn' })).status,
        303,
      );
      const id = app.deps.db
        .prepare('SELECT id FROM post_comments WHERE post_id = ? ORDER BY id DESC')
        .pluck()
        .get(districtPost) as number;
      const officer = as(F_OFFICER);
      await officer.get(`/posts/${districtPost}`);
      assert.equal(
        (await officer.post(`/posts/${districtPost}/comments/${id}/hide`, { reason: 'Ikke relevant' }))
          .status,
        303,
      );
    });
  });

  describe('the announcement', () => {
    it('mails the members of the council who want it, and nobody else', async () => {
      await app.deliverMail();
      const subject = 'Nyt om kriminalitetsbilledet: Kriminalitetsbilledet i Glumsø';
      const about = (email: string) => app.smtp.to(email).filter((m) => m.subject === subject);
      assert.equal(about(G_MEMBER).length, 1);
      assert.match(about(G_MEMBER)[0]?.text ?? '', new RegExp(`/posts/${glumsoePost}`));
      assert.match(about(G_MEMBER)[0]?.text ?? '', /for Glumsø Lokalråd/);
      assert.equal(about(G_ADMIN).length, 0, 'notify_posts = 0');
      assert.equal(about(F_MEMBER).length, 0);
      assert.equal(about(V_MEMBER).length, 0);
      assert.equal(about(OFFICER).length, 0);
    });

    it('a district post is mailed to the members of every council who want it', async () => {
      await app.deliverMail();
      const subject = 'Nyt om kriminalitetsbilledet: Hele kredsen i oktober';
      for (const email of [G_MEMBER, F_MEMBER, V_MEMBER]) {
        assert.equal(app.smtp.to(email).filter((m) => m.subject === subject).length, 1, email);
      }
      assert.equal(app.smtp.to(G_ADMIN).filter((m) => m.subject === subject).length, 0);
    });
  });
  describe('the list', () => {
    it('pages 20 posts at a time, newest first', async () => {
      const { db } = app.deps;
      const insert = db.prepare(
        `INSERT INTO posts (council_id, title, period, body_markdown, body_html, created_at, updated_at)
         VALUES (?, ?, 'P', 'B', '<p>B</p>', ?, ?)`,
      );
      for (let i = 1; i <= 25; i++) {
        const at = new Date(Date.UTC(2030, 0, i)).toISOString();
        insert.run(councils.F, `Sideindlæg ${String(i).padStart(2, '0')}`, at, at);
      }
      const first = textOf((await as(F_MEMBER).get('/posts')).text);
      assert.match(first, /Sideindlæg 25/);
      assert.match(first, /Sideindlæg 06/);
      assert.doesNotMatch(first, /Sideindlæg 05/);
      assert.match(first, /Næste side/);
      const second = textOf((await as(F_MEMBER).get('/posts?page=2')).text);
      assert.match(second, /Sideindlæg 05/);
      assert.match(second, /Hele kredsen i oktober/);
      assert.match(second, /Forrige side/);
      assert.doesNotMatch(second, /Næste side/);
      assert.equal((await as(F_MEMBER).get('/posts?page=abc')).status, 200);
    });
  });
});
