import { describe, expect, it } from 'vitest';
import { autoPauseAlert, autoPauseResolved } from '../../../src/bot/views/auto-pause.ts';
import { digestListMessage, digestMessage } from '../../../src/bot/views/digest.ts';
import { homeView } from '../../../src/bot/views/home.ts';
import { resendModal } from '../../../src/bot/views/resend.ts';
import { accountStatsMessage, campaignStatsMessage } from '../../../src/bot/views/stats.ts';
import type { DigestSubscription } from '../../../src/db/digests.ts';
import type { HomeCampaign } from '../../../src/db/home.ts';
import type { CampaignCounters } from '../../../src/db/reports.ts';
import type { Digest } from '../../../src/reports/digests.ts';
import { assertValidMessageBlocks, assertValidView } from '../../helpers/fake-slack.ts';

const long = (n: number, c = 'x') => c.repeat(n);
const hostile = '<!channel> & <@U1> *bold* `code`';

function counters(i: number, name = `${long(240)}${i}`): CampaignCounters {
  return {
    id: BigInt(i), name, status: 'sent', sent_at: new Date('2025-03-01T10:00:00Z'), recipients_total: 1_000_000,
    emails_sent: 999_999, emails_delivered: 990_000, emails_opened: 400_000, emails_clicked: 90_000, emails_bounced: 9_999,
    emails_hard_bounced: 5_000, emails_unsubscribed: 1_234, emails_complained: 12, open_rate: 40.4, click_rate: 9.09, bounce_rate: 1,
  };
}
const quota = { monthly_email_limit: 1_000_000, monthly_emails_sent: 999_999, quota_period_start: '2025-03-01' };
const texts = (blocks: readonly object[]) => JSON.stringify(blocks);
/** Text Slack parses for mentions and links (plain_text shows as typed). */
const mrkdwnOf = (blocks: readonly object[]) => JSON.stringify(blocks).match(/"type":"mrkdwn","text":"(?:[^"\\]|\\.)*"/g)?.join('\n') ?? '';

describe('stats messages', () => {
  it('one campaign: valid with the longest names and links, user text escaped', () => {
    const message = campaignStatsMessage({
      campaign: { ...counters(1, `${hostile}${long(200)}`), unknown_count: 3, failed_count: 4 },
      topLinks: Array.from({ length: 5 }, (_, i) => ({ url: `https://example.com/${long(2000)}${i}?a=<b>|c`, link_text: `${hostile}${long(900)}`, clicks: 1_000_000 })),
    });
    assertValidMessageBlocks(message.blocks);
    expect(mrkdwnOf(message.blocks)).not.toContain('<!channel>');
    expect(mrkdwnOf(message.blocks)).toContain('&lt;!channel&gt;');
    expect(mrkdwnOf(message.blocks)).not.toContain('<@U1>');
    expect(mrkdwnOf(message.blocks)).toMatch(/5\. &lt;!channel&gt;.*— 1,000,000 clicks/);
  });

  it('the account overview: ten campaigns and the quota, valid', () => {
    const message = accountStatsMessage({ campaigns: Array.from({ length: 10 }, (_, i) => counters(i, `${hostile}${long(240)}`)), quota });
    assertValidMessageBlocks(message.blocks);
    expect(mrkdwnOf(message.blocks)).not.toContain('<!channel>');
    expect(mrkdwnOf(message.blocks)).toContain('&lt;!channel&gt;');
  });
});

describe('digest messages', () => {
  const digest = (campaigns: number, lists: number): Digest => ({
    frequency: 'weekly',
    period: { from: new Date('2025-03-03T08:00:00Z'), to: new Date('2025-03-10T08:00:00Z') },
    campaigns: Array.from({ length: campaigns }, (_, i) => counters(i, `${hostile}${long(240)}${i}`)),
    current: { campaigns: 500, sent: 10_000_000, delivered: 9_900_000, opened: 4_000_000, clicked: 900_000, bounced: 100_000 },
    previous: { campaigns: 400, sent: 9_000_000, delivered: 8_000_000, opened: 2_000_000, clicked: 1_000_000, bounced: 10_000 },
    listChanges: Array.from({ length: lists }, (_, i) => ({ name: `${hostile}${long(240)}${i}`, before: i % 2 ? 1000 : 10, after: i % 2 ? i : 1000 + i })),
  });

  it('stays valid with 15 campaigns and 500 lists that changed, showing the largest changes and a count of the rest', () => {
    const message = digestMessage(digest(15, 500));
    assertValidMessageBlocks(message.blocks);
    expect(texts(message.blocks).length).toBeLessThan(12_000);
    expect(texts(message.blocks)).toContain('…and 485 more');
    expect(texts(message.blocks)).toContain('…and 240 more');
    expect(mrkdwnOf(message.blocks)).not.toContain('<!channel>');
    expect(mrkdwnOf(message.blocks)).toContain('&lt;!channel&gt;');
  });

  it('says when nothing was sent and when lists cannot be compared yet', () => {
    const message = digestMessage({ ...digest(0, 0), listChanges: null, current: { campaigns: 0, sent: 0, delivered: 0, opened: 0, clicked: 0, bounced: 0 } });
    assertValidMessageBlocks(message.blocks);
    expect(texts(message.blocks)).toContain('No campaign finished sending in this period.');
    expect(texts(message.blocks)).toContain('List growth is reported from the next digest on.');
  });

  it('the subscription list stays valid with many subscriptions', () => {
    const subscription = (i: number): DigestSubscription => ({
      user_id: 'u', id: BigInt(i), channel_id: 'C123', frequency: i % 2 ? 'daily' : 'weekly', time_of_day: '09:00', weekday: 3,
      timezone: 'America/Argentina/ComodRivadavia', created_by: 'U1', next_run_at: new Date(), last_run_at: null, last_list_counts: {},
    });
    assertValidMessageBlocks(digestListMessage(Array.from({ length: 200 }, (_, i) => subscription(i))).blocks);
    assertValidMessageBlocks(digestListMessage([]).blocks);
  });
});

describe('auto-pause alert', () => {
  it('is a valid message with Resume and a confirmed Cancel, the name escaped', () => {
    const alert = autoPauseAlert({
      ref: { userId: 'u', campaignId: 42n },
      name: `${hostile}${long(240)}`,
      breaches: [
        { kind: 'hard bounces', count: 11, sample: 200, percent: 5.5, limit: 5 },
        { kind: 'complaints', count: 1, sample: 200, percent: 0.5, limit: 0.3 },
      ],
    });
    assertValidMessageBlocks(alert.blocks);
    expect(alert.text).toContain('hard bounces 5.5 %, complaints 0.50 %');
    expect(mrkdwnOf(alert.blocks)).not.toContain('<!channel>');
    expect(mrkdwnOf(alert.blocks)).toContain('&lt;!channel&gt;');
    assertValidMessageBlocks(autoPauseResolved('<@U1> resumed sending.').blocks);
  });
});

describe('resend modal and App Home', () => {
  it('the resend modal is a valid view', () => {
    assertValidView(resendModal({ campaignId: 1n, name: `${hostile}${long(240)}`, nonOpeners: 123_456, channel: 'C1' }));
  });

  // every kind of line the "In progress / needs attention" section has, at their longest
  const attention: ReadonlyArray<Partial<HomeCampaign>> = [
    { status: 'paused', held_at: new Date() },
    { status: 'paused', paused_by_action: 'auto_pause', paused_by: 'herald:auto-pause' },
    { status: 'paused', paused_by_action: 'pause_sending', pause_reason: `${hostile}${long(300)}` },
    { status: 'paused', paused_by_action: 'pause', paused_by: 'U0123456789ABCDEFGH' },
    { status: 'approved', approved_by: 'U0123456789ABCDEFGH' },
    { status: 'sending' },
    { status: 'scheduled' },
    { status: 'paused' },
  ];
  const item = (section: HomeCampaign['section'], i: number): HomeCampaign => ({
    section, id: BigInt(i), name: `${hostile}${long(240)}${i}`, status: 'sent', scheduled_at: new Date(), sent_at: new Date(),
    emails_sent: 1_000_000, recipients_total: 9_999_999, open_rate: 40, click_rate: 9, bounce_rate: 1, approved_by: null, held_at: null,
    paused_by_action: null, paused_by: null, pause_reason: null, section_total: 10_000,
    ...(section === 'attention' ? attention[i] : {}),
  });
  const page = (section: HomeCampaign['section']) => ({ items: Array.from({ length: 8 }, (_, i) => item(section, i)), total: 10_000, page: 3 });
  const home = (canApprove: boolean) => homeView({
    role: canApprove ? 'admin' : 'editor', lists: 1, contacts: 2, templates: 3,
    campaigns: {
      canApprove, pageSize: 8, quota,
      sections: { attention: page('attention'), drafts: page('drafts'), requests: page('requests'), approvals: page('approvals'), scheduled: page('scheduled'), sent: page('sent') },
    },
  });

  it('App Home stays valid with a full page of long names in every section', () => {
    for (const view of [home(true), home(false)]) {
      assertValidView(view);
      expect(texts(view.blocks)).toContain('Showing 25–32 of 10,000');
      expect(mrkdwnOf(view.blocks)).not.toContain('<!channel>');
      expect(mrkdwnOf(view.blocks)).toContain('&lt;!channel&gt;');
    }
  });

  it('App Home says who can act on each campaign in progress or needing attention', () => {
    const approver = mrkdwnOf(home(true).blocks);
    expect(approver).toContain('*In progress / needs attention* (10,000)');
    expect(approver).toContain('held: its send time passed while Herald was down — anyone can resume it (it sends at once), reschedule or cancel it');
    expect(approver).toContain('1,000,000 of 9,999,999 sent, paused by Herald for its bounces or complaints — you can resume it; anyone can cancel it');
    expect(approver).toContain('paused by Herald: &lt;!channel&gt; &amp; ');
    expect(approver).toContain('paused by <@U0123456789ABCDEFGH> — anyone can resume or cancel it');
    expect(approver).toContain('approved by <@U0123456789ABCDEFGH> for <!date^');
    expect(approver).toContain('sending, 1,000,000 of 9,999,999 sent — anyone can pause or cancel it');
    expect(approver).toMatch(/sends <!date\^\d+\^\{date_short_pretty\} \{time\}\|[^>]+> — anyone can pause or cancel it before then/);
    expect(mrkdwnOf(home(false).blocks)).toContain('paused by Herald for its bounces or complaints — only an approver or admin can resume it');
    expect(approver).toContain('*Your approval requests* (10,000)');
    expect(approver).toContain('*Scheduled later* (10,000)');
  });
});
