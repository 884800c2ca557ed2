import type { DigestSubscription } from '../../db/digests.ts';
import type { PeriodTotals } from '../../db/reports.ts';
import { scheduleOf, type Digest, type ListChange, type PlannedDigest } from '../../reports/digests.ts';
import { periodLength, WEEKDAYS, type DigestSchedule } from '../../reports/schedule.ts';
import { percent } from '../../reports/stats.ts';
import { context, escapeMrkdwn, header, section, sectionsOf, truncate, type Block } from './blocks.ts';
import { formatCount, formatRate, NAME_SHOWN, type Message } from './stats.ts';

const LISTS_SHOWN = 10;

const slackDate = (date: Date) => `<!date^${Math.floor(date.getTime() / 1000)}^{date_short_pretty} {time}|${date.toISOString()}>`;

const openRate = (t: PeriodTotals) => percent(t.opened, t.delivered);
const clickRate = (t: PeriodTotals) => percent(t.clicked, t.delivered);

function change(current: number, previous: number, unit: string): string {
  const delta = Math.round((current - previous) * 10) / 10;
  if (delta === 0) return 'no change';
  return `${delta > 0 ? '▲' : '▼'} ${formatCount(Math.abs(delta))}${unit}`;
}

function summary(digest: Digest): string {
  const { current: now, previous: before } = digest;
  const previousName = `the ${periodLength(digest.period)} before`;
  return [
    `*${formatCount(now.campaigns)}* campaign${now.campaigns === 1 ? '' : 's'} sent, *${formatCount(now.sent)}* emails (${change(now.sent, before.sent, '')} vs ${previousName})`,
    `Open rate *${formatRate(openRate(now))}* (${change(openRate(now), openRate(before), ' pts')})`,
    `Click rate *${formatRate(clickRate(now))}* (${change(clickRate(now), clickRate(before), ' pts')})`,
  ].join('\n');
}

function campaignLines(digest: Digest): string[] {
  const lines = digest.campaigns.map(
    (c) =>
      `• *${escapeMrkdwn(truncate(c.name, NAME_SHOWN))}*${c.status === 'sent' ? '' : ` (${c.status})`} — ${formatCount(c.emails_sent)} sent · ` +
      `${formatRate(c.open_rate)} opened · ${formatRate(c.click_rate)} clicked · ${formatRate(c.bounce_rate)} bounced`,
  );
  const more = digest.current.campaigns - digest.campaigns.length;
  if (more > 0) lines.push(`…and ${formatCount(more)} more (\`/herald stats\`)`);
  return lines;
}

function listLine(change: ListChange): string {
  const delta = change.after - change.before;
  return `• ${escapeMrkdwn(truncate(change.name, NAME_SHOWN))}: ${formatCount(change.before)} → ${formatCount(change.after)} (${delta > 0 ? '+' : '−'}${formatCount(Math.abs(delta))})`;
}

function listSection(changes: Digest['listChanges']): string[] {
  if (changes === null) return ['*Lists*', 'List growth is reported from the next digest on.'];
  if (changes.length === 0) return ['*Lists*', 'No list grew or shrank.'];
  const grew = changes.filter((c) => c.after > c.before);
  const shrank = changes.filter((c) => c.after < c.before);
  return [...listGroup('*Lists that grew*', grew), ...listGroup('*Lists that shrank*', shrank)];
}

/** The lists that changed most, largest change first; the rest counted. */
function listGroup(title: string, changes: readonly ListChange[]): string[] {
  if (changes.length === 0) return [];
  const largest = [...changes].sort((a, b) => Math.abs(b.after - b.before) - Math.abs(a.after - a.before));
  const more = changes.length - LISTS_SHOWN;
  return [title, ...largest.slice(0, LISTS_SHOWN).map(listLine), ...(more > 0 ? [`…and ${formatCount(more)} more`] : [])];
}

/** The digest posted to a subscribed channel; its chart follows in the thread. */
export function digestMessage(digest: Digest): Message {
  const title = digest.frequency === 'daily' ? 'Daily email digest' : 'Weekly email digest';
  const blocks: Block[] = [
    header(title),
    context(`${slackDate(digest.period.from)} – ${slackDate(digest.period.to)}`),
    section(summary(digest)),
    ...(digest.campaigns.length > 0 ? sectionsOf(['*Campaigns sent*', ...campaignLines(digest)]) : [section('No campaign finished sending in this period.')]),
    ...sectionsOf(listSection(digest.listChanges)),
  ];
  const text = `${title}: ${digest.current.campaigns} campaigns, ${digest.current.sent} emails, ${formatRate(openRate(digest.current))} opened`;
  return { text, blocks };
}

function describeSchedule(s: DigestSchedule): string {
  const when = s.frequency === 'daily' ? `daily at ${s.timeOfDay}` : `weekly on ${capitalize(WEEKDAYS[s.weekday] ?? 'monday')} at ${s.timeOfDay}`;
  return `${when} (${s.timezone})`;
}

export function describeSubscription(s: DigestSubscription): string {
  return `#${s.id} — ${describeSchedule(scheduleOf(s))} in <#${s.channel_id}>, next ${slackDate(s.next_run_at)}`;
}

/** Posted in the channel when someone subscribes it (the post that shows Herald can post there). */
export function digestAnnouncement(memberId: string, planned: PlannedDigest): Message {
  const text = `<@${memberId}> subscribed this channel to Herald’s email digest: ${describeSchedule(planned.schedule)}, first ${slackDate(planned.nextRunAt)}.`;
  return { text, blocks: [section(text)] };
}

const capitalize = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

export function digestListMessage(subscriptions: readonly DigestSubscription[]): Message {
  if (subscriptions.length === 0) {
    return { text: 'No digest subscriptions yet.', blocks: [section('No digest subscriptions yet. Try `/herald digest subscribe weekly 09:00`.')] };
  }
  return {
    text: `${subscriptions.length} digest subscription(s)`,
    blocks: [...sectionsOf(['*Digest subscriptions*', ...subscriptions.map(describeSubscription)]), context('`/herald digest unsubscribe <number>` removes one.')],
  };
}
