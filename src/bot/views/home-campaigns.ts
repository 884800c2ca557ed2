import { HOME_SECTIONS, SCHEDULED_SOON_HOURS, type HomeCampaign, type HomeSection } from '../../db/home.ts';
import type { CampaignHome, HomeSectionPage } from '../../reports/home.ts';
import { button, context, escapeMrkdwn, section, truncate, type Block } from './blocks.ts';
import { formatCount, formatRate, NAME_SHOWN, quotaLine } from './stats.ts';

/** Paging buttons; their value is a HomePageValue. */
export const HOME_PAGE_ACTIONS = { newer: 'home_page_newer', older: 'home_page_older' } as const;

const TITLES: Record<HomeSection, string> = {
  attention: 'In progress / needs attention',
  drafts: 'Your drafts',
  requests: 'Your approval requests',
  approvals: 'Awaiting your approval',
  scheduled: 'Scheduled later',
  sent: 'Recently sent',
};

const EMPTY: Record<HomeSection, string> = {
  attention: `Nothing is being sent, paused, approved and waiting, or due in the next ${SCHEDULED_SOON_HOURS} hours.`,
  drafts: 'No drafts. `/herald campaign new` starts one.',
  requests: 'None of your campaigns waits for approval.',
  approvals: 'Nothing waits for your approval.',
  scheduled: `Nothing is scheduled beyond the next ${SCHEDULED_SOON_HOURS} hours.`,
  sent: 'Nothing sent yet.',
};

const slackDate = (date: Date) => `<!date^${Math.floor(date.getTime() / 1000)}^{date_short_pretty} {time}|${date.toISOString()}>`;

/** When a sent campaign ended, and how, unless it simply finished. */
function ending(c: HomeCampaign): string {
  const when = c.sent_at ? slackDate(c.sent_at) : '';
  return [c.status === 'sent' ? '' : c.status, when].filter(Boolean).join(' ');
}

const progress = (c: HomeCampaign) => `${formatCount(c.emails_sent)} of ${formatCount(c.recipients_total)} sent`;

/** Why a paused campaign stopped, and who can start it again. */
function pausedLine(c: HomeCampaign, canApprove: boolean): string {
  const sent = c.emails_sent > 0 ? `${progress(c)}, ` : '';
  if (c.held_at) return `${sent}held: its send time passed while Herald was down — anyone can resume it (it sends at once), reschedule or cancel it`;
  if (c.paused_by_action === 'auto_pause') {
    return `${sent}paused by Herald for its bounces or complaints — ${canApprove ? 'you' : 'only an approver or admin'} can resume it; anyone can cancel it`;
  }
  if (c.paused_by_action === 'pause_sending') {
    return `${sent}paused by Herald: ${escapeMrkdwn(c.pause_reason ?? 'sending stopped')} — anyone can resume it once that is resolved`;
  }
  return `${sent}paused${c.paused_by ? ` by <@${c.paused_by}>` : ''} — anyone can resume or cancel it`;
}

function attentionLine(c: HomeCampaign, canApprove: boolean): string {
  switch (c.status) {
    case 'paused':
      return pausedLine(c, canApprove);
    case 'approved':
      return `approved${c.approved_by ? ` by <@${c.approved_by}>` : ''}${c.scheduled_at ? ` for ${slackDate(c.scheduled_at)}` : ''} — anyone can schedule it or send it now`;
    case 'sending':
      return `sending${c.recipients_total > 0 ? `, ${progress(c)}` : ''} — anyone can pause or cancel it`;
    default:
      return `sends ${c.scheduled_at ? slackDate(c.scheduled_at) : 'soon'} — anyone can pause or cancel it before then`;
  }
}

function campaignLine(c: HomeCampaign, canApprove: boolean): string {
  const name = `*${escapeMrkdwn(truncate(c.name, NAME_SHOWN))}*`;
  if (c.section === 'attention') return `• ${name} — ${attentionLine(c, canApprove)}`;
  if (c.section === 'sent') {
    const ended = ending(c);
    return `• ${name} — ${formatCount(c.emails_sent)} sent · ${formatRate(c.open_rate)} opened · ${formatRate(c.click_rate)} clicked${ended ? ` · ${ended}` : ''}`;
  }
  if (c.section === 'scheduled' && c.scheduled_at) return `• ${name} — ${slackDate(c.scheduled_at)}`;
  return `• ${name}`;
}

export type HomePageValue = { section: HomeSection; page: number };

function pager(sectionName: HomeSection, page: HomeSectionPage, pageSize: number): Block[] {
  const shownUpTo = page.page * pageSize + page.items.length;
  const value = (target: number) => JSON.stringify({ section: sectionName, page: target } satisfies HomePageValue);
  const buttons = [
    ...(page.page > 0 ? [button('← Newer', HOME_PAGE_ACTIONS.newer, value(page.page - 1))] : []),
    ...(shownUpTo < page.total ? [button(`More (${formatCount(page.total - shownUpTo)}) →`, HOME_PAGE_ACTIONS.older, value(page.page + 1))] : []),
  ];
  if (buttons.length === 0) return [];
  return [
    context(`Showing ${formatCount(page.page * pageSize + 1)}–${formatCount(shownUpTo)} of ${formatCount(page.total)}`),
    { type: 'actions', block_id: `home_page_${sectionName}`, elements: buttons },
  ];
}

function sectionBlocks(name: HomeSection, page: HomeSectionPage, home: CampaignHome): Block[] {
  const title = `*${TITLES[name]}*${page.total > 0 ? ` (${formatCount(page.total)})` : ''}`;
  const lines = page.items.length > 0 ? page.items.map((c) => campaignLine(c, home.canApprove)) : [EMPTY[name]];
  return [{ type: 'divider' }, section([title, ...lines].join('\n')), ...pager(name, page, home.pageSize)];
}

/**
 * The campaign part of the App Home: a page of each section (a fixed number of blocks, so
 * an account with any number of campaigns stays under the 100-block limit) with buttons
 * to page through the rest, and the quota.
 */
export function campaignHomeBlocks(home: CampaignHome): Block[] {
  const shown = HOME_SECTIONS.filter((name) => name !== 'approvals' || home.canApprove);
  return [...shown.flatMap((name) => sectionBlocks(name, home.sections[name], home)), { type: 'divider' }, section(quotaLine(home.quota))];
}
