import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LOCALES_DIR } from '../paths.js';
import type { Locale } from './dates.js';

/**
 * Texts live in locales/<area>.json as { "key": { "da": "…", "en": "…" } } so that a missing
 * translation is visible side by side, and each feature owns its own file.
 */
export const LOCALES: readonly Locale[] = ['da', 'en'];

export type Messages = Record<string, Record<Locale, string>>;
export type Translate = (key: string, params?: Record<string, string | number>) => string;

export function loadMessages(dir: string = LOCALES_DIR): Messages {
  const messages: Messages = {};
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const entries = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Messages;
    for (const [key, value] of Object.entries(entries)) {
      if (key in messages) throw new Error(`i18n: nøglen "${key}" findes to gange (${file})`);
      messages[key] = value;
    }
  }
  return messages;
}

export function isLocale(value: unknown): value is Locale {
  return value === 'da' || value === 'en';
}

/**
 * A missing key shows as the key itself (tests fail on that, see test/unit/web/i18n.test.ts),
 * never as an exception on a user's page.
 */
export function translator(messages: Messages, locale: Locale): Translate {
  return (key, params) => {
    const text = messages[key]?.[locale] ?? key;
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in params ? String(params[name]) : whole,
    );
  };
}
