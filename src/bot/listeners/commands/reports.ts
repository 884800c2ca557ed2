import { listDigests, subscribeToDigest, unsubscribeFromDigest } from '../../../reports/digests.ts';
import { FREQUENCIES, WEEKDAYS, type Frequency } from '../../../reports/schedule.ts';
import { accountOverview, campaignStats } from '../../../reports/stats.ts';
import { announceInChannel } from '../../channel-access.ts';
import { describeSubscription, digestAnnouncement, digestListMessage } from '../../views/digest.ts';
import { accountStatsMessage, campaignStatsMessage } from '../../views/stats.ts';
import type { CommandContext, SubcommandGroup } from './router.ts';

/** `<#C123|general>` or `<#C123>` (an escaped channel mention) → C123. */
function mentionedChannel(word: string): string | null {
  return /^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(word)?.[1] ?? null;
}

const weekdayOf = (word: string) => WEEKDAYS.findIndex((day) => day.startsWith(word.toLowerCase()) && word.length >= 3);

type SubscribeArgs = { frequency: Frequency; timeOfDay: string; weekday: number; channelId: string | null };

/** `daily|weekly [monday] [HH:MM] [#channel]`, in any order after the frequency. */
function parseSubscribeArgs(ctx: CommandContext): SubscribeArgs {
  const [frequency, ...rest] = ctx.args;
  if (!FREQUENCIES.includes(frequency as Frequency)) throw ctx.usageError('Say how often: daily or weekly.');
  const parsed: SubscribeArgs = { frequency: frequency as Frequency, timeOfDay: '09:00', weekday: 1, channelId: null };
  for (const word of rest) {
    const channel = mentionedChannel(word);
    if (channel) parsed.channelId = channel;
    else if (/^\d{1,2}:\d{2}$/.test(word)) parsed.timeOfDay = word;
    else if (parsed.frequency === 'weekly' && weekdayOf(word) >= 0) parsed.weekday = weekdayOf(word);
    else throw ctx.usageError(`I don't understand “${word}”.`);
  }
  return parsed;
}

async function slackTimezone(ctx: CommandContext): Promise<string> {
  const info = await ctx.client.users.info({ user: ctx.actor.memberId });
  return info.user?.tz ?? 'UTC';
}

export const reportCommands: SubcommandGroup = {
  title: 'Reports',
  commands: {
    stats: {
      usage: '/herald stats [campaign]',
      description: 'Post a campaign’s numbers in the channel; without a name, your last 10 campaigns and this month’s quota.',
      async run(ctx) {
        const name = ctx.args.join(' ').trim();
        const db = ctx.services.db.read;
        const message = name
          ? campaignStatsMessage(await campaignStats(db, ctx.actor.userId, { name }))
          : accountStatsMessage(await accountOverview(db, ctx.actor.userId));
        await ctx.respond({ response_type: 'in_channel', text: message.text, blocks: message.blocks as never });
      },
    },
    'digest subscribe': {
      usage: '/herald digest subscribe daily|weekly [monday] [HH:MM] [#channel]',
      description: 'Post a digest of sent campaigns, with a chart, at that time of your time zone (default 09:00, Mondays, this channel).',
      async run(ctx) {
        const args = parseSubscribeArgs(ctx);
        const subscription = await subscribeToDigest(
          ctx.services.db.primary,
          {
            userId: ctx.actor.userId,
            memberId: ctx.actor.memberId,
            channelId: args.channelId ?? ctx.command.channel_id,
            frequency: args.frequency,
            timeOfDay: args.timeOfDay,
            weekday: args.weekday,
            timezone: await slackTimezone(ctx),
          },
          new Date(),
          (planned) => announceInChannel(ctx.client, planned.channelId, {
            message: digestAnnouncement(ctx.actor.memberId, planned),
            purpose: 'your digest',
            command: `${ctx.command.command} ${ctx.command.text}`,
          }),
        );
        await ctx.reply(`Subscribed: ${describeSubscription(subscription)}.`);
      },
    },
    'digest list': {
      usage: '/herald digest list',
      description: 'Show this account’s digest subscriptions.',
      async run(ctx) {
        const message = digestListMessage(await listDigests(ctx.services.db.primary, ctx.actor.userId));
        await ctx.reply(message.text, message.blocks);
      },
    },
    'digest unsubscribe': {
      usage: '/herald digest unsubscribe <number>',
      description: 'Stop a digest (numbers are in `/herald digest list`).',
      async run(ctx) {
        const number = /^#?(\d{1,18})$/.exec(ctx.args[0] ?? '')?.[1];
        if (!number || ctx.args.length !== 1) throw ctx.usageError('Name the subscription’s number.');
        await unsubscribeFromDigest(ctx.services.db.primary, ctx.actor.userId, BigInt(number));
        await ctx.reply(`Digest #${number} stopped.`);
      },
    },
  },
};
