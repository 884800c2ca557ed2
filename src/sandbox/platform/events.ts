import { homeView } from '../../db/sandbox/views.ts';
import { imChannelId, type SandboxMember } from '../../db/sandbox/workspace.ts';
import type { SandboxContext } from '../context.ts';
import { token } from '../ids.ts';
import type { AppFeatures } from '../manifest.ts';
import { viewObject } from '../web-api/views.ts';
import { APP, TEAM } from '../workspace.ts';
import { outcomeOf, type Outcome } from './commands.ts';
import { deliver } from './deliver.ts';
import { VERIFICATION_TOKEN } from './payloads.ts';

/** Posts an Events API event (JSON, signed) — only one the app subscribes to, as Slack does. */
async function deliverEvent(ctx: SandboxContext, features: AppFeatures, event: { type: string } & Record<string, unknown>): Promise<Outcome> {
  if (!features.botEvents.includes(event.type)) return { ok: true };
  const now = Date.now() / 1000;
  const body = JSON.stringify({
    token: VERIFICATION_TOKEN,
    team_id: TEAM.id,
    api_app_id: APP.id,
    event: { ...event, event_ts: now.toFixed(6) },
    type: 'event_callback',
    event_id: `Ev${token(8).toUpperCase()}`,
    event_time: Math.floor(now),
    authorizations: [{ enterprise_id: null, team_id: TEAM.id, user_id: APP.botUserId, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  });
  return outcomeOf(await deliver(ctx, body, 'json'));
}

/** Opening the app's Home tab: app_home_opened. */
export async function openHome(ctx: SandboxContext, features: AppFeatures, member: SandboxMember): Promise<Outcome> {
  const home = await homeView(ctx.db, member.id);
  return deliverEvent(ctx, features, {
    type: 'app_home_opened',
    user: member.id,
    channel: imChannelId(member.id),
    tab: 'home',
    ...(home ? { view: viewObject(home) } : {}),
  });
}

/** A member shared a file in a channel: file_shared. */
export async function fileShared(ctx: SandboxContext, features: AppFeatures, member: SandboxMember, channelId: string, fileId: string): Promise<Outcome> {
  return deliverEvent(ctx, features, { type: 'file_shared', channel_id: channelId, file_id: fileId, user_id: member.id, file: { id: fileId } });
}
