import type { ServerResponse } from 'node:http';
import { fileContent, findFile, storeUpload } from '../../db/sandbox/files.ts';
import { readBody, sendJson, type Route } from '../../http/respond.ts';
import type { SandboxContext } from '../context.ts';
import { hasBotToken } from './index.ts';
import { MAX_FILE_BYTES } from './files.ts';

/** Uploads to the upload_url arrive as multipart/form-data (WebClient) or as the raw bytes. */
async function uploadedBytes(body: Buffer, contentType: string): Promise<Buffer> {
  if (!contentType.startsWith('multipart/form-data')) return body;
  const form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
  const part = [...form.values()].find((value): value is File => typeof value !== 'string');
  return part ? Buffer.from(await part.arrayBuffer()) : Buffer.alloc(0);
}

export async function sendFile(ctx: SandboxContext, res: ServerResponse, id: string, disposition: 'inline' | 'attachment') {
  const file = await findFile(ctx.db, id);
  const content = file ? await fileContent(ctx.db, id) : null;
  if (!file || !content) return sendJson(res, 404, { error: 'file_not_found' });
  // only images are shown inline: anything else (an HTML file, say) must not run on the sandbox's origin
  const shown = disposition === 'inline' && file.mimetype.startsWith('image/') ? 'inline' : 'attachment';
  res.writeHead(200, {
    'content-type': file.mimetype,
    'content-length': content.length,
    'content-disposition': `${shown}; filename="${file.name.replace(/[^\w.\- ]/g, '_')}"`,
    'content-security-policy': "sandbox; default-src 'none'",
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  });
  res.end(content);
}

/** The upload_url of files.getUploadURLExternal, and url_private(_download), which wants the bot token. */
export function fileRoutes(ctx: SandboxContext): Route[] {
  return [
    {
      path: '/sandbox/upload/:id',
      method: 'POST',
      handler: async (req, res) => {
        const bytes = await uploadedBytes(await readBody(req, MAX_FILE_BYTES), String(req.headers['content-type'] ?? ''));
        const stored = await storeUpload(ctx.db, String(req.params?.id ?? ''), bytes);
        if (!stored) return sendJson(res, 404, { error: 'file_not_found' });
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`OK - ${bytes.length}`);
      },
    },
    {
      path: '/sandbox/files/:id/:name',
      method: 'GET',
      handler: async (req, res) => {
        if (!hasBotToken(ctx, req.headers.authorization)) return sendJson(res, 403, { error: 'not_authed' });
        await sendFile(ctx, res, String(req.params?.id ?? ''), 'attachment');
      },
    },
  ];
}
