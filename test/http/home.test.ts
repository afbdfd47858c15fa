import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { textOf } from '../helpers/client.js';
import { actorOf, councilId, logConcern, loggedIn } from '../helpers/world.js';

describe("the member's start page", () => {
  let app: TestApp;

  before(async () => {
    app = await startTestApp();
    const hal = actorOf(app, 'hal@glumsoe.example');
    const officer = actorOf(app, 'betjent@politi.example');
    const glumsoe = councilId(app, 'glumsoe');
    const open = logConcern(app, hal, {
      councilId: glumsoe,
      category: 'trafik',
      title: 'Åben bekymring om fart',
      description: 'd',
    });
    const closed = logConcern(app, hal, {
      councilId: glumsoe,
      category: 'trafik',
      title: 'Lukket bekymring',
      description: 'd',
    });
    app.deps.services.concerns.close(officer, closed, { resolution: 'resolved', feedback: 'Løst' });
    assert.ok(open);
    app.deps.services.posts.create(
      officer,
      {
        council_id: glumsoe,
        title: 'Glumsø-billedet i november',
        period: 'November 2026',
        body: 'Tekst',
      },
      [],
    );
  });
  after(() => app.close());

  it("shows the reporter their open concerns (not the closed ones) and their council's latest post", async () => {
    const client = await loggedIn(app, 'hal@glumsoe.example');
    const text = textOf((await client.get('/')).text);
    assert.match(text, /Åben bekymring om fart/);
    assert.doesNotMatch(text, /Lukket bekymring/);
    assert.match(text, /Glumsø-billedet i november/);
    assert.match(text, /ring 112/);
  });

  it("does not show another council's post or another member's concern", async () => {
    const client = await loggedIn(app, 'brugs@fladsaa.example');
    const text = textOf((await client.get('/')).text);
    assert.doesNotMatch(text, /Glumsø-billedet i november/);
    assert.doesNotMatch(text, /Åben bekymring om fart/);
  });
});
