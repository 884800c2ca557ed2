import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackDigestPublisher } from '../../src/bot/digest-publisher.ts';
import { createLogger } from '../../src/log.ts';
import { runDueDigests, subscribeToDigest } from '../../src/reports/digests.ts';
import { markSent } from '../helpers/campaign-events.ts';
import { openTestDatabase } from '../helpers/db.ts';
import { startFakeSlack, type FakeSlack } from '../helpers/fake-slack.ts';
import { createAccount, createCampaign } from '../helpers/fixtures.ts';
import { textOf } from '../helpers/herald-app.ts';

/**
 * A daily digest at 09:00 in Berlin reports on the time since the previous digest: across the
 * DST changes (a 23-hour and a 25-hour day) and after Herald was down, every campaign is in
 * exactly one digest.
 */

let db: Awaited<ReturnType<typeof openTestDatabase>>;
let slack: FakeSlack;
let userId: string;

async function postDigestsAt(iso: string): Promise<string> {
  const client = new WebClient('xoxb-test', { slackApiUrl: slack.apiUrl });
  const before = slack.messages.length;
  const posted = await runDueDigests({ db, publisher: createSlackDigestPublisher(client), log: createLogger('silent'), now: () => new Date(iso) });
  expect(posted).toBe(1);
  const [digest] = slack.messages.slice(before).filter((m) => m.channel === 'CDAILY' && !m.thread_ts);
  return textOf(digest);
}

async function sentAt(name: string, iso: string) {
  await markSent(db.primary, userId, await createCampaign(db.primary, userId, name), new Date(iso));
}

beforeAll(async () => {
  db = await openTestDatabase();
  slack = await startFakeSlack();
  userId = await createAccount(db.primary);
  await subscribeToDigest(
    db.primary,
    { userId, memberId: 'U1', channelId: 'CDAILY', frequency: 'daily', timeOfDay: '09:00', weekday: 1, timezone: 'Europe/Berlin' },
    new Date('2025-03-27T12:00:00Z'),
  );
  await sentAt('Thursday news', '2025-03-27T10:00:00Z');
  await sentAt('Early Saturday', '2025-03-29T07:30:00Z'); // 08:30 CET, before Saturday's digest
  await sentAt('While Herald was down', '2025-03-31T12:00:00Z');
  await sentAt('Summer', '2025-08-01T10:00:00Z');
  await sentAt('Late September', '2025-09-30T10:00:00Z');
  await sentAt('Last hour of summer time', '2025-10-25T07:30:00Z'); // 09:30 CEST, after Saturday's digest
});
afterAll(async () => {
  await slack.close();
  await db.close();
});

describe('daily digest periods', () => {
  it('reports the spring-forward day once: the 23-hour day does not reach back into the day before', async () => {
    expect(await postDigestsAt('2025-03-28T08:00:00Z')).toContain('Thursday news'); // first digest: the last day
    const saturday = await postDigestsAt('2025-03-29T08:00:00Z');
    expect(saturday).toContain('Early Saturday');
    const sunday = await postDigestsAt('2025-03-30T07:00:00Z'); // 09:00 CEST
    expect(sunday).not.toContain('Early Saturday');
    expect(sunday).toContain('vs the day before');
  });

  it('after Herald was down, reports everything since the last digest', async () => {
    const back = await postDigestsAt('2025-04-02T10:30:00Z'); // missed 31 March, 1 and 2 April
    expect(back).toContain('While Herald was down');
    expect(back).toContain('vs the 3 days before');
  });

  it('reaches back 31 days at most, and reports the fall-back day’s extra hour', async () => {
    const months = await postDigestsAt('2025-10-25T07:00:00Z');
    expect(months).toContain('Late September');
    expect(months).not.toContain('Summer');
    expect(months).toContain('vs the 31 days before');
    const sunday = await postDigestsAt('2025-10-26T08:00:00Z'); // 09:00 CET: a 25-hour day
    expect(sunday).toContain('Last hour of summer time');
  });
});
