import { z } from 'zod';
import { deleteMessage, findMessage, updateMessage } from '../../db/sandbox/messages.ts';
import { useResponseUrl } from '../../db/sandbox/workspace.ts';
import { readBody, sendJson, type Route } from '../../http/respond.ts';
import { validateBlocks } from '../block-kit-rules.ts';
import { withGeneratedIds } from '../block-ids.ts';
import type { SandboxContext } from '../context.ts';
import { post } from '../conversation.ts';
import { APP } from '../workspace.ts';

export const ResponseMessage = z.object({
  text: z.string().max(40_000).optional(),
  blocks: z.array(z.record(z.string(), z.unknown())).optional(),
  response_type: z.enum(['ephemeral', 'in_channel']).optional(),
  replace_original: z.union([z.boolean(), z.string()]).optional(),
  delete_original: z.union([z.boolean(), z.string()]).optional(),
  thread_ts: z.string().optional(),
});
export type ResponseMessage = z.infer<typeof ResponseMessage>;

const truthy = (value: boolean | string | undefined) => value === true || value === 'true';

export type ResponseTarget = { member_id: string; channel_id: string; message_ts: string | null; thread_ts: string | null };

/**
 * What Slack does with a message posted to a response_url: delete or replace the message
 * whose button was clicked, or post a new one — ephemeral unless response_type is in_channel.
 */
export async function applyResponse(ctx: SandboxContext, target: ResponseTarget, message: ResponseMessage): Promise<void> {
  const original = target.message_ts ? await findMessage(ctx.db, target.channel_id, target.message_ts) : null;
  if (original && truthy(message.delete_original)) {
    await deleteMessage(ctx.db, original.channel_id, original.ts);
  } else if (original && truthy(message.replace_original)) {
    const blocks = message.blocks ? withGeneratedIds(message.blocks) : null;
    await updateMessage(ctx.db, original.channel_id, original.ts, { text: message.text ?? '', blocks });
  } else if (!truthy(message.delete_original)) {
    await post(ctx, {
      channelId: target.channel_id,
      threadTs: message.thread_ts ?? target.thread_ts,
      authorId: APP.botUserId,
      visibleTo: message.response_type === 'in_channel' ? null : target.member_id,
      text: message.text ?? '',
      blocks: message.blocks ?? null,
    });
  }
  ctx.changes.changed();
}

/** POST /sandbox/response/<id>: the response_url of commands and message interactions. */
export function responseUrlRoute(ctx: SandboxContext): Route {
  return {
    path: '/sandbox/response/:id',
    method: 'POST',
    handler: async (req, res) => {
      const parsed = ResponseMessage.safeParse(JSON.parse((await readBody(req, 1024 * 1024)).toString('utf8') || '{}'));
      if (!parsed.success) return sendJson(res, 400, { ok: false, error: 'invalid_payload' });
      if (parsed.data.blocks) {
        try {
          validateBlocks(parsed.data.blocks, 'message');
        } catch (error) {
          return sendJson(res, 400, { ok: false, error: 'invalid_blocks', detail: (error as Error).message });
        }
      }
      const target = await useResponseUrl(ctx.db, String(req.params?.id ?? ''));
      if (!target) return sendJson(res, 404, { ok: false, error: 'expired_url' });
      await applyResponse(ctx, target, parsed.data);
      sendJson(res, 200, { ok: true });
    },
  };
}
