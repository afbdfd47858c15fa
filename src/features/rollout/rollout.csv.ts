/**
 * The CSV file a district admin imports councils from: what a spreadsheet exports ("CSV
 * (semikolonsepareret)" in Danish Excel, plain comma CSV elsewhere). Pure functions, no database:
 * the service checks the rows against the councils and municipalities that exist.
 */

/** More is an error on the form ("del filen op"): a district has ~100 councils. */
export const MAX_IMPORT_ROWS = 500;
export const MAX_IMPORT_BYTES = 200 * 1024;

export type CsvRecord = { line: number; fields: string[] };

export class CsvSyntaxError extends Error {
  constructor(
    readonly messageKey: string,
    readonly line: number,
  ) {
    super(messageKey);
  }
}

/**
 * Bytes of an uploaded file as text. UTF-8 (with or without BOM) is what the form asks for; a file
 * that is not valid UTF-8 is read as Windows-1252, which is what Danish Excel writes by default,
 * so "Næstved" survives either way.
 */
export function decodeCsvBytes(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/** `;` or `,`, whichever occurs more often outside quotes in the first non-empty line (`;` on a tie). */
export function detectDelimiter(text: string): ';' | ',' {
  let semicolons = 0;
  let commas = 0;
  let quoted = false;
  let seenContent = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) {
      if (seenContent) break;
    } else if (!quoted && ch === ';') semicolons++;
    else if (!quoted && ch === ',') commas++;
    if (ch.trim() !== '') seenContent = true;
  }
  return commas > semicolons ? ',' : ';';
}

/**
 * RFC 4180 with the usual liberties: `;` or `,` (detected), fields in double quotes with `""` for a
 * quote and line breaks inside, CRLF, LF or CR line ends, a leading BOM dropped. Blank lines are
 * skipped but still counted, so `line` is the line a person sees in an editor or a spreadsheet.
 * Throws CsvSyntaxError on a quote that is never closed or text straight after a closing quote.
 */
export function parseCsv(input: string): CsvRecord[] {
  const text = input.startsWith('\uFEFF') ? input.slice(1) : input;
  const delimiter = detectDelimiter(text);
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;

  const endRecord = () => {
    fields.push(field);
    if (fields.some((f) => f.trim() !== '')) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };

  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '"' && field.trim() === '') {
      // A quoted field: everything up to the closing quote, "" being one quote.
      const openedOn = line;
      field = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new CsvSyntaxError('rollout.csv.unclosed_quote', openedOn);
        const c = text[i] as string;
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === '\r' || c === '\n') {
          line++;
          if (c === '\r' && text[i + 1] === '\n') {
            field += '\n';
            i += 2;
            continue;
          }
          field += '\n';
          i++;
          continue;
        }
        field += c;
        i++;
      }
      // Only spaces may follow the closing quote before the delimiter or the line end.
      while (text[i] === ' ' || text[i] === '\t') i++;
      const next = text[i];
      if (next !== undefined && next !== delimiter && next !== '\r' && next !== '\n') {
        throw new CsvSyntaxError('rollout.csv.text_after_quote', line);
      }
      continue;
    }
    if (ch === delimiter) {
      fields.push(field);
      field = '';
      i++;
    } else if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
    } else {
      field += ch;
      i++;
    }
  }
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}

export type ImportColumn = 'name' | 'municipality' | 'admin_name' | 'admin_email';
export const IMPORT_COLUMNS: readonly ImportColumn[] = ['name', 'municipality', 'admin_name', 'admin_email'];

/** Header words in Danish and English, compared without case, spaces, dashes or underscores. */
const HEADER_WORDS: Record<string, ImportColumn> = {
  navn: 'name',
  name: 'name',
  lokalraad: 'name',
  lokalråd: 'name',
  council: 'name',
  councilname: 'name',
  kommune: 'municipality',
  municipality: 'municipality',
  administrator: 'admin_name',
  administratornavn: 'admin_name',
  adminnavn: 'admin_name',
  adminname: 'admin_name',
  email: 'admin_email',
  mail: 'admin_email',
  adminemail: 'admin_email',
  administratoremail: 'admin_email',
};

/** How a missing column is named in the message: both header words, as either language's file may lack it. */
const HEADER_LABELS: Record<ImportColumn, string> = {
  name: 'navn (name)',
  municipality: 'kommune (municipality)',
  admin_name: 'administrator (admin_name)',
  admin_email: 'email (admin_email)',
};

const headerWord = (field: string) => HEADER_WORDS[field.toLocaleLowerCase('da').replace(/[\s_-]+/g, '')];

/**
 * One data row as text, before anything is looked up. `columns` is how many cells the row has up to
 * its last non-empty one; `columnsOk` is false when the row is too short to reach every column (a
 * cell left out shifts the others), or, without a header row, has more than four non-empty cells
 * (with a header, extra columns are ignored).
 */
export type ImportRow = {
  line: number;
  name: string;
  municipality: string;
  adminName: string;
  adminEmail: string;
  columns: number;
  columnsOk: boolean;
};

export type ImportFile =
  | { ok: true; rows: ImportRow[]; hasHeader: boolean }
  | { ok: false; messageKey: string; params?: Record<string, string | number> };

/** Inner whitespace (also a line break inside quotes) becomes one space; the ends are trimmed. */
const clean = (value: string | undefined) => (value ?? '').replace(/\s+/g, ' ').trim();

/**
 * The file as rows of the four columns. A first row made of header words maps the columns by name
 * (any order); without one the columns are taken in the order name, municipality, admin's name,
 * admin's email. Problems of the whole file (empty, too long, a missing column) come back as one
 * message; problems of single rows are for the service to report per row.
 */
export function readImportFile(text: string): ImportFile {
  if (Buffer.byteLength(text, 'utf8') > MAX_IMPORT_BYTES) {
    return { ok: false, messageKey: 'rollout.csv.too_large', params: { kb: MAX_IMPORT_BYTES / 1024 } };
  }
  let records: CsvRecord[];
  try {
    records = parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError) {
      return { ok: false, messageKey: err.messageKey, params: { line: err.line } };
    }
    throw err;
  }
  const first = records[0];
  if (!first) return { ok: false, messageKey: 'rollout.csv.empty' };

  let order: number[] = [0, 1, 2, 3];
  const words = first.fields.map(headerWord);
  const hasHeader = words.filter(Boolean).length >= 2;
  if (hasHeader) {
    const missing = IMPORT_COLUMNS.filter((c) => !words.includes(c));
    if (missing.length > 0) {
      return {
        ok: false,
        messageKey: 'rollout.csv.header_missing',
        params: { columns: missing.map((c) => HEADER_LABELS[c]).join(', ') },
      };
    }
    order = IMPORT_COLUMNS.map((c) => words.indexOf(c));
  }
  const data = hasHeader ? records.slice(1) : records;
  if (data.length === 0) return { ok: false, messageKey: 'rollout.csv.no_rows' };
  if (data.length > MAX_IMPORT_ROWS) {
    return {
      ok: false,
      messageKey: 'rollout.csv.too_many_rows',
      params: { count: data.length, max: MAX_IMPORT_ROWS },
    };
  }
  const rows = data.map((r) => {
    // Trailing empty cells (a spreadsheet's unused columns) do not count as columns.
    let columns = r.fields.length;
    while (columns > 0 && clean(r.fields[columns - 1]) === '') columns--;
    const at = (n: number) => clean(r.fields[order[n] as number]);
    return {
      line: r.line,
      name: at(0),
      municipality: at(1),
      adminName: at(2),
      adminEmail: at(3).toLowerCase(),
      columns,
      columnsOk: hasHeader
        ? r.fields.length > Math.max(...order)
        : r.fields.length >= IMPORT_COLUMNS.length && columns <= IMPORT_COLUMNS.length,
    };
  });
  return { ok: true, rows, hasHeader };
}
