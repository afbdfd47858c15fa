import type { Response } from 'express';
import type { Locale } from './dates.js';

/**
 * CSV the way a Danish spreadsheet opens it: UTF-8 with a byte-order mark, CRLF, and in Danish a
 * semicolon between fields and a decimal comma (in English a comma and a decimal point) — what
 * Excel expects from the list separator of the language's regional settings. Text that a
 * spreadsheet would run as a formula (= + - @, tab or carriage return at the start) is prefixed
 * with an apostrophe, so a name like "=HYPERLINK(…)" typed into a form stays text.
 */
export const CSV_BOM = '\uFEFF';

function csvSeparator(locale: Locale): string {
  return locale === 'da' ? ';' : ',';
}

function csvText(value: string, separator: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return safe.includes(separator) || /["\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One CSV line (with its CRLF): strings as text, numbers in the locale's decimal form, null empty. */
export function csvLine(values: (string | number | null)[], locale: Locale): string {
  const separator = csvSeparator(locale);
  return `${values
    .map((v) => {
      if (v === null) return '';
      // No thousands separators: a spreadsheet reads 1234,5 but may misread 1.234,5.
      if (typeof v === 'number') return locale === 'da' ? String(v).replace('.', ',') : String(v);
      return csvText(v, separator);
    })
    .join(separator)}\r\n`;
}

/**
 * Answers with a CSV file to save (`Content-Disposition: attachment`). A long export is written in
 * chunks as its lines are made rather than built as one string.
 */
export function sendCsv(res: Response, name: string, body: string | Iterable<string>): void {
  res.set({
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${name}"`,
  });
  if (typeof body === 'string') {
    res.send(CSV_BOM + body);
    return;
  }
  res.write(CSV_BOM);
  let chunk = '';
  for (const line of body) {
    chunk += line;
    if (chunk.length > 64_000) {
      res.write(chunk);
      chunk = '';
    }
  }
  res.end(chunk);
}
