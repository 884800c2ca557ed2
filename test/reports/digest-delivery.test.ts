import { WebClient } from '@slack/web-api';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSlackDigestPublisher } from '../../src/bot/digest-publisher.ts';
import { createLogger } from '../../src/log.ts';
import { DIGEST_RETRY_MS, runDueDigests, subscribeToDigest, unsubscribeFromDigest, type DigestRunner } from '../../src/reports/digests.ts';
import { markSent, recordEvents } from '../helpers/campaign-events.ts';
import { openTestDatabase } from '../helpers/db.ts';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.ts';
import { addRecipients, addToList, createAccount, createCampaign, createContacts, createList } from '../helpers/fixtures.ts';

/**
 * A digest counts as delivered once its message is posted, not once it is claimed: one that
 * Slack refused is tried again, one that posted is never posted again, and where Herald is
 * not in the channel it joins (public) or the subscriber gets it by DM (private).
 */

let db: Awaited<ReturnType<typeof openTestDatabase>>;
let slack: FakeSlack;
let userId: string;
const log = createLogger('silent');

// Wednesday 5 March 2025, 12:00 UTC; the weekly digest is due Monday 10 March 09:00 Berlin (08:00 UTC)
const SUBSCRIBED_AT = new Date('2025-03-05T12:00:00Z');
const DUE = new Date('2025-03-10T08:00:00Z');
const minutesAfter = (date: Date, minutes: number) => new Date(date.getTime() + minutes * 60_000);

function runner(now: Date): DigestRunner {
  const client = new WebClient('xoxb-test', { slackApiUrl: slack.apiUrl });
  return { db, publisher: createSlackDigestPublisher(client), log, now: () => now };
}

const postsIn = (channel: string) => slack.messages.filter((m) => m.channel === channel && !m.thread_ts);
const chartsIn = (channel: string) => slack.callsTo('files.completeUploadExternal').filter((call) => call.args.channel_id === channel);

/** One weekly subscription per test, each removed afterwards so that no test posts another's digest. */
async function withSubscription(channelId: string, test: (id: bigint) => Promise<void>) {
  const subscription = await subscribeToDigest(
    db.primary,
    { userId, memberId: 'USUB', channelId, frequency: 'weekly', timeOfDay: '09:00', weekday: 1, timezone: 'Europe/Berlin' },
    SUBSCRIBED_AT,
  );
  expect(subscription.next_run_at).toEqual(DUE);
  try {
    await test(subscription.id);
  } finally {
    await unsubscribeFromDigest(db.primary, userId, subscription.id);
  }
}

const Stored = z.object({ next_run_at: z.date(), last_run_at: z.date().nullable(), last_list_counts: z.record(z.string(), z.number()) });
const stored = (id: bigint) =>
  db.primary.one(sql.type(Stored)`SELECT next_run_at, last_run_at, last_list_counts FROM digest_subscriptions WHERE user_id = ${userId} AND id = ${id}`);

beforeAll(async () => {
  db = await openTestDatabase();
  slack = await startFakeSlack();
  userId = await createAccount(db.primary);
  const listId = await createList(db.primary, userId, 'Newsletter');
  const contacts = await createContacts(db.primary, userId, 5);
  await addToList(db.primary, userId, listId, contacts);
  const campaignId = await createCampaign(db.primary, userId, 'Spring sale');
  await addRecipients(db.primary, userId, campaignId, contacts);
  await recordEvents(db.primary, userId, campaignId, contacts.map((contactId) => ({ contactId, type: 'opened' as const })));
  await markSent(db.primary, userId, campaignId, new Date('2025-03-07T10:00:00Z'));
});
afterAll(async () => {
  await slack.close();
  await db.close();
});

describe('digest delivery', () => {
  it('joins a public channel Herald is not in and posts there', async () => {
    slack.notMemberOf('CPUBLIC', 'public');
    await withSubscription('CPUBLIC', async () => {
      expect(await runDueDigests(runner(DUE))).toBe(1);
      expect(slack.callsTo('conversations.join').map((call) => call.args.channel)).toEqual(['CPUBLIC']);
      expect(postsIn('CPUBLIC').map((m) => m.text)).toEqual([expect.stringContaining('Weekly email digest')]);
      expect(chartsIn('CPUBLIC')).toHaveLength(1);
    });
  });

  it('sends the digest to the subscriber by DM where Herald cannot post, saying where it belongs', async () => {
    slack.notMemberOf('CSECRET', 'private');
    await withSubscription('CSECRET', async () => {
      expect(await runDueDigests(runner(DUE))).toBe(1);
      expect(postsIn('CSECRET')).toEqual([]);
      const [dm, ...more] = postsIn('USUB');
      expect(more).toEqual([]);
      expect(dm!.text).toContain('Weekly email digest');
      expect(dm!.text).toContain("I can't post in <#CSECRET>");
      expect(chartsIn('USUB').map((call) => call.args.thread_ts)).toEqual([dm!.ts]);
    });
  });

  it('tries a digest whose post failed again on a later run, and posts it once', async () => {
    await withSubscription('CRETRY', async (id) => {
      slack.failNext('chat.postMessage', 'fatal_error');
      expect(await runDueDigests(runner(DUE))).toBe(0);
      expect(postsIn('CRETRY')).toEqual([]);
      expect(await runDueDigests(runner(minutesAfter(DUE, 1)))).toBe(0); // not hammered every minute

      const retry = new Date(DUE.getTime() + DIGEST_RETRY_MS);
      expect(await runDueDigests(runner(retry))).toBe(1);
      expect(postsIn('CRETRY')).toHaveLength(1);
      expect(await runDueDigests(runner(minutesAfter(retry, 30)))).toBe(0);
      expect(postsIn('CRETRY')).toHaveLength(1);
      expect(await stored(id)).toMatchObject({ next_run_at: new Date('2025-03-17T08:00:00Z'), last_run_at: retry });
    });
  });

  it('keeps a digest whose chart failed to upload as posted: counted, its list sizes kept, never posted again', async () => {
    await withSubscription('CCHART', async (id) => {
      slack.failNext('files.getUploadURLExternal', 'fatal_error');
      expect(await runDueDigests(runner(DUE))).toBe(1);
      expect(postsIn('CCHART')).toHaveLength(1);
      expect(chartsIn('CCHART')).toEqual([]);
      const after = await stored(id);
      expect(Object.values(after.last_list_counts)).toEqual([5]);
      expect(after).toMatchObject({ next_run_at: new Date('2025-03-17T08:00:00Z'), last_run_at: DUE });

      expect(await runDueDigests(runner(new Date(DUE.getTime() + DIGEST_RETRY_MS)))).toBe(0);
      expect(postsIn('CCHART')).toHaveLength(1);
    });
  });
});
