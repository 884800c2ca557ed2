import { HOME_SECTIONS, type HomeCampaign, type HomeSection } from '../../db/home.ts';
import type { CampaignHome, HomeSectionPage } from '../../reports/home.ts';
import { button, context, escapeMrkdwn, section, truncate, type Block } from './blocks.ts';
import { formatCount, formatRate, NAME_SHOWN, quotaLine } from './stats.ts';

/** Paging buttons; their value is a HomePageValue. */
export const HOME_PAGE_ACTIONS = { newer: 'home_page_newer', older: 'home_page_older' } as const;

const TITLES: Record<HomeSection, string> = {
  drafts: 'Your drafts',
  approvals: 'Awaiting your approval',
  scheduled: 'Scheduled',
  sent: 'Recently sent',
};

const EMPTY: Record<HomeSection, string> = {
  drafts: 'No drafts. `/herald campaign new` starts one.',
  approvals: 'Nothing waits for your approval.',
  scheduled: 'Nothing is scheduled.',
  sent: 'Nothing sent yet.',
};

const slackDate = (date: Date) => `<!date^${Math.floor(date.getTime() / 1000)}^{date_short_pretty} {time}|${date.toISOString()}>`;

/** When a sent campaign ended, and how, unless it simply finished. */
function ending(c: HomeCampaign): string {
  const when = c.sent_at ? slackDate(c.sent_at) : '';
  return [c.status === 'sent' ? '' : c.status, when].filter(Boolean).join(' ');
}

function campaignLine(c: HomeCampaign): string {
  const name = `*${escapeMrkdwn(truncate(c.name, NAME_SHOWN))}*`;
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

function sectionBlocks(name: HomeSection, page: HomeSectionPage, pageSize: number): Block[] {
  const title = `*${TITLES[name]}*${page.total > 0 ? ` (${formatCount(page.total)})` : ''}`;
  const lines = page.items.length > 0 ? page.items.map(campaignLine) : [EMPTY[name]];
  return [{ type: 'divider' }, section([title, ...lines].join('\n')), ...pager(name, page, pageSize)];
}

/**
 * The campaign part of the App Home: a page of each section (a fixed number of blocks, so
 * an account with any number of campaigns stays under the 100-block limit) with buttons
 * to page through the rest, and the quota.
 */
export function campaignHomeBlocks(home: CampaignHome): Block[] {
  const shown = HOME_SECTIONS.filter((name) => name !== 'approvals' || home.canApprove);
  return [...shown.flatMap((name) => sectionBlocks(name, home.sections[name], home.pageSize)), { type: 'divider' }, section(quotaLine(home.quota))];
}
