import { z } from 'zod';
import { listMembers, findMember, imChannelId, type SandboxChannel, type SandboxMember } from '../../db/sandbox/workspace.ts';
import type { SandboxContext } from '../context.ts';
import { resolveChannel } from '../conversation.ts';
import { APP, TEAM } from '../workspace.ts';
import { ApiError, parseArguments } from './arguments.ts';
import type { WebApiMethods } from './methods.ts';

/** Seconds east of UTC of a time zone right now, and its label (for users.info). */
function timeZoneOffset(timeZone: string, at = new Date()): { offset: number; label: string } {
  const part = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(part ?? '');
  const offset = match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 3600 + Number(match[3]) * 60) : 0;
  return { offset, label: part ?? 'GMT' };
}

function memberObject(member: SandboxMember): Record<string, unknown> {
  const zone = timeZoneOffset(member.timezone);
  return {
    id: member.id,
    team_id: TEAM.id,
    name: member.name,
    real_name: member.real_name,
    deleted: false,
    is_bot: member.is_bot,
    is_restricted: false,
    is_ultra_restricted: false,
    is_app_user: false,
    is_admin: false,
    tz: member.timezone,
    tz_label: zone.label,
    tz_offset: zone.offset,
    profile: {
      real_name: member.real_name,
      display_name: member.name,
      email: member.email,
      title: member.title,
      team: TEAM.id,
    },
  };
}

function channelObject(channel: SandboxChannel): Record<string, unknown> {
  const im = channel.im_member !== null;
  return {
    id: channel.id,
    name: im ? undefined : channel.name,
    is_channel: !im,
    is_im: im,
    is_private: false,
    is_member: true,
    ...(im ? { user: channel.im_member } : {}),
  };
}

const UserArgs = z.object({ user: z.string().min(1) });
const ChannelArgs = z.object({ channel: z.string().min(1) });
const OpenArgs = z.object({ users: z.string().min(1) });

export const directoryMethods: WebApiMethods = {
  async 'auth.test'(ctx) {
    return { url: `${ctx.baseUrl}/sandbox/`, team: TEAM.name, user: 'herald', team_id: TEAM.id, user_id: APP.botUserId, bot_id: APP.botId, is_enterprise_install: false };
  },

  async 'team.info'() {
    return { team: { id: TEAM.id, name: TEAM.name, domain: TEAM.domain } };
  },

  async 'users.info'(ctx, raw) {
    const args = parseArguments(UserArgs, raw);
    const member = await findMember(ctx.db, args.user);
    if (!member) throw new ApiError('user_not_found');
    return { user: memberObject(member) };
  },

  async 'users.list'(ctx) {
    return { members: (await listMembers(ctx.db)).map(memberObject), response_metadata: { next_cursor: '' } };
  },

  async 'conversations.info'(ctx, raw) {
    const args = parseArguments(ChannelArgs, raw);
    return { channel: channelObject(await resolveChannel(ctx.db, args.channel)) };
  },

  async 'conversations.join'(ctx, raw) {
    const args = parseArguments(ChannelArgs, raw);
    return { channel: channelObject(await resolveChannel(ctx.db, args.channel)) };
  },

  async 'conversations.open'(ctx, raw) {
    const args = parseArguments(OpenArgs, raw);
    const [user, ...others] = args.users.split(',');
    if (others.length > 0 || !user || !(await findMember(ctx.db, user))) throw new ApiError('user_not_found');
    return { channel: { id: imChannelId(user) } };
  },
};
