import { findFiles } from '../../db/sandbox/files.ts';
import { channelTimeline, threadMessages, type SandboxMessage } from '../../db/sandbox/messages.ts';
import { homeView, modalStack } from '../../db/sandbox/views.ts';
import { imChannelId, listChannels, listMembers, type SandboxMember } from '../../db/sandbox/workspace.ts';
import type { SandboxContext } from '../context.ts';
import type { AppFeatures } from '../manifest.ts';
import type { BlockContext } from '../render/blocks.ts';
import { renderThread, renderTimeline, type TimelineContext } from '../render/messages.ts';
import { renderHome, renderModal } from '../render/views.ts';

export type PageQuery = { member: SandboxMember; channelId: string; threadTs: string | null; home: boolean };

export type PageState = {
  boot: string;
  version: number;
  channelTitle: string;
  timeline: string;
  thread: string | null;
  home: string | null;
  modal: { id: string; hash: string; html: string } | null;
};

async function blockContext(ctx: SandboxContext): Promise<BlockContext & { members: Map<string, SandboxMember> }> {
  const [members, channels] = await Promise.all([listMembers(ctx.db), listChannels(ctx.db)]);
  const byId = new Map(members.map((m) => [m.id, m]));
  const channelNames = new Map(channels.map((c) => [c.id, c.im_member ? (byId.get(c.im_member)?.name ?? c.name) : c.name]));
  return {
    members: byId,
    names: { member: (id) => byId.get(id)?.real_name, channel: (id) => channelNames.get(id) },
    directory: {
      members: members.filter((m) => !m.is_bot),
      channels: channels.map((c) => ({ id: c.id, name: channelNames.get(c.id) ?? c.name, im: c.im_member !== null })),
    },
  };
}

async function timelineContext(ctx: SandboxContext, viewer: SandboxMember, features: AppFeatures, messages: readonly SandboxMessage[]): Promise<TimelineContext> {
  const base = await blockContext(ctx);
  const files = await findFiles(ctx.db, messages.flatMap((m) => m.file_ids));
  return { ...base, viewer, files: new Map(files.map((f) => [f.id, f])), messageShortcuts: features.messageShortcuts };
}

/** Everything the page shows for one member at one moment, rendered to HTML fragments. */
export async function pageState(ctx: SandboxContext, features: AppFeatures, query: PageQuery): Promise<PageState> {
  const version = ctx.changes.version();
  const { member } = query;
  const channelId = query.home ? imChannelId(member.id) : query.channelId;
  const [timeline, thread, stack, home, channels] = await Promise.all([
    channelTimeline(ctx.db, channelId, member.id),
    query.threadTs ? threadMessages(ctx.db, channelId, query.threadTs, member.id) : Promise.resolve(null),
    modalStack(ctx.db, member.id),
    query.home ? homeView(ctx.db, member.id) : Promise.resolve(null),
    listChannels(ctx.db),
  ]);
  const render = await timelineContext(ctx, member, features, [...timeline, ...(thread ?? [])]);
  const top = stack.at(-1);
  const channel = channels.find((c) => c.id === channelId);
  return {
    boot: ctx.changes.boot,
    version,
    channelTitle: query.home ? 'Herald' : `# ${channel?.name ?? channelId}`,
    timeline: renderTimeline(timeline, render).value,
    thread: thread ? renderThread(thread, render).value : null,
    home: query.home ? renderHome(home, render).value : null,
    modal: top ? { id: top.id, hash: top.hash, html: renderModal(top, render).value } : null,
  };
}
