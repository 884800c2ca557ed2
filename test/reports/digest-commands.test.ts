import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestHerald, type TestHerald } from '../helpers/herald-app.ts';

let herald: TestHerald;

const Subscription = z.object({ id: z.bigint(), channel_id: z.string(), frequency: z.string(), time_of_day: z.string(), weekday: z.number(), timezone: z.string(), deleted: z.boolean() });
const subscriptions = () =>
  herald.db.primary.any(sql.type(Subscription)`
    SELECT id, channel_id, frequency, to_char(time_of_day, 'HH24:MI') AS time_of_day, weekday, timezone, deleted_at IS NOT NULL AS deleted
      FROM digest_subscriptions ORDER BY id`);

beforeAll(async () => {
  herald = await startTestHerald();
  herald.slack.setUser('UADMIN', { tz: 'America/Chicago', name: 'Ann' });
});
afterAll(() => herald.close());

describe('/herald digest', () => {
  it('subscribes with the subscriber’s Slack time zone, the given day, time and channel', async () => {
    const outcome = await herald.command('digest subscribe weekly friday 08:30 <#C777|news>');
    expect(outcome.text).toContain('Subscribed: #1 — weekly on Friday at 08:30 (America/Chicago) in <#C777>');
    await herald.command('digest subscribe daily');
    expect(await subscriptions()).toEqual([
      { id: 1n, channel_id: 'C777', frequency: 'weekly', time_of_day: '08:30', weekday: 5, timezone: 'America/Chicago', deleted: false },
      { id: 2n, channel_id: 'CGENERAL', frequency: 'daily', time_of_day: '09:00', weekday: 1, timezone: 'America/Chicago', deleted: false },
    ]);
  });

  it('explains bad input and stores nothing', async () => {
    expect((await herald.command('digest subscribe monthly')).text).toContain('Say how often: daily or weekly.');
    expect((await herald.command('digest subscribe daily noon')).text).toContain('I don\'t understand “noon”.');
    expect((await herald.command('digest subscribe daily 25:00')).text).toContain('“25:00” is not a time of day');
    expect(await subscriptions()).toHaveLength(2);
  });

  it('announces the subscription in the channel, joining a public channel Herald is not in', async () => {
    herald.slack.notMemberOf('CREPORTS', 'public');
    const outcome = await herald.command('digest subscribe weekly <#CREPORTS|reports>');
    expect(outcome.calls.filter((c) => c.method === 'conversations.join').map((c) => c.args.channel)).toEqual(['CREPORTS']);
    expect(herald.slack.messages.filter((m) => m.channel === 'CREPORTS').map((m) => m.text)).toEqual([
      expect.stringContaining('<@UADMIN> subscribed this channel to Herald’s email digest: weekly on Monday at 09:00 (America/Chicago), first'),
    ]);
    expect(outcome.text).toContain('Subscribed: #3 — weekly on Monday at 09:00 (America/Chicago) in <#CREPORTS>');
    await herald.command('digest unsubscribe 3');
  });

  it('refuses a channel Herald cannot post in, saying how to invite it; nothing is stored', async () => {
    herald.slack.notMemberOf('CSECRET', 'private');
    const before = await subscriptions();
    const outcome = await herald.command('digest subscribe daily 08:00 <#CSECRET|secret>');
    expect(outcome.text).toContain("I can't post in <#CSECRET>, so your digest cannot be posted there. Nothing was saved.");
    expect(outcome.text).toContain('type `/invite @Herald` in <#CSECRET>), then send the command again: /herald digest subscribe daily 08:00 <#CSECRET|secret>');
    expect(await subscriptions()).toEqual(before);

    herald.slack.notMemberOf('DCOLLEAGUES', 'private');
    const fromDm = await herald.command('digest subscribe daily', { channel: 'DCOLLEAGUES' });
    expect(fromDm.text).toContain("I can't post in this direct message, so your digest cannot be posted here.");
    expect(await subscriptions()).toEqual(before);
  });

  it('lists and unsubscribes; an unknown number is explained', async () => {
    const listed = await herald.command('digest list');
    expect(listed.text).toContain('#1 — weekly on Friday at 08:30');
    expect(listed.text).toContain('#2 — daily at 09:00');
    expect((await herald.command('digest unsubscribe 1')).text).toContain('Digest #1 stopped.');
    expect((await herald.command('digest unsubscribe 1')).text).toContain('There is no digest subscription #1');
    expect((await subscriptions()).map((s) => s.deleted)).toEqual([true, false, true]);
    expect((await herald.command('digest list')).text).not.toContain('#1 —');
  });
});
