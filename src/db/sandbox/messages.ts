import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

const SandboxMessage = z.object({
  channel_id: z.string(),
  ts: z.string(),
  thread_ts: z.string().nullable(),
  author_id: z.string(),
  visible_to: z.string().nullable(),
  text: z.string(),
  blocks: z.array(z.record(z.string(), z.unknown())).nullable(),
  file_ids: z.array(z.string()),
  edited: z.boolean(),
  reply_count: z.number(),
});
export type SandboxMessage = z.infer<typeof SandboxMessage>;

export type NewMessage = {
  channelId: string;
  threadTs?: string | null;
  authorId: string;
  visibleTo?: string | null;
  text: string;
  blocks?: readonly object[] | null;
  fileIds?: readonly string[];
  replyBroadcast?: boolean;
};

const COLUMNS = sql.fragment`
  m.channel_id, m.ts, m.thread_ts, m.author_id, m.visible_to, m.text, m.blocks, m.file_ids,
  m.edited_at IS NOT NULL AS edited,
  (SELECT count(*)::int FROM sandbox_messages r
    WHERE r.channel_id = m.channel_id AND r.thread_ts = m.ts AND r.ts <> m.ts AND r.visible_to IS NULL) AS reply_count`;

/** Stores a message with a fresh Slack-style ts ("seconds.sequence"), unique per workspace. */
export async function insertMessage(db: CommonQueryMethods, message: NewMessage): Promise<string> {
  return db.oneFirst(sql.type(z.object({ ts: z.string() }))`
    INSERT INTO sandbox_messages (channel_id, ts, thread_ts, author_id, visible_to, text, blocks, file_ids, reply_broadcast)
    VALUES (${message.channelId},
            floor(extract(epoch FROM clock_timestamp()))::bigint || '.' || lpad((nextval('sandbox_ts_seq') % 1000000)::text, 6, '0'),
            ${message.threadTs ?? null}, ${message.authorId}, ${message.visibleTo ?? null}, ${message.text},
            ${message.blocks ? sql.jsonb(message.blocks as never) : null},
            ${sql.array([...(message.fileIds ?? [])], 'text')}, ${message.replyBroadcast ?? false})
    RETURNING ts`);
}

export async function findMessage(db: CommonQueryMethods, channelId: string, ts: string): Promise<SandboxMessage | null> {
  return db.maybeOne(sql.type(SandboxMessage)`
    SELECT ${COLUMNS} FROM sandbox_messages m WHERE m.channel_id = ${channelId} AND m.ts = ${ts}`);
}

/** Replaces a message's text and blocks (chat.update, replace_original); false when it does not exist. */
export async function updateMessage(
  db: CommonQueryMethods,
  channelId: string,
  ts: string,
  content: { text: string; blocks: readonly object[] | null },
): Promise<boolean> {
  const updated = await db.maybeOneFirst(sql.type(z.object({ ts: z.string() }))`
    UPDATE sandbox_messages
       SET text = ${content.text}, blocks = ${content.blocks ? sql.jsonb(content.blocks as never) : null}, edited_at = now()
     WHERE channel_id = ${channelId} AND ts = ${ts}
    RETURNING ts`);
  return updated !== null;
}

export async function deleteMessage(db: CommonQueryMethods, channelId: string, ts: string): Promise<boolean> {
  const deleted = await db.maybeOneFirst(sql.type(z.object({ ts: z.string() }))`
    DELETE FROM sandbox_messages WHERE channel_id = ${channelId} AND ts = ${ts} RETURNING ts`);
  return deleted !== null;
}

/** The channel as a member sees it: top-level messages (and broadcast replies), the newest `limit`, oldest first. */
export async function channelTimeline(
  db: CommonQueryMethods,
  channelId: string,
  viewerId: string,
  limit = 200,
): Promise<readonly SandboxMessage[]> {
  return db.any(sql.type(SandboxMessage)`
    SELECT * FROM (
      SELECT ${COLUMNS}, m.seq FROM sandbox_messages m
       WHERE m.channel_id = ${channelId}
         AND (m.visible_to IS NULL OR m.visible_to = ${viewerId})
         AND (m.thread_ts IS NULL OR m.thread_ts = m.ts OR m.reply_broadcast)
       ORDER BY m.seq DESC LIMIT ${limit}
    ) newest ORDER BY seq`);
}

/** A thread as a member sees it: the parent first, then the replies in order. */
export async function threadMessages(
  db: CommonQueryMethods,
  channelId: string,
  threadTs: string,
  viewerId: string,
): Promise<readonly SandboxMessage[]> {
  return db.any(sql.type(SandboxMessage)`
    SELECT ${COLUMNS} FROM sandbox_messages m
     WHERE m.channel_id = ${channelId}
       AND (m.ts = ${threadTs} OR m.thread_ts = ${threadTs})
       AND (m.visible_to IS NULL OR m.visible_to = ${viewerId})
     ORDER BY m.seq`);
}
