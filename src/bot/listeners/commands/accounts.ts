import { changeRole, chooseAdminChannel, membersOf, parseRole } from '../../../accounts/members.ts';
import { announceInChannel } from '../../channel-access.ts';
import { standingInSlack } from '../../slack-people.ts';
import { adminChannelAnnouncement, membersMessage } from '../../views/members.ts';
import type { SubcommandGroup } from './router.ts';

/** `<@U123|ann>` (an escaped mention) → U123. */
function mentionedUser(word: string | undefined): string | null {
  return /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/.exec(word ?? '')?.[1] ?? null;
}

export const accountCommands: SubcommandGroup = {
  title: 'People',
  commands: {
    members: {
      usage: '/herald members',
      description: 'List the members of this workspace’s Herald account and their roles.',
      async run(ctx) {
        const { text, blocks } = membersMessage(await membersOf(ctx.services.db.primary, ctx.actor));
        await ctx.reply(text, blocks);
      },
    },
    role: {
      usage: '/herald role @someone approver|editor|admin',
      description: 'Give a member a role (admins only).',
      async run(ctx) {
        const memberId = mentionedUser(ctx.args[0]);
        const role = parseRole(ctx.args[1]);
        if (!memberId || !role || ctx.args.length !== 2) throw ctx.usageError('Name one person and one role.');
        await changeRole(ctx.services.db.primary, ctx.actor, memberId, role, (id) => standingInSlack(ctx.client, id));
        await ctx.reply(`<@${memberId}> is now an ${role}.`);
      },
    },
    'admin-channel': {
      usage: '/herald admin-channel',
      description: 'Post account notices (quota, failures) in this channel (admins only).',
      async run(ctx) {
        const channel = ctx.command.channel_id;
        await chooseAdminChannel(ctx.services.db.primary, ctx.actor, channel, () => announceInChannel(ctx.client, channel, {
          message: adminChannelAnnouncement(ctx.actor.memberId),
          purpose: 'account notices',
          command: `${ctx.command.command} ${ctx.command.text}`,
        }));
        await ctx.reply(`Account notices will be posted in <#${channel}>.`);
      },
    },
  },
};
