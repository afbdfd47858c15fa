import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeCsvBytes,
  detectDelimiter,
  MAX_IMPORT_ROWS,
  parseCsv,
  readImportFile,
} from '../../../src/features/rollout/rollout.csv.js';

const fields = (text: string) => parseCsv(text).map((r) => r.fields);

describe('parseCsv: what spreadsheets export', () => {
  it('splits on semicolons when the first line has more of them than commas', () => {
    assert.deepEqual(fields('Glumsø Lokalråd;Næstved;Ann, formand;ann@x.dk'), [
      ['Glumsø Lokalråd', 'Næstved', 'Ann, formand', 'ann@x.dk'],
    ]);
  });

  it('splits on commas when the first line has more of them', () => {
    assert.deepEqual(fields('name,municipality,admin_name,admin_email\nA,B,C,d@x.dk'), [
      ['name', 'municipality', 'admin_name', 'admin_email'],
      ['A', 'B', 'C', 'd@x.dk'],
    ]);
  });

  it('detects the delimiter outside quotes only', () => {
    assert.equal(detectDelimiter('"a;b;c",d,e'), ',');
    assert.equal(detectDelimiter('\n\n"x,y,z";a;b'), ';');
  });

  it('reads quoted fields with "" as a quote, delimiters and line breaks inside', () => {
    const text = '"Lokalrådet ""Fensmark""";"Næstved; syd";"Ole\nBerg";ole@x.dk';
    assert.deepEqual(fields(text), [['Lokalrådet "Fensmark"', 'Næstved; syd', 'Ole\nBerg', 'ole@x.dk']]);
  });

  it('drops a leading byte order mark', () => {
    assert.deepEqual(fields('\uFEFFnavn;kommune\nA;B'), [
      ['navn', 'kommune'],
      ['A', 'B'],
    ]);
  });

  it('accepts CRLF, LF and CR line ends and gives each record the line it starts on', () => {
    const records = parseCsv('a;b\r\nc;d\ne;f\rg;h\r\n');
    assert.deepEqual(
      records.map((r) => [r.line, r.fields.join('|')]),
      [
        [1, 'a|b'],
        [2, 'c|d'],
        [3, 'e|f'],
        [4, 'g|h'],
      ],
    );
  });

  it('skips empty lines (also ones of only delimiters) but keeps counting them', () => {
    const records = parseCsv('a;b\n\n;;\n  \nc;d\n\n');
    assert.deepEqual(
      records.map((r) => [r.line, r.fields.join('|')]),
      [
        [1, 'a|b'],
        [5, 'c|d'],
      ],
    );
  });

  it('counts lines inside a quoted field for the records after it', () => {
    const records = parseCsv('"a\r\nb";c\nd;e');
    assert.deepEqual(
      records.map((r) => r.line),
      [1, 3],
    );
    assert.equal(records[0]?.fields[0], 'a\nb');
  });

  it('refuses a quote that is never closed, naming the line it opened on', () => {
    assert.throws(
      () => parseCsv('a;b\n"c;d\ne;f'),
      (err: Error & { line?: number }) => err.line === 2,
    );
  });

  it('refuses text right after a closing quote', () => {
    assert.throws(() => parseCsv('"a"b;c'), /text_after_quote/);
  });
});

describe('decodeCsvBytes', () => {
  it('reads UTF-8 with and without BOM', () => {
    const text = 'Næstved;Ærø';
    assert.equal(decodeCsvBytes(new TextEncoder().encode(text)), text);
    assert.equal(decodeCsvBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)])), text);
  });

  it('reads a file that is not UTF-8 as Windows-1252 (Danish Excel)', () => {
    assert.equal(decodeCsvBytes(Buffer.from([0x4e, 0xe6, 0x73, 0x74, 0x76, 0x65, 0x64])), 'Næstved');
  });
});

describe('readImportFile: the four columns', () => {
  it('maps a Danish header row by name, in any order, and gives spreadsheet line numbers', () => {
    const file = readImportFile('email;navn;administrator;kommune\r\nann@x.dk;A;Ann;Næstved\r\n');
    assert.ok(file.ok);
    assert.equal(file.hasHeader, true);
    assert.deepEqual(file.rows[0], {
      line: 2,
      name: 'A',
      municipality: 'Næstved',
      adminName: 'Ann',
      adminEmail: 'ann@x.dk',
      columns: 4,
      columnsOk: true,
    });
  });

  it('maps the English header row too', () => {
    const file = readImportFile('name,municipality,admin_name,admin_email\nA,Faxe,Bo,BO@X.DK');
    assert.ok(file.ok);
    assert.equal(file.rows[0]?.adminEmail, 'bo@x.dk', 'emails are compared in lower case');
    assert.equal(file.rows[0]?.municipality, 'Faxe');
  });

  it('takes the columns in order when there is no header row', () => {
    const file = readImportFile('A;Faxe;Bo;bo@x.dk');
    assert.ok(file.ok);
    assert.equal(file.hasHeader, false);
    assert.equal(file.rows[0]?.line, 1);
    assert.equal(file.rows[0]?.name, 'A');
  });

  it('marks rows with too few or too many columns, but allows empty trailing cells', () => {
    const file = readImportFile('A;Faxe;Bo\nB;Faxe;Bo;bo@x.dk;extra\nC;Faxe;Bo;bo@x.dk;;\nD;Faxe;Bo;');
    assert.ok(file.ok);
    assert.deepEqual(
      file.rows.map((r) => [r.name, r.columnsOk]),
      [
        ['A', false],
        ['B', false],
        ['C', true],
        ['D', true],
      ],
    );
  });

  it('with a header row, marks a row too short to reach every column and ignores extra columns', () => {
    const file = readImportFile(
      'navn;kommune;administrator;email;note\nA;Faxe;a@x.dk\nB;Faxe;Bo;b@x.dk;husk',
    );
    assert.ok(file.ok);
    assert.deepEqual(
      file.rows.map((r) => [r.name, r.columnsOk]),
      [
        ['A', false],
        ['B', true],
      ],
    );
  });

  it('tidies whitespace inside and around cells', () => {
    const file = readImportFile('"  Glumsø \n Lokalråd ";  Næstved ;Ann  Holm; ann@x.dk ');
    assert.ok(file.ok);
    assert.equal(file.rows[0]?.name, 'Glumsø Lokalråd');
    assert.equal(file.rows[0]?.municipality, 'Næstved');
    assert.equal(file.rows[0]?.adminName, 'Ann Holm');
    assert.equal(file.rows[0]?.adminEmail, 'ann@x.dk');
  });

  it('says what is wrong with a file it cannot use', () => {
    const problem = (text: string) => {
      const file = readImportFile(text);
      assert.ok(!file.ok);
      return file.messageKey;
    };
    assert.equal(problem(''), 'rollout.csv.empty');
    assert.equal(problem('\n \n'), 'rollout.csv.empty');
    assert.equal(problem('navn;kommune;administrator;email\n'), 'rollout.csv.no_rows');
    assert.equal(problem('navn;kommune;email\nA;B;c@x.dk'), 'rollout.csv.header_missing');
    assert.equal(problem('"A;B;C;D'), 'rollout.csv.unclosed_quote');
  });

  it(`refuses more than ${MAX_IMPORT_ROWS} rows and more than 200 kB`, () => {
    const rows = Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => `R${i};Faxe;N;n${i}@x.dk`).join('\n');
    const many = readImportFile(rows);
    assert.ok(!many.ok);
    assert.equal(many.messageKey, 'rollout.csv.too_many_rows');
    assert.deepEqual(many.params, { count: MAX_IMPORT_ROWS + 1, max: MAX_IMPORT_ROWS });
    const exactly = readImportFile(rows.split('\n').slice(1).join('\n'));
    assert.ok(exactly.ok);
    const big = readImportFile(`A;B;C;d@x.dk;${'x'.repeat(200 * 1024)}`);
    assert.ok(!big.ok);
    assert.equal(big.messageKey, 'rollout.csv.too_large');
  });
});
