/**
 * Benchmarks, run by hand with `npm run bench` (never in `npm test`). Starts the real server in
 * production mode (views cached) on a seeded database and measures pages with autocannon.
 * Every figure is reported beside a baseline measured in the same run, because absolute numbers
 * on a shared 2-core machine mean little on their own.
 *
 *   npm run bench                     # all pages, 10 s each
 *   BENCH_SECONDS=5 npm run bench     # shorter
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { pino } from 'pino';
import { compose } from '../src/composition.js';
import { loadConfig } from '../src/config.js';
import { DEMO_PASSWORD, loadDemo } from '../src/demo/demo.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);

async function seed(dataDir: string): Promise<void> {
  const config = loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const deps = compose(config, { logger: pino({ level: 'silent' }) });
  await loadDemo(deps);
  deps.close();
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The real server as `npm start` runs it, in production mode, quiet logs (warn) so logging does not skew figures. */
async function startServer(dataDir: string): Promise<{ child: ChildProcess; port: number }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      PORT: String(port),
      DATA_DIR: dataDir,
      SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
      BASE_URL: 'https://naernet.bench.example',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { child, port };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start');
}

/** Logs in over HTTP (the production cookie is Secure: we present as the TLS proxy would). */
async function sessionCookie(base: string, email: string): Promise<string> {
  const headers = { 'x-forwarded-proto': 'https' };
  const login = await fetch(`${base}/login`, { headers });
  const cookie = login.headers.getSetCookie()[0]?.split(';')[0] ?? '';
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())?.[1] ?? '';
  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { ...headers, cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, email, password: DEMO_PASSWORD }),
  });
  if (res.status !== 303) throw new Error(`bench login failed: ${res.status}`);
  return res.headers.getSetCookie()[0]?.split(';')[0] ?? '';
}

type Result = { name: string; rps: number; p99: number; errors: number };

async function measure(name: string, url: string, headers: Record<string, string> = {}): Promise<Result> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers });
  const non2xx = r.non2xx + r.errors;
  return { name, rps: r.requests.average, p99: r.latency.p99, errors: non2xx };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'naernet-bench-'));
  await seed(dataDir);
  const { child, port } = await startServer(dataDir);
  const base = `http://127.0.0.1:${port}`;
  try {
    const cookie = await sessionCookie(base, 'hal@glumsoe.example');
    const proxied = { 'x-forwarded-proto': 'https' };
    const results: Result[] = [];
    results.push(await measure('GET /healthz (no view; baseline for plumbing)', `${base}/healthz`));
    results.push(
      await measure('GET /tilgaengelighed (bare layout page; baseline)', `${base}/tilgaengelighed`, proxied),
    );
    results.push(await measure('GET /login (form page, new session)', `${base}/login`, proxied));
    results.push(await measure('GET / signed in (dashboard)', `${base}/`, { ...proxied, cookie }));
    const baseline = results[1]?.rps ?? 1;
    console.log(`\n${SECONDS} s per page, ${CONNECTIONS} connections, NODE_ENV=production\n`);
    console.log(
      'page'.padEnd(52),
      'req/s'.padStart(8),
      'p99 ms'.padStart(8),
      'vs layout'.padStart(10),
      'errors'.padStart(7),
    );
    for (const r of results) {
      console.log(
        r.name.padEnd(52),
        r.rps.toFixed(0).padStart(8),
        String(r.p99).padStart(8),
        (r.rps / baseline).toFixed(2).padStart(10),
        String(r.errors).padStart(7),
      );
    }
  } finally {
    child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
