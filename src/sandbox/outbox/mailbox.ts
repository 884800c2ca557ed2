import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser, type AddressObject } from 'mailparser';

/** Outbox file names as the file transport writes them: "<ISO time>-<Message-ID>.eml". */
const EMAIL_FILE = /^[A-Za-z0-9.@_-]+\.eml$/;

export type EmailSummary = { name: string; subject: string; to: string; from: string; date: Date | null };
export type Email = EmailSummary & { headers: ReadonlyArray<[string, string]>; html: string | null; text: string | null };

function isEmailFile(name: string): boolean {
  return EMAIL_FILE.test(name);
}

function addresses(value: AddressObject | AddressObject[] | undefined): string {
  if (!value) return '';
  return (Array.isArray(value) ? value : [value]).map((a) => a.text).join(', ');
}

/** A header as written, unfolded ("Key: value\r\n  more" → "value more"). */
function headerValue(line: string): string {
  return line.slice(line.indexOf(':') + 1).replace(/\r?\n[ \t]+/g, ' ').trim();
}

/** One email from the outbox, parsed; null when there is no such file. */
export async function readEmail(dir: string, name: string): Promise<Email | null> {
  if (!isEmailFile(name)) return null;
  let raw: Buffer;
  try {
    raw = await readFile(join(dir, name));
  } catch {
    return null;
  }
  const mail = await simpleParser(raw);
  return {
    name,
    subject: mail.subject ?? '(no subject)',
    to: addresses(mail.to),
    from: addresses(mail.from),
    date: mail.date ?? null,
    headers: mail.headerLines.map((line) => [line.key, headerValue(line.line)] as [string, string]),
    html: typeof mail.html === 'string' ? mail.html : null,
    text: mail.text ?? null,
  };
}

/** The newest emails first (file names start with the time they were written). */
export async function listEmails(dir: string, limit: number): Promise<{ total: number; emails: EmailSummary[] }> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter(isEmailFile).sort().reverse();
  } catch {
    return { total: 0, emails: [] };
  }
  const emails = await Promise.all(names.slice(0, limit).map((name) => readEmail(dir, name)));
  return { total: names.length, emails: emails.filter((e): e is Email => e !== null) };
}
