import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Actor } from '../../src/auth/policy.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, textOf } from '../helpers/client.js';

describe("the member's start page", () => {
  let app: TestApp;
  const actor = (email: string): Actor => {
    const u = app.deps.users.findByEmail(email);
    const a = u && app.deps.users.loadActor(u.id);
    assert.ok(a, email);
    return a;
  };
  const councilId = (slug: string) =>
    app.deps.db.prepare('SELECT id FROM councils WHERE slug = ?').pluck().get(slug) as number;

  before(async () => {
    app = await startTestApp();
    const hal = actor('hal@glumsoe.example');
    const officer = actor('betjent@politi.example');
    const open = app.deps.services.concerns.create(
      hal,
      {
        councilId: councilId('glumsoe'),
        category: 'trafik',
        title: 'Åben bekymring om fart',
        description: 'd',
        location: '',
        occurredAt: null,
      },
      [],
    );
    const closed = app.deps.services.concerns.create(
      hal,
      {
        councilId: councilId('glumsoe'),
        category: 'trafik',
        title: 'Lukket bekymring',
        description: 'd',
        location: '',
        occurredAt: null,
      },
      [],
    );
    app.deps.services.concerns.close(officer, closed, { resolution: 'resolved', feedback: 'Løst' });
    assert.ok(open);
    app.deps.services.posts.create(
      officer,
      {
        council_id: councilId('glumsoe'),
        title: 'Glumsø-billedet i november',
        period: 'November 2026',
        body: 'Tekst',
      },
      [],
    );
  });
  after(() => app.close());

  it("shows the reporter their open concerns (not the closed ones) and their council's latest post", async () => {
    const client = new Client(app.url);
    await client.login('hal@glumsoe.example');
    const text = textOf((await client.get('/')).text);
    assert.match(text, /Åben bekymring om fart/);
    assert.doesNotMatch(text, /Lukket bekymring/);
    assert.match(text, /Glumsø-billedet i november/);
    assert.match(text, /ring 112/);
  });

  it("does not show another council's post or another member's concern", async () => {
    const client = new Client(app.url);
    await client.login('brugs@fladsaa.example');
    const text = textOf((await client.get('/')).text);
    assert.doesNotMatch(text, /Glumsø-billedet i november/);
    assert.doesNotMatch(text, /Åben bekymring om fart/);
  });
});
