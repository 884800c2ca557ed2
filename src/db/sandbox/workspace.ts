import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

const SandboxMember = z.object({
  id: z.string(),
  name: z.string(),
  real_name: z.string(),
  title: z.string(),
  email: z.string(),
  timezone: z.string(),
  is_bot: z.boolean(),
});
export type SandboxMember = z.infer<typeof SandboxMember>;

const SandboxChannel = z.object({ id: z.string(), name: z.string(), im_member: z.string().nullable() });
export type SandboxChannel = z.infer<typeof SandboxChannel>;

export type MemberSeed = Omit<SandboxMember, 'timezone'> & { timezone?: string };

/** Adds the seed members and their app DM channels; existing rows are left as they are. */
export async function seedMembers(db: CommonQueryMethods, members: readonly MemberSeed[]): Promise<void> {
  for (const [position, m] of members.entries()) {
    await db.query(sql.unsafe`
      INSERT INTO sandbox_members (id, name, real_name, title, email, timezone, is_bot, position)
      VALUES (${m.id}, ${m.name}, ${m.real_name}, ${m.title}, ${m.email}, ${m.timezone ?? 'UTC'}, ${m.is_bot}, ${position})
      ON CONFLICT (id) DO NOTHING`);
    if (m.is_bot) continue;
    await db.query(sql.unsafe`
      INSERT INTO sandbox_channels (id, name, im_member, position)
      VALUES (${imChannelId(m.id)}, ${m.name}, ${m.id}, 100 + ${position})
      ON CONFLICT (id) DO NOTHING`);
  }
}

export async function seedChannels(db: CommonQueryMethods, channels: ReadonlyArray<{ id: string; name: string }>): Promise<void> {
  for (const [position, c] of channels.entries()) {
    await db.query(sql.unsafe`
      INSERT INTO sandbox_channels (id, name, position) VALUES (${c.id}, ${c.name}, ${position})
      ON CONFLICT (id) DO NOTHING`);
  }
}

/** The id of the app's direct message channel with a member ("D…" for "U…"). */
export function imChannelId(memberId: string): string {
  return `D${memberId.replace(/^U/, '')}`;
}

export async function listMembers(db: CommonQueryMethods): Promise<readonly SandboxMember[]> {
  return db.any(sql.type(SandboxMember)`
    SELECT id, name, real_name, title, email, timezone, is_bot FROM sandbox_members ORDER BY position, id`);
}

export async function findMember(db: CommonQueryMethods, id: string): Promise<SandboxMember | null> {
  return db.maybeOne(sql.type(SandboxMember)`
    SELECT id, name, real_name, title, email, timezone, is_bot FROM sandbox_members WHERE id = ${id}`);
}

export async function listChannels(db: CommonQueryMethods): Promise<readonly SandboxChannel[]> {
  return db.any(sql.type(SandboxChannel)`SELECT id, name, im_member FROM sandbox_channels ORDER BY position, id`);
}

export async function findChannel(db: CommonQueryMethods, id: string): Promise<SandboxChannel | null> {
  return db.maybeOne(sql.type(SandboxChannel)`SELECT id, name, im_member FROM sandbox_channels WHERE id = ${id}`);
}

export async function issueTrigger(db: CommonQueryMethods, id: string, memberId: string): Promise<void> {
  await db.query(sql.unsafe`INSERT INTO sandbox_triggers (id, member_id) VALUES (${id}, ${memberId})`);
}

export type TriggerClaim = { memberId: string } | 'expired' | 'used' | 'unknown';

/** Uses a trigger_id once; as in Slack it expires 3 seconds after the interaction. */
export async function claimTrigger(db: CommonQueryMethods, id: string): Promise<TriggerClaim> {
  const claimed = await db.maybeOneFirst(sql.type(z.object({ member_id: z.string() }))`
    UPDATE sandbox_triggers SET used_at = now()
     WHERE id = ${id} AND used_at IS NULL AND created_at > now() - interval '3 seconds'
    RETURNING member_id`);
  if (claimed !== null) return { memberId: claimed };
  const state = await db.maybeOne(sql.type(z.object({ used: z.boolean() }))`
    SELECT used_at IS NOT NULL AS used FROM sandbox_triggers WHERE id = ${id}`);
  return state === null ? 'unknown' : state.used ? 'used' : 'expired';
}

const ResponseUrl = z.object({
  member_id: z.string(),
  channel_id: z.string(),
  message_ts: z.string().nullable(),
  thread_ts: z.string().nullable(),
});
export type ResponseUrlTarget = z.infer<typeof ResponseUrl>;

export async function issueResponseUrl(db: CommonQueryMethods, id: string, target: ResponseUrlTarget): Promise<void> {
  await db.query(sql.unsafe`
    INSERT INTO sandbox_response_urls (id, member_id, channel_id, message_ts, thread_ts)
    VALUES (${id}, ${target.member_id}, ${target.channel_id}, ${target.message_ts}, ${target.thread_ts})`);
}

/** Counts one use of a response_url; null once it is unknown, used 5 times or 30 minutes old (Slack's limits). */
export async function useResponseUrl(db: CommonQueryMethods, id: string): Promise<ResponseUrlTarget | null> {
  return db.maybeOne(sql.type(ResponseUrl)`
    UPDATE sandbox_response_urls SET uses = uses + 1
     WHERE id = ${id} AND uses < 5 AND created_at > now() - interval '30 minutes'
    RETURNING member_id, channel_id, message_ts, thread_ts`);
}

/** Claims a one-time setup step; false when it was done (or claimed) before. */
export async function claimSetupStep(db: CommonQueryMethods, step: string): Promise<boolean> {
  const claimed = await db.maybeOneFirst(sql.type(z.object({ step: z.string() }))`
    INSERT INTO sandbox_setup (step) VALUES (${step}) ON CONFLICT (step) DO NOTHING RETURNING step`);
  return claimed !== null;
}
