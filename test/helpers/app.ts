import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Router } from 'express';
import { pino } from 'pino';
import { createApp } from '../../src/app.js';
import { type ComposeOptions, type Composition, compose } from '../../src/composition.js';
import { loadConfig } from '../../src/config.js';
import { loadDemo } from '../../src/demo/demo.js';
import { testPasswordHash } from './passwords.js';
import { TestSmtpServer } from './smtp.js';

export type TestApp = {
  url: string;
  deps: Composition;
  smtp: TestSmtpServer;
  dataDir: string;
  /** Runs the outbox until nothing due is left, so queued mail reaches the SMTP server. */
  deliverMail(): Promise<void>;
  /** Moves the app's clock forward (login throttles, link expiry). */
  advanceClock(ms: number): void;
  close(): Promise<void>;
};

export type TestAppOptions = ComposeOptions & {
  demo?: boolean;
  env?: Record<string, string>;
  /** Routers mounted after the features, e.g. one that throws to test the error page. */
  extraRouters?: Router[];
};

/**
 * The real app on port 0 around a temporary DATA_DIR and a real SMTP server on loopback.
 * The scheduler is not started: tests call deliverMail() when they want mail to go out.
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'naernet-test-'));
  const smtp = new TestSmtpServer();
  const smtpUrl = await smtp.start();
  let offset = 0;
  const now = options.now ?? (() => new Date(Date.now() + offset));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    SMTP_URL: smtpUrl,
    MAIL_FROM: 'Nærnet <noreply@naernet.test>',
    LOG_LEVEL: 'silent',
    ...options.env,
  });
  const deps = compose(config, { logger: pino({ level: 'silent' }), ...options, now });
  // The demo accounts get a cheap hash of the demo password (test/helpers/passwords.ts).
  if (options.demo !== false) await loadDemo(deps, { passwordHash: await testPasswordHash() });
  const app = createApp({ ...deps, routers: [...deps.routers, ...(options.extraRouters ?? [])] });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  deps.setBaseUrl(url);

  return {
    url,
    deps,
    smtp,
    dataDir,
    async deliverMail() {
      for (let i = 0; i < 50; i++) {
        await deps.scheduler.tick();
        const due = deps.db
          .prepare(
            `SELECT count(*) FROM outbox WHERE status IN ('pending','sending') AND next_attempt_at <= ?`,
          )
          .pluck()
          .get(now().toISOString()) as number;
        if (due === 0) return;
      }
      throw new Error('outbox did not drain');
    },
    advanceClock(ms) {
      offset += ms;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await deps.scheduler.stop();
      deps.close();
      await smtp.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The composition alone — services on a real SQLite file in a temporary DATA_DIR, the demo loaded,
 * mail written as .eml files — for unit tests of a service without HTTP or an SMTP server.
 */
export async function composeTestDeps(
  options: ComposeOptions = {},
): Promise<{ deps: Composition; dataDir: string; close(): void }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'naernet-unit-'));
  const deps = compose(loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'silent' }), {
    logger: pino({ level: 'silent' }),
    ...options,
  });
  await loadDemo(deps, { passwordHash: await testPasswordHash() });
  return {
    deps,
    dataDir,
    close() {
      deps.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
