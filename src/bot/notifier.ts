import type { WebClient } from '@slack/web-api';
import { findWorkspaceOfAccount } from '../db/accounts.ts';
import { findCampaignCard } from '../db/slack-threads.ts';
import { refreshOpenHomes } from './home.ts';
import { postInChannel } from './post.ts';
import type { CampaignChange, CampaignRef, Notice, Notifier } from '../notify/notifier.ts';
import type { Services } from '../services.ts';

/** Renders a campaign's status card from the database (provided by the campaigns code). */
export type CardRenderer = (userId: string, campaignId: bigint) => Promise<Notice>;

/** The Notifier on the Slack Web API: threads under campaign cards, the account's admin channel. */
export function createSlackNotifier(services: Services, client: WebClient, renderCard?: CardRenderer): Notifier {
  const db = services.db.primary;
  return {
    async campaignThread(ref: CampaignRef, notice: Notice) {
      const card = await findCampaignCard(db, ref.userId, ref.campaignId);
      if (!card) return;
      await client.chat.postMessage({
        channel: card.slack_channel_id,
        thread_ts: card.slack_message_ts,
        text: notice.text,
        blocks: notice.blocks as never,
      });
    },
    async refreshCampaignCard(ref: CampaignRef, change: CampaignChange = 'status') {
      if (!renderCard) return;
      const card = await findCampaignCard(db, ref.userId, ref.campaignId);
      if (!card) return;
      const notice = await renderCard(ref.userId, ref.campaignId);
      await client.chat.update({
        channel: card.slack_channel_id,
        ts: card.slack_message_ts,
        text: notice.text,
        blocks: notice.blocks as never,
      });
      // the App Homes list campaigns by status: a change of counters alone waits for the member's next look
      if (change === 'counters') return;
      await refreshOpenHomes(services, client, ref.userId).catch((error: unknown) =>
        services.log.warn({ err: error, userId: ref.userId }, 'App Home not refreshed'));
    },
    async adminChannel(userId: string, notice: Notice) {
      const workspace = await findWorkspaceOfAccount(db, userId);
      if (!workspace?.admin_channel_id) return;
      // where Herald cannot post (a private channel it was removed from), the member who installed it is told
      await postInChannel(client, { channel: workspace.admin_channel_id, memberId: workspace.installed_by }, notice);
    },
  };
}
