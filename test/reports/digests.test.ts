import { WebClient } from '@slack/web-api';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openDatabase, type Database } from '../../src/db/pool.ts';
import { createSlackDigestPublisher } from '../../src/bot/digest-publisher.ts';
import { createLogger } from '../../src/log.ts';
import { runDueDigests, subscribeToDigest, type DigestRunner } from '../../src/reports/digests.ts';
import { recordEvents, markSent } from '../helpers/campaign-events.ts';
import { openTestDatabase } from '../helpers/db.ts';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.ts';
import { addRecipients, addToList, createAccount, createCampaign, createContacts, createList } from '../helpers/fixtures.ts';
import { decodePngHeader } from '../helpers/png.ts';

let db: Awaited<ReturnType<typeof openTestDatabase>>;
let otherProcess: Database;
let slack: FakeSlack;
let userId: string;
const log = createLogger('silent');

// Wednesday 5 March 2025, 12:00 UTC; Berlin is on CET (UTC+1) until 30 March.
const SUBSCRIBED_AT = new Date('2025-03-05T12:00:00Z');
const FIRST_DUE = new Date('2025-03-10T08:00:00Z'); // Monday 09:00 in Berlin

function runner(database: Pick<Database, 'primary' | 'read'>, now: Date): DigestRunner {
  const client = new WebClient('xoxb-test', { slackApiUrl: slack.apiUrl });
  return { db: database, publisher: createSlackDigestPublisher(client), log, now: () => now };
}

const postsIn = (channel: string) => slack.callsTo('chat.postMessage').filter((call) => call.args.channel === channel);

async function subscribe(channelId: string) {
  return subscribeToDigest(
    db.primary,
    { userId, memberId: 'U1', channelId, frequency: 'weekly', timeOfDay: '09:00', weekday: 1, timezone: 'Europe/Berlin' },
    SUBSCRIBED_AT,
  );
}

beforeAll(async () => {
  db = await openTestDatabase();
  otherProcess = await openDatabase(db.url, undefined, 2);
  slack = await startFakeSlack();
  userId = await createAccount(db.primary);
  const listId = await createList(db.primary, userId, 'Newsletter');
  const contacts = await createContacts(db.primary, userId, 20);
  await addToList(db.primary, userId, listId, contacts.slice(0, 10));
  for (const [name, opens, clicks] of [['Spring sale', 6, 2], ['March news', 3, 1]] as const) {
    const campaignId = await createCampaign(db.primary, userId, name);
    await addRecipients(db.primary, userId, campaignId, contacts);
    await recordEvents(db.primary, userId, campaignId, [
      ...contacts.map((contactId) => ({ contactId, type: 'delivered' as const })),
      ...contacts.slice(0, opens).map((contactId) => ({ contactId, type: 'opened' as const })),
      ...contacts.slice(0, clicks).map((contactId) => ({ contactId, type: 'clicked' as const, linkUrl: 'https://example.com/a' })),
    ]);
    await markSent(db.primary, userId, campaignId, new Date('2025-03-07T10:00:00Z'));
  }
});
afterAll(async () => {
  await otherProcess.close();
  await slack.close();
  await db.close();
});

describe('weekly digest on a fake clock', () => {
  it('is due next Monday 09:00 in the subscriber’s time zone', async () => {
    const subscription = await subscribe('CDIGEST');
    expect(subscription.next_run_at.toISOString()).toBe(FIRST_DUE.toISOString());
  });

  it('posts nothing before the due time, then once with a PNG chart uploaded through files.uploadV2', async () => {
    expect(await runDueDigests(runner(db, new Date(FIRST_DUE.getTime() - 60_000)))).toBe(0);
    expect(postsIn('CDIGEST')).toHaveLength(0);

    expect(await runDueDigests(runner(db, FIRST_DUE))).toBe(1);
    const [post] = postsIn('CDIGEST');
    expect(String(post!.args.text)).toContain('Weekly email digest');
    const blocks = JSON.stringify(JSON.parse(String(post!.args.blocks)));
    expect(blocks).toContain('Spring sale');
    expect(blocks).toContain('March news');

    const uploadUrl = slack.callsTo('files.getUploadURLExternal');
    expect(uploadUrl).toHaveLength(1);
    expect(String(uploadUrl[0]!.args.filename)).toMatch(/\.png$/);
    const complete = slack.callsTo('files.completeUploadExternal');
    expect(complete).toHaveLength(1);
    expect(complete[0]!.args.channel_id).toBe('CDIGEST');
    expect(complete[0]!.args.thread_ts).toBe(slack.messages.find((m) => m.channel === 'CDIGEST')!.ts);
    const upload = slack.uploads.find((u) => JSON.parse(String(complete[0]!.args.files))[0].id === u.fileId);
    const png = decodePngHeader(upload!.bytes);
    expect(png.width).toBeGreaterThan(100);
    expect(png.height).toBeGreaterThan(100);

    expect(await runDueDigests(runner(db, new Date(FIRST_DUE.getTime() + 60_000)))).toBe(0);
    expect(postsIn('CDIGEST')).toHaveLength(1);
  });

  it('is posted once when two processes tick at the due time together', async () => {
    await subscribe('CRACE');
    const results = await Promise.all([runDueDigests(runner(db, FIRST_DUE)), runDueDigests(runner(otherProcess, FIRST_DUE))]);
    expect(results.sort()).toEqual([0, 1]);
    expect(postsIn('CRACE')).toHaveLength(1);
  });

  it('is posted once after an outage that missed three due times, then keeps its local time across DST', async () => {
    const afterOutage = new Date('2025-03-31T10:30:00Z'); // missed 17, 24 and 31 March
    expect(await runDueDigests(runner(db, afterOutage))).toBe(2); // CDIGEST and CRACE, once each
    expect(postsIn('CDIGEST')).toHaveLength(2);
    expect(await runDueDigests(runner(db, new Date(afterOutage.getTime() + 60_000)))).toBe(0);
    expect(postsIn('CDIGEST')).toHaveLength(2);

    const next = await db.primary.anyFirst(sql.type(z.object({ next_run_at: z.date() }))`
      SELECT next_run_at FROM digest_subscriptions WHERE user_id = ${userId}`);
    // Berlin is on CEST (UTC+2) from 30 March: 09:00 local is 07:00 UTC
    expect(next.map((d) => d.toISOString())).toEqual(['2025-04-07T07:00:00.000Z', '2025-04-07T07:00:00.000Z']);
  });
});
