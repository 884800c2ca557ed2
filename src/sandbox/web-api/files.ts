import { z } from 'zod';
import { fileShares, findFile, insertFile, setFileTitle, type SandboxFile } from '../../db/sandbox/files.ts';
import type { SandboxContext } from '../context.ts';
import { post, resolveChannel } from '../conversation.ts';
import { slackId } from '../ids.ts';
import { APP } from '../workspace.ts';
import { ApiError, jsonArgument, parseArguments } from './arguments.ts';
import type { WebApiMethods } from './methods.ts';

/** Slack's largest file. */
export const MAX_FILE_BYTES = 1024 * 1024 * 1024;

const MIME_TYPES: Record<string, string> = {
  csv: 'text/csv',
  txt: 'text/plain',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  pdf: 'application/pdf',
  json: 'application/json',
  html: 'text/html',
};

/** Slack's filetype and mimetype for a file name (by its extension). */
export function fileTypeOf(name: string): { filetype: string; mimetype: string } {
  const extension = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  const mimetype = MIME_TYPES[extension];
  return mimetype ? { filetype: extension === 'jpeg' ? 'jpg' : extension, mimetype } : { filetype: 'binary', mimetype: 'application/octet-stream' };
}

/** A file as files.info returns it; url_private_download needs the bot token, as in Slack. */
async function fileObject(ctx: SandboxContext, file: SandboxFile): Promise<Record<string, unknown>> {
  const shares = await fileShares(ctx.db, file.id);
  const url = `${ctx.baseUrl}/sandbox/files/${file.id}/${encodeURIComponent(file.name)}`;
  return {
    id: file.id,
    created: Math.floor(file.created_at.getTime() / 1000),
    timestamp: Math.floor(file.created_at.getTime() / 1000),
    name: file.name,
    title: file.title ?? file.name,
    mimetype: file.mimetype,
    filetype: file.filetype,
    pretty_type: file.filetype.toUpperCase(),
    user: file.uploader_id,
    size: file.size,
    channels: shares.channels,
    groups: [],
    ims: shares.ims,
    mode: 'hosted',
    is_external: false,
    is_public: false,
    url_private: url,
    url_private_download: `${url}?download=1`,
    permalink: `${ctx.baseUrl}/sandbox/download/${file.id}`,
  };
}

async function requireFile(ctx: SandboxContext, id: string): Promise<SandboxFile> {
  const file = await findFile(ctx.db, id);
  if (!file) throw new ApiError('file_not_found');
  return file;
}

const InfoArgs = z.object({ file: z.string().min(1) });
const UploadUrlArgs = z.object({
  filename: z.string().min(1).max(255),
  length: z.coerce.number().int().min(1).max(MAX_FILE_BYTES),
  alt_txt: z.string().optional(),
});
const CompleteArgs = z.object({
  files: jsonArgument(z.array(z.object({ id: z.string().min(1), title: z.string().optional() })).min(1)),
  channel_id: z.string().min(1).optional(),
  channels: z.string().min(1).optional(),
  initial_comment: z.string().optional(),
  thread_ts: z.string().min(1).optional(),
});

export const fileMethods: WebApiMethods = {
  async 'files.info'(ctx, raw) {
    const args = parseArguments(InfoArgs, raw);
    return { file: await fileObject(ctx, await requireFile(ctx, args.file)) };
  },

  async 'files.getUploadURLExternal'(ctx, raw) {
    const args = parseArguments(UploadUrlArgs, raw);
    const id = slackId('F');
    await insertFile(ctx.db, { id, name: args.filename, size: args.length, uploaderId: APP.botUserId, ...fileTypeOf(args.filename) });
    return { upload_url: `${ctx.baseUrl}/sandbox/upload/${id}`, file_id: id };
  },

  async 'files.completeUploadExternal'(ctx, raw) {
    const args = parseArguments(CompleteArgs, raw);
    const files: SandboxFile[] = [];
    for (const { id, title } of args.files) {
      const file = await requireFile(ctx, id);
      if (!file.uploaded) throw new ApiError('file_upload_not_complete');
      if (title) await setFileTitle(ctx.db, id, title);
      files.push({ ...file, title: title ?? file.title });
    }
    const channelId = args.channel_id ?? args.channels?.split(',')[0];
    if (channelId) {
      const channel = await resolveChannel(ctx.db, channelId);
      await post(ctx, {
        channelId: channel.id,
        threadTs: args.thread_ts,
        authorId: APP.botUserId,
        text: args.initial_comment ?? '',
        fileIds: files.map((f) => f.id),
      });
    }
    return { files: await Promise.all(files.map((file) => fileObject(ctx, file))) };
  },

  async 'files.upload'() {
    throw new ApiError('method_deprecated');
  },
};
