import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackNotifier } from '../../src/bot/notifier.ts';
import { createAccount, createCampaign } from '../helpers/fixtures.ts';
import { startTestHerald, type TestHerald } from '../helpers/herald-app.ts';

let herald: TestHerald;
let userId: string;
let carded: bigint;
let uncarded: bigint;
let cardTs: string;

beforeAll(async () => {
  herald = await startTestHerald();
  userId = await createAccount(herald.db.primary);
  carded = await createCampaign(herald.db.primary, userId);
  uncarded = await createCampaign(herald.db.primary, userId);
  const posted = await herald.web.app.client.chat.postMessage({ channel: 'CCARDS', text: 'card v1' });
  cardTs = posted.ts as string;
  await herald.db.primary.query(sql.unsafe`
    UPDATE campaigns SET slack_channel_id = 'CCARDS', slack_message_ts = ${cardTs} WHERE user_id = ${userId} AND id = ${carded}`);
});
afterAll(async () => {
  await herald.close();
});

describe('Slack notifier', () => {
  it('posts in the thread of the campaign card, and nowhere for a campaign without one', async () => {
    await herald.notifier.campaignThread({ userId, campaignId: carded }, { text: 'Approved by <@U2>' });
    await herald.notifier.campaignThread({ userId, campaignId: uncarded }, { text: 'lost' });
    expect(herald.slack.thread('CCARDS', cardTs).map((m) => m.text)).toEqual(['card v1', 'Approved by <@U2>']);
    expect(herald.slack.messages.some((m) => m.text === 'lost')).toBe(false);
  });

  it('never posts in the thread of another account’s campaign', async () => {
    const other = await createAccount(herald.db.primary);
    await herald.notifier.campaignThread({ userId: other, campaignId: carded }, { text: 'leak' });
    expect(herald.slack.messages.some((m) => m.text === 'leak')).toBe(false);
  });

  it('re-renders the card in place with the injected renderer (and does nothing without one)', async () => {
    const before = herald.slack.callsTo('chat.update').length;
    await createSlackNotifier(herald.services, herald.web.app.client).refreshCampaignCard({ userId, campaignId: carded });
    expect(herald.slack.callsTo('chat.update').length).toBe(before);
    const rendered: Array<[string, bigint]> = [];
    const notifier = createSlackNotifier(herald.services, herald.web.app.client, async (account, campaignId) => {
      rendered.push([account, campaignId]);
      return { text: 'card v2', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*card v2*' } }] };
    });
    await notifier.refreshCampaignCard({ userId, campaignId: carded });
    expect(rendered).toEqual([[userId, carded]]);
    expect(herald.slack.messages.find((m) => m.ts === cardTs)?.text).toBe('card v2');
  });
});
