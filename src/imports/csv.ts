import { isUtf8 } from 'node:buffer';
import chardet from 'chardet';
import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { UserError } from '../errors.ts';

/** Files larger than this are refused before they are downloaded or parsed. */
export const MAX_IMPORT_BYTES = 25 * 1024 * 1024;
export const MAX_IMPORT_ROWS = 500_000;

export type ParsedCsv = {
  encoding: string;
  delimiter: string;
  /** Header names as written (trimmed), one per column. */
  headers: string[];
  /** Data rows (the header excluded), each with the file line it starts on. */
  rows: string[][];
  lines: number[];
};

const DELIMITERS = [',', ';', '\t', '|'] as const;
const SAMPLE_BYTES = 64 * 1024;

function hasBom(bytes: Buffer, bom: number[]): boolean {
  return bom.every((byte, i) => bytes[i] === byte);
}

/**
 * Bytes → text: a BOM decides (UTF-8, UTF-16 LE/BE); otherwise valid UTF-8 is UTF-8, and
 * anything else is decoded as what chardet recognises (Windows-1252 when it cannot tell).
 * NUL bytes outside UTF-16 mean the file is not text at all.
 */
export function decodeCsv(bytes: Buffer): { text: string; encoding: string } {
  if (hasBom(bytes, [0xef, 0xbb, 0xbf])) return { text: bytes.subarray(3).toString('utf8'), encoding: 'UTF-8 (BOM)' };
  if (hasBom(bytes, [0xff, 0xfe])) return { text: iconv.decode(bytes.subarray(2), 'utf16le'), encoding: 'UTF-16 LE' };
  if (hasBom(bytes, [0xfe, 0xff])) return { text: iconv.decode(bytes.subarray(2), 'utf16be'), encoding: 'UTF-16 BE' };
  if (bytes.subarray(0, SAMPLE_BYTES).includes(0)) {
    throw new UserError('This file is not a CSV text file (it contains binary data). Export your contacts as CSV and upload that.');
  }
  if (isUtf8(bytes)) return { text: bytes.toString('utf8'), encoding: 'UTF-8' };
  const detected = chardet.detect(bytes.subarray(0, SAMPLE_BYTES));
  const encoding = detected && iconv.encodingExists(detected) && !detected.startsWith('UTF') ? detected : 'windows-1252';
  return { text: iconv.decode(bytes, encoding), encoding };
}

/** The delimiter used most in the header line, outside quotes (comma when there is none). */
export function detectDelimiter(text: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const char of text.slice(0, SAMPLE_BYTES)) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && counts.has(char)) counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  return [...counts].reduce((best, entry) => (entry[1] > best[1] ? entry : best), [',', 0] as [string, number])[0];
}

function readError(error: CsvError): UserError {
  const line = (error as CsvError & { lines?: number }).lines;
  const where = line ? ` (line ${line})` : '';
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') return new UserError(`A quoted value is never closed${where}. Check the quotes in the file.`);
  return new UserError(`The file could not be read as CSV${where}: ${error.message.split(':')[0]}.`);
}

type Records = { records: string[][]; lines: number[] };

function newlinesIn(record: readonly string[]): number {
  let count = 0;
  for (const value of record) {
    if (!value.includes('\n')) continue;
    for (const char of value) if (char === '\n') count += 1;
  }
  return count;
}

/**
 * Without quotes (and with \n or \r\n line ends) CSV is lines split on the delimiter —
 * the common export, read several times faster than by the general parser, with the same
 * result (empty lines skipped, rows of any length).
 */
function splitPlain(text: string, delimiter: string): Records | null {
  if (text.includes('"') || /\r(?!\n)/.test(text)) return null;
  const records: string[][] = [];
  const lines: number[] = [];
  const rawLines = text.split('\n');
  for (let i = 0; i < rawLines.length && records.length <= MAX_IMPORT_ROWS + 1; i++) {
    const line = (rawLines[i] as string).endsWith('\r') ? (rawLines[i] as string).slice(0, -1) : (rawLines[i] as string);
    if (line === '') continue;
    records.push(line.split(delimiter));
    lines.push(i + 1);
  }
  return { records, lines };
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** Where the quoted value opening at `open` closes ("" is a quote inside it), or -1 when it never does. */
function closingQuote(text: string, open: number): number {
  let from = open + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0 || text.charCodeAt(quote + 1) !== QUOTE) return quote;
    from = quote + 2;
  }
}

function occurrences(text: string, char: string, start = 0, end = text.length): number {
  let count = 0;
  for (let at = text.indexOf(char, start); at >= 0 && at < end; at = text.indexOf(char, at + 1)) count += 1;
  return count;
}

type RecordRead = { record: string[]; end: number; newlines: number };

/** The record starting at `start`, up to its line end; null when it is not quoted the usual way. */
function readRecord(text: string, start: number, separator: number): RecordRead | null {
  const record: string[] = [];
  let at = start;
  let newlines = 0;
  for (;;) {
    if (text.charCodeAt(at) === QUOTE) {
      const close = closingQuote(text, at);
      if (close < 0) return null;
      const raw = text.slice(at + 1, close);
      record.push(raw.includes('"') ? raw.replaceAll('""', '"') : raw);
      newlines += occurrences(text, '\n', at, close);
      at = close + 1;
      const next = text.charCodeAt(at);
      if (at < text.length && next !== separator && next !== LF && next !== CR) return null;
    } else {
      let end = at;
      for (let char = text.charCodeAt(end); end < text.length && char !== separator && char !== LF && char !== CR; char = text.charCodeAt(++end)) {
        if (char === QUOTE) return null;
      }
      record.push(text.slice(at, end));
      at = end;
    }
    if (at >= text.length || text.charCodeAt(at) !== separator) return { record, end: at, newlines };
    at += 1;
  }
}

/**
 * Quoted CSV in one pass, when it is written the usual way: quotes around whole values
 * ("" for a quote inside), newlines inside them, \n or \r\n line ends throughout. The same
 * records as the general parser (and the right line numbers where a quoted value holds a
 * \r\n, which csv-parse counts as two lines); anything else (a quote inside an unquoted
 * value, text after a closing quote, a quote never closed, mixed or lone \r line ends)
 * returns null, and the general parser reads the file, with its error messages.
 */
function splitQuoted(text: string, delimiter: string): Records | null {
  const crs = occurrences(text, '\r');
  if (crs > 0 && (crs !== occurrences(text, '\n') || /\r(?!\n)/.test(text))) return null;
  const records: string[][] = [];
  const lines: number[] = [];
  let at = 0;
  let line = 1;
  while (at < text.length && records.length <= MAX_IMPORT_ROWS + 1) {
    const first = text.charCodeAt(at);
    if (first !== LF && first !== CR) {
      const read = readRecord(text, at, delimiter.charCodeAt(0));
      if (!read) return null;
      records.push(read.record);
      lines.push(line);
      line += read.newlines;
      at = read.end;
    }
    at += text.charCodeAt(at) === CR ? 2 : 1;
    line += 1;
  }
  return { records, lines };
}

function parseQuoted(text: string, delimiter: string): Records {
  try {
    const parsed = parse(text, { delimiter, info: true, relax_column_count: true, skip_empty_lines: true, to: MAX_IMPORT_ROWS + 2 }) as unknown as
      Array<{ record: string[]; info: { lines: number } }>;
    return {
      records: parsed.map((entry) => entry.record),
      // info.lines is the line a record ends on; a quoted value with newlines started earlier
      lines: parsed.map((entry) => entry.info.lines - newlinesIn(entry.record)),
    };
  } catch (error) {
    if (error instanceof CsvError) throw readError(error);
    throw error;
  }
}

/** Decodes and parses a CSV file; UserErrors for empty, binary, unreadable or oversized files. */
export function readCsv(bytes: Buffer): ParsedCsv {
  if (bytes.length > MAX_IMPORT_BYTES) throw fileTooLarge(bytes.length);
  const { text, encoding } = decodeCsv(bytes);
  if (text.trim() === '') throw new UserError('The file is empty. Export your contacts with a header row and at least one contact.');
  const delimiter = detectDelimiter(text);
  const { records, lines } = splitPlain(text, delimiter) ?? splitQuoted(text, delimiter) ?? parseQuoted(text, delimiter);
  const [header, ...rows] = records;
  if (!header || rows.length === 0) throw new UserError('The file has a header row but no contacts.');
  if (rows.length > MAX_IMPORT_ROWS) throw new UserError(`The file has more than ${MAX_IMPORT_ROWS.toLocaleString('en-US')} rows. Split it into smaller files.`);
  return { encoding, delimiter, headers: header.map((name) => name.trim()), rows, lines: lines.slice(1) };
}

export function fileTooLarge(bytes: number): UserError {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  return new UserError(`The file is ${mb(bytes)}; Herald imports files up to ${mb(MAX_IMPORT_BYTES)}. Split it into smaller files.`);
}
