import type { FilesInfoResponse, WebClient } from '@slack/web-api';
import { UserError } from '../errors.ts';
import { fileTooLarge, MAX_IMPORT_BYTES } from '../imports/csv.ts';
import type { ImportFile } from '../imports/import.ts';

type SlackFile = NonNullable<FilesInfoResponse['file']>;

/** The member who named a file (by link, id or shortcut) and the conversation they did it in. */
export type FileRequester = { memberId: string; channelId: string };

/** Where Slack serves uploaded files; besides the Web API's own origin, the only place the bot token goes. */
const SLACK_FILE_HOST = 'files.slack.com';
const MAX_REDIRECTS = 3;

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

async function fileInfo(client: WebClient, fileId: string): Promise<SlackFile> {
  const info = await client.files.info({ file: fileId }).catch((error: { data?: { error?: string } }) => {
    if (error.data?.error === 'file_not_found') throw new UserError('Herald cannot see that file. Share it in this channel (or with the Herald app) and try again.');
    throw error;
  });
  if (!info.file) throw new UserError('Herald cannot download that file.');
  return info.file;
}

/**
 * The bot can see files in every conversation it is in, the member only those they uploaded or
 * that are shared where they are: a file named in a command must be one of those, or anyone
 * could read any conversation's files through Herald.
 */
function requireVisibleTo(file: SlackFile, requester: FileRequester): void {
  const sharedIn = [...(file.channels ?? []), ...(file.groups ?? []), ...(file.ims ?? [])];
  if (file.user === requester.memberId || sharedIn.includes(requester.channelId)) return;
  throw new UserError('Herald only imports a file you uploaded or one shared in the conversation you run the import from, and that file is neither. Share the file here (or upload the CSV yourself), then try again.');
}

/** A remote file's url_private is wherever its app says it is: the bot token must not go there. */
function requireUploadedToSlack(file: SlackFile): void {
  if (!file.is_external && file.mode !== 'external') return;
  const source = file.external_type ? ` (${file.external_type})` : '';
  throw new UserError(`${file.name ?? 'That file'} is a link to a file stored outside Slack${source}, and Herald only imports files uploaded to Slack. Download the CSV and upload the file itself to Slack, then try again.`);
}

/** Slack's file host over https, or the origin of the configured Web API (a fake Slack in tests, the sandbox). */
function mayCarryToken(client: WebClient, url: URL): boolean {
  if (url.origin === new URL(client.slackApiUrl).origin) return true;
  return url.protocol === 'https:' && url.host === SLACK_FILE_HOST;
}

/** GET with the bot token, which only ever goes to Slack's own hosts (redirects included). */
async function fetchWithToken(client: WebClient, address: string): Promise<Response> {
  let url = new URL(address);
  if (!mayCarryToken(client, url)) throw new UserError(`Herald only downloads files from Slack's file server, and this file's address is on ${url.host}. Upload the CSV to Slack itself, then try again.`);
  for (let redirects = 0; redirects <= MAX_REDIRECTS; redirects++) {
    const response = await fetch(url, { headers: { authorization: `Bearer ${client.token}` }, redirect: 'manual' });
    const location = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !location) return response;
    await response.body?.cancel();
    url = new URL(location, url);
    // a token Slack does not accept for a file is answered with a redirect to the workspace's sign-in page
    if (!mayCarryToken(client, url)) throw new UserError('Slack did not let Herald download that file. Check that the Herald app is in the conversation where the file is shared and has the files:read scope, then try again.');
  }
  throw new Error(`file download redirected more than ${MAX_REDIRECTS} times`);
}

async function download(client: WebClient, fileId: string, file: SlackFile): Promise<ImportFile> {
  requireUploadedToSlack(file);
  const url = file.url_private_download ?? file.url_private;
  if (!url) throw new UserError('Herald cannot download that file.');
  if ((file.size ?? 0) > MAX_IMPORT_BYTES) throw fileTooLarge(file.size ?? 0);
  const response = await fetchWithToken(client, url);
  if (!response.ok) throw new Error(`file download failed with HTTP ${response.status}`);
  return { bytes: await readLimited(response, MAX_IMPORT_BYTES), fileId, filename: file.name ?? null };
}

/** Downloads a file a member named, if they could see it themselves; its declared size is checked before a byte is fetched. */
export async function downloadSlackFileFor(client: WebClient, fileId: string, requester: FileRequester): Promise<ImportFile> {
  const file = await fileInfo(client, fileId);
  requireVisibleTo(file, requester);
  return download(client, fileId, file);
}

/** Downloads a file again (an import's re-count and the import itself, after downloadSlackFileFor let its dry run read it). */
export async function downloadSlackFile(client: WebClient, fileId: string): Promise<ImportFile> {
  return download(client, fileId, await fileInfo(client, fileId));
}
