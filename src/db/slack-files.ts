import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

export async function recordSharedFile(
  db: CommonQueryMethods,
  file: { userId: string; fileId: string; memberId: string; channelId: string | null },
): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO slack_files (user_id, file_id, slack_user_id, channel_id)
    VALUES (${file.userId}, ${file.fileId}, ${file.memberId}, ${file.channelId})
    ON CONFLICT (user_id, file_id) DO UPDATE SET channel_id = EXCLUDED.channel_id, shared_at = now()`);
}

/** The file a member shared last in a channel (or DM) within the last day: what `/herald import` means. */
export async function latestSharedFile(db: CommonQueryMethods, userId: string, memberId: string, channelId: string): Promise<string | null> {
  return db.maybeOneFirst(sql.type(z.object({ file_id: z.string() }))`
    SELECT file_id FROM slack_files
     WHERE user_id = ${userId} AND slack_user_id = ${memberId} AND channel_id = ${channelId}
       AND shared_at > now() - interval '1 day'
     ORDER BY shared_at DESC LIMIT 1`);
}

/** `/herald import` only looks a day back (latestSharedFile). */
export async function forgetOldSharedFiles(db: CommonQueryMethods): Promise<number> {
  const forgotten = await db.query(sql.unsafe`DELETE FROM slack_files WHERE shared_at < now() - interval '1 day'`);
  return forgotten.rowCount;
}
