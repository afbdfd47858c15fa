import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadConfig, resolveBaseUrl } from '../../src/config.js';

const SECRET = 'a-production-secret-of-at-least-32-chars';

describe('loadConfig', () => {
  let root: string;
  let n = 0;
  const freshDir = () => path.join(root, `data-${++n}`);

  before(() => {
    root = realpathSync(mkdtempSync(path.join(tmpdir(), 'naernet-config-')));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('uses the documented defaults', () => {
    const dataDir = freshDir();
    const config = loadConfig({ DATA_DIR: dataDir });
    assert.equal(config.env, 'development');
    assert.equal(config.isProduction, false);
    assert.equal(config.port, 3000);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.dataDir, dataDir);
    assert.equal(config.databaseFile, path.join(dataDir, 'portal.db'));
    assert.equal(config.mailDir, path.join(dataDir, 'mail'));
    assert.equal(config.baseUrl, undefined);
    assert.equal(config.smtpUrl, undefined);
    assert.equal(config.mailFrom, 'Nærnet <noreply@localhost>');
    assert.equal(config.demo, undefined);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.schedulerIntervalMs, 5000);
    assert.equal(resolveBaseUrl(config, 4123), 'http://localhost:4123');
  });

  it('defaults DATA_DIR to ./data under the working directory and creates it', () => {
    const cwd = process.cwd();
    const workdir = freshDir();
    mkdirSync(workdir);
    process.chdir(workdir);
    try {
      const config = loadConfig({});
      assert.equal(config.dataDir, path.join(workdir, 'data'));
      assert.ok(statSync(config.dataDir).isDirectory());
    } finally {
      process.chdir(cwd);
    }
  });

  it('reads the variables it is given', () => {
    const config = loadConfig({
      DATA_DIR: freshDir(),
      PORT: '0',
      HOST: '0.0.0.0',
      BASE_URL: 'https://naernet.example/',
      SMTP_URL: 'smtp://user:pass@mail.example:587',
      MAIL_FROM: 'Politiet <noreply@politi.example>',
      DEMO: '0',
      LOG_LEVEL: 'warn',
    });
    assert.equal(config.port, 0);
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.baseUrl, 'https://naernet.example', 'the trailing slash is dropped');
    assert.equal(resolveBaseUrl(config, 4123), 'https://naernet.example');
    assert.equal(config.smtpUrl, 'smtp://user:pass@mail.example:587');
    assert.equal(config.mailFrom, 'Politiet <noreply@politi.example>');
    assert.equal(config.demo, false);
    assert.equal(config.logLevel, 'warn');
    assert.equal(loadConfig({ DATA_DIR: freshDir(), DEMO: '1' }).demo, true);
  });

  for (const [variable, value] of [
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['BASE_URL', 'ftp://naernet.example'],
    ['BASE_URL', 'not a url'],
    ['SMTP_URL', 'http://mail.example'],
    ['NODE_ENV', 'staging'],
    ['DEMO', 'maybe'],
    ['SESSION_SECRET', 'too-short'],
  ] as const) {
    it(`refuses ${variable}=${value} with a ConfigError naming ${variable}`, () => {
      assert.throws(
        () => loadConfig({ DATA_DIR: freshDir(), [variable]: value }),
        (err: unknown) => err instanceof ConfigError && err.message.includes(variable),
      );
    });
  }

  it('refuses production without SESSION_SECRET and BASE_URL, naming both', () => {
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production', DATA_DIR: freshDir() }),
      (err: unknown) =>
        err instanceof ConfigError && /SESSION_SECRET/.test(err.message) && /BASE_URL/.test(err.message),
    );
  });

  it('refuses production without SESSION_SECRET alone, naming only it', () => {
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production', DATA_DIR: freshDir(), BASE_URL: 'https://naernet.example' }),
      (err: unknown) =>
        err instanceof ConfigError && /SESSION_SECRET/.test(err.message) && !/BASE_URL/.test(err.message),
    );
  });

  it('refuses production without BASE_URL alone, naming only it', () => {
    assert.throws(
      () => loadConfig({ NODE_ENV: 'production', DATA_DIR: freshDir(), SESSION_SECRET: SECRET }),
      (err: unknown) =>
        err instanceof ConfigError && /BASE_URL/.test(err.message) && !/SESSION_SECRET/.test(err.message),
    );
  });

  it('accepts production with both set, uses the given secret and writes no secret file', () => {
    const dataDir = freshDir();
    const config = loadConfig({
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      SESSION_SECRET: SECRET,
      BASE_URL: 'https://naernet.example',
    });
    assert.equal(config.isProduction, true);
    assert.equal(config.sessionSecret, SECRET);
    assert.equal(existsSync(path.join(dataDir, 'session-secret')), false);
  });

  it('counts empty strings as unset', () => {
    const config = loadConfig({
      DATA_DIR: freshDir(),
      PORT: '',
      SMTP_URL: '',
      BASE_URL: '',
      DEMO: '',
      MAIL_FROM: '',
      NODE_ENV: '',
    });
    assert.equal(config.port, 3000);
    assert.equal(config.smtpUrl, undefined);
    assert.equal(config.baseUrl, undefined);
    assert.equal(config.demo, undefined);
    assert.equal(config.mailFrom, 'Nærnet <noreply@localhost>');
    assert.equal(config.env, 'development');
  });

  it('counts an empty SESSION_SECRET as missing in production', () => {
    assert.throws(
      () =>
        loadConfig({
          NODE_ENV: 'production',
          DATA_DIR: freshDir(),
          SESSION_SECRET: '',
          BASE_URL: 'https://naernet.example',
        }),
      (err: unknown) => err instanceof ConfigError && /SESSION_SECRET/.test(err.message),
    );
  });

  it('generates a session secret outside production, keeps it in DATA_DIR and reuses it', () => {
    const dataDir = freshDir();
    const first = loadConfig({ DATA_DIR: dataDir });
    const file = path.join(dataDir, 'session-secret');
    assert.ok(first.sessionSecret.length >= 32);
    assert.equal(readFileSync(file, 'utf8').trim(), first.sessionSecret);
    assert.equal(statSync(file).mode & 0o077, 0, 'only the owner may read the secret');
    const second = loadConfig({ DATA_DIR: dataDir });
    assert.equal(second.sessionSecret, first.sessionSecret);
    const elsewhere = loadConfig({ DATA_DIR: freshDir() });
    assert.notEqual(elsewhere.sessionSecret, first.sessionSecret);
  });

  it('prefers a given SESSION_SECRET outside production too', () => {
    assert.equal(loadConfig({ DATA_DIR: freshDir(), SESSION_SECRET: SECRET }).sessionSecret, SECRET);
  });
});
