import { describe, expect, it } from 'vitest';
import type { Preflight } from '../../../src/campaigns/preflight.ts';
import type { Campaign, CampaignStatus } from '../../../src/db/campaigns.ts';
import { approvalModal, approvalPendingModal, approvalRequestCard } from '../../../src/bot/views/campaign-approval.ts';
import { campaignCard } from '../../../src/bot/views/campaign-card.ts';
import { campaignFormModal } from '../../../src/bot/views/campaign-form.ts';
import { preflightCard } from '../../../src/bot/views/campaign-preflight.ts';
import { campaignsMessage, overduePrompt, rescheduleModal, sendTestModal } from '../../../src/bot/views/campaign-prompts.ts';
import { CAMPAIGN_ACTIONS, CAMPAIGN_TEMPLATE_PICK_ACTION } from '../../../src/bot/views/campaign-ids.ts';
import { LIST_SELECT_ACTION } from '../../../src/bot/views/lists.ts';
import { textOf } from '../../helpers/herald-app.ts';
import { assertValidMessageBlocks, assertValidView } from '../../helpers/fake-slack.ts';

const NOW = new Date('2030-05-01T08:00:00Z');
const long = (n: number) => 'x'.repeat(n);

function campaign(overrides: Partial<Campaign> = {}): Campaign {
  return {
    user_id: 'u', id: 7n, name: 'Spring sale', status: 'draft', template_id: 1n, subject: 'Hello {{first_name}}',
    html_content: '<p>Hi</p>', text_content: null, from_name: 'Acme', from_email: 'news@acme.test', reply_to: null,
    segment: {}, scheduled_at: new Date('2030-05-02T08:00:00Z'), timezone: 'Europe/Berlin', sent_at: null,
    created_by: 'UAUTHOR', edited_by: 'UAUTHOR', approved_hash: null, approved_by: null, approved_at: null, held_at: null,
    slack_channel_id: 'C1', slack_message_ts: '1.1', created_at: NOW, recipients_total: 0, emails_sent: 0,
    emails_delivered: 0, emails_opened: 0, emails_clicked: 0, emails_bounced: 0, emails_unsubscribed: 0,
    open_rate: 0, click_rate: 0, content_hash: 'a'.repeat(64), list_ids: [1n], ...overrides,
  };
}

function preflight(overrides: Partial<Preflight> = {}): Preflight {
  return {
    recipients: 1200, duplicates: 30, suppressed: { unsubscribed: 4, bounced: 2, complained: 1 },
    quota: { limit: 1000, used: 100, remaining: 900, afterSend: 0, shortBy: 300, laterPeriodStart: null },
    missingFields: [{ field: 'first_name', missing: 12 }], links: [{ url: 'https://acme.test/sale', text: 'Sale' }],
    unsubscribe: { inBody: false, footer: true, oneClickHeaders: true, mailto: false }, postalAddress: null, ...overrides,
  };
}

const actionIds = (blocks: readonly object[]) =>
  (blocks as Array<{ type: string; elements?: Array<{ action_id?: string }> }>)
    .filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []).map((e) => e.action_id);

describe('campaign form modal', () => {
  const values = { name: '', templateId: '', subject: '', body: '', fromName: '', fromEmail: '', listIds: [], tags: '',
    field: '', engagedDays: '', sendDate: '', sendTime: '', timezone: 'Europe/Berlin' };

  it('stays within Slack limits with 100+ templates and lists and long values', () => {
    const many = Array.from({ length: 150 }, (_, i) => ({ id: BigInt(i + 1), name: `${long(90)} ${i}` }));
    const view = campaignFormModal({ channel: 'C1', templates: many, lists: many,
      values: { ...values, name: long(200), body: long(5000), listIds: ['1', '2'], templateId: '3', sendDate: '2030-05-02', sendTime: '10:00' } });
    assertValidView(view);
    const blockIds = view.blocks.map((b) => b.block_id).filter(Boolean);
    expect(blockIds).toEqual(expect.arrayContaining(['name', 'template', 'subject', 'body', 'from_name', 'from_email', 'lists',
      'tags', 'field', 'engaged_days', 'send_date', 'send_time', 'timezone']));
  });

  const named = (count: number, prefix: string) =>
    Array.from({ length: count }, (_, i) => ({ id: BigInt(i + 1), name: `${prefix} ${String(i + 1).padStart(3, '0')}` }));
  const elementOf = (view: { blocks: object[] }, blockId: string) =>
    (view.blocks as Array<{ block_id?: string; element: Record<string, any> }>).find((b) => b.block_id === blockId)!.element;

  it('searches lists and templates beyond the first 100, keeping the current ones selected wherever they sort', () => {
    const view = campaignFormModal({ channel: 'C1', campaignId: 9n, templates: named(150, 'Template'), lists: named(300, 'List'),
      values: { ...values, templateId: '120', listIds: ['3', '250'] } });
    assertValidView(view);
    const lists = elementOf(view, 'lists');
    expect(lists).toMatchObject({ type: 'multi_external_select', action_id: LIST_SELECT_ACTION, min_query_length: 0 });
    expect(lists.options).toBeUndefined();
    expect(lists.initial_options).toEqual([
      { text: { type: 'plain_text', text: 'List 003' }, value: '3' }, { text: { type: 'plain_text', text: 'List 250' }, value: '250' },
    ]);
    const template = elementOf(view, 'template');
    expect(template).toMatchObject({ type: 'external_select', action_id: CAMPAIGN_TEMPLATE_PICK_ACTION, min_query_length: 0,
      initial_option: { text: { type: 'plain_text', text: 'Template 120' }, value: '120' } });
  });

  it('offers lists and templates in static selects while they fit, and searches them once there are more', () => {
    const form = (count: number) => campaignFormModal({ channel: 'C1', templates: named(count, 'Template'), lists: named(count, 'List'),
      values: { ...values, templateId: '100', listIds: ['3', '100'] } });
    const fitting = form(100);
    assertValidView(fitting);
    expect(elementOf(fitting, 'lists')).toMatchObject({ type: 'multi_static_select', action_id: LIST_SELECT_ACTION });
    expect(elementOf(fitting, 'lists').options).toHaveLength(100);
    expect(elementOf(fitting, 'lists').initial_options.map((o: { value: string }) => o.value)).toEqual(['3', '100']);
    expect(elementOf(fitting, 'template')).toMatchObject({ type: 'static_select', initial_option: { value: '100' } });
    const more = form(101);
    assertValidView(more);
    expect(elementOf(more, 'lists').type).toBe('multi_external_select');
    expect(elementOf(more, 'lists').initial_options.map((o: { value: string }) => o.value)).toEqual(['3', '100']);
    expect(elementOf(more, 'template')).toMatchObject({ type: 'external_select', initial_option: { value: '100' } });
  });

  it('carries the campaign id when editing', () => {
    const view = campaignFormModal({ channel: 'C9', campaignId: 42n, templates: [{ id: 1n, name: 'T' }], lists: [{ id: 1n, name: 'L' }], values });
    expect(JSON.parse(view.private_metadata ?? '{}')).toEqual({ channel: 'C9', campaignId: '42' });
    expect(view.title.text).toBe('Edit campaign');
  });
});

describe('campaign card', () => {
  const statuses: CampaignStatus[] = ['draft', 'pending_approval', 'approved', 'scheduled', 'sending', 'sent', 'paused', 'cancelled', 'failed'];

  it.each(statuses)('is a valid message in status %s, with a long name and subject', (status) => {
    const card = campaignCard({ campaign: campaign({ status, name: long(255), subject: long(998) }), listNames: [long(255)],
      recipients: { pending: 1, sending: 0, sent: 5, failed: 1, unknown: 2, skipped: 3 }, audience: null, now: NOW });
    assertValidMessageBlocks(card.blocks ?? []);
    expect(card.text).toMatch(/^Campaign “x+”: \w/);
  });

  it('offers the buttons of each state', () => {
    const ids = (c: Campaign) => actionIds(campaignCard({ campaign: c, listNames: ['L'], recipients: null, audience: 12, now: NOW }).blocks ?? []);
    expect(ids(campaign({ status: 'draft' }))).toContain(CAMPAIGN_ACTIONS.requestApproval);
    expect(ids(campaign({ status: 'pending_approval' }))).toEqual(expect.arrayContaining([CAMPAIGN_ACTIONS.approve, CAMPAIGN_ACTIONS.reject]));
    expect(ids(campaign({ status: 'approved' }))).toEqual(expect.arrayContaining([CAMPAIGN_ACTIONS.schedule, CAMPAIGN_ACTIONS.sendNow]));
    expect(ids(campaign({ status: 'approved', scheduled_at: new Date('2030-04-01T00:00:00Z') }))).not.toContain(CAMPAIGN_ACTIONS.schedule);
    expect(ids(campaign({ status: 'scheduled' }))).toEqual(expect.arrayContaining([CAMPAIGN_ACTIONS.pause, CAMPAIGN_ACTIONS.reschedule]));
    expect(ids(campaign({ status: 'paused' }))).toContain(CAMPAIGN_ACTIONS.resume);
    expect(ids(campaign({ status: 'sent' }))).toEqual([CAMPAIGN_ACTIONS.stats]);
  });

  it('shows progress and headline stats once sending', () => {
    const card = campaignCard({ campaign: campaign({ status: 'sending', emails_sent: 5, emails_delivered: 5, open_rate: 40, click_rate: 20 }),
      listNames: ['L'], recipients: { pending: 4, sending: 1, sent: 5, failed: 0, unknown: 0, skipped: 2 }, audience: null, now: NOW });
    const text = textOf(card.blocks);
    expect(text).toContain('5 of 10 sent');
    expect(text).toContain('opens 40%');
  });
});

describe('pre-flight and approval', () => {
  it('pre-flight card reports every check within limits, even with many links', () => {
    const links = Array.from({ length: 300 }, (_, i) => ({ url: `https://acme.test/${long(300)}/${i}`, text: null }));
    const card = preflightCard(campaign(), preflight({ links }));
    assertValidMessageBlocks(card.blocks ?? []);
    const text = textOf(card.blocks);
    expect(text).toContain('1,200 unique');
    expect(text).toContain('300 over the quota');
    expect(text).toContain('`first_name`: missing for 12 recipients');
    expect(text).toContain('No postal address');
    expect(text).toContain('and 290 more');
    expect(actionIds(card.blocks ?? [])).toEqual([CAMPAIGN_ACTIONS.sendTest, CAMPAIGN_ACTIONS.requestApproval]);
  });

  it('approval card mentions the approvers but not the requester', () => {
    const card = approvalRequestCard(campaign({ status: 'pending_approval' }), preflight(), ['UAUTHOR', 'UAPP1', 'UAPP2'], 'UAUTHOR');
    assertValidMessageBlocks(card.blocks ?? []);
    const text = textOf(card.blocks);
    expect(text).toContain('<@UAPP1> <@UAPP2>');
    expect(text).not.toContain('<@UAUTHOR> <@');
  });

  it('approval modal binds the decision to the content hash and stays within limits', () => {
    const preview = { subject: long(998), html: '', text: long(20_000), recipient: 'a@b.test', sample: false };
    const view = approvalModal({ channel: 'C1', campaign: campaign({ status: 'pending_approval' }), listNames: ['L'], preflight: preflight(), preview, decision: 'reject' });
    assertValidView(view);
    expect(JSON.parse(view.private_metadata ?? '{}')).toEqual({ channel: 'C1', campaignId: '7', hash: 'a'.repeat(64) });
    const decision = view.blocks.find((b) => b.block_id === 'decision') as { element: { initial_option: { value: string } } };
    expect(decision.element.initial_option.value).toBe('reject');
  });

  it('the modal shown while the review is prepared has nothing to submit and fits a very long name', () => {
    for (const state of ['checking', 'failed'] as const) {
      const view = approvalPendingModal(campaign({ name: `*${long(300)}*` }), state);
      assertValidView(view);
      expect(view.submit).toBeUndefined();
      expect(textOf(view)).toContain(state === 'checking' ? 'Checking' : 'could not be prepared');
    }
  });
});

describe('prompts', () => {
  it('overdue prompt offers confirm and reschedule', () => {
    const notice = overduePrompt(campaign({ status: 'paused', held_at: NOW }), new Date('2030-05-01T05:00:00Z'));
    assertValidMessageBlocks(notice.blocks ?? []);
    expect(actionIds(notice.blocks ?? [])).toEqual([CAMPAIGN_ACTIONS.resume, CAMPAIGN_ACTIONS.reschedule, CAMPAIGN_ACTIONS.cancel]);
    expect(textOf(notice.blocks)).toContain('Confirm: send now');
  });

  it('send-test and reschedule modals and the campaigns list are valid', () => {
    assertValidView(sendTestModal('C1', campaign({ name: long(255) }), 'me@acme.test'));
    assertValidView(rescheduleModal('C1', campaign(), { sendDate: '2030-05-03', sendTime: '09:30', timezone: 'Europe/Berlin' }));
    const many = Array.from({ length: 500 }, (_, i) => ({ id: BigInt(i), name: `${long(250)}${i}`, status: 'scheduled' as const,
      scheduled_at: NOW, held_at: null, created_by: 'U1' }));
    const listed = campaignsMessage({ campaigns: many, total: 1_200 });
    assertValidMessageBlocks(listed.blocks);
    expect(listed.text).toBe('1,200 campaigns');
    // every campaign is either shown or counted in the last line
    const shown = textOf(listed.blocks).split('\n').filter((line) => line.includes(' — ')).length;
    expect(shown).toBeGreaterThan(0);
    expect(textOf(listed.blocks)).toContain(`…and ${(1_200 - shown).toLocaleString('en-US')} more. \`/herald campaigns <part of a name>\``);
    assertValidMessageBlocks(campaignsMessage({ campaigns: [], total: 0 }).blocks);
    expect(campaignsMessage({ campaigns: [], total: 0 }, 'spring').text).toContain('No campaign’s name contains “spring”');
  });
});
