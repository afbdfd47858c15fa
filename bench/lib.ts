/**
 * Shared bench plumbing: a seeded DATA_DIR, the real server in production mode (views cached,
 * quiet logs), logins over HTTP as the TLS proxy would present them, and autocannon runs.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { generate } from 'otplib';
import { pino } from 'pino';
import { type Composition, compose } from '../src/composition.js';
import { loadConfig } from '../src/config.js';
import { DEMO_PASSWORD, loadDemo } from '../src/demo/demo.js';

const ROOT = path.resolve(import.meta.dirname, '..');
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
export const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
export const PROXIED = { 'x-forwarded-proto': 'https' };

/** A temporary DATA_DIR with the demo people, then whatever `extra` adds, closed again. */
export async function seededDataDir(extra?: (deps: Composition) => void | Promise<void>): Promise<string> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'naernet-bench-'));
  const deps = compose(loadConfig({ DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'silent' }), {
    logger: pino({ level: 'silent' }),
  });
  await loadDemo(deps);
  await extra?.(deps);
  deps.close();
  return dataDir;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The server as `npm start` runs it, with NODE_ENV=production. */
export async function startServer(dataDir: string): Promise<{ child: ChildProcess; base: string }> {
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
      SCHEDULER_INTERVAL_MS: '60000',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const up = await fetch(`${base}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { child, base };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not start');
}

function firstCookie(res: Response, fallback = ''): string {
  return res.headers.getSetCookie()[0]?.split(';')[0] ?? fallback;
}

/** Logs in over HTTP; with a TOTP secret it answers the second step (production requires it for staff). */
export async function sessionCookie(base: string, email: string, totpSecret?: string): Promise<string> {
  const login = await fetch(`${base}/login`, { headers: PROXIED });
  let cookie = firstCookie(login);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await login.text())?.[1] ?? '';
  const post = (url: string, form: Record<string, string>) =>
    fetch(`${base}${url}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { ...PROXIED, cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });
  const res = await post('/login', { _csrf: csrf, email, password: DEMO_PASSWORD });
  if (res.status !== 303) throw new Error(`bench login failed: ${res.status}`);
  cookie = firstCookie(res, cookie);
  if (res.headers.get('location') === '/login/two-factor') {
    if (!totpSecret) throw new Error(`${email} needs a TOTP secret`);
    const page = await fetch(`${base}/login/two-factor`, { headers: { ...PROXIED, cookie } });
    const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const second = await post('/login/two-factor', {
      _csrf: token,
      code: await generate({ secret: totpSecret }),
    });
    if (second.status !== 303) throw new Error(`bench second factor failed: ${second.status}`);
    cookie = firstCookie(second, cookie);
  }
  return cookie;
}

export type Result = { name: string; rps: number; p99: number; errors: number };

export async function measure(
  name: string,
  url: string,
  headers: Record<string, string> = {},
): Promise<Result> {
  const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers });
  return { name, rps: r.requests.average, p99: r.latency.p99, errors: r.non2xx + r.errors };
}

/** Prints results with each one's ratio to the baseline row. */
export function report(title: string, results: Result[], baseline: Result): void {
  console.log(`\n${title} — ${SECONDS} s per page, ${CONNECTIONS} connections, NODE_ENV=production\n`);
  console.log(
    'page'.padEnd(58),
    'req/s'.padStart(8),
    'p99 ms'.padStart(8),
    'vs base'.padStart(8),
    'errors'.padStart(7),
  );
  for (const r of results) {
    console.log(
      r.name.padEnd(58),
      r.rps.toFixed(0).padStart(8),
      String(r.p99).padStart(8),
      (r.rps / baseline.rps).toFixed(2).padStart(8),
      String(r.errors).padStart(7),
    );
  }
}

export type Timing = { name: string; medianMs: number; maxMs: number; bytes: number };

/**
 * The latency one person sees: `runs` requests one after another (after one warm-up), each
 * timed to the last byte. Throws on a status other than 200, so a broken page is not timed.
 */
export async function timeRequests(
  name: string,
  url: string,
  headers: Record<string, string> = {},
  runs = 20,
): Promise<Timing> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i <= runs; i++) {
    const started = performance.now();
    const res = await fetch(url, { headers, redirect: 'manual' });
    const body = await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${name}: status ${res.status}`);
    if (i > 0) times.push(performance.now() - started);
    bytes = body.byteLength;
  }
  times.sort((a, b) => a - b);
  return {
    name,
    medianMs: times[times.length >> 1] as number,
    maxMs: times[times.length - 1] as number,
    bytes,
  };
}
