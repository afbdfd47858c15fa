import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Router } from 'express';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, textOf } from '../helpers/client.js';

describe('error pages', () => {
  let app: TestApp;
  before(async () => {
    const failing = Router();
    failing.get('/test-failure', () => {
      throw new Error('secret internal detail at /srv/naernet/src/x.ts:12');
    });
    failing.get('/test-async-failure', async () => {
      await Promise.resolve();
      throw new Error('async internal detail');
    });
    app = await startTestApp({ extraRouters: [failing] });
  });
  after(() => app.close());

  it('shows a Danish 500 page with a reference and never the error or a stack trace', async () => {
    const res = await fetch(`${app.url}/test-failure`);
    assert.equal(res.status, 500);
    const html = await res.text();
    const text = textOf(html);
    assert.match(text, /Der opstod en fejl/);
    assert.doesNotMatch(html, /secret internal detail|\.ts:\d+|at Layer/);
    const reference = res.headers.get('x-request-id');
    assert.ok(reference && text.includes(reference), 'the page shows the request id as reference');
  });

  it('handles a rejected promise in an async handler the same way', async () => {
    const res = await fetch(`${app.url}/test-async-failure`);
    assert.equal(res.status, 500);
    assert.doesNotMatch(await res.text(), /async internal detail/);
  });

  it('shows the 500 page in English for an English visitor', async () => {
    const client = new Client(app.url);
    await client.get('/');
    await client.post('/language', { locale: 'en', next: '/' });
    const page = await client.get('/test-failure');
    assert.equal(page.status, 500);
    assert.match(textOf(page.text), /Something went wrong/);
  });
});
