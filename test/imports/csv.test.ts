import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.ts';
import { decodeCsv, detectDelimiter, MAX_IMPORT_BYTES, readCsv } from '../../src/imports/csv.ts';
import { mappingProblem, suggestMapping } from '../../src/imports/mapping.ts';
import { rejectedRowsCsv } from '../../src/imports/report.ts';

describe('readCsv', () => {
  it('decodes UTF-16 with a BOM', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('email,name\nzoë@example.com,Zoë\n', 'utf16le')]);
    expect(readCsv(bytes)).toMatchObject({ encoding: 'UTF-16 LE', headers: ['email', 'name'], rows: [['zoë@example.com', 'Zoë']] });
  });

  it('gives each row the line it starts on, across quoted newlines and blank lines', () => {
    const parsed = readCsv(Buffer.from('email,notes\na@x.io,"one\ntwo\nthree"\n\nb@x.io,plain\n'));
    expect(parsed.lines).toEqual([2, 6]);
  });

  it('detects tab and pipe delimiters, ignoring ones inside quotes', () => {
    expect(detectDelimiter('email\tname\n')).toBe('\t');
    expect(detectDelimiter('"a,b,c"|x|y\n')).toBe('|');
    expect(detectDelimiter('email\n')).toBe(',');
  });

  it('refuses a header without rows and a buffer over the limit', () => {
    expect(() => readCsv(Buffer.from('email,name\n'))).toThrow(new UserError('The file has a header row but no contacts.'));
    expect(() => readCsv(Buffer.alloc(MAX_IMPORT_BYTES + 1, 'a'))).toThrow(/Herald imports files up to 25.0 MB/);
  });

  it('falls back to Windows-1252 for bytes that are not UTF-8', () => {
    expect(decodeCsv(Buffer.from([0x63, 0x61, 0x66, 0xe9])).text).toBe('café');
  });
});

describe('mapping', () => {
  it('requires exactly one email column and unique targets', () => {
    expect(mappingProblem(suggestMapping(['name', 'company']))).toBe('Choose the column that holds the email addresses.');
    expect(suggestMapping(['Email', 'E-Mail']).map((c) => c.target)).toEqual(['email', 'ignore']);
    expect(mappingProblem([{ column: 0, header: 'a', target: 'email' }, { column: 1, header: 'b', target: 'email' }])).toBe('Only one column can be email (“a”, “b”).');
  });
});

describe('rejected rows file', () => {
  it('quotes cells and defuses spreadsheet formulas', () => {
    expect(rejectedRowsCsv([{ line: 4, email: '=HYPERLINK("x")', reason: 'invalid', detail: 'no "email"' }]))
      .toBe('line,email,reason,detail\n"4","\'=HYPERLINK(""x"")","invalid","no ""email"""\n');
  });
});

/** What csv-parse, the general parser, reads: records and the line each starts on. */
function generalParse(text: string, delimiter: string) {
  const parsed = parse(text, { delimiter, info: true, relax_column_count: true, skip_empty_lines: true }) as unknown as
    Array<{ record: string[]; info: { lines: number } }>;
  return { records: parsed.map((entry) => entry.record), lines: parsed.map((entry) => entry.info.lines - (entry.record.join('').split('\n').length - 1)) };
}

describe('files read without the general parser', () => {
  it('read exactly as the general parser reads them, with quotes or without', () => {
    const plain = 'email;name\r\n\r\na@x.io;Ann;extra\r\nb@x.io\r\n\r\n   \r\nc@x.io;Cé\r\n';
    const quoted = [
      `${plain}"d@x.io";"Dee"\r\n`,
      'email,tags,notes\n"a@x.io","vip,beta","said ""hi"""\n\nb@x.io,,"two\nlines"\n"",x,\nc@x.io,"",last',
      'email|tags\r\n"a@x.io"|"x|y"\r\n\r\n"b@x.io"|"b"\r\n',
    ];
    for (const text of [plain, ...quoted]) {
      const fast = readCsv(Buffer.from(text));
      const general = generalParse(text, fast.delimiter);
      expect([general.records[0]!.map((name) => name.trim()), ...general.records.slice(1)]).toEqual([fast.headers, ...fast.rows]);
      expect(general.lines.slice(1)).toEqual(fast.lines);
    }
    expect(readCsv(Buffer.from(plain))).toMatchObject({ delimiter: ';', headers: ['email', 'name'], lines: [3, 4, 6, 7] });
    // csv-parse counts a \r\n inside a quoted value as two lines
    expect(readCsv(Buffer.from('email,notes\r\na@x.io,"multi\r\nline"\r\nb@x.io,b\r\n'))).toMatchObject({
      rows: [['a@x.io', 'multi\r\nline'], ['b@x.io', 'b']], lines: [2, 4],
    });
  });

  it('leave files quoted another way to the general parser and its errors', () => {
    expect(() => readCsv(Buffer.from('email,notes\na@x.io,say "hi"\n'))).toThrow(new UserError('The file could not be read as CSV (line 2): Invalid Opening Quote.'));
    expect(() => readCsv(Buffer.from('email,notes\na@x.io,"hi" there\n'))).toThrow(/The file could not be read as CSV \(line 2\)/);
    expect(() => readCsv(Buffer.from('email,notes\na@x.io,"never closed\n'))).toThrow(/A quoted value is never closed/);
  });
});
