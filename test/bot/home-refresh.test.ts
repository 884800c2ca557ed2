import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HOME_PAGE_ACTIONS } from '../../src/bot/views/home-campaigns.ts';
import { refreshMovedCards } from '../../src/jobs/card-refresh.ts';
import { startTestHerald, type TestHerald } from '../helpers/herald-app.ts';
import { queryCounter } from '../helpers/query-counter.ts';

const counter = queryCounter();
let herald: TestHerald;
let userId: string;
let campaignId: bigint;
let readPoolId: string;

const homeOpened = (user: string) => ({ type: 'app_home_opened', user, channel: 'DHOME', tab: 'home', event_ts: '1700000000.1' });
const homeText = (user: string) => JSON.stringify(herald.slack.homeViews.get(user));
const publishes = () => herald.slack.callsTo('views.publish').length;

/** Presses a section's "More →" in the member's App Home. */
async function pageOn(user: string, section: string) {
  const home = herald.slack.homeViews.get(user)!;
  const more = home.blocks.find((b: { block_id?: string }) => b.block_id === `home_page_${section}`)
    .elements.find((e: { action_id: string }) => e.action_id === HOME_PAGE_ACTIONS.older);
  await herald.action(HOME_PAGE_ACTIONS.older, { user, value: more.value, view: home });
}

beforeAll(async () => {
  herald = await startTestHerald({ database: { separateReadPool: true, interceptors: [counter.interceptor] } });
  await herald.command('help'); // installs the workspace; UADMIN is its admin
  await herald.command('help', { user: 'UEDITOR' });
  userId = await herald.db.primary.oneFirst(sql.type(z.object({ user_id: z.string() }))`SELECT user_id FROM slack_workspaces WHERE team_id = 'T1'`);
  counter.reset();
  await herald.db.read.query(sql.unsafe`SELECT 1`);
  readPoolId = counter.queries[0]!.poolId;
  // 20 sent campaigns (three pages of "Recently sent"), 10 drafts of UADMIN, and a sending one with a card
  await herald.db.primary.query(sql.unsafe`
    INSERT INTO campaigns (user_id, name, subject, status, created_by, sent_at, emails_sent, emails_delivered)
    SELECT ${userId}, format('%s %s', s.status, n), 'Hi', s.status, 'UADMIN',
           CASE WHEN s.status = 'sent' THEN now() - make_interval(hours => n) END,
           CASE WHEN s.status = 'sent' THEN 100 ELSE 0 END, CASE WHEN s.status = 'sent' THEN 100 ELSE 0 END
      FROM (VALUES ('sent', 20), ('draft', 10)) AS s(status, how_many)
     CROSS JOIN LATERAL generate_series(1, s.how_many) AS n`);
  const card = await herald.web.app.client.chat.postMessage({ channel: 'CCAMPAIGNS', text: 'card' });
  campaignId = await herald.db.primary.oneFirst(sql.type(z.object({ id: z.bigint() }))`
    INSERT INTO campaigns (user_id, name, subject, status, created_by, emails_sent, emails_delivered, slack_channel_id, slack_message_ts)
    VALUES (${userId}, 'Going out', 'Hi', 'sending', 'UADMIN', 10, 10, 'CCAMPAIGNS', ${card.ts!}) RETURNING id`);
  await herald.event(homeOpened('UADMIN'));
  await herald.event(homeOpened('UEDITOR'));
});
afterAll(() => herald.close());

describe('App Home re-published after a campaign changes', () => {
  it('is not re-published when only a campaign\'s counters moved (the card still is)', async () => {
    const before = { publishes: publishes(), updates: herald.slack.callsTo('chat.update').length };
    await herald.db.primary.query(sql.unsafe`UPDATE campaigns SET emails_opened = 3 WHERE id = ${campaignId}`);
    expect(await refreshMovedCards({ db: herald.db.primary, notifier: herald.notifier, log: herald.services.log })).toBe(1);
    expect(herald.slack.callsTo('chat.update').length).toBe(before.updates + 1);
    expect(publishes()).toBe(before.publishes);
  });

  it('keeps the pages each member is on, in every section they paged', async () => {
    await pageOn('UADMIN', 'sent');
    await pageOn('UADMIN', 'drafts');
    await pageOn('UADMIN', 'sent');
    expect(homeText('UADMIN')).toContain('Showing 17–20 of 20');
    await herald.db.primary.query(sql.unsafe`UPDATE campaigns SET status = 'paused' WHERE id = ${campaignId}`);
    await herald.notifier.refreshCampaignCard({ userId, campaignId });
    expect(herald.slack.rejections).toEqual([]);
    const admin = homeText('UADMIN');
    expect(admin).toContain('Showing 17–'); // "Recently sent", third page (the paused campaign sent something: it is one of them now)
    expect(admin).toContain('Showing 9–10 of 10');
    expect(homeText('UEDITOR')).not.toContain('Showing 9–');
  });

  it('reads the change from the primary, and counts the account\'s contacts once for all the homes', async () => {
    await herald.db.primary.query(sql.unsafe`UPDATE campaigns SET status = 'sending' WHERE id = ${campaignId}`);
    counter.reset();
    const before = publishes();
    await herald.notifier.refreshCampaignCard({ userId, campaignId });
    expect(publishes()).toBe(before + 2);
    expect(counter.queries.filter((q) => q.poolId === readPoolId)).toEqual([]);
    expect(counter.queries.filter((q) => /FROM contacts WHERE/.test(q.sql))).toHaveLength(1);
  });
});
