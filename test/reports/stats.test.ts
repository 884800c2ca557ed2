import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ingestEvents, type NewEvent } from '../../src/db/events.ts';
import { ensureCampaignLinks } from '../../src/db/links.ts';
import { markSent } from '../helpers/campaign-events.ts';
import { addRecipients, createCampaign, createContacts } from '../helpers/fixtures.ts';
import { startTestHerald, type Outcome, type TestHerald } from '../helpers/herald-app.ts';
import { RESEND_NON_OPENERS_ACTION, STATS_ACTION } from '../../src/bot/views/stats.ts';
import { queryCounter } from '../helpers/query-counter.ts';

const counter = queryCounter();
let herald: TestHerald;
let userId: string;
let readPoolId: string;

const LINKS = ['https://example.com/spring', 'https://example.com/shoes', 'https://example.com/terms'];

type Script = { events: NewEvent[]; unknown: bigint[]; failed: bigint[] };

/** A deterministic stream of events over the recipients, including repeats and machine opens/clicks. */
function scriptEvents(campaignId: bigint, contacts: readonly bigint[]): Script {
  const events: NewEvent[] = [];
  const unknown: bigint[] = [];
  const failed: bigint[] = [];
  const event = (contactId: bigint, type: NewEvent['type'], extra: Partial<NewEvent> = {}) =>
    events.push({ userId, campaignId, contactId, type, ...extra });
  contacts.forEach((contactId, i) => {
    if (i % 17 === 16) return failed.push(contactId);
    if (i % 19 === 18) return unknown.push(contactId);
    event(contactId, 'sent');
    if (i % 10 === 0) return event(contactId, 'bounced', { bounceType: 'hard' });
    if (i % 10 === 1) return event(contactId, 'bounced', { bounceType: 'soft' });
    if (i % 6 !== 5) event(contactId, 'delivered');
    if (i % 3 === 0) event(contactId, 'opened');
    if (i % 6 === 0) event(contactId, 'opened'); // opened twice
    if (i % 7 === 0) event(contactId, 'opened', { metadata: { machine: true } }); // privacy proxy
    const click = (url: string, machine = false) =>
      event(contactId, 'clicked', { linkUrl: url, ...(machine ? { metadata: { machine: true } } : {}) });
    if (i % 4 === 0) click(LINKS[0]!);
    if (i % 8 === 0) click(LINKS[0]!); // clicked again
    if (i % 5 === 0) click(LINKS[1]!);
    if (i % 9 === 0) click(LINKS[2]!, true); // link scanner
    if (i % 11 === 0) event(contactId, 'unsubscribed');
    if (i % 13 === 0) event(contactId, 'complained');
    if (i % 12 === 0) event(contactId, 'unsubscribed'); // a second unsubscribe of the same kind for some
  });
  return { events, unknown, failed };
}

/** The numbers the stats card must show, computed from the script by Herald's documented rules. */
function expectedStats(events: readonly NewEvent[]) {
  const recipients = (predicate: (e: NewEvent) => boolean) => new Set(events.filter(predicate).map((e) => e.contactId)).size;
  const human = (e: NewEvent) => e.metadata?.machine !== true;
  const delivered = recipients((e) => e.type === 'delivered' || ((e.type === 'opened' || e.type === 'clicked') && human(e)));
  const opened = recipients((e) => e.type === 'opened' && human(e));
  const clicked = recipients((e) => e.type === 'clicked' && human(e));
  const sent = events.filter((e) => e.type === 'sent').length;
  const bounced = recipients((e) => e.type === 'bounced');
  const hard = recipients((e) => e.type === 'bounced' && e.bounceType === 'hard');
  const rate = (part: number, whole: number) => (whole > 0 ? Math.round((part * 10000) / whole) / 100 : 0);
  const linkClicks = LINKS.map((url) => ({ url, clicks: events.filter((e) => e.type === 'clicked' && human(e) && e.linkUrl === url).length }))
    .filter((l) => l.clicks > 0)
    .sort((a, b) => b.clicks - a.clicks);
  return {
    sent,
    delivered,
    opened,
    clicked,
    bounced,
    hard,
    soft: bounced - hard,
    unsubscribed: recipients((e) => e.type === 'unsubscribed'),
    complained: recipients((e) => e.type === 'complained'),
    openRate: rate(opened, delivered),
    clickRate: rate(clicked, delivered),
    bounceRate: rate(bounced, sent),
    linkClicks,
  };
}

async function sentCampaign(name: string, size: number) {
  const campaignId = await createCampaign(herald.db.primary, userId, name);
  const contacts = await createContacts(herald.db.primary, userId, size, name.toLowerCase().replace(/\W/g, ''));
  await addRecipients(herald.db.primary, userId, campaignId, contacts);
  await ensureCampaignLinks(herald.db.primary, { userId, campaignId }, LINKS.map((url) => ({ url, text: null })));
  const script = scriptEvents(campaignId, contacts);
  // the stream arrives in several flushes, as the tracking buffer would deliver it
  for (let start = 0; start < script.events.length; start += 97) {
    await ingestEvents(herald.db, script.events.slice(start, start + 97));
  }
  await herald.db.primary.query(sql.unsafe`
    UPDATE campaign_recipients SET status = CASE WHEN contact_id = ANY(${sql.array(script.unknown.map(String), 'int8')}::int8[]) THEN 'unknown'
                                                 WHEN contact_id = ANY(${sql.array(script.failed.map(String), 'int8')}::int8[]) THEN 'failed'
                                                 ELSE 'sent' END
     WHERE user_id = ${userId} AND campaign_id = ${campaignId}`);
  await markSent(herald.db.primary, userId, campaignId, new Date());
  return { campaignId, script };
}

/** The stats card's fields by label. */
function fieldsOf(blocks: Array<{ fields?: Array<{ text: string }> }>): Record<string, string> {
  const fields = blocks.find((b) => b.fields)!.fields!;
  return Object.fromEntries(fields.map((f) => {
    const [label, value] = f.text.split('\n');
    return [label!.replace(/\*/g, ''), value!];
  }));
}

/** The `/herald stats` answer posted in the channel, with its fields by label. */
function statsAnswer(outcome: Outcome) {
  const answer = outcome.responses.at(-1);
  expect(answer.response_type).toBe('in_channel');
  return { byLabel: fieldsOf(answer.blocks), text: outcome.text };
}

const fmt = (n: number) => n.toLocaleString('en-US');
const pct = (n: number) => `${n.toFixed(1)} %`;

beforeAll(async () => {
  herald = await startTestHerald({ database: { interceptors: [counter.interceptor], separateReadPool: true } });
  await herald.command('help'); // the first command installs the workspace
  userId = await herald.db.primary.oneFirst(sql.type(z.object({ user_id: z.string() }))`SELECT user_id FROM slack_workspaces WHERE team_id = 'T1'`);
  counter.reset();
  await herald.db.read.query(sql.unsafe`SELECT 1`);
  readPoolId = counter.queries[0]!.poolId;
});
afterAll(() => herald.close());

describe('/herald stats <campaign>', () => {
  it('shows the numbers of a scripted event stream, computed independently', async () => {
    const { script } = await sentCampaign('Spring sale', 120);
    const expected = expectedStats(script.events);
    expect(expected.opened).toBeGreaterThan(0);

    const { byLabel, text } = statsAnswer(await herald.command('stats "Spring sale"'));
    expect(byLabel).toEqual({
      Sent: fmt(expected.sent),
      Delivered: fmt(expected.delivered),
      'Unique opens': `${fmt(expected.opened)} (${pct(expected.openRate)})`,
      'Unique clicks': `${fmt(expected.clicked)} (${pct(expected.clickRate)})`,
      Bounces: `${fmt(expected.bounced)} (${pct(expected.bounceRate)}) — ${fmt(expected.hard)} hard · ${fmt(expected.soft)} soft`,
      Unsubscribes: fmt(expected.unsubscribed),
      Complaints: fmt(expected.complained),
      'Unknown / failed': `${script.unknown.length} / ${script.failed.length}`,
    });
    const topLinks = text.slice(text.indexOf('Top clicked links'));
    expect(expected.linkClicks.map((l) => l.url)).toEqual([LINKS[0], LINKS[1]]); // the scanner's link has no human click
    for (const [rank, link] of expected.linkClicks.entries()) {
      expect(topLinks).toContain(`${rank + 1}. <${link.url}|${link.url}> — ${link.clicks} clicks`);
    }
    expect(topLinks).not.toContain(LINKS[2]);
  });

  it('runs the same small number of queries, all reads on the read pool, whatever the number of events', async () => {
    await sentCampaign('Tiny', 3);
    await sentCampaign('Huge', 3000);
    const measure = async (name: string) => {
      counter.reset();
      const outcome = await herald.command(`stats ${name}`);
      expect(outcome.responses.at(-1).blocks).toBeDefined();
      const reports = counter.queries.filter((q) => /FROM campaigns c|FROM campaign_links/.test(q.sql));
      return { total: counter.count(), reports: reports.length, onRead: reports.filter((q) => q.poolId === readPoolId).length };
    };
    const tiny = await measure('Tiny');
    const huge = await measure('Huge');
    expect(huge).toEqual(tiny);
    expect(huge.total).toBeLessThanOrEqual(6);
    expect(huge.reports).toBe(2);
    expect(huge.onRead).toBe(huge.reports);
    expect(counter.queries.some((q) => /email_events/.test(q.sql))).toBe(false);
  });

  it('tells the asker when no campaign has that name, and posts nothing in the channel', async () => {
    const outcome = await herald.command('stats "No such thing"');
    expect(outcome.responses.at(-1).response_type).toBe('ephemeral');
    expect(outcome.text).toContain('There is no campaign named “No such thing”');
  });
});

describe('the Stats button on a campaign card', () => {
  it('posts the same numbers into the card’s thread, with a resend offer for non-openers', async () => {
    const { campaignId } = await sentCampaign('Button press', 30);
    const card = { ts: '1700000500.000100', text: 'card' };
    const outcome = await herald.action(STATS_ACTION, { value: String(campaignId), channel: 'CCAMPAIGNS', message: card });
    const posted = outcome.calls.find((c) => c.method === 'chat.postMessage');
    expect(posted?.args).toMatchObject({ channel: 'CCAMPAIGNS', thread_ts: card.ts });
    const command = statsAnswer(await herald.command('stats "Button press"'));
    expect(fieldsOf(JSON.parse(String(posted!.args.blocks)))).toEqual(command.byLabel);
    expect(String(posted!.args.blocks)).toContain(RESEND_NON_OPENERS_ACTION);
  });
});

describe('/herald stats', () => {
  it('shows the last 10 campaigns side by side and month-to-date sends against the quota', async () => {
    await herald.db.primary.query(sql.unsafe`
      UPDATE users SET monthly_emails_sent = 2500, monthly_email_limit = 10000 WHERE id = ${userId}`);
    for (let i = 0; i < 10; i += 1) await sentCampaign(`Weekly ${i}`, 2);
    const outcome = await herald.command('stats');
    const answer = outcome.responses.at(-1);
    expect(answer.response_type).toBe('in_channel');
    const table = String(answer.blocks[1].text.text);
    const rows = table.replace(/```/g, '').split('\n').slice(1);
    expect(rows).toHaveLength(10);
    expect(rows[0]).toMatch(/^Weekly 9/);
    expect(table).not.toContain('Spring sale'); // the 13th most recent
    expect(outcome.text).toContain('2,500 of 10,000 emails (25.0 %)');
  });
});
