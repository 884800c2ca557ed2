import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestHerald, type TestHerald } from '../helpers/herald-app.ts';
import { HOME_PAGE_ACTIONS } from '../../src/bot/views/home-campaigns.ts';

let herald: TestHerald;
let userId: string;

const homeOpened = (user: string) => ({ type: 'app_home_opened', user, channel: 'DHOME', tab: 'home', event_ts: '1700000000.1' });
const homeText = (user: string) => JSON.stringify(herald.slack.homeViews.get(user));

/** 500 campaigns in every state the home shows: 200 drafts of UADMIN, 100 each pending approval (by UEDITOR), scheduled and sent. */
async function seedCampaigns() {
  await herald.db.primary.query(sql.unsafe`
    INSERT INTO campaigns (user_id, name, subject, status, created_by, scheduled_at, sent_at, emails_sent, emails_delivered, emails_opened)
    SELECT ${userId}, format('%s %s', s.status, n), 'Hi', s.status, s.author,
           CASE WHEN s.status = 'scheduled' THEN now() + make_interval(days => 2, hours => n) END,
           CASE WHEN s.status = 'sent' THEN now() - make_interval(hours => n) END,
           CASE WHEN s.status = 'sent' THEN 100 ELSE 0 END,
           CASE WHEN s.status = 'sent' THEN 100 ELSE 0 END,
           CASE WHEN s.status = 'sent' THEN n % 100 ELSE 0 END
      FROM (VALUES ('draft', 'UADMIN', 200), ('pending_approval', 'UEDITOR', 100), ('scheduled', 'UADMIN', 100), ('sent', 'UADMIN', 100))
             AS s(status, author, how_many)
     CROSS JOIN LATERAL generate_series(1, s.how_many) AS n`);
}

beforeAll(async () => {
  herald = await startTestHerald();
  await herald.command('help'); // installs the workspace; UADMIN is its admin
  await herald.command('help', { user: 'UEDITOR' });
  userId = await herald.db.primary.oneFirst(sql.type(z.object({ user_id: z.string() }))`SELECT user_id FROM slack_workspaces WHERE team_id = 'T1'`);
  await seedCampaigns();
});
afterAll(() => herald.close());

describe('App Home with 500 campaigns', () => {
  it('is accepted by the Web API: a page per section, counts, and "More" buttons instead of 500 rows', async () => {
    const outcome = await herald.event(homeOpened('UADMIN'));
    expect(outcome.calls.map((c) => c.method)).toContain('views.publish');
    expect(herald.slack.rejections).toEqual([]);
    const view = herald.slack.homeViews.get('UADMIN')!;
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const text = homeText('UADMIN');
    expect(text).toContain('*Your drafts* (200)');
    expect(text).toContain('*Awaiting your approval* (100)');
    expect(text).toContain('*Scheduled later* (100)');
    expect(text).toContain('*Recently sent* (100)');
    expect(text).toContain('More (192) →');
    expect(text).toContain('*sent 1* — 100 sent · 1.0 % opened'); // newest first, with its rates
    expect(text).not.toContain('*sent 9*');
    expect(text).toContain('Sent this billing month');
  });

  it('pages through a section with its buttons', async () => {
    const more = herald.slack.homeViews.get('UADMIN')!.blocks.find((b: { block_id?: string }) => b.block_id === 'home_page_sent').elements[0];
    await herald.action(HOME_PAGE_ACTIONS.older, { user: 'UADMIN', value: more.value, view: herald.slack.homeViews.get('UADMIN') });
    expect(herald.slack.rejections).toEqual([]);
    const text = homeText('UADMIN');
    expect(text).toContain('*sent 9*');
    expect(text).not.toContain('*sent 1* —');
    expect(text).toContain('Showing 9–16 of 100');
    expect(text).toContain('← Newer');
  });

  it('shows an editor no approvals and only their own drafts', async () => {
    await herald.event(homeOpened('UEDITOR'));
    expect(herald.slack.rejections).toEqual([]);
    const text = homeText('UEDITOR');
    expect(text).not.toContain('Awaiting your approval');
    expect(text).not.toContain('Your drafts* (');
    expect(text).toContain('*Scheduled later* (100)');
  });

  it('is re-published for the members who opened it when a campaign changes, and for nobody else', async () => {
    await herald.command('help', { user: 'UNEVER' }); // a member who never opened the App Home
    const card = await herald.web.app.client.chat.postMessage({ channel: 'CCAMPAIGNS', text: 'card' });
    const campaignId = await herald.db.primary.oneFirst(sql.type(z.object({ id: z.bigint() }))`
      INSERT INTO campaigns (user_id, name, subject, status, created_by, scheduled_at, slack_channel_id, slack_message_ts)
      VALUES (${userId}, 'Brand new', 'Hi', 'scheduled', 'UADMIN', now() + interval '3 days', 'CCAMPAIGNS', ${card.ts!})
      RETURNING id`);
    const publishesBefore = herald.slack.callsTo('views.publish').length;
    await herald.notifier.refreshCampaignCard({ userId, campaignId });
    const published = herald.slack.callsTo('views.publish').slice(publishesBefore).map((c) => c.args.user_id).sort();
    expect(published).toEqual(['UADMIN', 'UEDITOR']);
    expect(homeText('UADMIN')).toContain('*Scheduled later* (101)');
    expect(herald.slack.rejections).toEqual([]);
  });
});
