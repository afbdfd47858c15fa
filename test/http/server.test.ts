import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { Client } from '../helpers/client.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

type Started = { child: ChildProcess; output: () => string; port: number };

/** Starts `tsx src/server.ts` as `npm start` does, and waits for the port in its log. */
async function startServer(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /"port":(\d+)/.exec(out);
      if (m) {
        clearInterval(timer);
        resolve(Number(m[1]));
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  return { child, output: () => out, port };
}

function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('the server process', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(path.join(tmpdir(), 'naernet-server-'));
    dirs.push(d);
    return d;
  };
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('loads the demo on an empty database, prints the logins, writes mail as .eml files and stops cleanly on SIGTERM', async () => {
    const dataDir = tempDir();
    const server = await startServer({ DATA_DIR: dataDir, SCHEDULER_INTERVAL_MS: '100' });
    try {
      assert.match(server.output(), /admin@politi\.example/);
      assert.match(server.output(), /naestved-2015/);
      const health = await fetch(`http://127.0.0.1:${server.port}/healthz`);
      assert.deepEqual(await health.json(), { status: 'ok' });
      assert.ok(existsSync(path.join(dataDir, 'portal.db')));

      // Without SMTP_URL a mail becomes an RFC 5322 file in DATA_DIR/mail.
      const client = new Client(`http://127.0.0.1:${server.port}`);
      await client.get('/password/forgot');
      await client.post('/password/forgot', { email: 'hal@glumsoe.example' });
      const mailDir = path.join(dataDir, 'mail');
      const resetMails = () =>
        existsSync(mailDir)
          ? readdirSync(mailDir)
              .filter((f) => f.endsWith('.eml'))
              .map((f) => readFileSync(path.join(mailDir, f), 'utf8'))
              .filter((m) => /^To: hal@glumsoe\.example/m.test(m) && m.includes('/password/reset/'))
          : [];
      for (let i = 0; i < 50 && resetMails().length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(resetMails().length, 1);
      assert.match(resetMails()[0] ?? '', /^Message-ID: </m);
    } finally {
      server.child.kill('SIGTERM');
    }
    assert.equal(await exitOf(server.child), 0);
    assert.match(server.output(), /stoppet/);
  });

  it('does not load the demo with DEMO=0', async () => {
    const server = await startServer({ DATA_DIR: tempDir(), DEMO: '0' });
    try {
      assert.doesNotMatch(server.output(), /naestved-2015/);
    } finally {
      server.child.kill('SIGTERM');
      await exitOf(server.child);
    }
  });

  it('refuses to start in production without SESSION_SECRET and BASE_URL, naming them', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', DATA_DIR: tempDir(), PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stderr?.on('data', (d) => {
      out += d;
    });
    assert.equal(await exitOf(child), 1);
    assert.match(out, /SESSION_SECRET/);
    assert.match(out, /BASE_URL/);
  });

  it('refuses an invalid PORT with a message naming the variable', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', PORT: 'abc', DATA_DIR: tempDir() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stderr?.on('data', (d) => {
      out += d;
    });
    assert.equal(await exitOf(child), 1);
    assert.match(out, /PORT/);
  });
});
