import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DataDirError, dataDirProblem, prepareDataDir } from './db/data-dir.js';
import { isStorageFailure } from './db/storage-failure.js';

/** The only reader of process.env (docs/domain.md#environment). Everything else receives a Config. */

const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().min(3).default('Nærnet <noreply@localhost>'),
  SESSION_SECRET: z.string().min(32, 'skal være mindst 32 tegn').optional(),
  DEMO: flag.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SCHEDULER_INTERVAL_MS: z.coerce.number().int().min(50).default(5000),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  isProduction: boolean;
  port: number;
  host: string;
  dataDir: string;
  databaseFile: string;
  mailDir: string;
  baseUrl: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  sessionSecret: string;
  demo: boolean | undefined;
  logLevel: string;
  schedulerIntervalMs: number;
};

export class ConfigError extends Error {}

/** Empty strings count as unset, so `SMTP_URL=` in a unit file does not fail validation. */
function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')) as Record<
    string,
    string
  >;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Ugyldig konfiguration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  if (isProduction) {
    const missing = ['SESSION_SECRET', 'BASE_URL'].filter((k) => !e[k as 'SESSION_SECRET' | 'BASE_URL']);
    if (missing.length > 0) {
      throw new ConfigError(
        `Ugyldig konfiguration: ${missing.join(' og ')} skal være sat når NODE_ENV=production`,
      );
    }
  }
  const dataDir = path.resolve(e.DATA_DIR);
  const databaseFile = path.join(dataDir, 'portal.db');
  let sessionSecret: string;
  try {
    prepareDataDir(dataDir, databaseFile);
    sessionSecret = e.SESSION_SECRET ?? localSessionSecret(dataDir);
  } catch (err) {
    if (err instanceof DataDirError) throw new ConfigError(err.message);
    if (isStorageFailure(err)) throw new ConfigError(dataDirProblem(dataDir, err));
    throw err;
  }
  return {
    env: e.NODE_ENV,
    isProduction,
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseFile,
    mailDir: path.join(dataDir, 'mail'),
    baseUrl: e.BASE_URL?.replace(/\/$/, ''),
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    sessionSecret,
    demo: e.DEMO,
    logLevel: e.LOG_LEVEL,
    schedulerIntervalMs: e.SCHEDULER_INTERVAL_MS,
  };
}

/** Outside production a secret is generated once and kept beside the database, so sessions survive restarts. */
function localSessionSecret(dataDir: string): string {
  const file = path.join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** BASE_URL defaults to the address the server actually listens on (PORT=0 picks one). */
export function resolveBaseUrl(config: Config, port: number): string {
  return config.baseUrl ?? `http://localhost:${port}`;
}
