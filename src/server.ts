import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import { compose } from './composition.js';
import { ConfigError, loadConfig } from './config.js';
import { dataDirProblem, isDataDirFailure } from './db/data-dir.js';
import { loadDemo, shouldLoadDemo } from './demo/demo.js';
import { loadDemoActivity } from './demo/demo-activity.js';
import { loadDemoHistory } from './demo/demo-history.js';

/** Starts: config → database + migrations → app → jobs → listen (docs/architecture.md#start-up). */
async function main(): Promise<void> {
  const started = process.hrtime.bigint();
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  let deps: ReturnType<typeof compose>;
  try {
    deps = compose(config);
    if (shouldLoadDemo(deps.db, config)) {
      const logins = await loadDemo(deps);
      await loadDemoActivity(deps);
      await loadDemoHistory(deps);
      console.log(
        [
          '',
          'Demo-data er indlæst (Næstved-piloten). Log ind med en af disse — adgangskode for alle: naestved-2015',
          ...logins.map((l) => `  ${l.email.padEnd(26)} ${l.role}`),
          '',
        ].join('\n'),
      );
    }
  } catch (err) {
    // A full disk, a read-only database or a broken file in DATA_DIR, found while opening, migrating
    // or loading the demo: one line that names the folder, no stack trace.
    if (!isDataDirFailure(err, config.dataDir)) throw err;
    console.error(dataDirProblem(config.dataDir, err));
    process.exit(1);
  }
  const { logger } = deps;

  const app = createApp(deps);
  const server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  deps.setBaseUrl(config.baseUrl ?? `http://localhost:${port}`);
  deps.scheduler.start();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  logger.info(
    { port, host: config.host, startupMs: Math.round(ms) },
    `Nærnet lytter på http://${config.host}:${port}`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopper: afslutter igangværende forespørgsler');
    // Finish requests in flight, stop taking new ones, then stop jobs and close the database.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const force = setTimeout(() => server.closeAllConnections(), 10_000);
    force.unref();
    await closed;
    await deps.scheduler.stop();
    deps.close();
    logger.info('stoppet');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
