import type { WebClient } from '@slack/web-api';
import { UserError } from '../errors.ts';
import { fileTooLarge, MAX_IMPORT_BYTES } from '../imports/csv.ts';
import type { ImportFile } from '../imports/import.ts';

/** F0123ABC from a file id or a Slack file link (…/files/U123/F0123ABC/contacts.csv). */
export function fileIdFrom(text: string): string | null {
  const trimmed = text.trim().replace(/^<|>$/g, '');
  if (/^F[A-Z0-9]{4,}$/.test(trimmed)) return trimmed;
  return /\/files\/[A-Z0-9]+\/(F[A-Z0-9]+)/.exec(trimmed)?.[1] ?? null;
}

async function readLimited(response: Response, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += (chunk as Uint8Array).length;
    if (size > limit) throw fileTooLarge(size);
    chunks.push(Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks);
}

/** Downloads a Slack file with the bot token; its declared size is checked before a byte is fetched. */
export async function downloadSlackFile(client: WebClient, fileId: string): Promise<ImportFile> {
  const info = await client.files.info({ file: fileId }).catch((error: { data?: { error?: string } }) => {
    if (error.data?.error === 'file_not_found') throw new UserError('Herald cannot see that file. Share it in this channel (or with the Herald app) and try again.');
    throw error;
  });
  const file = info.file;
  const url = file?.url_private_download ?? file?.url_private;
  if (!file || !url) throw new UserError('Herald cannot download that file.');
  if ((file.size ?? 0) > MAX_IMPORT_BYTES) throw fileTooLarge(file.size ?? 0);
  const response = await fetch(url, { headers: { authorization: `Bearer ${client.token}` } });
  if (!response.ok) throw new Error(`file download failed with HTTP ${response.status}`);
  return { bytes: await readLimited(response, MAX_IMPORT_BYTES), fileId, filename: file.name ?? null };
}
